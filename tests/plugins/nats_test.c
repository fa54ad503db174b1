/* The nats plugin against a real nats-server on loopback (started here with
 * a private config file): a libnats subscriber receives every alert on
 * falco.<priority>.<rule> (or the configured template) with the exact JSON
 * bytes; user/password and token in the URL are accepted, wrong ones and a
 * publish permission violation are FAIL; a stopped server is RETRY within
 * the timeout and a restarted one gets alerts again. */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

#define SUBJECT0 "falco.warning.terminal_shell_in_container"

typedef dp_daemon nats_server;

/* Starts nats-server on port (0: a free one) with `auth` as the config's
 * authorization block ("" for none); waits at most 5 s for its port. */
static bool server_start(nats_server *s, int port, const char *auth)
{
	char conf[128];
	FILE *f;

	if (!dp_prepare(s, "nats", port)) {
		return false;
	}
	snprintf(conf, sizeof(conf), "%s/nats.conf", s->dir);
	f = fopen(conf, "w");
	if (f == NULL) {
		return false;
	}
	fprintf(f, "listen: 127.0.0.1:%d\n%s\n", s->port, auth);
	fclose(f);
	char *const argv[] = {"nats-server", "-c", conf, NULL};
	return dp_start(s, argv, 5000);
}

typedef struct subscriber {
	natsConnection *nc;
	natsSubscription *sub;
} subscriber;

/* Subscribes to everything at url (over TLS with certdir's CA and
 * client certificate when certdir is set); the SUB is on the server on
 * return. */
static bool subscribe_tls(subscriber *s, const char *url, const char *certdir)
{
	natsOptions *opts = NULL;
	natsStatus st = natsOptions_Create(&opts);
	char ca[96], crt[96], key[96];

	memset(s, 0, sizeof(*s));
	if (st == NATS_OK) {
		st = natsOptions_SetURL(opts, url);
	}
	if (st == NATS_OK && certdir != NULL) {
		snprintf(ca, sizeof(ca), "%s/ca.crt", certdir);
		snprintf(crt, sizeof(crt), "%s/client.crt", certdir);
		snprintf(key, sizeof(key), "%s/client.key", certdir);
		st = natsOptions_SetSecure(opts, true);
		if (st == NATS_OK) {
			st = natsOptions_LoadCATrustedCertificates(opts, ca);
		}
		if (st == NATS_OK) {
			st = natsOptions_LoadCertificatesChain(opts, crt, key);
		}
	}
	if (st == NATS_OK) {
		st = natsOptions_SetTimeout(opts, 2000);
	}
	if (st == NATS_OK) {
		st = natsConnection_Connect(&s->nc, opts);
	}
	if (st == NATS_OK) {
		st = natsConnection_SubscribeSync(&s->sub, s->nc, ">");
	}
	if (st == NATS_OK) {
		st = natsConnection_FlushTimeout(s->nc, 2000);
	}
	natsOptions_Destroy(opts);
	if (st != NATS_OK) {
		fprintf(stderr, "subscriber %s: %s\n", url, natsStatus_GetText(st));
	}
	return st == NATS_OK;
}

static bool subscribe(subscriber *s, const char *url)
{
	return subscribe_tls(s, url, NULL);
}

static void unsubscribe(subscriber *s)
{
	natsSubscription_Destroy(s->sub);
	natsConnection_Destroy(s->nc);
	memset(s, 0, sizeof(*s));
}

/* Checks that the next message (within 3 s) has this subject and body. */
static void expect_msg(subscriber *s, const char *subject, const ph_alert *a)
{
	natsMsg *msg = NULL;
	natsStatus st = s->sub != NULL ? natsSubscription_NextMsg(&msg, s->sub, 3000) : NATS_INVALID_SUBSCRIPTION;

	SK_CHECK_INT(st, NATS_OK);
	if (msg == NULL) {
		return;
	}
	SK_CHECK_STR(natsMsg_GetSubject(msg), subject);
	SK_CHECK_INT(natsMsg_GetDataLength(msg), a->a.json_len);
	SK_CHECK(natsMsg_GetDataLength(msg) == (int)a->a.json_len &&
		 memcmp(natsMsg_GetData(msg), a->json, a->a.json_len) == 0);
	natsMsg_Destroy(msg);
}

