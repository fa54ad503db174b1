/* The datadog and datadoglogs plugins against a loopback receiver: the
 * URLs and headers Falcosidekick uses, the exact bodies, and the outcomes. */
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(datadog_event_with_api_key_in_query)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(202, 0, "", url, sizeof(url));
	/* a trailing slash on host is not doubled */
	strncat(url, "/", sizeof(url) - strlen(url) - 1);
	const char *const config[] = {"apikey", "dd-k3y", "host", url, NULL};

	ph_alert_make(&a, 0);
	SK_CHECK(peer != NULL && ph_open(&p, "datadog", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	hp_set_reply(peer, 403, 0);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	/* the key is in the URL: errors leave the query out */
	SK_CHECK(strstr(p.err, "dd-k3y") == NULL);
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 2);
	if (peer != NULL && hp_count(peer) >= 1) {
		const hp_request *r = hp_get(peer, 0);

		SK_CHECK_STR(r->url, "/api/v1/events?api_key=dd-k3y");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		SK_CHECK_STR(r->body, "{\"title\":\"Terminal shell in container\",\"text\":\"" PH_OUTPUT0
				      "\",\"alert_type\":\"warning\",\"source_type_name\":\"falco\",\"tags\":["
				      "\"container.id:abc123\",\"proc.cmdline:bash -i #0\",\"user.name:root\","
				      "\"source:syscall\",\"hostname:node-1\",\"container\",\"shell\"]}");
	}
	hp_stop(peer);
}

SK_TEST(datadoglogs_log_with_api_key_header)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	char want[4096];
	hp_peer *peer = hp_start_url(202, 0, "", url, sizeof(url));
	const char *const config[] = {"apikey", "dd-k3y", "host", url, "service", "falco-prod", NULL};

	ph_alert_make(&a, 1);
	SK_CHECK(peer != NULL && ph_open(&p, "datadoglogs", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 1);
	if (peer != NULL && hp_count(peer) == 1) {
		const hp_request *r = hp_get(peer, 0);

		SK_CHECK_STR(r->url, "/api/v2/logs");
		SK_CHECK_CONTAINS(r->headers, "DD-API-KEY: dd-k3y\n");
		SK_CHECK_CONTAINS(r->body, "{\"ddsource\":\"falco\",\"hostname\":\"node-1\",\"service\":\"falco-prod\","
					   "\"message\":\"{\\\"uuid\\\":");
		snprintf(want, sizeof(want), "%s\",\"ddtags\":\"container,shell\"}", "\\\"user.name\\\":\\\"root\\\"}}");
		SK_CHECK_CONTAINS(r->body, want);
	}
	hp_stop(peer);
}

SK_TEST_MAIN()
