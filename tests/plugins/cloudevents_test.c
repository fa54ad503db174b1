/* The cloudevents plugin against a loopback receiver: one binary-mode
 * CloudEvent per alert, attributes in ce-* headers (percent-encoded where
 * the HTTP binding says), the Falco alert as the body. */
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(binary_mode_event_per_alert)
{
	ph_plugin p = {0};
	ph_alert a[2];
	char url[128], id[96];
	hp_peer *peer = hp_start_url(202, 0, "/", url, sizeof(url));
	const char *const config[] = {"address", url, "extensions.team", "sec ops", NULL};

	ph_alert_make(&a[0], 0);
	ph_alert_make(&a[1], 1);
	a[1].a.hostname = "";
	SK_CHECK(peer != NULL && ph_open(&p, "cloudevents", config));
	for (int i = 0; i < 2 && p.state != NULL; i++) {
		SK_CHECK_INT(ph_send(&p, &a[i].a), SAKER_SEND_OK);
	}
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 2);
	if (peer != NULL && hp_count(peer) == 2) {
		const hp_request *r = hp_get(peer, 0);

		snprintf(id, sizeof(id), "ce-id: %s\n", a[0].uuid);
		SK_CHECK_CONTAINS(r->headers, "ce-specversion: 1.0\n");
		SK_CHECK_CONTAINS(r->headers, id);
		SK_CHECK_CONTAINS(r->headers, "ce-source: https://falco.org\n");
		SK_CHECK_CONTAINS(r->headers, "ce-type: falco.rule.output.v1\n");
		SK_CHECK_CONTAINS(r->headers, "ce-time: 2026-11-29T22:00:00.000000789Z\n");
		SK_CHECK_CONTAINS(r->headers, "ce-priority: Warning\n");
		SK_CHECK_CONTAINS(r->headers, "ce-rule: Terminal%20shell%20in%20container\n");
		SK_CHECK_CONTAINS(r->headers, "ce-eventsource: syscall\n");
		SK_CHECK_CONTAINS(r->headers, "ce-hostname: node-1\n");
		SK_CHECK_CONTAINS(r->headers, "ce-team: sec%20ops\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		SK_CHECK_STR(r->body, a[0].json);
		/* the next event's own id and time; no hostname, no header */
		r = hp_get(peer, 1);
		snprintf(id, sizeof(id), "ce-id: %s\n", a[1].uuid);
		SK_CHECK_CONTAINS(r->headers, id);
		SK_CHECK_CONTAINS(r->headers, "ce-time: 2026-11-29T22:00:00.001000789Z\n");
		SK_CHECK(strstr(r->headers, "ce-hostname") == NULL);
		SK_CHECK(strstr(r->headers, "ce-id: 6f1c2a50-0000-4000-8000-000000000000") == NULL);
		SK_CHECK_STR(r->body, a[1].json);
	}
	hp_stop(peer);
}

SK_TEST(extension_names_are_checked)
{
	ph_plugin p = {0};
	const char *const underscore[] = {"address", "http://127.0.0.1:1/", "extensions.event_source", "x", NULL};
	const char *const taken[] = {"address", "http://127.0.0.1:1/", "extensions.rule", "x", NULL};

	SK_CHECK(!ph_open(&p, "cloudevents", underscore));
	SK_CHECK_CONTAINS(p.err, "extensions.event_source: want 1 to 20 lower-case letters or digits");
	ph_unload(&p);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "cloudevents", taken));
	SK_CHECK_CONTAINS(p.err, "extensions.rule");
	ph_unload(&p);
}

SK_TEST_MAIN()
