/* The mqtt plugin against a real mosquitto broker on loopback (started
 * here with a private config): a libmosquitto subscriber receives every
 * alert on the configured topic with the exact JSON bytes and the QoS and
 * retain flag asked for; user/password (section or URL) are accepted, wrong
 * or missing ones are FAIL; a stopped broker is RETRY within the timeout
 * and a restarted one gets alerts again. */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

#define MAX_MSGS 16

typedef struct broker {
	dp_daemon d;
	bool tls; /* listen with TLS, certificates from dp_make_certs() in d.dir */
} broker;

typedef struct subscriber {
	struct mosquitto *mosq;
	bool subscribed;
	size_t n;
	struct mosquitto_message msgs[MAX_MSGS];
} subscriber;

/* Starts mosquitto on port (0: a free one); with user and password only
 * that login is allowed. Waits at most 5 s for the listener. */
static bool broker_start(broker *b, int port, const char *user, const char *password)
{
	char conf[128], passwd[128];
	FILE *f;

	if (!dp_prepare(&b->d, "mqtt", port)) {
		return false;
	}
	snprintf(conf, sizeof(conf), "%s/mosquitto.conf", b->d.dir);
	snprintf(passwd, sizeof(passwd), "%s/passwd", b->d.dir);
	if (user != NULL) {
		char *const argv[] = {"mosquitto_passwd", "-b", "-c", passwd, (char *)user, (char *)password, NULL};

		if (!dp_run_quietly(argv)) {
			return false;
		}
	}
	f = fopen(conf, "w");
	if (f == NULL) {
		return false;
	}
	fprintf(f, "listener %d 127.0.0.1\npersistence false\nlog_dest none\n", b->d.port);
	if (b->tls) {
		fprintf(f, "cafile %s/ca.crt\ncertfile %s/server.crt\nkeyfile %s/server.key\n", b->d.dir, b->d.dir,
			b->d.dir);
	}
	/* As root mosquitto would switch to its own user, who cannot read
	 * this private directory. */
	if (geteuid() == 0) {
		fprintf(f, "user root\n");
	}
	if (user != NULL) {
		fprintf(f, "allow_anonymous false\npassword_file %s\n", passwd);
	} else {
		fprintf(f, "allow_anonymous true\n");
	}
	fclose(f);
	char *const argv[] = {"mosquitto", "-c", conf, NULL};
	return dp_start(&b->d, argv, 5000);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
	subscriber *s = obj;

	if (s->n < MAX_MSGS && mosquitto_message_copy(&s->msgs[s->n], msg) == MOSQ_ERR_SUCCESS) {
		s->n++;
	}
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int qos_count, const int *granted)
{
	subscriber *s = obj;

	s->subscribed = true;
}

/* Runs the subscriber's loop until it holds n messages or ms passed. */
static void sub_wait(subscriber *s, size_t n, long ms)
{
	long long deadline = ph_now_ms() + ms;

	while (s->mosq != NULL && s->n < n && ph_now_ms() < deadline) {
		if (mosquitto_loop(s->mosq, 50, 1) != MOSQ_ERR_SUCCESS) {
			break;
		}
	}
}

/* Connects (as user, if any; over TLS to localhost trusting cafile, if
 * set), subscribes to topic at QoS 2 and waits for the SUBACK, so later
 * publishes reach it. */
