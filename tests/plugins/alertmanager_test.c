/* alertmanager plugin against real HTTP receivers on loopback: every
 * hostport gets the alert at the endpoint with the custom headers, the
 * body is Falcosidekick's JSON list, a receiver failing makes the delivery
 * retried, and bad settings stop init with the key named. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

/* labels.<name> of the first alert in body, or NULL. */
static const char *label(json_object *root, const char *name)
{
	json_object *alert = json_object_array_get_idx(root, 0), *labels = NULL, *v = NULL;
	if (alert == NULL || !json_object_object_get_ex(alert, "labels", &labels) ||
	    !json_object_object_get_ex(labels, name, &v)) {
		return NULL;
	}
	return json_object_get_string(v);
}

SK_TEST(posts_to_every_hostport)
{
	ph_plugin p = {0};
	ph_alert a;
	hp_peer *one = NULL, *two = NULL;
	char hosts[128];
	SK_CHECK_INT(hp_start(&one, 200, 0), SK_OK);
	SK_CHECK_INT(hp_start(&two, 200, 0), SK_OK);
	if (one == NULL || two == NULL) {
		hp_stop(one);
		hp_stop(two);
		return;
	}
	snprintf(hosts, sizeof(hosts), "http://127.0.0.1:%d, http://127.0.0.1:%d", hp_port(one), hp_port(two));
	const char *const config[] = {"hostport", hosts, "endpoint", "/api/v2/alerts", "extralabels", "team:sec",
				      "customheaders.Authorization", "Bearer am", "expiresafter", "300", NULL};
	ph_alert_make(&a, 1);
	SK_CHECK(ph_open(&p, "alertmanager", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	hp_set_reply(two, 503, 0);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
	SK_CHECK_INT(hp_count(one), 2);
	SK_CHECK_INT(hp_count(two), 2);
	for (int peer = 0; peer < 2; peer++) {
		const hp_request *r = hp_count(peer ? two : one) > 0 ? hp_get(peer ? two : one, 0) : NULL;
		SK_CHECK(r != NULL);
		if (r == NULL) {
			continue;
		}
		SK_CHECK_STR(r->url, "/api/v2/alerts");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer am\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		json_object *root = json_tokener_parse(r->body);
		SK_CHECK(root != NULL && json_object_is_type(root, json_type_array));
		SK_CHECK_STR(label(root, "rule"), "Terminal shell in container");
		SK_CHECK_STR(label(root, "proc_cmdline"), "bash -i #1");
		SK_CHECK_STR(label(root, "team"), "sec");
		SK_CHECK_STR(label(root, "severity"), "warning");
		SK_CHECK_CONTAINS(r->body, "\"endsAt\":\"2026-11-29T22:05:00.001000789Z\"");
		json_object_put(root);
	}
	hp_stop(one);
	hp_stop(two);
}

SK_TEST(bad_settings_stop_init)
{
	static const char *const bad[][6] = {
		{"hostport", "http://127.0.0.1:9", "dropeventthresholds", "10:loud", NULL, NULL},
		{"hostport", "http://127.0.0.1:9", "dropeventdefaultpriority", "urgent", NULL, NULL},
		{"hostport", "http://127.0.0.1:9", "extralabels", "team", NULL, NULL},
		{"hostport", "http://127.0.0.1:9", "customseveritymap", "loud:high", NULL, NULL},
		{"hostport", " , ", NULL, NULL, NULL, NULL},
	};
	static const char *const why[] = {"dropeventthresholds: '10:loud'", "dropeventdefaultpriority: 'urgent'",
					  "extralabels: 'team' is not name:value",
					  "customseveritymap: 'loud' is not a priority", "hostport: no address"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ph_plugin p = {0};
		SK_CHECK(!ph_open(&p, "alertmanager", bad[i]));
		SK_CHECK_CONTAINS(p.err, why[i]);
		ph_unload(&p);
	}
}

SK_TEST_MAIN()
