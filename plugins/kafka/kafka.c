/* kafka: produces the Falco JSON alert to `topic` on the `hostport`
 * brokers (librdkafka), with Falcosidekick's keys: sasl, username,
 * password, tls, compression, requiredacks, clientid, balancer.
 *
 * Every send (or batch) waits for the delivery reports, so OK means the
 * brokers acknowledged the alert under `requiredacks`. Reports that arrive
 * after a timed-out attempt are ignored (each attempt has a generation). */
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "saker/output_plugin.h"
#include "spl_util.h"

#define KAFKA_MAX_BATCH 256
#define KAFKA_DEFAULT_TIMEOUT_MS 10000
#define KAFKA_PENDING INT32_MIN

typedef struct kafka_state {
	const saker_plugin_host *host;
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	int64_t timeout_ms;
	uint32_t generation;
	int32_t results[KAFKA_MAX_BATCH]; /* rd_kafka_resp_err_t, or KAFKA_PENDING */
} kafka_state;

/* Falcosidekick's spelling -> librdkafka's value. */
typedef struct kafka_choice {
	const char *name;
	const char *value;
} kafka_choice;

static const kafka_choice kafka_acks[] = {{"NONE", "0"}, {"ONE", "1"}, {"ALL", "all"}, {NULL, NULL}};
static const kafka_choice kafka_compression[] = {{"", "none"},       {"NONE", "none"}, {"GZIP", "gzip"},
						 {"SNAPPY", "snappy"}, {"LZ4", "lz4"},   {"ZSTD", "zstd"},
						 {NULL, NULL}};
static const kafka_choice kafka_sasl[] = {{"PLAIN", "PLAIN"},
					  {"SCRAM_SHA256", "SCRAM-SHA-256"},
					  {"SCRAM_SHA512", "SCRAM-SHA-512"},
					  {NULL, NULL}};
/* Alerts carry no key, so every key-hash balancer spreads them randomly;
 * round_robin and least_bytes map to librdkafka's sticky spreading. */
static const kafka_choice kafka_balancer[] = {{"", NULL},
					      {"round_robin", NULL},
					      {"least_bytes", NULL},
					      {"hash", "consistent_random"},
					      {"crc32", "consistent_random"},
					      {"murmur2", "murmur2_random"},
					      {NULL, NULL}};

static const kafka_choice *kafka_choose(const kafka_choice *table, const char *name)
{
	for (size_t i = 0; table[i].name != NULL; i++) {
		if (strcasecmp(table[i].name, name) == 0) {
			return &table[i];
		}
	}
	return NULL;
}

static void kafka_dr(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
	kafka_state *st = opaque;
	uintptr_t tag = (uintptr_t)msg->_private;
	uint32_t gen = (uint32_t)(tag >> 16), idx = (uint32_t)(tag & 0xffff);

	if (gen == st->generation && idx < KAFKA_MAX_BATCH) {
		st->results[idx] = (int32_t)msg->err;
	}
}

static void kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	kafka_state *st = rd_kafka_opaque(rk);

	/* syslog levels: 0..3 error, 4 warning, else info. */
	st->host->log(st->host->ctx, level <= 3 ? SAKER_LOG_ERROR : level == 4 ? SAKER_LOG_WARNING : SAKER_LOG_INFO,
		      "librdkafka %s: %s", fac, buf);
}

/* Broker errors already reach the log callback and the send result; only
 * fatal ones need saying again. */
static void kafka_error(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
	kafka_state *st = opaque;

	if (code == RD_KAFKA_RESP_ERR__FATAL) {
		st->host->log(st->host->ctx, SAKER_LOG_ERROR, "librdkafka fatal error: %s", reason);
	}
}

struct kafka_servers {
	sk_strbuf list;
};

/* Bootstrap servers default to port 9092, as Falcosidekick documents. */
static void kafka_add_server(void *user, const char *value)
{
	struct kafka_servers *s = user;
	const char *close = strrchr(value, ']');
	const char *colon = strrchr(value, ':');

	if (s->list.len > 0) {
		sk_strbuf_putc(&s->list, ',');
	}
	sk_strbuf_puts(&s->list, value);
	if (colon == NULL || (close != NULL && colon < close)) {
		sk_strbuf_puts(&s->list, ":9092");
	}
}

static sk_err kafka_set(rd_kafka_conf_t *conf, const char *key, const char *value, char *err, size_t errlen)
{
	char why[256];

	if (rd_kafka_conf_set(conf, key, value, why, sizeof(why)) != RD_KAFKA_CONF_OK) {
		snprintf(err, errlen, "%s: %s", key, why);
		return SK_EINVAL;
	}
	return SK_OK;
}

