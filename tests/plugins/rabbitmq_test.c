/* The rabbitmq plugin against a real RabbitMQ broker on loopback (Debian's
 * rabbitmq-server with a private node name, directories, epmd and ports):
 * every alert reaches the queue with its exact JSON, content type
 * text/plain, persistent, the alert's uuid as message id (read back with
 * basic.get through librabbitmq); a queue that does not exist is FAIL (the
 * broker returns the message), as are a wrong password and an unknown
 * vhost; a stopped broker is RETRY within the timeout and a restarted one
 * takes alerts again; bad keys stop the start without the password in the
 * message. Over amqps:// the broker's certificate is checked against
 * tlsclient.cacertfile (and refused without it). Every process started here is stopped, even on failure (the
 * daemons die with the test). */
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

#define QUEUE "falco-alerts"

static dp_daemon epmd = {.pid = -1}, broker = {.pid = -1};
static int tls_port;

/* epmd in the foreground on a port of its own (RabbitMQ would otherwise
 * start one as a daemon that outlives the test), then the broker. */
static bool broker_start(void)
{
	char port[16], dist[16], path[128];

	if (epmd.pid <= 0) {
		if (!dp_prepare(&epmd, "epmd", 0)) {
			return false;
		}
		snprintf(port, sizeof(port), "%d", epmd.port);
		char *const argv[] = {"epmd", "-port", port, "-address", "127.0.0.1", NULL};
		if (!dp_start(&epmd, argv, 10000)) {
			return false;
		}
	}
	if (!dp_prepare(&broker, "rabbitmq", broker.port)) {
		return false;
	}
	snprintf(port, sizeof(port), "%d", epmd.port);
	setenv("ERL_EPMD_PORT", port, 1);
	snprintf(port, sizeof(port), "%d", broker.port);
	setenv("RABBITMQ_NODE_PORT", port, 1);
	snprintf(dist, sizeof(dist), "%d", ph_free_port());
	setenv("RABBITMQ_DIST_PORT", dist, 1);
	setenv("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1", 1);
	setenv("RABBITMQ_NODENAME", "saker-test@localhost", 1);
	setenv("HOME", broker.dir, 1); /* the Erlang cookie */
	snprintf(path, sizeof(path), "%s/mnesia", broker.dir);
	setenv("RABBITMQ_MNESIA_BASE", path, 1);
	snprintf(path, sizeof(path), "%s/log", broker.dir);
	setenv("RABBITMQ_LOG_BASE", path, 1);
	snprintf(path, sizeof(path), "%s/plugins-expand", broker.dir);
	setenv("RABBITMQ_PLUGINS_EXPAND_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/enabled_plugins", broker.dir);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		return false;
	}
	fputs("[].\n", f);
	fclose(f);
	setenv("RABBITMQ_ENABLED_PLUGINS_FILE", path, 1);
	/* a TLS listener too, with certificates made for localhost */
	snprintf(path, sizeof(path), "%s/rabbitmq.conf", broker.dir);
	if (tls_port == 0) {
		tls_port = ph_free_port();
		f = fopen(path, "w");
		if (f == NULL || !dp_make_certs(broker.dir)) {
			if (f != NULL) {
				fclose(f);
			}
			return false;
		}
		fprintf(f,
			"listeners.ssl.default = 127.0.0.1:%d\nssl_options.cacertfile = %s/ca.crt\n"
			"ssl_options.certfile = %s/server.crt\nssl_options.keyfile = %s/server.key\n"
			"ssl_options.verify = verify_none\nssl_options.fail_if_no_peer_cert = false\n",
			tls_port, broker.dir, broker.dir, broker.dir);
		fclose(f);
	}
	setenv("RABBITMQ_CONFIG_FILE", path, 1);
	/* the script then execs the VM instead of waiting on it in a shell, so
	 * the pid the test holds (and kills with itself) is the broker's */
	setenv("RUNNING_UNDER_SYSTEMD", "true", 1);
	char *const argv[] = {"/usr/lib/rabbitmq/bin/rabbitmq-server", NULL};
	return dp_start(&broker, argv, 60000) && dp_wait_port(tls_port, 10000);
}

