/* rabbitmq: publishes each alert's Falco JSON to a RabbitMQ queue through
 * librabbitmq (AMQP 0-9-1), as Falcosidekick does: the default exchange,
 * routing key = `queue`, content type text/plain. Keys: url
 * (amqp[s]://user:password@host:port/vhost) and queue, both required, plus
 * Saker's timeout.
 *
 * What OK means is stronger than in Falcosidekick, which publishes and
 * forgets: the channel is in publisher-confirm mode and the message is
 * mandatory and persistent, so a send is OK once the broker has taken
 * responsibility for it (basic.ack); a queue that does not exist returns
 * the message (FAIL: Falcosidekick loses it silently); a nack, a broker
 * going away, a timeout are RETRY; a refused login or vhost is FAIL.
 *
 * One connection and channel per instance, opened at the first alert and
 * kept; any error drops them and the next attempt dials afresh. */
#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "spl_util.h"

#define RMQ_DEFAULT_TIMEOUT_MS 5000
#define RMQ_CHANNEL 1
#define RMQ_FRAME_MAX 131072

typedef struct rmq_state {
	char *url_copy; /* what info points into */
	struct amqp_connection_info info;
	char *queue;
	char *cacert; /* tlsclient.cacertfile, or NULL: the system's */
	int64_t timeout_ms;
	amqp_connection_state_t conn;
	char where[300]; /* host:port/vhost, for messages */
} rmq_state;

/* Forgets the connection after an error: the socket is closed without the
 * closing handshake, which a broker that stopped answering would make
 * wait for the timeout twice more. */
static void rmq_drop(rmq_state *s)
{
	if (s->conn != NULL) {
		amqp_destroy_connection(s->conn);
		s->conn = NULL;
	}
}

static void rmq_close(void *state)
{
	rmq_state *s = state;

	if (s == NULL) {
		return;
	}
	if (s->conn != NULL) {
		/* a sound connection closes cleanly (each step bounded by timeout) */
		amqp_channel_close(s->conn, RMQ_CHANNEL, AMQP_REPLY_SUCCESS);
		amqp_connection_close(s->conn, AMQP_REPLY_SUCCESS);
	}
	rmq_drop(s);
	free(s->url_copy);
	free(s->queue);
	free(s->cacert);
	free(s);
}

static bool rmq_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *url = host->config_string(host->ctx, "url", "");
	const char *queue = host->config_string(host->ctx, "queue", "");
	const char *cacert = host->config_string(host->ctx, "tlsclient.cacertfile", "");
	rmq_state *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	s->timeout_ms = host->config_int(host->ctx, "timeout", RMQ_DEFAULT_TIMEOUT_MS);
	s->url_copy = strdup(url);
	s->queue = strdup(queue);
	s->cacert = cacert[0] != '\0' ? strdup(cacert) : NULL;
	if (s->url_copy == NULL || s->queue == NULL || (cacert[0] != '\0' && s->cacert == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (queue[0] == '\0') {
		snprintf(err, errlen, "queue: required with url");
		goto fail;
	}
	if (s->timeout_ms < 1 || s->timeout_ms > 3600000) {
		snprintf(err, errlen, "timeout %lld ms: want 1..3600000", (long long)s->timeout_ms);
		goto fail;
	}
	amqp_default_connection_info(&s->info);
	if (amqp_parse_url(s->url_copy, &s->info) != AMQP_STATUS_OK) {
		/* the URL may hold a password: name the scheme rule, not the URL */
		snprintf(err, errlen, "url: not amqp://[user[:password]@]host[:port][/vhost] (or amqps://)");
		goto fail;
	}
	if (s->info.vhost[0] == '\0') {
		s->info.vhost = "/"; /* amqp://host/ is the default vhost, as for Falcosidekick */
	}
	if (s->cacert != NULL && !spl_file_readable(s->cacert)) {
		snprintf(err, errlen, "tlsclient.cacertfile '%s': not a readable file", s->cacert);
		goto fail;
	}
	snprintf(s->where, sizeof(s->where), "%s:%d%s%s", s->info.host, s->info.port,
		 s->info.vhost[0] == '/' ? "" : "/", s->info.vhost);
	*state = s;
	return true;
fail:
	rmq_close(s);
	return false;
}

static struct timeval rmq_timeval(int64_t ms)
{
	struct timeval tv = {.tv_sec = (time_t)(ms / 1000), .tv_usec = (suseconds_t)(ms % 1000) * 1000};
	return tv;
}

/* Describes a failed RPC reply into err; FAIL for refusals (403 access
 * refused, 530 not allowed: a login, a vhost, a permission), RETRY else. */
static saker_send_result rmq_reply_fail(rmq_state *s, amqp_rpc_reply_t r, const char *what, char *err,
					size_t errlen)
{
	uint16_t code = 0;
	amqp_bytes_t text = {0, NULL};

	if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
		const amqp_connection_close_t *m = r.reply.decoded;
		code = m->reply_code;
		text = m->reply_text;
	} else if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
		const amqp_channel_close_t *m = r.reply.decoded;
		code = m->reply_code;
		text = m->reply_text;
	}
	if (code != 0) {
		snprintf(err, errlen, "rabbitmq %s: %s: %d %.*s", s->where, what, code, (int)text.len,
			 (const char *)text.bytes);
	} else if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
		snprintf(err, errlen, "rabbitmq %s: %s: %s", s->where, what, amqp_error_string2(r.library_error));
	} else {
		snprintf(err, errlen, "rabbitmq %s: %s: no reply", s->where, what);
	}
	rmq_drop(s);
	return code == AMQP_ACCESS_REFUSED || code == AMQP_NOT_ALLOWED ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
}

