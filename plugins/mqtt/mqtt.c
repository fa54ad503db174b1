#include "mqtt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spl_util.h"

typedef struct mqtt_scheme {
	const char *name;
	bool tls;
	bool supported;
} mqtt_scheme;

/* The schemes Paho dials, and whether libmosquitto can too. */
static const mqtt_scheme mqtt_schemes[] = {
	{"tcp", false, true},  {"mqtt", false, true},  {"ssl", true, true},   {"tls", true, true},
	{"mqtts", true, true}, {"tcps", true, true},   {"mqtt+ssl", true, true}, {"ws", false, false},
	{"wss", true, false},  {"unix", false, false}, {NULL, false, false},
};

/* Copies len bytes of s into dst (n bytes) undoing %XX escapes, as Go's
 * URL parser does for user info. */
static sk_err mqtt_unescape(char *dst, size_t n, const char *s, size_t len)
{
	size_t out = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi = i + 2 < len ? sk_hex_digit(s[i + 1]) : -1;
			int lo = hi >= 0 ? sk_hex_digit(s[i + 2]) : -1;

			if (hi < 0 || lo < 0) {
				return SK_EINVAL;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (out + 1 >= n) {
			return SK_ERANGE;
		}
		dst[out++] = c;
	}
	dst[out] = '\0';
	return SK_OK;
}

/* Fills user and password from "user[:password]" (len bytes at s). */
static sk_err mqtt_parse_userinfo(mqtt_broker *out, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	size_t user_len = colon != NULL ? (size_t)(colon - s) : len;
	sk_err rc = mqtt_unescape(out->user, sizeof(out->user), s, user_len);

	if (rc == SK_OK && colon != NULL) {
		rc = mqtt_unescape(out->password, sizeof(out->password), colon + 1, len - user_len - 1);
	}
	out->has_user = rc == SK_OK;
	return rc;
}

/* Fills host and port from "host[:port]" or "[v6][:port]" (len bytes). */
static sk_err mqtt_parse_hostport(mqtt_broker *out, const char *s, size_t len)
{
	const char *host = s, *port = NULL;
	size_t host_len = len;

	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (close == NULL) {
			return SK_EINVAL;
		}
		host = s + 1;
		host_len = (size_t)(close - host);
		if (close + 1 < s + len) {
			if (close[1] != ':') {
				return SK_EINVAL;
			}
			port = close + 2;
		}
	} else {
		const char *colon = memchr(s, ':', len);

		if (colon != NULL) {
			host_len = (size_t)(colon - s);
			port = colon + 1;
		}
	}
	if (host_len == 0 || host_len >= sizeof(out->host)) {
		return SK_EINVAL;
	}
	memcpy(out->host, host, host_len);
	out->host[host_len] = '\0';
	if (port != NULL) {
		size_t port_len = (size_t)(s + len - port);
		long value = 0;

		if (port_len == 0 || port_len > 5 || strspn(port, "0123456789") < port_len) {
			return SK_EINVAL;
		}
		for (size_t i = 0; i < port_len; i++) {
			value = value * 10 + (port[i] - '0');
		}
		if (value < 1 || value > 65535) {
			return SK_EINVAL;
		}
		out->port = (int)value;
	}
	return SK_OK;
}

/* Copies broker into shown with any user info masked, for messages. */
static void mqtt_redact(char *shown, size_t n, const char *broker)
{
	const char *sep = strstr(broker, "://");
	const char *authority = sep != NULL ? sep + 3 : broker;
	const char *end = authority + strcspn(authority, "/?#");
	const char *at = memrchr(authority, '@', (size_t)(end - authority));

	if (at == NULL) {
		snprintf(shown, n, "%s", broker);
	} else {
		snprintf(shown, n, "%.*s***%s", (int)(authority - broker), broker, at);
	}
}

sk_err mqtt_parse_broker(const char *broker, mqtt_broker *out, char *err, size_t errlen)
{
	const char *rest = broker, *sep = strstr(broker, "://");
	const mqtt_scheme *scheme = &mqtt_schemes[0]; /* tcp:// when none is given */
	const char *at, *end, *authority;
	char local[300], shown[300];

	memset(out, 0, sizeof(*out));
	mqtt_redact(shown, sizeof(shown), broker);
	/* ":1883" is the local broker, as Paho reads it. */
	if (broker[0] == ':') {
		snprintf(local, sizeof(local), "127.0.0.1%s", broker);
		rest = local;
	} else if (sep != NULL) {
		size_t name_len = (size_t)(sep - broker);

		scheme = NULL;
		for (size_t i = 0; mqtt_schemes[i].name != NULL; i++) {
			if (strlen(mqtt_schemes[i].name) == name_len &&
			    strncasecmp(mqtt_schemes[i].name, broker, name_len) == 0) {
				scheme = &mqtt_schemes[i];
				break;
			}
		}
		if (scheme == NULL) {
			snprintf(err, errlen, "broker '%s': want tcp://host:port or ssl://host:port", shown);
			return SK_EINVAL;
		}
		if (!scheme->supported) {
			snprintf(err, errlen, "broker '%s': %s:// is not supported (libmosquitto speaks TCP and TLS only)",
				 shown, scheme->name);
			return SK_EUNSUPP;
		}
		rest = sep + 3;
	}
	out->tls = scheme->tls;
	out->port = out->tls ? MQTT_TLS_PORT : MQTT_PORT;
	/* The authority ends at the path, if any. */
	end = rest + strcspn(rest, "/?#");
	at = memrchr(rest, '@', (size_t)(end - rest));
	if (at != NULL && mqtt_parse_userinfo(out, rest, (size_t)(at - rest)) != SK_OK) {
		snprintf(err, errlen, "broker '%s': bad user info (a %% escape, or too long)", shown);
		return SK_EINVAL;
	}
	authority = at != NULL ? at + 1 : rest;
	if (mqtt_parse_hostport(out, authority, (size_t)(end - authority)) != SK_OK) {
		snprintf(err, errlen, "broker '%s': want [scheme://]host[:port] (port 1..65535)", shown);
		return SK_EINVAL;
	}
	return SK_OK;
}

sk_err mqtt_client_id(char *buf, size_t n, const unsigned char random[3])
{
	int len = snprintf(buf, n, "falcosidekick-%02x%02x%02x", random[0], random[1], random[2]);

	return len < 0 || (size_t)len >= n ? SK_ERANGE : SK_OK;
}