/* Translates the section into librdkafka settings. */
static sk_err kafka_configure(const saker_plugin_host *host, rd_kafka_conf_t *conf, int64_t timeout_ms, char *err,
			      size_t errlen)
{
	struct kafka_servers servers = {SK_STRBUF_INIT};
	const char *acks = host->config_string(host->ctx, "requiredacks", "ALL");
	const char *compression = host->config_string(host->ctx, "compression", "NONE");
	const char *sasl = host->config_string(host->ctx, "sasl", "");
	const char *balancer = host->config_string(host->ctx, "balancer", "");
	const char *clientid = host->config_string(host->ctx, "clientid", "");
	bool tls = host->config_bool(host->ctx, "tls", false);
	const kafka_choice *c_acks = kafka_choose(kafka_acks, acks);
	const kafka_choice *c_comp = kafka_choose(kafka_compression, compression);
	const kafka_choice *c_sasl = kafka_choose(kafka_sasl, sasl);
	const kafka_choice *c_bal = kafka_choose(kafka_balancer, balancer);
	char timeout[24];
	sk_err rc = SK_OK;

	host->config_list(host->ctx, "hostport", kafka_add_server, &servers);
	snprintf(timeout, sizeof(timeout), "%lld", (long long)timeout_ms);
	if (servers.list.len == 0 || sk_strbuf_failed(&servers.list)) {
		snprintf(err, errlen, "hostport: want host:port[,host:port...]");
		rc = SK_EINVAL;
	} else if (c_acks == NULL) {
		snprintf(err, errlen, "requiredacks '%s': want NONE, ONE or ALL", acks);
		rc = SK_EINVAL;
	} else if (c_comp == NULL) {
		snprintf(err, errlen, "compression '%s': want NONE, GZIP, SNAPPY, LZ4 or ZSTD", compression);
		rc = SK_EINVAL;
	} else if (*sasl != '\0' && c_sasl == NULL) {
		snprintf(err, errlen, "sasl '%s': want PLAIN, SCRAM_SHA256 or SCRAM_SHA512", sasl);
		rc = SK_EINVAL;
	} else if (c_bal == NULL) {
		snprintf(err, errlen, "balancer '%s': want round_robin, least_bytes, hash, crc32 or murmur2",
			 balancer);
		rc = SK_EINVAL;
	}
	if (rc == SK_OK) {
		rc = kafka_set(conf, "bootstrap.servers", sk_strbuf_str(&servers.list), err, errlen);
	}
	if (rc == SK_OK) {
		rc = kafka_set(conf, "acks", c_acks->value, err, errlen);
	}
	if (rc == SK_OK) {
		rc = kafka_set(conf, "compression.codec", c_comp->value, err, errlen);
	}
	if (rc == SK_OK) {
		rc = kafka_set(conf, "message.timeout.ms", timeout, err, errlen);
	}
	if (rc == SK_OK) {
		/* Each send flushes; waiting to fill batches would only add latency. */
		rc = kafka_set(conf, "linger.ms", "0", err, errlen);
	}
	if (rc == SK_OK && *clientid != '\0') {
		rc = kafka_set(conf, "client.id", clientid, err, errlen);
	}
	if (rc == SK_OK && c_bal->value != NULL) {
		rc = kafka_set(conf, "partitioner", c_bal->value, err, errlen);
	}
	if (rc == SK_OK) {
		const char *proto = c_sasl != NULL ? (tls ? "sasl_ssl" : "sasl_plaintext") : (tls ? "ssl" : "plaintext");

		rc = kafka_set(conf, "security.protocol", proto, err, errlen);
	}
	if (rc == SK_OK && c_sasl != NULL) {
		rc = kafka_set(conf, "sasl.mechanisms", c_sasl->value, err, errlen);
		if (rc == SK_OK) {
			rc = kafka_set(conf, "sasl.username", host->config_string(host->ctx, "username", ""), err,
				       errlen);
		}
		if (rc == SK_OK) {
			rc = kafka_set(conf, "sasl.password", host->config_string(host->ctx, "password", ""), err,
				       errlen);
		}
	}
	sk_strbuf_free(&servers.list);
	return rc;
}

