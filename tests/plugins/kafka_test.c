/* The kafka plugin against librdkafka's mock cluster on loopback TCP: a
 * real consumer receives every alert with the exact payload; a broker
 * error that cannot heal is FAIL; a down cluster is RETRY within the
 * timeout; bad config is refused. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <string.h>

#include "plugin_host.h"
#include "sk_test.h"

/* Kafka protocol ApiKey of Produce requests. */
#define KAFKA_API_PRODUCE 0

typedef struct mock {
	rd_kafka_t *rk; /* owns the mock cluster */
	rd_kafka_mock_cluster_t *mc;
	char bootstraps[256];
} mock;

static bool mock_start(mock *m)
{
	char why[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	memset(m, 0, sizeof(*m));
	rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
	m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (m->rk == NULL) {
		fprintf(stderr, "mock: %s\n", why);
		return false;
	}
	m->mc = rd_kafka_mock_cluster_new(m->rk, 1);
	if (m->mc == NULL) {
		return false;
	}
	snprintf(m->bootstraps, sizeof(m->bootstraps), "%s", rd_kafka_mock_cluster_bootstraps(m->mc));
	return rd_kafka_mock_topic_create(m->mc, "falco", 1, 1) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

static void mock_stop(mock *m)
{
	if (m->mc != NULL) {
		rd_kafka_mock_cluster_destroy(m->mc);
	}
	if (m->rk != NULL) {
		rd_kafka_destroy(m->rk);
	}
}

/* Reads partition 0 of "falco" from the start until want messages arrived
 * or 10 s passed; returns how many matched the expected payloads in order. */
static size_t consume_and_match(const mock *m, const ph_alert *const *want, size_t n)
{
	char why[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *c;
	rd_kafka_topic_partition_list_t *parts;
	size_t got = 0, matched = 0;
	long long deadline = ph_now_ms() + 10000;

	rd_kafka_conf_set(conf, "bootstrap.servers", m->bootstraps, why, sizeof(why));
	rd_kafka_conf_set(conf, "group.id", "saker-test", why, sizeof(why));
	rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
	c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof(why));
	if (c == NULL) {
		fprintf(stderr, "consumer: %s\n", why);
		return 0;
	}
	parts = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(parts, "falco", 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(c, parts);
	rd_kafka_topic_partition_list_destroy(parts);
	while (got < n && ph_now_ms() < deadline) {
		rd_kafka_message_t *msg = rd_kafka_consumer_poll(c, 100);

		if (msg == NULL) {
			continue;
		}
		if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			if (msg->len == want[got]->a.json_len && memcmp(msg->payload, want[got]->json, msg->len) == 0) {
				matched++;
			}
			got++;
		}
		rd_kafka_message_destroy(msg);
	}
	rd_kafka_consumer_close(c);
	rd_kafka_destroy(c);
	return matched;
}

SK_TEST(kafka_consumer_receives_every_alert_exactly)
{
	mock m;
	ph_plugin p = {0};
	ph_alert a[5];
	const saker_alert *batch[4] = {&a[1].a, &a[2].a, &a[3].a, &a[4].a};
	const ph_alert *want[5] = {&a[0], &a[1], &a[2], &a[3], &a[4]};

	SK_CHECK(mock_start(&m));
	const char *const config[] = {"hostport", m.bootstraps, "topic", "falco", "clientid", "saker-test",
				      "compression", "LZ4", "requiredacks", "ALL", NULL};
	for (int i = 0; i < 5; i++) {
		ph_alert_make(&a[i], i);
	}
	SK_CHECK(ph_open(&p, "kafka", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_INT(p.state != NULL ? p.api->send_batch(p.state, batch, 4, p.err, sizeof(p.err)) : SAKER_SEND_FAIL,
		     SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(consume_and_match(&m, want, 5), 5);
	mock_stop(&m);
}

SK_TEST(kafka_permanent_broker_error_is_fail)
{
	mock m;
	ph_plugin p = {0};
	ph_alert a;

	SK_CHECK(mock_start(&m));
	const char *const config[] = {"hostport", m.bootstraps, "topic", "falco", "timeout", "3000", NULL};
	ph_alert_make(&a, 1);
	SK_CHECK(ph_open(&p, "kafka", config));
	rd_kafka_mock_push_request_errors(m.mc, KAFKA_API_PRODUCE, 1, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "kafka topic falco");
	/* The next attempt is unaffected by the failed one. */
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	mock_stop(&m);
}

SK_TEST(kafka_down_cluster_is_retry_within_timeout)
{
	mock m;
	ph_plugin p = {0};
	ph_alert a;
	long long t0;

	SK_CHECK(mock_start(&m));
	const char *const config[] = {"hostport", m.bootstraps, "topic", "falco", "timeout", "1000", NULL};
	ph_alert_make(&a, 2);
	SK_CHECK(ph_open(&p, "kafka", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	rd_kafka_mock_broker_set_down(m.mc, 1);
	t0 = ph_now_ms();
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	SK_CHECK(ph_now_ms() - t0 < 3500);
	rd_kafka_mock_broker_set_up(m.mc, 1);
	ph_unload(&p);
	mock_stop(&m);
}

SK_TEST(kafka_sasl_and_tls_settings_are_accepted_by_librdkafka)
{
	static const char *const mechs[] = {"PLAIN", "SCRAM_SHA256", "SCRAM_SHA512"};
	ph_plugin p = {0};

	for (size_t i = 0; i < 3; i++) {
		const char *const config[] = {"hostport", "127.0.0.1", "topic", "t", "sasl", mechs[i], "username", "u",
					      "password", "p", "tls", i == 2 ? "true" : "false", "balancer",
					      "murmur2", "compression", "ZSTD", "requiredacks", "ONE", NULL};

		SK_CHECK(ph_open(&p, "kafka", config));
		ph_unload(&p);
	}
}

SK_TEST(kafka_refuses_bad_config)
{
	ph_plugin p = {0};
	const char *const no_topic[] = {"hostport", "127.0.0.1:1", NULL};
	const char *const sasl[] = {"hostport", "127.0.0.1:1", "topic", "t", "sasl", "KERBEROS", NULL};
	const char *const acks[] = {"hostport", "127.0.0.1:1", "topic", "t", "requiredacks", "TWO", NULL};
	const char *const comp[] = {"hostport", "127.0.0.1:1", "topic", "t", "compression", "BROTLI", NULL};

	SK_CHECK_INT(ph_load(&p, "kafka"), SK_OK);
	SK_CHECK(!ph_init(&p, no_topic));
	SK_CHECK_CONTAINS(p.err, "topic");
	SK_CHECK(!ph_init(&p, sasl));
	SK_CHECK_CONTAINS(p.err, "sasl 'KERBEROS'");
	SK_CHECK(!ph_init(&p, acks));
	SK_CHECK_CONTAINS(p.err, "requiredacks 'TWO'");
	SK_CHECK(!ph_init(&p, comp));
	SK_CHECK_CONTAINS(p.err, "compression 'BROTLI'");
	ph_unload(&p);
}

SK_TEST_MAIN()
