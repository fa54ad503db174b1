/* mqtt plugin glue: publishes the Falco JSON alert to `topic` (default
 * falco/events) on `broker` with `qos` and `retained`, through libmosquitto
 * (MQTT 3.1.1, clean session, Falcosidekick's "falcosidekick-xxxxxx"
 * client id). user/password (both set) or user:password@ in the URL log in;
 * ssl:// turns TLS on, checked against the system CAs plus
 * tlsclient.cacertfile unless checkcert is false.
 *
 * No library thread: each attempt drives libmosquitto's network loop itself
 * until the alerts are out (QoS 0: written to the socket), acknowledged
 * (QoS 1: PUBACK) or completed (QoS 2: PUBCOMP), within `timeout`. The
 * connection is kept between attempts; a failed attempt destroys the
 * client, so nothing it still queued is resent behind the sidekick's back,
 * and the next attempt connects afresh. */
#include <errno.h>
#include <limits.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "mqtt.h"
#include "spl_util.h"

#define MQTT_MAX_BATCH 256
#define MQTT_DEFAULT_TIMEOUT_MS 5000
#define MQTT_KEEPALIVE_S 60
/* Longest single wait inside the loop, so the deadline is checked often. */
#define MQTT_LOOP_SLICE_MS 100

typedef struct mqtt_state {
	mqtt_broker broker;
	const char *topic;
	int qos;
	bool retained;
	const char *user, *password; /* both set, or both NULL */
	bool checkcert;
	const char *cafile;
	int64_t timeout_ms;
	char client_id[32];
	struct mosquitto *mosq;
	bool lib_counted; /* this instance holds a mosquitto_lib_init() */
	/* Set by the callbacks while the loop runs (on the sending thread). */
	bool connected;
	int connack;      /* -1 until the CONNACK arrives, else its code */
	size_t published; /* publishes completed in the current attempt */
} mqtt_state;

/* mosquitto_lib_init/cleanup count their users but are not thread-safe. */
static pthread_mutex_t mqtt_lib_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t mqtt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void mqtt_on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	mqtt_state *st = obj;

	st->connack = rc;
	st->connected = rc == 0;
}

static void mqtt_on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	mqtt_state *st = obj;

	st->connected = false;
}

static void mqtt_on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	mqtt_state *st = obj;

	st->published++;
}

/* Errors another attempt cannot fix. */
static bool mqtt_error_is_permanent(int rc)
{
	switch (rc) {
	case MOSQ_ERR_INVAL:
	case MOSQ_ERR_PAYLOAD_SIZE:
	case MOSQ_ERR_OVERSIZE_PACKET:
	case MOSQ_ERR_MALFORMED_UTF8:
	case MOSQ_ERR_QOS_NOT_SUPPORTED:
	case MOSQ_ERR_NOT_SUPPORTED:
	case MOSQ_ERR_AUTH:
		return true;
	default:
		return false;
	}
}

/* Writes "mqtt <what> host:port: reason" into err and maps rc (with the
 * errno saved right after the failing call) to a result. */
static saker_send_result mqtt_error(const mqtt_state *st, int rc, int saved_errno, const char *what, char *err,
				    size_t errlen)
{
	const char *reason = rc == MOSQ_ERR_ERRNO ? strerror(saved_errno) : mosquitto_strerror(rc);

	snprintf(err, errlen, "mqtt %s %s:%d: %s", what, st->broker.host, st->broker.port, reason);
	return mqtt_error_is_permanent(rc) ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
}

/* Destroys the client: its socket and anything it still queued. */
static void mqtt_drop(mqtt_state *st)
{
	if (st->mosq != NULL) {
		mosquitto_destroy(st->mosq);
		st->mosq = NULL;
	}
	st->connected = false;
}

/* TLS: the system CAs, plus tlsclient.cacertfile; checkcert false skips
 * the chain and host name checks. */