static void kafka_close(void *state)
{
	kafka_state *st = state;

	if (st == NULL) {
		return;
	}
	if (st->rkt != NULL) {
		rd_kafka_topic_destroy(st->rkt);
	}
	if (st->rk != NULL) {
		/* Undelivered alerts were reported RETRY already: drop them. */
		rd_kafka_purge(st->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_flush(st->rk, 1000);
		rd_kafka_destroy(st->rk);
	}
	free(st);
}

static bool kafka_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *topic = host->config_string(host->ctx, "topic", "");
	kafka_state *st = calloc(1, sizeof(*st));
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char why[512];
	sk_err rc = SK_OK;

	if (st == NULL || conf == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
		goto cleanup;
	}
	st->host = host;
	st->timeout_ms = host->config_int(host->ctx, "timeout", KAFKA_DEFAULT_TIMEOUT_MS);
	if (*topic == '\0') {
		snprintf(err, errlen, "topic: must be set");
		rc = SK_EINVAL;
		goto cleanup;
	}
	if (st->timeout_ms < 100 || st->timeout_ms > 600000) {
		snprintf(err, errlen, "timeout %lld ms: want 100..600000", (long long)st->timeout_ms);
		rc = SK_ERANGE;
		goto cleanup;
	}
	rc = kafka_configure(host, conf, st->timeout_ms, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	rd_kafka_conf_set_opaque(conf, st);
	rd_kafka_conf_set_dr_msg_cb(conf, kafka_dr);
	rd_kafka_conf_set_log_cb(conf, kafka_log);
	rd_kafka_conf_set_error_cb(conf, kafka_error);
	st->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (st->rk == NULL) {
		snprintf(err, errlen, "librdkafka: %s", why);
		rc = SK_EINVAL;
		goto cleanup;
	}
	conf = NULL; /* owned by rk now */
	st->rkt = rd_kafka_topic_new(st->rk, topic, NULL);
	if (st->rkt == NULL) {
		snprintf(err, errlen, "topic '%s': %s", topic, rd_kafka_err2str(rd_kafka_last_error()));
		rc = SK_EINVAL;
	}
cleanup:
	if (conf != NULL) {
		rd_kafka_conf_destroy(conf);
	}
	if (rc != SK_OK) {
		kafka_close(st);
		return false;
	}
	*state = st;
	return true;
}

/* Errors that another attempt cannot fix. */
static bool kafka_error_is_permanent(rd_kafka_resp_err_t e)
{
	switch (e) {
	case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
	case RD_KAFKA_RESP_ERR_INVALID_MSG:
	case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
	case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
	case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
	case RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS:
		return true;
	default:
		return false;
	}
}

static int64_t kafka_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True while a delivery report of the current attempt is outstanding. */
static bool kafka_pending(const kafka_state *st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (st->results[i] == KAFKA_PENDING) {
			return true;
		}
	}
	return false;
}

static saker_send_result kafka_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					  size_t errlen)
{
	kafka_state *st = state;
	saker_send_result res = SAKER_SEND_OK;
	int64_t deadline;

	if (n == 0 || n > KAFKA_MAX_BATCH) {
		snprintf(err, errlen, "batch of %zu alerts: want 1..%d", n, KAFKA_MAX_BATCH);
		return SAKER_SEND_FAIL;
	}
	st->generation = (st->generation + 1) & 0xffffu;
	for (size_t i = 0; i < n; i++) {
		uintptr_t tag = ((uintptr_t)st->generation << 16) | i;

		st->results[i] = KAFKA_PENDING;
		if (rd_kafka_produce(st->rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, (void *)alerts[i]->json,
				     alerts[i]->json_len, NULL, 0, (void *)tag) != 0) {
			st->results[i] = (int32_t)rd_kafka_last_error();
		}
	}
	/* librdkafka times each message out after message.timeout.ms, so the
	 * reports come; the extra second covers the last report's trip. */
	deadline = kafka_now_ms() + st->timeout_ms + 1000;
	while (kafka_pending(st, n) && kafka_now_ms() < deadline) {
		rd_kafka_poll(st->rk, 10);
	}
	for (size_t i = 0; i < n; i++) {
		rd_kafka_resp_err_t e = st->results[i] == KAFKA_PENDING ? RD_KAFKA_RESP_ERR__TIMED_OUT
									 : (rd_kafka_resp_err_t)st->results[i];

		if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
			continue;
		}
		if (res == SAKER_SEND_OK) {
			snprintf(err, errlen, "kafka topic %s: %s (alert %zu of %zu)", rd_kafka_topic_name(st->rkt),
				 rd_kafka_err2str(e), i + 1, n);
		}
		res = kafka_error_is_permanent(e) && res != SAKER_SEND_RETRY ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
	}
	if (res != SAKER_SEND_OK) {
		/* Nothing of this attempt may linger into the next one. */
		st->generation = (st->generation + 1) & 0xffffu;
		rd_kafka_purge(st->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_poll(st->rk, 0);
	}
	return res;
}

static saker_send_result kafka_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return kafka_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin kafka_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "kafka",
	.description = "Apache Kafka producer (librdkafka), acknowledged per send",
	.required_key = "hostport",
	.max_batch = KAFKA_MAX_BATCH,
	.init = kafka_init,
	.send = kafka_send,
	.send_batch = kafka_send_batch,
	.close = kafka_close,
};

SPL_PLUGIN_ENTRY(kafka_plugin)
