/* kafkarest and dynatrace against a loopback receiver: URLs, content
 * types, authorization and the exact bodies. */
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_strbuf.h"
#include "sk_test.h"
#include "spl_util.h"

SK_TEST(kafkarest_binary_record)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "/topics/falco", url, sizeof(url));
	const char *const config[] = {"address", url, NULL};
	sk_strbuf want = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK(peer != NULL && ph_open(&p, "kafkarest", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	sk_strbuf_puts(&want, "{\"records\":[{\"value\":\"");
	sk_strbuf_base64(&want, a.json, strlen(a.json));
	sk_strbuf_puts(&want, "\"}]}");
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 1);
	if (peer != NULL && hp_count(peer) == 1) {
		const hp_request *r = hp_get(peer, 0);

		SK_CHECK_STR(r->url, "/topics/falco");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/vnd.kafka.binary.v2+json\n");
		SK_CHECK(strstr(r->headers, "application/json") == NULL);
		SK_CHECK_STR(r->body, sk_strbuf_str(&want));
	}
	hp_stop(peer);
	const char *const v1[] = {"address", "http://127.0.0.1:1/topics/x", "version", "1", NULL};
	const char *const v3[] = {"address", "http://127.0.0.1:1/topics/x", "version", "3", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "kafkarest", v1));
	ph_unload(&p);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "kafkarest", v3));
	SK_CHECK_CONTAINS(p.err, "version 3");
	ph_unload(&p);
	sk_strbuf_free(&want);
}

SK_TEST(dynatrace_log_record)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(204, 0, "", url, sizeof(url));
	/* Falcosidekick's apiurl ends in /api; a trailing slash is not doubled */
	strncat(url, "/api/", sizeof(url) - strlen(url) - 1);
	const char *const config[] = {"apiurl", url, "apitoken", "dt0c01.T", NULL};

	ph_alert_make(&a, 0);
	SK_CHECK(peer != NULL && ph_open(&p, "dynatrace", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 1);
	if (peer != NULL && hp_count(peer) == 1) {
		const hp_request *r = hp_get(peer, 0);

		SK_CHECK_STR(r->url, "/api/v2/logs/ingest");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Api-Token dt0c01.T\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json; charset=utf-8\n");
		SK_CHECK_CONTAINS(r->body, "[{\"timestamp\":\"2026-11-29T22:00:00Z\",\"event.id\":");
		SK_CHECK_CONTAINS(r->body, "\"container.id\":\"abc123\"}]");
	}
	hp_stop(peer);
	const char *const no_url[] = {"apitoken", "t", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "dynatrace", no_url));
	SK_CHECK_CONTAINS(p.err, "apiurl");
	ph_unload(&p);
}

SK_TEST_MAIN()
