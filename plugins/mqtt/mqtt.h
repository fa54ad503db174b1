/* mqtt: the pure half of Falcosidekick's mqtt output: reading `broker`
 * the way Falcosidekick's MQTT client (Eclipse Paho) does, and the client
 * id it presents. The connection lives in mqtt_plugin.c. */
#ifndef MQTT_H
#define MQTT_H

#include <stdbool.h>
#include <stddef.h>

#include "sk_err.h"

#define MQTT_DEFAULT_TOPIC "falco/events"
#define MQTT_PORT 1883
#define MQTT_TLS_PORT 8883

/* A parsed `broker`. */
typedef struct mqtt_broker {
	char host[256]; /* without IPv6 brackets */
	int port;
	bool tls;
	bool has_user;      /* the URL carried user[:password]@ */
	char user[256];     /* percent-decoded */
	char password[256]; /* percent-decoded, "" when absent */
} mqtt_broker;

/* Parses broker as Paho reads it: "tcp://host:port" (also mqtt://),
 * "ssl://host:port" (also tls://, mqtts://, tcps://, mqtt+ssl://); no
 * scheme means tcp://, a leading ':' means 127.0.0.1. "user:password@"
 * before the host is kept in *out, "[v6]" hosts lose their brackets, a path
 * is ignored. A missing port is 1883 (8883 with TLS). WebSocket (ws://,
 * wss://) and unix:// are refused: libmosquitto has no such client.
 * Returns SK_OK, or SK_EINVAL/SK_EUNSUPP with err set. */
sk_err mqtt_parse_broker(const char *broker, mqtt_broker *out, char *err, size_t errlen);

/* Writes Falcosidekick's client id, "falcosidekick-" and the six hex
 * digits of random[0..2], into buf (at least 21 bytes). Returns SK_OK, or
 * SK_ERANGE when buf is too small. */
sk_err mqtt_client_id(char *buf, size_t n, const unsigned char random[3]);

#endif