/* Checks that nothing more arrives within 200 ms. */
static void expect_no_msg(subscriber *s)
{
	natsMsg *msg = NULL;

	SK_CHECK_INT(s->sub != NULL ? natsSubscription_NextMsg(&msg, s->sub, 200) : NATS_TIMEOUT, NATS_TIMEOUT);
	natsMsg_Destroy(msg);
}

SK_TEST(nats_subscriber_gets_exact_alerts_on_falco_subjects)
{
	nats_server srv = {0};
	subscriber sub;
	ph_plugin p = {0};
	ph_alert a[5];
	const saker_alert *batch[3] = {&a[1].a, &a[2].a, &a[3].a};
	char url[64];

	SK_CHECK(server_start(&srv, 0, ""));
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d", srv.port);
	const char *const config[] = {"hostport", url, NULL};
	const char *const templated[] = {"hostport", url, "subjecttemplate", "alerts.<rule>.<priority>", NULL};
	for (int i = 0; i < 5; i++) {
		ph_alert_make(&a[i], i);
	}
	a[2].a.priority_num = SAKER_PRIORITY_CRITICAL;
	a[2].a.rule = "Write below /etc (by K8s-user)";
	SK_CHECK(subscribe(&sub, url));
	SK_CHECK(ph_open(&p, "nats", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_INT(p.state != NULL ? p.api->send_batch(p.state, batch, 3, p.err, sizeof(p.err)) : SAKER_SEND_FAIL,
		     SAKER_SEND_OK);
	ph_unload(&p);
	expect_msg(&sub, SUBJECT0, &a[0]);
	expect_msg(&sub, SUBJECT0, &a[1]);
	expect_msg(&sub, "falco.critical.write_below_etc_by_k8s_user", &a[2]);
	expect_msg(&sub, SUBJECT0, &a[3]);
	SK_CHECK(ph_open(&p, "nats", templated));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[4].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	expect_msg(&sub, "alerts.terminal_shell_in_container.warning", &a[4]);
	expect_no_msg(&sub);
	unsubscribe(&sub);
	dp_done(&srv);
}

SK_TEST(nats_user_password_and_token_in_url)
{
	nats_server srv = {0};
	subscriber sub;
	ph_plugin p = {0};
	ph_alert a;
	char good[96], bad[96], none[64];

	ph_alert_make(&a, 7);
	SK_CHECK(server_start(&srv, 0, "authorization { user: falco, password: \"s3cret\" }"));
	snprintf(good, sizeof(good), "nats://falco:s3cret@127.0.0.1:%d", srv.port);
	snprintf(bad, sizeof(bad), "nats://falco:nope@127.0.0.1:%d", srv.port);
	snprintf(none, sizeof(none), "nats://127.0.0.1:%d", srv.port);
	const char *const with_good[] = {"hostport", good, NULL};
	const char *const with_bad[] = {"hostport", bad, NULL};
	const char *const with_none[] = {"hostport", none, NULL};
	SK_CHECK(subscribe(&sub, good));
	SK_CHECK(ph_open(&p, "nats", with_good));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	expect_msg(&sub, SUBJECT0, &a);
	/* Wrong or missing credentials: a configuration error, FAIL. */
	SK_CHECK(ph_open(&p, "nats", with_bad));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "nats connect");
	SK_CHECK(strstr(p.err, "nope") == NULL);
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "nats", with_none));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	ph_unload(&p);
	expect_no_msg(&sub);
	unsubscribe(&sub);
	dp_stop(&srv);

	SK_CHECK(server_start(&srv, 0, "authorization { token: \"t0ken-42\" }"));
	snprintf(good, sizeof(good), "nats://t0ken-42@127.0.0.1:%d", srv.port);
	snprintf(bad, sizeof(bad), "nats://t0ken-43@127.0.0.1:%d", srv.port);
	SK_CHECK(subscribe(&sub, good));
	SK_CHECK(ph_open(&p, "nats", with_good));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	expect_msg(&sub, SUBJECT0, &a);
	SK_CHECK(ph_open(&p, "nats", with_bad));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	ph_unload(&p);
	unsubscribe(&sub);
	dp_done(&srv);
}

