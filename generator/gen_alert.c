#include "gen_alert.h"

#include <ctype.h>
#include <json-c/json.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sk_net.h"

struct gen_receiver {
	struct MHD_Daemon *daemon;
	uint16_t port;
	pthread_mutex_t lock;
	pthread_cond_t arrived;
	gen_alert ring[GEN_ALERT_KEEP];
	uint64_t accepted; /* also the ring's write position */
	uint64_t rejected;
};

/* One request's body, collected across access-handler calls. */
struct upload {
	char *data;
	size_t len;
	bool too_large;
};

uint64_t gen_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void copy_string_member(json_object *obj, const char *key, char *dst, size_t cap)
{
	json_object *v = NULL;

	dst[0] = '\0';
	if (json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		size_t n = strnlen(s, cap - 1);
		memcpy(dst, s, n);
		dst[n] = '\0';
	}
}

sk_err gen_alert_parse(const char *body, size_t len, gen_alert *out)
{
	json_tokener *tok = NULL;
	json_object *obj = NULL;
	json_object *rule = NULL;
	sk_err err = SK_OK;

	memset(out, 0, sizeof(*out));
	if (len > GEN_ALERT_BODY_MAX || len > INT32_MAX) {
		err = SK_ERANGE;
		goto cleanup;
	}
	tok = json_tokener_new_ex(32);
	if (tok == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	obj = json_tokener_parse_ex(tok, body, (int)len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(obj, json_type_object)) {
		err = SK_EPARSE;
		goto cleanup;
	}
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!isspace((unsigned char)body[i])) {
			err = SK_EPARSE; /* text after the object */
			goto cleanup;
		}
	}
	if (!json_object_object_get_ex(obj, "rule", &rule) || !json_object_is_type(rule, json_type_string) ||
	    json_object_get_string_len(rule) == 0 || json_object_get_string_len(rule) >= GEN_ALERT_RULE_MAX) {
		err = SK_EINVAL;
		goto cleanup;
	}
	copy_string_member(obj, "rule", out->rule, sizeof(out->rule));
	copy_string_member(obj, "priority", out->priority, sizeof(out->priority));
cleanup:
	json_object_put(obj);
	if (tok != NULL) {
		json_tokener_free(tok);
	}
	return err;
}