static int mqtt_setup_tls(mqtt_state *st)
{
	int rc = mosquitto_int_option(st->mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);

	if (rc == MOSQ_ERR_SUCCESS && *st->cafile != '\0') {
		rc = mosquitto_tls_set(st->mosq, st->cafile, NULL, NULL, NULL, NULL);
	}
	if (rc == MOSQ_ERR_SUCCESS && !st->checkcert) {
		rc = mosquitto_tls_opts_set(st->mosq, 0 /* SSL_VERIFY_NONE */, NULL, NULL);
		if (rc == MOSQ_ERR_SUCCESS) {
			rc = mosquitto_tls_insecure_set(st->mosq, true);
		}
	}
	return rc;
}

/* Creates the libmosquitto client with the instance's options. */
static saker_send_result mqtt_client_new(mqtt_state *st, char *err, size_t errlen)
{
	int rc = MOSQ_ERR_SUCCESS;

	st->mosq = mosquitto_new(st->client_id, true, st);
	if (st->mosq == NULL) {
		return mqtt_error(st, MOSQ_ERR_ERRNO, errno, "client", err, errlen);
	}
	mosquitto_connect_callback_set(st->mosq, mqtt_on_connect);
	mosquitto_disconnect_callback_set(st->mosq, mqtt_on_disconnect);
	mosquitto_publish_callback_set(st->mosq, mqtt_on_publish);
	if (st->user != NULL) {
		rc = mosquitto_username_pw_set(st->mosq, st->user, st->password);
	}
	if (rc == MOSQ_ERR_SUCCESS && st->broker.tls) {
		rc = mqtt_setup_tls(st);
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		saker_send_result res = mqtt_error(st, rc, errno, "tls/login setup", err, errlen);

		mqtt_drop(st);
		return res;
	}
	return SAKER_SEND_OK;
}

/* Runs the network loop until the CONNACK came (want == 0) or `want`
 * publishes completed. Returns SK_OK, SK_ETIMEDOUT, or SK_EIO with the
 * loop's code in *rc and errno in *saved_errno. */
static sk_err mqtt_run(mqtt_state *st, int64_t deadline, size_t want, int *rc, int *saved_errno)
{
	*rc = MOSQ_ERR_SUCCESS;
	while (want == 0 ? st->connack < 0 : st->published < want) {
		int64_t left = deadline - mqtt_now_ms();

		if (left <= 0) {
			return SK_ETIMEDOUT;
		}
		*rc = mosquitto_loop(st->mosq, (int)(left < MQTT_LOOP_SLICE_MS ? left : MQTT_LOOP_SLICE_MS), 1);
		*saved_errno = errno;
		/* A refused CONNACK closes the socket: the code says more. */
		if (*rc != MOSQ_ERR_SUCCESS && !(want == 0 && st->connack >= 0)) {
			return SK_EIO;
		}
	}
	return SK_OK;
}

/* Maps a refused CONNACK: "server unavailable" may heal, the rest not. */
static saker_send_result mqtt_refused(const mqtt_state *st, char *err, size_t errlen)
{
	snprintf(err, errlen, "mqtt connect %s:%d: %s", st->broker.host, st->broker.port,
		 mosquitto_connack_string(st->connack));
	return st->connack == 3 ? SAKER_SEND_RETRY : SAKER_SEND_FAIL;
}

static saker_send_result mqtt_connect(mqtt_state *st, int64_t deadline, char *err, size_t errlen)
{
	saker_send_result res = SAKER_SEND_OK;
	int rc, saved_errno = 0;
	sk_err run;

	if (st->mosq == NULL) {
		res = mqtt_client_new(st, err, errlen);
		if (res != SAKER_SEND_OK) {
			return res;
		}
	}
	st->connack = -1;
	st->connected = false;
	/* Non-blocking: the TCP connect and TLS handshake finish in the loop,
	 * under the deadline (only the name lookup may block longer). */
	rc = mosquitto_connect_async(st->mosq, st->broker.host, st->broker.port, MQTT_KEEPALIVE_S);
	saved_errno = errno;
	if (rc != MOSQ_ERR_SUCCESS) {
		res = mqtt_error(st, rc, saved_errno, "connect", err, errlen);
	} else {
		run = mqtt_run(st, deadline, 0, &rc, &saved_errno);
		if (run == SK_ETIMEDOUT) {
			snprintf(err, errlen, "mqtt connect %s:%d: timed out", st->broker.host, st->broker.port);
			res = SAKER_SEND_RETRY;
		} else if (st->connack > 0) {
			res = mqtt_refused(st, err, errlen);
		} else if (run != SK_OK) {
			res = mqtt_error(st, rc, saved_errno, "connect", err, errlen);
		}
	}
	if (res != SAKER_SEND_OK) {
		mqtt_drop(st);
	}
	return res;
}