SK_TEST(nats_publish_permission_violation_is_fail)
{
	nats_server srv = {0};
	subscriber sub;
	ph_plugin p = {0};
	ph_alert a;
	char url[96], sub_url[96];

	ph_alert_make(&a, 8);
	SK_CHECK(server_start(&srv, 0,
			      "authorization { users: ["
			      " { user: pub, password: pw, permissions: { publish: \"allowed.>\", subscribe: \"_INBOX.>\" } },"
			      " { user: sub, password: pw } ] }"));
	snprintf(url, sizeof(url), "nats://pub:pw@127.0.0.1:%d", srv.port);
	snprintf(sub_url, sizeof(sub_url), "nats://sub:pw@127.0.0.1:%d", srv.port);
	const char *const denied[] = {"hostport", url, NULL};
	const char *const allowed[] = {"hostport", url, "subjecttemplate", "allowed.<priority>", NULL};
	SK_CHECK(subscribe(&sub, sub_url));
	SK_CHECK(ph_open(&p, "nats", denied));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, SUBJECT0);
	SK_CHECK_CONTAINS(p.err, "Permissions Violation");
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "nats", allowed));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	expect_msg(&sub, "allowed.warning", &a);
	expect_no_msg(&sub);
	unsubscribe(&sub);
	dp_done(&srv);
}