static bool sub_open_as(subscriber *s, int port, const char *user, const char *password, const char *cafile,
			const char *topic)
{
	static int seq;
	char id[32];
	long long deadline = ph_now_ms() + 3000;

	memset(s, 0, sizeof(*s));
	snprintf(id, sizeof(id), "saker-test-sub-%d", ++seq);
	s->mosq = mosquitto_new(id, true, s);
	if (s->mosq == NULL) {
		return false;
	}
	mosquitto_message_callback_set(s->mosq, on_message);
	mosquitto_subscribe_callback_set(s->mosq, on_subscribe);
	if (user != NULL) {
		mosquitto_username_pw_set(s->mosq, user, password);
	}
	if (cafile != NULL && mosquitto_tls_set(s->mosq, cafile, NULL, NULL, NULL, NULL) != MOSQ_ERR_SUCCESS) {
		return false;
	}
	if (mosquitto_connect(s->mosq, cafile != NULL ? "localhost" : "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS ||
	    mosquitto_subscribe(s->mosq, NULL, topic, 2) != MOSQ_ERR_SUCCESS) {
		return false;
	}
	while (!s->subscribed && ph_now_ms() < deadline) {
		if (mosquitto_loop(s->mosq, 50, 1) != MOSQ_ERR_SUCCESS) {
			return false;
		}
	}
	return s->subscribed;
}

static bool sub_open(subscriber *s, int port, const char *user, const char *password, const char *topic)
{
	return sub_open_as(s, port, user, password, NULL, topic);
}

static void sub_close(subscriber *s)
{
	for (size_t i = 0; i < s->n; i++) {
		mosquitto_message_free_contents(&s->msgs[i]);
	}
	if (s->mosq != NULL) {
		mosquitto_disconnect(s->mosq);
		mosquitto_destroy(s->mosq);
	}
	memset(s, 0, sizeof(*s));
}

/* Checks message i: topic, exact payload, QoS and retain flag. */
static void expect_msg(const subscriber *s, size_t i, const char *topic, const ph_alert *a, int qos, bool retain)
{
	const struct mosquitto_message *m = &s->msgs[i];

	SK_CHECK(i < s->n);
	if (i >= s->n) {
		return;
	}
	SK_CHECK_STR(m->topic, topic);
	SK_CHECK_INT(m->payloadlen, a->a.json_len);
	SK_CHECK(m->payloadlen == (int)a->a.json_len && memcmp(m->payload, a->json, a->a.json_len) == 0);
	SK_CHECK_INT(m->qos, qos);
	SK_CHECK_INT(m->retain, retain);
}

static saker_send_result send_one(ph_plugin *p, const ph_alert *a)
{
	return p->state != NULL ? ph_send(p, &a->a) : SAKER_SEND_FAIL;
}

SK_TEST(mqtt_subscriber_gets_exact_alerts_with_qos)
{
	broker b = {0};
	subscriber s;
	ph_plugin p = {0};
	ph_alert a[5];
	const saker_alert *batch[3] = {&a[1].a, &a[2].a, &a[3].a};
	char url[64], bare[64], local[16];

	SK_CHECK(broker_start(&b, 0, NULL, NULL));
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", b.d.port);
	snprintf(bare, sizeof(bare), "127.0.0.1:%d", b.d.port);
	snprintf(local, sizeof(local), ":%d", b.d.port);
	const char *const defaults[] = {"broker", url, NULL};
	const char *const qos1[] = {"broker", bare, "topic", "alerts/falco", "qos", "1", NULL};
	const char *const qos2[] = {"broker", local, "qos", "2", NULL};
	for (int i = 0; i < 5; i++) {
		ph_alert_make(&a[i], i);
	}
	SK_CHECK(sub_open(&s, b.d.port, NULL, NULL, "#"));
	SK_CHECK(ph_open(&p, "mqtt", defaults));
	SK_CHECK_INT(send_one(&p, &a[0]), SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "mqtt", qos1));
	SK_CHECK_INT(p.state != NULL ? p.api->send_batch(p.state, batch, 3, p.err, sizeof(p.err)) : SAKER_SEND_FAIL,
		     SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "mqtt", qos2));
	SK_CHECK_INT(send_one(&p, &a[4]), SAKER_SEND_OK);
	ph_unload(&p);
	sub_wait(&s, 6, 3000); /* one more than expected: nothing else comes */
	SK_CHECK_INT(s.n, 5);
	expect_msg(&s, 0, "falco/events", &a[0], 0, false);
	for (size_t i = 1; i <= 3; i++) {
		expect_msg(&s, i, "alerts/falco", &a[i], 1, false);
	}
	expect_msg(&s, 4, "falco/events", &a[4], 2, false);
	sub_close(&s);
	dp_done(&b.d);
}