/* A client of the test's own: login as guest on vhost "/". */
static amqp_connection_state_t client(void)
{
	amqp_connection_state_t c = amqp_new_connection();
	amqp_socket_t *sock = amqp_tcp_socket_new(c);
	struct timeval tv = {5, 0};

	if (sock == NULL || amqp_socket_open_noblock(sock, "127.0.0.1", broker.port, &tv) != AMQP_STATUS_OK ||
	    amqp_login(c, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type !=
		    AMQP_RESPONSE_NORMAL) {
		amqp_destroy_connection(c);
		return NULL;
	}
	amqp_set_rpc_timeout(c, &tv);
	amqp_channel_open(c, 1);
	if (amqp_get_rpc_reply(c).reply_type != AMQP_RESPONSE_NORMAL) {
		amqp_destroy_connection(c);
		return NULL;
	}
	return c;
}

static bool declare(amqp_connection_state_t c, const char *queue)
{
	amqp_queue_declare(c, 1, amqp_cstring_bytes(queue), 0, 1, 0, 0, amqp_empty_table);
	return amqp_get_rpc_reply(c).reply_type == AMQP_RESPONSE_NORMAL;
}

/* basic.get of one message from QUEUE; its body into body (NUL-ended),
 * its properties' content type, delivery mode and message id checked
 * against uuid. False when the queue is empty. */
static bool get_one(amqp_connection_state_t c, char *body, size_t cap, const char *uuid)
{
	amqp_rpc_reply_t r = amqp_basic_get(c, 1, amqp_cstring_bytes(QUEUE), 1);
	amqp_message_t msg;

	if (r.reply_type != AMQP_RESPONSE_NORMAL || r.reply.id != AMQP_BASIC_GET_OK_METHOD) {
		return false;
	}
	if (amqp_read_message(c, 1, &msg, 0).reply_type != AMQP_RESPONSE_NORMAL) {
		return false;
	}
	snprintf(body, cap, "%.*s", (int)msg.body.len, (const char *)msg.body.bytes);
	SK_CHECK(msg.properties._flags & AMQP_BASIC_CONTENT_TYPE_FLAG);
	SK_CHECK(msg.properties.content_type.len == 10 && memcmp(msg.properties.content_type.bytes, "text/plain", 10) == 0);
	SK_CHECK_INT(msg.properties.delivery_mode, AMQP_DELIVERY_PERSISTENT);
	SK_CHECK(msg.properties.message_id.len == strlen(uuid) &&
		 memcmp(msg.properties.message_id.bytes, uuid, strlen(uuid)) == 0);
	amqp_destroy_message(&msg);
	return true;
}

SK_TEST(alerts_reach_the_queue_confirmed_and_failures)
{
	char url[128], body[4096];
	ph_plugin p;
	ph_alert a;

	broker.port = 0;
	if (!broker_start()) {
		SK_CHECK(!"rabbitmq-server up (scripts/install-deps.sh installs it)");
		dp_done(&broker);
		dp_done(&epmd);
		return;
	}
	amqp_connection_state_t c = client();
	SK_CHECK(c != NULL && declare(c, QUEUE));

	snprintf(url, sizeof(url), "amqp://guest:guest@127.0.0.1:%d/", broker.port);
	const char *cfg[] = {"url", url, "queue", QUEUE, "timeout", "3000", NULL};
	SK_CHECK(ph_open(&p, "rabbitmq", cfg));
	for (int seq = 0; seq < 3; seq++) {
		ph_alert_make(&a, seq);
		SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	}
	for (int seq = 0; seq < 3 && c != NULL; seq++) {
		ph_alert_make(&a, seq);
		SK_CHECK(get_one(c, body, sizeof(body), a.uuid));
		SK_CHECK_STR(body, a.json);
	}
	SK_CHECK(c == NULL || !get_one(c, body, sizeof(body), ""));

	/* the broker stops: RETRY within the timeout; it comes back: OK */
	if (c != NULL) {
		amqp_destroy_connection(c);
	}
	dp_stop(&broker);
	ph_alert_make(&a, 3);
	long long t0 = ph_now_ms();
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	SK_CHECK(ph_now_ms() - t0 < 8000);
	SK_CHECK_CONTAINS(p.err, "rabbitmq 127.0.0.1:");
	SK_CHECK(broker_start());
	c = client();
	SK_CHECK(c != NULL && declare(c, QUEUE));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK(c != NULL && get_one(c, body, sizeof(body), a.uuid));
	SK_CHECK_STR(body, a.json);
	ph_unload(&p);

	/* amqps: the broker's certificate verified against tlsclient.cacertfile;
	 * without it (the system's CAs) the handshake fails: RETRY */
	char ca[128];
	snprintf(ca, sizeof(ca), "%s/ca.crt", broker.dir);
	snprintf(url, sizeof(url), "amqps://guest:guest@localhost:%d/", tls_port);
	const char *tls[] = {"url", url, "queue", QUEUE, "tlsclient.cacertfile", ca, NULL};
	SK_CHECK(ph_open(&p, "rabbitmq", tls));
	ph_alert_make(&a, 4);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK(c != NULL && get_one(c, body, sizeof(body), a.uuid));
	SK_CHECK_STR(body, a.json);
	ph_unload(&p);
	const char *untrusted[] = {"url", url, "queue", QUEUE, NULL};
	SK_CHECK(ph_open(&p, "rabbitmq", untrusted));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "connect:");
	ph_unload(&p);
	snprintf(url, sizeof(url), "amqp://guest:guest@127.0.0.1:%d/", broker.port);

	/* no such queue: the broker returns the message */
	const char *noqueue[] = {"url", url, "queue", "nobody-reads-this", NULL};
	SK_CHECK(ph_open(&p, "rabbitmq", noqueue));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "queue 'nobody-reads-this': the broker returned the message (312 NO_ROUTE)");
	/* the connection stays usable */
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	ph_unload(&p);

	/* a wrong password and an unknown vhost: FAIL */
	snprintf(url, sizeof(url), "amqp://guest:wrong-one@127.0.0.1:%d/", broker.port);
	const char *badpw[] = {"url", url, "queue", QUEUE, NULL};
	SK_CHECK(ph_open(&p, "rabbitmq", badpw));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "login: 403 ACCESS_REFUSED");
	SK_CHECK(strstr(p.err, "wrong-one") == NULL);
	ph_unload(&p);
	snprintf(url, sizeof(url), "amqp://guest:guest@127.0.0.1:%d/no-such-vhost", broker.port);
	const char *badvhost[] = {"url", url, "queue", QUEUE, NULL};
	SK_CHECK(ph_open(&p, "rabbitmq", badvhost));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "/no-such-vhost: login: 530");
	ph_unload(&p);

	/* bad keys stop the start; the URL's password is never echoed */
	const char *noq[] = {"url", url, NULL};
	SK_CHECK(!ph_open(&p, "rabbitmq", noq));
	SK_CHECK_CONTAINS(p.err, "queue: required");
	ph_unload(&p);
	const char *badurl[] = {"url", "http://u:hunter2@h/", "queue", QUEUE, NULL};
	SK_CHECK(!ph_open(&p, "rabbitmq", badurl));
	SK_CHECK_CONTAINS(p.err, "url: not amqp://");
	SK_CHECK(strstr(p.err, "hunter2") == NULL);
	ph_unload(&p);

	if (c != NULL) {
		amqp_destroy_connection(c);
	}
	dp_done(&broker);
	dp_done(&epmd);
}

SK_TEST_MAIN()