SK_TEST(nats_stopped_server_is_retry_and_restarted_one_gets_alerts)
{
	nats_server srv = {0};
	subscriber sub;
	ph_plugin p = {0};
	ph_alert a[3];
	char url[64];
	long long t0;
	int port;

	SK_CHECK(server_start(&srv, 0, ""));
	port = srv.port;
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d", port);
	const char *const config[] = {"hostport", url, "timeout", "1000", NULL};
	for (int i = 0; i < 3; i++) {
		ph_alert_make(&a[i], 20 + i);
	}
	SK_CHECK(ph_open(&p, "nats", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	dp_stop(&srv);
	for (int i = 0; i < 2; i++) {
		t0 = ph_now_ms();
		SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[1].a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
		SK_CHECK(ph_now_ms() - t0 < 2500);
		SK_CHECK_CONTAINS(p.err, "nats ");
	}
	SK_CHECK(server_start(&srv, port, ""));
	SK_CHECK(subscribe(&sub, url));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[1].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[2].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	expect_msg(&sub, SUBJECT0, &a[1]);
	expect_msg(&sub, SUBJECT0, &a[2]);
	expect_no_msg(&sub);
	unsubscribe(&sub);
	ph_unload(&p);

	/* Down at start-up is only a warning; the first send is RETRY. */
	dp_stop(&srv);
	SK_CHECK(ph_open(&p, "nats", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
	dp_done(&srv);
}

SK_TEST(nats_tls_checkcert_cacert_and_mutual_tls)
{
	nats_server srv = {0};
	subscriber sub;
	ph_plugin p = {0};
	ph_alert a[2];
	char tls_block[512], url[64], plain[64], ca[96];

	ph_alert_make(&a[0], 40);
	ph_alert_make(&a[1], 41);
	SK_CHECK(dp_prepare(&srv, "nats", 0));
	SK_CHECK(dp_make_certs(srv.dir));
	snprintf(ca, sizeof(ca), "%s/ca.crt", srv.dir);
	/* A server certificate signed by a private CA, no client certificate. */
	snprintf(tls_block, sizeof(tls_block), "tls { cert_file: \"%s/server.crt\", key_file: \"%s/server.key\" }",
		 srv.dir, srv.dir);
	SK_CHECK(server_start(&srv, 0, tls_block));
	snprintf(url, sizeof(url), "tls://localhost:%d", srv.port);
	snprintf(plain, sizeof(plain), "nats://localhost:%d", srv.port);
	const char *const unknown_ca[] = {"hostport", url, "timeout", "2000", NULL};
	const char *const with_ca[] = {"hostport", url, "tlsclient.cacertfile", ca, NULL};
	const char *const no_check[] = {"hostport", url, "checkcert", "false", NULL};
	const char *const no_tls[] = {"hostport", plain, NULL};
	SK_CHECK(ph_open(&p, "nats", unknown_ca));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "nats", with_ca));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK(ph_open(&p, "nats", no_check));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	/* The server wants TLS, the URL says plain: libnats upgrades (as the Go
	 * client does) but without tls:// only the system CAs count. */
	SK_CHECK(ph_open(&p, "nats", no_tls));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "SSL");
	ph_unload(&p);
	dp_stop(&srv);

	/* Mutual TLS: the server verifies the client certificate. */
	snprintf(tls_block, sizeof(tls_block),
		 "tls { cert_file: \"%s/server.crt\", key_file: \"%s/server.key\", ca_file: \"%s/ca.crt\", "
		 "verify: true }",
		 srv.dir, srv.dir, srv.dir);
	SK_CHECK(server_start(&srv, 0, tls_block));
	snprintf(url, sizeof(url), "tls://localhost:%d", srv.port);
	snprintf(plain, sizeof(plain), "nats://localhost:%d", srv.port);
	const char *const mutual[] = {"hostport", plain, "mutualtls", "true", "mutualtlsfilespath", srv.dir, NULL};
	const char *const no_client_cert[] = {"hostport", url, "tlsclient.cacertfile", ca, NULL};
	SK_CHECK(subscribe_tls(&sub, url, srv.dir));
	SK_CHECK(ph_open(&p, "nats", mutual));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[1].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	expect_msg(&sub, SUBJECT0, &a[1]);
	SK_CHECK(ph_open(&p, "nats", no_client_cert));
	SK_CHECK(p.state == NULL || ph_send(&p, &a[0].a) != SAKER_SEND_OK);
	ph_unload(&p);
	expect_no_msg(&sub);
	unsubscribe(&sub);
	dp_done(&srv);
}

SK_TEST(nats_refuses_bad_config)
{
	ph_plugin p = {0};
	const char *const scheme[] = {"hostport", "ws://127.0.0.1:1", NULL};
	const char *const subject[] = {"hostport", "nats://127.0.0.1:1", "subjecttemplate", "falco.>", NULL};
	const char *const creds[] = {"hostport", "nats://127.0.0.1:1", "credsfile", "/x.creds", NULL};
	const char *const timeout[] = {"hostport", "nats://127.0.0.1:1", "timeout", "0", NULL};
	const char *const mutual[] = {"hostport", "nats://127.0.0.1:1", "mutualtls", "true", "mutualtlsfilespath",
				      "/nonexistent", NULL};

	SK_CHECK_INT(ph_load(&p, "nats"), SK_OK);
	SK_CHECK(!ph_init(&p, scheme));
	SK_CHECK_CONTAINS(p.err, "hostport 'ws://127.0.0.1:1'");
	SK_CHECK(!ph_init(&p, subject));
	SK_CHECK_CONTAINS(p.err, "subjecttemplate 'falco.>'");
	SK_CHECK(!ph_init(&p, creds));
	SK_CHECK_CONTAINS(p.err, "credsfile: not supported");
	SK_CHECK(!ph_init(&p, timeout));
	SK_CHECK_CONTAINS(p.err, "timeout 0 ms");
	SK_CHECK(!ph_init(&p, mutual));
	SK_CHECK_CONTAINS(p.err, "mutualtls: cannot read /nonexistent/client.crt");
	ph_unload(&p);
}

int main(void)
{
	int rc = sk_test_run();

	/* Every connection is gone: let libnats stop its threads and free. */
	nats_CloseAndWait(5000);
	return rc;
}