SK_TEST(mqtt_retained_alert_reaches_a_later_subscriber)
{
	broker b = {0};
	subscriber s;
	ph_plugin p = {0};
	ph_alert a;
	char url[64];

	ph_alert_make(&a, 5);
	SK_CHECK(broker_start(&b, 0, NULL, NULL));
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", b.d.port);
	const char *const config[] = {"broker", url, "topic", "falco/last", "qos", "1", "retained", "true", NULL};
	SK_CHECK(ph_open(&p, "mqtt", config));
	SK_CHECK_INT(send_one(&p, &a), SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK(sub_open(&s, b.d.port, NULL, NULL, "falco/last"));
	sub_wait(&s, 1, 3000);
	expect_msg(&s, 0, "falco/last", &a, 1, true);
	sub_close(&s);
	dp_done(&b.d);
}

SK_TEST(mqtt_user_password_accepted_and_refused)
{
	broker b = {0};
	subscriber s;
	ph_plugin p = {0};
	ph_alert a[2];
	char url[64], url_creds[96];

	ph_alert_make(&a[0], 6);
	ph_alert_make(&a[1], 7);
	SK_CHECK(broker_start(&b, 0, "falco", "s3cret"));
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", b.d.port);
	snprintf(url_creds, sizeof(url_creds), "tcp://falco:s3cret@127.0.0.1:%d", b.d.port);
	const char *const good[] = {"broker", url, "user", "falco", "password", "s3cret", NULL};
	const char *const in_url[] = {"broker", url_creds, NULL};
	const char *const wrong[] = {"broker", url, "user", "falco", "password", "nope", NULL};
	const char *const none[] = {"broker", url, NULL};
	/* As in Falcosidekick a user without a password logs in as nobody. */
	const char *const user_only[] = {"broker", url, "user", "falco", NULL};
	SK_CHECK(sub_open(&s, b.d.port, "falco", "s3cret", "#"));
	SK_CHECK(ph_open(&p, "mqtt", good));
	SK_CHECK_INT(send_one(&p, &a[0]), SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "mqtt", in_url));
	SK_CHECK_INT(send_one(&p, &a[1]), SAKER_SEND_OK);
	ph_unload(&p);
	for (int i = 0; i < 3; i++) {
		const char *const *config = i == 0 ? wrong : i == 1 ? none : user_only;

		SK_CHECK(ph_open(&p, "mqtt", config));
		SK_CHECK_INT(send_one(&p, &a[0]), SAKER_SEND_FAIL);
		SK_CHECK_CONTAINS(p.err, "mqtt connect 127.0.0.1");
		SK_CHECK_CONTAINS(p.err, "Connection Refused");
		ph_unload(&p);
	}
	sub_wait(&s, 3, 1000);
	SK_CHECK_INT(s.n, 2);
	expect_msg(&s, 0, "falco/events", &a[0], 0, false);
	expect_msg(&s, 1, "falco/events", &a[1], 0, false);
	sub_close(&s);
	dp_done(&b.d);
}