static void record(gen_receiver *r, const gen_alert *a, bool ok)
{
	pthread_mutex_lock(&r->lock);
	if (ok) {
		r->ring[r->accepted % GEN_ALERT_KEEP] = *a;
		r->accepted++;
		pthread_cond_broadcast(&r->arrived);
	} else {
		r->rejected++;
	}
	pthread_mutex_unlock(&r->lock);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *text)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (resp == NULL) {
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static bool upload_append(struct upload *up, const char *data, size_t n)
{
	char *grown;

	if (up->len + n > GEN_ALERT_BODY_MAX) {
		up->too_large = true;
		return false;
	}
	grown = realloc(up->data, up->len + n + 1);
	if (grown == NULL) {
		return false;
	}
	up->data = grown;
	memcpy(up->data + up->len, data, n);
	up->len += n;
	up->data[up->len] = '\0';
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size,
				  void **state)
{
	gen_receiver *r = cls;
	struct upload *up = *state;
	gen_alert alert;

	if (strcmp(method, "POST") != 0) {
		record(r, NULL, false);
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\":\"POST a Falco JSON alert\"}");
	}
	if (up == NULL) {
		up = calloc(1, sizeof(*up));
		if (up == NULL) {
			return MHD_NO;
		}
		*state = up;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* Keep draining an oversized body; answer once it has all arrived. */
		if (!up->too_large && !upload_append(up, upload_data, *upload_size) && !up->too_large) {
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (up->too_large) {
		record(r, NULL, false);
		return reply(conn, 413, "{\"error\":\"body larger than 1 MiB\"}");
	}
	if (gen_alert_parse(up->data != NULL ? up->data : "", up->len, &alert) != SK_OK) {
		record(r, NULL, false);
		return reply(conn, MHD_HTTP_BAD_REQUEST, "{\"error\":\"not a Falco alert: need a JSON object with \\\"rule\\\"\"}");
	}
	alert.received_ns = gen_now_ns();
	record(r, &alert, true);
	return reply(conn, MHD_HTTP_OK, "{}");
}

static void on_done(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode code)
{
	struct upload *up = *state;

	if (up != NULL) {
		free(up->data);
		free(up);
		*state = NULL;
	}
}

sk_err gen_receiver_start(const char *host, uint16_t port, gen_receiver **out)
{
	struct sockaddr_storage addr;
	bool ipv6 = false;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	gen_receiver *r = NULL;
	const union MHD_DaemonInfo *info;
	pthread_condattr_t cattr;
	sk_err err = sk_net_addr(host, port, &addr, &ipv6);

	if (err != SK_OK) {
		goto cleanup;
	}
	if (ipv6) {
		flags |= MHD_USE_IPv6;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->arrived, &cattr);
	pthread_condattr_destroy(&cattr);
	r->daemon = MHD_start_daemon(flags, port, NULL, NULL, on_request, r, MHD_OPTION_SOCK_ADDR, &addr,
				     MHD_OPTION_NOTIFY_COMPLETED, on_done, r, MHD_OPTION_CONNECTION_LIMIT,
				     (unsigned int)64, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
				     MHD_OPTION_END);
	if (r->daemon == NULL) {
		err = SK_EIO;
		goto cleanup;
	}
	info = MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_BIND_PORT);
	r->port = info != NULL ? info->port : port;
	*out = r;
	r = NULL;
cleanup:
	gen_receiver_stop(r);
	return err;
}

uint16_t gen_receiver_port(const gen_receiver *r)
{
	return r->port;
}

void gen_receiver_counts(gen_receiver *r, uint64_t *accepted, uint64_t *rejected)
{
	pthread_mutex_lock(&r->lock);
	*accepted = r->accepted;
	*rejected = r->rejected;
	pthread_mutex_unlock(&r->lock);
}

/* Index range of the ring still held: [first, r->accepted). Lock held. */
static uint64_t oldest_kept(const gen_receiver *r)
{
	return r->accepted > GEN_ALERT_KEEP ? r->accepted - GEN_ALERT_KEEP : 0;
}

sk_err gen_receiver_wait(gen_receiver *r, const char *rule, uint64_t since_ns, int timeout_ms, gen_alert *out)
{
	uint64_t deadline = gen_now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ull;
	uint64_t next;
	struct timespec ts = {(time_t)(deadline / 1000000000ull), (long)(deadline % 1000000000ull)};
	sk_err err = SK_ETIMEDOUT;

	pthread_mutex_lock(&r->lock);
	next = oldest_kept(r);
	for (;;) {
		if (next < oldest_kept(r)) {
			next = oldest_kept(r);
		}
		for (; next < r->accepted; next++) {
			const gen_alert *a = &r->ring[next % GEN_ALERT_KEEP];
			if (a->received_ns >= since_ns && strcmp(a->rule, rule) == 0) {
				*out = *a;
				err = SK_OK;
				goto cleanup;
			}
		}
		if (pthread_cond_timedwait(&r->arrived, &r->lock, &ts) != 0 && gen_now_ns() >= deadline) {
			goto cleanup;
		}
	}
cleanup:
	pthread_mutex_unlock(&r->lock);
	return err;
}

void gen_receiver_seen(gen_receiver *r, uint64_t since_ns, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	pthread_mutex_lock(&r->lock);
	for (uint64_t i = oldest_kept(r); i < r->accepted; i++) {
		const gen_alert *a = &r->ring[i % GEN_ALERT_KEEP];
		int n;
		if (a->received_ns < since_ns || strstr(buf, a->rule) != NULL) {
			continue;
		}
		n = snprintf(buf + used, cap - used, "%s\"%s\"", used > 0 ? ", " : "", a->rule);
		if (n < 0 || (size_t)n >= cap - used) {
			break;
		}
		used += (size_t)n;
	}
	pthread_mutex_unlock(&r->lock);
}

void gen_receiver_stop(gen_receiver *r)
{
	if (r == NULL) {
		return;
	}
	if (r->daemon != NULL) {
		MHD_stop_daemon(r->daemon);
	}
	pthread_cond_destroy(&r->arrived);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