static saker_send_result rmq_connect(rmq_state *s, char *err, size_t errlen)
{
	struct timeval tv = rmq_timeval(s->timeout_ms);
	amqp_socket_t *sock = NULL;
	amqp_rpc_reply_t r;
	int rc;

	if (s->conn != NULL) {
		return SAKER_SEND_OK;
	}
	s->conn = amqp_new_connection();
	if (s->conn == NULL) {
		snprintf(err, errlen, "rabbitmq: out of memory");
		return SAKER_SEND_RETRY;
	}
	if (s->info.ssl) {
		sock = amqp_ssl_socket_new(s->conn);
		if (sock != NULL) {
			amqp_ssl_socket_set_verify_peer(sock, 1);
			amqp_ssl_socket_set_verify_hostname(sock, 1);
			if (s->cacert != NULL && amqp_ssl_socket_set_cacert(sock, s->cacert) != AMQP_STATUS_OK) {
				snprintf(err, errlen, "rabbitmq: tlsclient.cacertfile '%s' could not be loaded",
					 s->cacert);
				rmq_drop(s);
				return SAKER_SEND_FAIL;
			}
			/* librabbitmq trusts no CA by itself: without a file, the system's */
			if (s->cacert == NULL) {
				SSL_CTX_set_default_verify_paths(amqp_ssl_socket_get_context(sock));
			}
		}
	} else {
		sock = amqp_tcp_socket_new(s->conn);
	}
	if (sock == NULL) {
		snprintf(err, errlen, "rabbitmq: out of memory");
		rmq_drop(s);
		return SAKER_SEND_RETRY;
	}
	amqp_set_handshake_timeout(s->conn, &tv);
	amqp_set_rpc_timeout(s->conn, &tv);
	rc = amqp_socket_open_noblock(sock, s->info.host, s->info.port, &tv);
	if (rc != AMQP_STATUS_OK) {
		snprintf(err, errlen, "rabbitmq %s: connect: %s", s->where, amqp_error_string2(rc));
		rmq_drop(s);
		return SAKER_SEND_RETRY;
	}
	r = amqp_login(s->conn, s->info.vhost, 0, RMQ_FRAME_MAX, 0, AMQP_SASL_METHOD_PLAIN, s->info.user,
		       s->info.password);
	if (r.reply_type != AMQP_RESPONSE_NORMAL) {
		return rmq_reply_fail(s, r, "login", err, errlen);
	}
	amqp_channel_open(s->conn, RMQ_CHANNEL);
	r = amqp_get_rpc_reply(s->conn);
	if (r.reply_type != AMQP_RESPONSE_NORMAL) {
		return rmq_reply_fail(s, r, "channel", err, errlen);
	}
	amqp_confirm_select(s->conn, RMQ_CHANNEL);
	r = amqp_get_rpc_reply(s->conn);
	if (r.reply_type != AMQP_RESPONSE_NORMAL) {
		return rmq_reply_fail(s, r, "confirm mode", err, errlen);
	}
	return SAKER_SEND_OK;
}