static void mqtt_close(void *state)
{
	mqtt_state *st = state;

	if (st == NULL) {
		return;
	}
	if (st->mosq != NULL && st->connected) {
		/* Written at once: the client is not threaded. */
		mosquitto_disconnect(st->mosq);
	}
	mqtt_drop(st);
	if (st->lib_counted) {
		pthread_mutex_lock(&mqtt_lib_lock);
		mosquitto_lib_cleanup();
		pthread_mutex_unlock(&mqtt_lib_lock);
	}
	free(st);
}

/* Reads and checks the section; SK_OK or an error with err set. */
static sk_err mqtt_configure(mqtt_state *st, const saker_plugin_host *host, char *err, size_t errlen)
{
	const char *broker = host->config_string(host->ctx, "broker", "");
	const char *user = host->config_string(host->ctx, "user", "");
	const char *password = host->config_string(host->ctx, "password", "");
	int64_t qos = host->config_int(host->ctx, "qos", 0);
	sk_err rc = mqtt_parse_broker(broker, &st->broker, err, errlen);
	int topic_rc;

	if (rc != SK_OK) {
		return rc;
	}
	st->topic = host->config_string(host->ctx, "topic", MQTT_DEFAULT_TOPIC);
	if (*st->topic == '\0') {
		st->topic = MQTT_DEFAULT_TOPIC;
	}
	st->retained = host->config_bool(host->ctx, "retained", false);
	st->checkcert = host->config_bool(host->ctx, "checkcert", true);
	st->cafile = host->config_string(host->ctx, "tlsclient.cacertfile", "");
	st->timeout_ms = host->config_int(host->ctx, "timeout", MQTT_DEFAULT_TIMEOUT_MS);
	/* As Falcosidekick: the section's credentials count only as a pair;
	 * credentials in the URL win. */
	if (st->broker.has_user) {
		st->user = st->broker.user;
		st->password = st->broker.password;
	} else if (*user != '\0' && *password != '\0') {
		st->user = user;
		st->password = password;
	}
	topic_rc = mosquitto_pub_topic_check(st->topic);
	if (qos < 0 || qos > 2) {
		snprintf(err, errlen, "qos %lld: want 0, 1 or 2", (long long)qos);
		return SK_ERANGE;
	}
	st->qos = (int)qos;
	if (topic_rc != MOSQ_ERR_SUCCESS) {
		snprintf(err, errlen, "topic '%s': %s", st->topic,
			 topic_rc == MOSQ_ERR_INVAL ? "no '+' or '#' wildcards in a topic published to"
						    : mosquitto_strerror(topic_rc));
		return SK_EINVAL;
	}
	if (st->timeout_ms <= 0 || st->timeout_ms > 600000) {
		snprintf(err, errlen, "timeout %lld ms: want 1..600000", (long long)st->timeout_ms);
		return SK_ERANGE;
	}
	if (*st->cafile != '\0' && st->broker.tls && !spl_file_readable(st->cafile)) {
		snprintf(err, errlen, "tlsclient.cacertfile: cannot read %s", st->cafile);
		return SK_ENOENT;
	}
	return SK_OK;
}