SK_TEST(mqtt_stopped_broker_is_retry_and_restarted_one_gets_alerts)
{
	broker b = {0};
	subscriber s;
	ph_plugin p = {0};
	ph_alert a[3];
	char url[64];
	long long t0;
	int port;

	SK_CHECK(broker_start(&b, 0, NULL, NULL));
	port = b.d.port;
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);
	const char *const config[] = {"broker", url, "qos", "1", "timeout", "1000", NULL};
	for (int i = 0; i < 3; i++) {
		ph_alert_make(&a[i], 30 + i);
	}
	SK_CHECK(ph_open(&p, "mqtt", config));
	SK_CHECK_INT(send_one(&p, &a[0]), SAKER_SEND_OK);
	dp_stop(&b.d);
	for (int i = 0; i < 2; i++) {
		t0 = ph_now_ms();
		SK_CHECK_INT(send_one(&p, &a[1]), SAKER_SEND_RETRY);
		SK_CHECK(ph_now_ms() - t0 < 2500);
		SK_CHECK_CONTAINS(p.err, "mqtt ");
	}
	SK_CHECK(broker_start(&b, port, NULL, NULL));
	SK_CHECK(sub_open(&s, port, NULL, NULL, "#"));
	SK_CHECK_INT(send_one(&p, &a[1]), SAKER_SEND_OK);
	SK_CHECK_INT(send_one(&p, &a[2]), SAKER_SEND_OK);
	sub_wait(&s, 3, 1500);
	SK_CHECK_INT(s.n, 2);
	expect_msg(&s, 0, "falco/events", &a[1], 1, false);
	expect_msg(&s, 1, "falco/events", &a[2], 1, false);
	sub_close(&s);
	ph_unload(&p);

	/* Down at start-up is only a warning; the first send is RETRY. */
	dp_stop(&b.d);
	SK_CHECK(ph_open(&p, "mqtt", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
	dp_done(&b.d);
}

SK_TEST(mqtt_tls_checkcert_and_cacert)
{
	broker b = {0};
	subscriber s;
	ph_plugin p = {0};
	ph_alert a[2];
	char url[64], ca[96];

	ph_alert_make(&a[0], 50);
	ph_alert_make(&a[1], 51);
	SK_CHECK(dp_prepare(&b.d, "mqtt", 0));
	SK_CHECK(dp_make_certs(b.d.dir));
	b.tls = true;
	SK_CHECK(broker_start(&b, 0, NULL, NULL));
	snprintf(url, sizeof(url), "ssl://localhost:%d", b.d.port);
	snprintf(ca, sizeof(ca), "%s/ca.crt", b.d.dir);
	const char *const unknown_ca[] = {"broker", url, "timeout", "2000", NULL};
	const char *const with_ca[] = {"broker", url, "qos", "1", "tlsclient.cacertfile", ca, NULL};
	const char *const no_check[] = {"broker", url, "qos", "1", "checkcert", "false", NULL};
	SK_CHECK(sub_open_as(&s, b.d.port, NULL, NULL, ca, "#"));
	/* A certificate from a CA the system does not know: RETRY. */
	SK_CHECK(ph_open(&p, "mqtt", unknown_ca));
	SK_CHECK_INT(send_one(&p, &a[0]), SAKER_SEND_RETRY);
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "mqtt", with_ca));
	SK_CHECK_INT(send_one(&p, &a[0]), SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "mqtt", no_check));
	SK_CHECK_INT(send_one(&p, &a[1]), SAKER_SEND_OK);
	ph_unload(&p);
	sub_wait(&s, 3, 2000);
	SK_CHECK_INT(s.n, 2);
	expect_msg(&s, 0, "falco/events", &a[0], 1, false);
	expect_msg(&s, 1, "falco/events", &a[1], 1, false);
	sub_close(&s);
	dp_done(&b.d);
}

SK_TEST(mqtt_refuses_bad_config)
{
	ph_plugin p = {0};
	const char *const qos[] = {"broker", "tcp://127.0.0.1:1", "qos", "3", NULL};
	const char *const topic[] = {"broker", "tcp://127.0.0.1:1", "topic", "falco/+/x", NULL};
	const char *const ws[] = {"broker", "ws://127.0.0.1:1", NULL};
	const char *const timeout[] = {"broker", "tcp://127.0.0.1:1", "timeout", "0", NULL};

	SK_CHECK_INT(ph_load(&p, "mqtt"), SK_OK);
	SK_CHECK(!ph_init(&p, qos));
	SK_CHECK_CONTAINS(p.err, "qos 3");
	SK_CHECK(!ph_init(&p, topic));
	SK_CHECK_CONTAINS(p.err, "topic 'falco/+/x'");
	SK_CHECK(!ph_init(&p, ws));
	SK_CHECK_CONTAINS(p.err, "ws:// is not supported");
	SK_CHECK(!ph_init(&p, timeout));
	SK_CHECK_CONTAINS(p.err, "timeout 0 ms");
	ph_unload(&p);
}

int main(void)
{
	int rc;

	mosquitto_lib_init();
	rc = sk_test_run();
	mosquitto_lib_cleanup();
	return rc;
}