static int64_t rmq_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads frames until the broker confirms the message just published:
 * basic.ack (after a basic.return when no queue took it) or basic.nack. */
static saker_send_result rmq_wait_confirm(rmq_state *s, char *err, size_t errlen)
{
	int64_t deadline = rmq_now_ms() + s->timeout_ms;
	bool returned = false;
	char return_text[128] = "";

	for (;;) {
		int64_t left = deadline - rmq_now_ms();
		struct timeval tv = rmq_timeval(left > 0 ? left : 0);
		amqp_frame_t frame;
		int rc = amqp_simple_wait_frame_noblock(s->conn, &frame, &tv);

		if (rc != AMQP_STATUS_OK) {
			snprintf(err, errlen, "rabbitmq %s: waiting for the broker's confirm: %s", s->where,
				 amqp_error_string2(rc));
			rmq_drop(s);
			return SAKER_SEND_RETRY;
		}
		if (frame.frame_type != AMQP_FRAME_METHOD) {
			continue; /* the header and body of a returned message */
		}
		switch (frame.payload.method.id) {
		case AMQP_BASIC_ACK_METHOD:
			if (returned) {
				snprintf(err, errlen, "rabbitmq %s: queue '%s': the broker returned the message (%s)",
					 s->where, s->queue, return_text);
				return SAKER_SEND_FAIL;
			}
			return SAKER_SEND_OK;
		case AMQP_BASIC_NACK_METHOD:
			snprintf(err, errlen, "rabbitmq %s: queue '%s': the broker refused the message (nack)", s->where,
				 s->queue);
			return SAKER_SEND_RETRY;
		case AMQP_BASIC_RETURN_METHOD: {
			const amqp_basic_return_t *m = frame.payload.method.decoded;
			returned = true;
			snprintf(return_text, sizeof(return_text), "%d %.*s", m->reply_code, (int)m->reply_text.len,
				 (const char *)m->reply_text.bytes);
			break;
		}
		case AMQP_CHANNEL_CLOSE_METHOD:
		case AMQP_CONNECTION_CLOSE_METHOD: {
			amqp_rpc_reply_t r = {.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION, .reply = frame.payload.method};
			return rmq_reply_fail(s, r, "publish", err, errlen);
		}
		default:
			break;
		}
	}
}

static saker_send_result rmq_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	rmq_state *s = state;
	amqp_basic_properties_t props = {0};
	amqp_bytes_t body = {alert->json_len, (void *)alert->json};
	saker_send_result r = rmq_connect(s, err, errlen);

	if (r != SAKER_SEND_OK) {
		return r;
	}
	props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
	props.content_type = amqp_cstring_bytes("text/plain");
	props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
	props.message_id = amqp_cstring_bytes(alert->uuid); /* a retried alert keeps its id */
	int rc = amqp_basic_publish(s->conn, RMQ_CHANNEL, amqp_empty_bytes, amqp_cstring_bytes(s->queue), 1, 0, &props,
				    body);
	if (rc != AMQP_STATUS_OK) {
		snprintf(err, errlen, "rabbitmq %s: publish: %s", s->where, amqp_error_string2(rc));
		rmq_drop(s);
		return SAKER_SEND_RETRY;
	}
	return rmq_wait_confirm(s, err, errlen);
}

static const saker_output_plugin rabbitmq_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "rabbitmq",
	.description = "RabbitMQ queue (AMQP 0-9-1, publisher confirms), the Falco JSON alert (librabbitmq)",
	.required_key = "url",
	.max_batch = 1,
	.init = rmq_init,
	.send = rmq_send,
	.send_batch = NULL,
	.close = rmq_close,
};

SPL_PLUGIN_ENTRY(rabbitmq_plugin)
