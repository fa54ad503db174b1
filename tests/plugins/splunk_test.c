/* splunk against a loopback receiver standing in for the HTTP Event
 * Collector: the token header, each alert wrapped as HEC's event with
 * Falcosidekick's sourcetype, a batch in one request, HEC's refusals. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(events_batched_with_the_token)
{
	char url[128], hec[160];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	ph_plugin p = {0};
	ph_alert a[3];

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	hp_set_reply_body(peer, "{\"text\":\"Success\",\"code\":0}");
	snprintf(hec, sizeof(hec), "%s/services/collector/event", url);
	const char *const cfg[] = {"host", hec, "token", "hec-t0ken", NULL};
	SK_CHECK(ph_open(&p, "splunk", cfg));
	SK_CHECK_INT(ph_send_made_batch(&p, a, 3), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 1);
	if (hp_count(peer) == 1) {
		const hp_request *r = hp_get(peer, 0);
		SK_CHECK_STR(r->raw_url, "/services/collector/event");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Splunk hec-t0ken\n");
		/* three objects, a line each, each {"event": alert, "sourcetype"} */
		const char *line = r->body;
		for (int i = 0; i < 3; i++) {
			const char *nl = strchr(line, '\n');
			SK_CHECK(nl != NULL);
			if (nl == NULL) {
				break;
			}
			json_tokener *tok = json_tokener_new();
			json_object *o = json_tokener_parse_ex(tok, line, (int)(nl - line)), *v = NULL, *ev = NULL;
			SK_CHECK(o != NULL && json_object_object_get_ex(o, "sourcetype", &v) &&
				 strcmp(json_object_get_string(v), "falcosidekick") == 0);
			SK_CHECK(o != NULL && json_object_object_get_ex(o, "event", &ev) &&
				 json_object_object_get_ex(ev, "uuid", &v) && strcmp(json_object_get_string(v), a[i].uuid) == 0);
			json_object_put(o);
			json_tokener_free(tok);
			line = nl + 1;
		}
		SK_CHECK_STR(line, "");
	}
	/* HEC's answers: a bad token FAIL, busy RETRY */
	hp_set_reply(peer, 403, 0);
	hp_set_reply_body(peer, "{\"text\":\"Invalid token\",\"code\":4}");
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "Invalid token");
	hp_set_reply(peer, 503, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST_MAIN()
