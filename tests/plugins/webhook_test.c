/* The webhook plugin against a real HTTP receiver on loopback: exact body,
 * method, headers, one kept-alive connection, and status -> outcome mapping
 * (429/5xx/timeout/refused -> RETRY, other 4xx -> FAIL). */
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(webhook_posts_exact_json_on_one_connection)
{
	ph_plugin p = {0};
	ph_alert a[3];
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "/falco", url, sizeof(url));
	const char *const config[] = {"address", url, "customheaders.Authorization", "Bearer s3cret",
				      "customheaders.X-Team", "sec", NULL};

	SK_CHECK(peer != NULL);
	SK_CHECK(peer != NULL && ph_open(&p, "webhook", config));
	for (int i = 0; i < 3 && p.state != NULL; i++) {
		ph_alert_make(&a[i], i);
		SK_CHECK_INT(ph_send(&p, &a[i].a), SAKER_SEND_OK);
	}
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 3);
	for (size_t i = 0; peer != NULL && i < hp_count(peer) && i < 3; i++) {
		const hp_request *r = hp_get(peer, i);

		SK_CHECK_STR(r->method, "POST");
		SK_CHECK_STR(r->url, "/falco");
		SK_CHECK_STR(r->body, a[i].json);
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer s3cret\n");
		SK_CHECK_CONTAINS(r->headers, "X-Team: sec\n");
	}
	SK_CHECK_INT(peer != NULL ? hp_connections(peer) : 0, 1);
	hp_stop(peer);
}

SK_TEST(webhook_put_method_and_own_content_type)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(201, 0, "/", url, sizeof(url));
	/* a customheaders Content-Type replaces the default one, not joins it */
	const char *const config[] = {"address", url, "method", "PUT", "customheaders.content-type", "text/x-falco",
				      NULL};

	ph_alert_make(&a, 7);
	SK_CHECK(peer != NULL && ph_open(&p, "webhook", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 1);
	if (peer != NULL && hp_count(peer) == 1) {
		SK_CHECK_STR(hp_get(peer, 0)->method, "PUT");
		SK_CHECK_STR(hp_get(peer, 0)->body, a.json);
		SK_CHECK_CONTAINS(hp_get(peer, 0)->headers, "content-type: text/x-falco\n");
		SK_CHECK(strstr(hp_get(peer, 0)->headers, "application/json") == NULL);
	}
	hp_stop(peer);
}

SK_TEST(webhook_status_codes_map_to_outcomes)
{
	static const struct {
		int status;
		saker_send_result want;
	} cases[] = {{200, SAKER_SEND_OK},    {204, SAKER_SEND_OK},    {429, SAKER_SEND_RETRY},
		     {500, SAKER_SEND_RETRY}, {503, SAKER_SEND_RETRY}, {400, SAKER_SEND_FAIL},
		     {404, SAKER_SEND_FAIL},  {413, SAKER_SEND_FAIL}};
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "/", url, sizeof(url));
	const char *const config[] = {"address", url, NULL};

	ph_alert_make(&a, 1);
	SK_CHECK(peer != NULL && ph_open(&p, "webhook", config));
	for (size_t i = 0; p.state != NULL && i < sizeof(cases) / sizeof(cases[0]); i++) {
		char code[8];

		hp_set_reply(peer, cases[i].status, 0);
		SK_CHECK_INT(ph_send(&p, &a.a), cases[i].want);
		snprintf(code, sizeof(code), "%d", cases[i].status);
		if (cases[i].want != SAKER_SEND_OK) {
			SK_CHECK_CONTAINS(p.err, code);
		}
	}
	/* a refusal's body is quoted, on one line, cut at 200 bytes */
	char long_reason[400];
	memset(long_reason, 'x', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	const char *reason = "{\"error\":\"bad\nfield\"}";
	memcpy(long_reason, reason, strlen(reason));
	hp_set_reply(peer, 400, 0);
	hp_set_reply_body(peer, long_reason);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "/: {\"error\":\"bad field\"}xxx");
	SK_CHECK(strlen(strstr(p.err, ": {") != NULL ? strstr(p.err, ": {") : "") == 2 + 200);
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(webhook_refused_and_timeout_are_retry)
{
	ph_plugin p = {0};
	ph_alert a;
	char refused_url[128], slow_url[128];
	long long t0;
	hp_peer *peer = hp_start_url(200, 1500, "/", slow_url, sizeof(slow_url));
	const char *const refused[] = {"address", refused_url, "timeout", "2000", NULL};
	const char *const slow[] = {"address", slow_url, "timeout", "200", NULL};

	ph_alert_make(&a, 2);
	snprintf(refused_url, sizeof(refused_url), "http://127.0.0.1:%d/", ph_free_port());
	SK_CHECK(ph_open(&p, "webhook", refused));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_RETRY);
	ph_unload(&p);

	SK_CHECK(peer != NULL && ph_open(&p, "webhook", slow));
	t0 = ph_now_ms();
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_RETRY);
	SK_CHECK(ph_now_ms() - t0 < 1200);
	SK_CHECK_CONTAINS(p.err, "imeout");
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST(webhook_refuses_bad_config_with_reason)
{
	ph_plugin p = {0};
	const char *const scheme[] = {"address", "ftp://127.0.0.1/", NULL};
	const char *const method[] = {"address", "http://127.0.0.1:1/", "method", "GET", NULL};
	const char *const header[] = {"address", "http://127.0.0.1:1/", "customheaders.X-A", "a\r\nX-B: b", NULL};
	const char *const mtls[] = {"address", "https://127.0.0.1:1/", "mutualtls", "true", "mutualtlsfilespath",
				    "/nonexistent/certs", NULL};

	SK_CHECK_INT(ph_load(&p, "webhook"), SK_OK);
	SK_CHECK(!ph_init(&p, scheme));
	SK_CHECK_CONTAINS(p.err, "ftp://");
	SK_CHECK(!ph_init(&p, method));
	SK_CHECK_CONTAINS(p.err, "GET");
	SK_CHECK(!ph_init(&p, header));
	SK_CHECK_CONTAINS(p.err, "customheaders");
	SK_CHECK(!ph_init(&p, mtls));
	SK_CHECK_CONTAINS(p.err, "/nonexistent/certs/client.crt");
	ph_unload(&p);
}

SK_TEST_MAIN()
