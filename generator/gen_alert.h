/* gen_alert: the alert receiver of `saker-event-generator test`.
 *
 * An HTTP endpoint (libmicrohttpd, loopback by default) that accepts Falco
 * JSON alerts POSTed by saker-engine's http output or saker-sidekick's
 * webhook output, keeps the most recent ones with their arrival time, and
 * lets the caller wait for an alert of a given rule. */
#ifndef GEN_ALERT_H
#define GEN_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

#define GEN_ALERT_RULE_MAX 256
#define GEN_ALERT_BODY_MAX (1024 * 1024)
#define GEN_ALERT_KEEP 1024

typedef struct gen_alert {
	char rule[GEN_ALERT_RULE_MAX];
	char priority[32];
	uint64_t received_ns; /* CLOCK_MONOTONIC */
} gen_alert;

typedef struct gen_receiver gen_receiver;

/* Parses one Falco JSON alert (len bytes, not necessarily NUL-terminated).
 * Fills rule and priority; received_ns is left 0. Returns SK_EPARSE for
 * text that is not a JSON object, SK_EINVAL when "rule" is missing, empty,
 * not a string or longer than GEN_ALERT_RULE_MAX - 1. */
sk_err gen_alert_parse(const char *body, size_t len, gen_alert *out);

/* Returns CLOCK_MONOTONIC in nanoseconds. */
uint64_t gen_now_ns(void);

/* Starts listening on host:port (IPv4 or IPv6 literal; port 0 picks a free
 * one). Returns SK_EINVAL for a bad address, SK_EIO when the socket cannot
 * be bound. */
sk_err gen_receiver_start(const char *host, uint16_t port, gen_receiver **out);

/* The port actually bound. */
uint16_t gen_receiver_port(const gen_receiver *r);

/* Alerts accepted, and requests rejected (bad method, body or JSON). */
void gen_receiver_counts(gen_receiver *r, uint64_t *accepted, uint64_t *rejected);

/* Waits up to timeout_ms for an alert of rule that arrived at or after
 * since_ns; copies it to out. Returns SK_ETIMEDOUT when none came. */
sk_err gen_receiver_wait(gen_receiver *r, const char *rule, uint64_t since_ns, int timeout_ms, gen_alert *out);

/* Writes the distinct rule names received at or after since_ns, separated
 * by ", ", into buf (truncated to cap). */
void gen_receiver_seen(gen_receiver *r, uint64_t since_ns, char *buf, size_t cap);

/* Stops the endpoint and frees r (NULL is fine). */
void gen_receiver_stop(gen_receiver *r);

#endif
