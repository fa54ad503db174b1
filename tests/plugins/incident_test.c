/* pagerduty and opsgenie plugins against a real HTTP receiver on
 * loopback: the event reaches the endpoint (Saker's key, for a proxy or
 * this receiver) with the routing key or the GenieKey authorization,
 * statuses map to outcomes, and bad settings stop init. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(pagerduty_triggers_an_event)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(202, 0, "/v2/enqueue", url, sizeof(url));
	const char *const config[] = {"routingkey", "R0UT1NG", "region", "eu", "endpoint", url, NULL};
	ph_alert_make(&a, 3);
	SK_CHECK(peer != NULL && ph_open(&p, "pagerduty", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	if (peer != NULL) {
		hp_set_reply(peer, 400, 0); /* PagerDuty refuses a malformed event */
	}
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	ph_unload(&p);
	const hp_request *r = peer != NULL && hp_count(peer) > 0 ? hp_get(peer, 0) : NULL;
	SK_CHECK(r != NULL);
	if (r != NULL) {
		json_object *root = json_tokener_parse(r->body), *v = NULL, *payload = NULL;
		SK_CHECK_STR(r->url, "/v2/enqueue");
		SK_CHECK(root != NULL && json_object_object_get_ex(root, "routing_key", &v));
		SK_CHECK_STR(v != NULL ? json_object_get_string(v) : "", "R0UT1NG");
		SK_CHECK(json_object_object_get_ex(root, "payload", &payload) &&
			 json_object_object_get_ex(payload, "custom_details", &v));
		SK_CHECK_CONTAINS(r->body, "\"proc.cmdline\":\"bash -i #3\"");
		json_object_put(root);
	}
	hp_stop(peer);
	ph_plugin q = {0};
	static const char *const bad[] = {"routingkey", "k", "region", "asia", NULL};
	SK_CHECK(!ph_open(&q, "pagerduty", bad));
	SK_CHECK_CONTAINS(q.err, "region 'asia': want us or eu");
	ph_unload(&q);
}

SK_TEST(opsgenie_creates_an_alert)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(202, 0, "/v2/alerts", url, sizeof(url));
	const char *const config[] = {"apikey", "0pskey", "endpoint", url, NULL};
	ph_alert_make(&a, 5);
	a.a.priority_num = SAKER_PRIORITY_CRITICAL;
	SK_CHECK(peer != NULL && ph_open(&p, "opsgenie", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	if (peer != NULL) {
		hp_set_reply(peer, 503, 0);
	}
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
	const hp_request *r = peer != NULL && hp_count(peer) > 0 ? hp_get(peer, 0) : NULL;
	SK_CHECK(r != NULL);
	if (r != NULL) {
		json_object *root = json_tokener_parse(r->body), *v = NULL;
		SK_CHECK_CONTAINS(r->headers, "Authorization: GenieKey 0pskey\n");
		SK_CHECK(root != NULL && json_object_object_get_ex(root, "priority", &v));
		SK_CHECK_STR(v != NULL ? json_object_get_string(v) : "", "P2");
		SK_CHECK_CONTAINS(r->body, "\"proc_cmdline\":\"bash -i #5\"");
		json_object_put(root);
	}
	hp_stop(peer);
}

SK_TEST_MAIN()