static bool mqtt_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	mqtt_state *st = calloc(1, sizeof(*st));
	unsigned char random[3] = {0};
	sk_err rc;

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	rc = mqtt_configure(st, host, err, errlen);
	if (rc == SK_OK) {
		pthread_mutex_lock(&mqtt_lib_lock);
		st->lib_counted = mosquitto_lib_init() == MOSQ_ERR_SUCCESS;
		pthread_mutex_unlock(&mqtt_lib_lock);
		if (!st->lib_counted) {
			snprintf(err, errlen, "libmosquitto: initialisation failed");
			rc = SK_EINTERNAL;
		}
	}
	if (rc == SK_OK) {
		/* Only the id's uniqueness matters: a clock fallback will do. */
		if (getrandom(random, sizeof(random), GRND_NONBLOCK) != (ssize_t)sizeof(random)) {
			uint64_t t = (uint64_t)mqtt_now_ms() ^ (uint64_t)(uintptr_t)st;

			random[0] = (unsigned char)t;
			random[1] = (unsigned char)(t >> 8);
			random[2] = (unsigned char)(t >> 16);
		}
		rc = mqtt_client_id(st->client_id, sizeof(st->client_id), random);
	}
	if (rc != SK_OK) {
		mqtt_close(st);
		return false;
	}
	/* A broker that is down now may be up by the first alert: connect
	 * lazily, but say so early. */
	if (mqtt_connect(st, mqtt_now_ms() + st->timeout_ms, err, errlen) != SAKER_SEND_OK) {
		host->log(host->ctx, SAKER_LOG_WARNING, "%s (will retry on send)", err);
		err[0] = '\0';
	}
	*state = st;
	return true;
}

static saker_send_result mqtt_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					 size_t errlen)
{
	mqtt_state *st = state;
	int64_t deadline = mqtt_now_ms() + st->timeout_ms;
	saker_send_result res = SAKER_SEND_OK;
	int rc = MOSQ_ERR_SUCCESS, saved_errno = 0;
	sk_err run;

	if (n == 0 || n > MQTT_MAX_BATCH) {
		snprintf(err, errlen, "batch of %zu alerts: want 1..%d", n, MQTT_MAX_BATCH);
		return SAKER_SEND_FAIL;
	}
	/* Take in what the broker sent while we were idle: a close (idle
	 * timeout, restart) is seen here, before a QoS 0 publish would vanish
	 * into a dead socket. Keepalive pings go out here too. */
	if (st->mosq != NULL && st->connected && mosquitto_loop(st->mosq, 0, 1) != MOSQ_ERR_SUCCESS) {
		mqtt_drop(st);
	}
	if (st->mosq == NULL || !st->connected) {
		res = mqtt_connect(st, deadline, err, errlen);
		if (res != SAKER_SEND_OK) {
			return res;
		}
	}
	st->published = 0;
	for (size_t i = 0; i < n && rc == MOSQ_ERR_SUCCESS; i++) {
		if (alerts[i]->json_len > INT_MAX) {
			snprintf(err, errlen, "alert of %zu bytes: too large", alerts[i]->json_len);
			res = SAKER_SEND_FAIL;
			break;
		}
		rc = mosquitto_publish(st->mosq, NULL, st->topic, (int)alerts[i]->json_len, alerts[i]->json, st->qos,
				       st->retained);
		saved_errno = errno;
	}
	if (res == SAKER_SEND_OK && rc != MOSQ_ERR_SUCCESS) {
		res = mqtt_error(st, rc, saved_errno, "publish to", err, errlen);
	}
	if (res == SAKER_SEND_OK) {
		run = mqtt_run(st, deadline, n, &rc, &saved_errno);
		if (run == SK_ETIMEDOUT) {
			snprintf(err, errlen, "mqtt publish to %s:%d: timed out (%zu of %zu %s)", st->broker.host,
				 st->broker.port, st->published, n, st->qos == 0 ? "sent" : "acknowledged");
			res = SAKER_SEND_RETRY;
		} else if (run != SK_OK) {
			res = mqtt_error(st, rc, saved_errno, "publish to", err, errlen);
		}
	}
	if (res != SAKER_SEND_OK) {
		mqtt_drop(st);
	}
	return res;
}

static saker_send_result mqtt_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return mqtt_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin mqtt_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "mqtt",
	.description = "MQTT publish of Falco JSON alerts (libmosquitto), sent or acknowledged per QoS",
	.required_key = "broker",
	.max_batch = MQTT_MAX_BATCH,
	.init = mqtt_init,
	.send = mqtt_send,
	.send_batch = mqtt_send_batch,
	.close = mqtt_close,
};

SPL_PLUGIN_ENTRY(mqtt_plugin)
