/* grafana and grafanaoncall against a loopback receiver: paths, the Bearer
 * key, customheaders, exact bodies, and the key grafana cannot start
 * without. */
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(grafana_annotation_with_bearer_key)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	const char *const config[] = {"hostport", url, "apikey", "glsa_k3y", "dashboardid", "4", "customheaders.X-Org",
				      "2", NULL};

	ph_alert_make(&a, 0);
	SK_CHECK(peer != NULL && ph_open(&p, "grafana", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 1);
	if (peer != NULL && hp_count(peer) == 1) {
		const hp_request *r = hp_get(peer, 0);

		SK_CHECK_STR(r->url, "/api/annotations");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer glsa_k3y\n");
		SK_CHECK_CONTAINS(r->headers, "X-Org: 2\n");
		SK_CHECK_STR(r->body, "{\"dashboardId\":4,\"time\":1795989600000,\"timeEnd\":1795989600000,\"tags\":["
				      "\"falco\",\"Warning\",\"Terminal shell in container\",\"syscall\",\"node-1\"],"
				      "\"text\":\"" PH_OUTPUT0 "\"}");
	}
	hp_stop(peer);
	const char *const no_key[] = {"hostport", "http://127.0.0.1:1", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "grafana", no_key));
	SK_CHECK_CONTAINS(p.err, "apikey");
	ph_unload(&p);
}

SK_TEST(grafanaoncall_alert)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "/integrations/v1/webhook/T0K/", url, sizeof(url));
	const char *const config[] = {"webhookurl", url, NULL};

	ph_alert_make(&a, 2);
	SK_CHECK(peer != NULL && ph_open(&p, "grafanaoncall", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 1);
	if (peer != NULL && hp_count(peer) == 1) {
		const hp_request *r = hp_get(peer, 0);
		char want[1024];

		snprintf(want, sizeof(want),
			 "{\"alert_uid\":\"%s\",\"state\":\"alerting\",\"title\":\"[Warning] Terminal shell in container\","
			 "\"message\":\"%s\"}",
			 a.uuid, a.output);
		SK_CHECK_STR(r->url, "/integrations/v1/webhook/T0K/");
		SK_CHECK_STR(r->body, want);
	}
	hp_stop(peer);
}

SK_TEST_MAIN()
