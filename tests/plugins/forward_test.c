/* nodered, n8n, tekton, talon, sumologic, zincsearch, openobserve,
 * quickwit, gcp.cloudrun and webui against a loopback receiver: each POSTs the Falco alert as it is
 * to its URL, with its own authentication headers, as Falcosidekick does. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "post_check.h"
#include "sk_test.h"

/* Sends one alert (numbered by the requests so far) through plugin name. */
static const hp_request *post_one(hp_peer *peer, const char *name, const char *const *config, ph_alert *a)
{
	return pc_post_one(peer, name, config, a, peer != NULL ? (int)hp_count(peer) : 0);
}

SK_TEST(each_forwards_the_alert_with_its_own_auth)
{
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "/hook", url, sizeof(url));
	const hp_request *r;

	/* base64("nr:pw") and base64("n8:pw") */
	const char *const nodered[] = {"address", url, "user", "nr", "password", "pw", "customheaders.X-Flow", "f1",
				       NULL};
	r = post_one(peer, "nodered", nodered, &a);
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "Authorization: Basic bnI6cHc=\n");
		SK_CHECK_CONTAINS(r->headers, "X-Flow: f1\n");
	}
	/* a user without a password sends no authorization, as Falcosidekick */
	const char *const nodered_half[] = {"address", url, "user", "nr", NULL};
	r = post_one(peer, "nodered", nodered_half, &a);
	if (r != NULL) {
		SK_CHECK(strstr(r->headers, "Authorization") == NULL);
	}
	const char *const n8n[] = {"address", url, "user", "n8", "password", "pw", "headerauthname", "X-N8N-Key",
				   "headerauthvalue", "s3cret", NULL};
	r = post_one(peer, "n8n", n8n, &a);
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "Authorization: Basic bjg6cHc=\n");
		SK_CHECK_CONTAINS(r->headers, "X-N8N-Key: s3cret\n");
	}
	const char *const tekton[] = {"eventlistener", url, NULL};
	r = post_one(peer, "tekton", tekton, &a);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/hook");
	}
	const char *const talon[] = {"address", url, NULL};
	r = post_one(peer, "talon", talon, &a);
	if (r != NULL) {
		SK_CHECK(strstr(r->headers, "Authorization") == NULL);
	}
	const char *const sumo[] = {"receiverurl", url, "sourcecategory", "k8s/falco", "sourcehost", "node-1", "name",
				    "falco", NULL};
	r = post_one(peer, "sumologic", sumo, &a);
	if (r != NULL) {
		SK_CHECK_CONTAINS(r->headers, "X-Sumo-Category: k8s/falco\n");
		SK_CHECK_CONTAINS(r->headers, "X-Sumo-Host: node-1\n");
		SK_CHECK_CONTAINS(r->headers, "X-Sumo-Name: falco\n");
	}
	hp_stop(peer);
}

SK_TEST(search_backends_build_their_paths)
{
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	const hp_request *r;

	const char *const zinc[] = {"hostport", url, "index", "alerts", "username", "zu", "password", "pw", NULL};
	r = post_one(peer, "zincsearch", zinc, &a);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/api/alerts/_doc");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Basic enU6cHc=\n");
	}
	const char *const zinc_default[] = {"hostport", url, NULL};
	r = post_one(peer, "zincsearch", zinc_default, &a);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/api/falco/_doc");
		SK_CHECK(strstr(r->headers, "Authorization") == NULL);
	}
	const char *const o2[] = {"hostport", url, "organizationname", "sec", "streamname", "k8s", "username", "zu",
				  "password", "pw", NULL};
	r = post_one(peer, "openobserve", o2, &a);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/api/sec/k8s/_multi");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Basic enU6cHc=\n");
	}
	const char *const o2_default[] = {"hostport", url, NULL};
	r = post_one(peer, "openobserve", o2_default, &a);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/api/default/falco/_multi");
	}
	/* Falcosidekick's default apiendpoint "/api/v1" does not double the slash */
	const char *const qw[] = {"hostport", url, "customheaders.Authorization", "Bearer q", NULL};
	r = post_one(peer, "quickwit", qw, &a);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/api/v1/falco/ingest");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer q\n");
	}
	/* Cloud Run: the endpoint as given, the jwt as a bearer token */
	char run_url[160];
	snprintf(run_url, sizeof(run_url), "%s/falco-handler", url);
	const char *const run[] = {"endpoint", run_url, "jwt", "eyJhbGciOiJSUzI1NiJ9.e30.sig", NULL};
	r = post_one(peer, "gcp.cloudrun", run, &a);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/falco-handler");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig\n");
	}
	const char *const run_open[] = {"endpoint", run_url, NULL};
	r = post_one(peer, "gcp.cloudrun", run_open, &a);
	if (r != NULL) {
		SK_CHECK(strstr(r->headers, "Authorization") == NULL);
	}
	hp_stop(peer);
}

/* quickwit's autocreateindex: the index config first, once; an index that
 * exists (400) is kept; a Quickwit that is down holds the alert back. */
SK_TEST(quickwit_creates_its_index_first)
{
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	ph_plugin p = {0};
	ph_alert a;

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	const char *const cfg[] = {"hostport", url, "index", "falco-lab", "autocreateindex", "true", "version", "0.8",
				   NULL};
	SK_CHECK(ph_open(&p, "quickwit", cfg));
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 3);
	if (hp_count(peer) == 3) {
		const hp_request *r = hp_get(peer, 0);
		SK_CHECK_STR(r->raw_url, "/api/v1/indexes");
		json_object *o = json_tokener_parse(r->body), *v = NULL, *dm = NULL;
		SK_CHECK(o != NULL && json_object_object_get_ex(o, "index_id", &v) &&
			 strcmp(json_object_get_string(v), "falco-lab") == 0);
		SK_CHECK(o != NULL && json_object_object_get_ex(o, "version", &v) &&
			 strcmp(json_object_get_string(v), "0.8") == 0);
		SK_CHECK(o != NULL && json_object_object_get_ex(o, "doc_mapping", &dm) &&
			 json_object_object_get_ex(dm, "timestamp_field", &v) && strcmp(json_object_get_string(v), "time") == 0);
		json_object_put(o);
		SK_CHECK_STR(hp_get(peer, 1)->raw_url, "/api/v1/falco-lab/ingest");
		SK_CHECK_STR(hp_get(peer, 1)->body, a.json);
		SK_CHECK_STR(hp_get(peer, 2)->raw_url, "/api/v1/falco-lab/ingest");
	}
	ph_unload(&p);
	hp_stop(peer);

	/* the index exists: Quickwit says 400, the alert goes on */
	peer = hp_start_url(200, 0, "", url, sizeof(url));
	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	hp_route(peer, "/api/v1/indexes", 400, "{\"message\":\"index `falco` already exists\"}");
	const char *const again[] = {"hostport", url, "autocreateindex", "true", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "quickwit", again));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 2);
	ph_unload(&p);
	hp_stop(peer);

	peer = hp_start_url(200, 0, "", url, sizeof(url));
	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	hp_route(peer, "/api/v1/indexes", 503, "starting");
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "quickwit", again));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "autocreateindex: HTTP 503");
	SK_CHECK_INT(hp_count(peer), 1);
	ph_unload(&p);
	hp_stop(peer);
}

/* webui: falcosidekick-ui's event API, the alert wrapped as the UI reads it */
SK_TEST(webui_posts_the_event_to_the_ui_api)
{
	char url[128], with_api[160], want[4096];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	ph_plugin p = {0};
	ph_alert a;

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	snprintf(with_api, sizeof(with_api), "%s/api/v1/", url);
	const char *const addresses[] = {url, with_api};
	for (size_t i = 0; i < 2; i++) {
		const char *const cfg[] = {"url", addresses[i], NULL};
		memset(&p, 0, sizeof(p));
		SK_CHECK(ph_open(&p, "webui", cfg));
		ph_alert_make(&a, (int)i);
		SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
		ph_unload(&p);
		SK_CHECK_INT(hp_count(peer), i + 1);
		if (hp_count(peer) != i + 1) {
			break;
		}
		const hp_request *r = hp_get(peer, i);
		SK_CHECK_STR(r->raw_url, "/api/v1/");
		snprintf(want, sizeof(want), "{\"event\":%s,\"outputs\":[\"WebUI\"]}", a.json);
		SK_CHECK_STR(r->body, want);
		json_object *o = json_tokener_parse(r->body);
		SK_CHECK(o != NULL);
		json_object_put(o);
	}
	hp_stop(peer);
}

SK_TEST(refusals_and_bad_settings)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(401, 0, "/", url, sizeof(url));
	const char *const talon[] = {"address", url, NULL};
	const char *const bad_header[] = {"address", "http://127.0.0.1:1/", "headerauthname", "X-Key", "headerauthvalue",
					  "a\r\nb", NULL};
	const char *const no_scheme[] = {"eventlistener", "el-falco:8080", NULL};

	ph_alert_make(&a, 0);
	SK_CHECK(peer != NULL && ph_open(&p, "talon", talon));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "HTTP 401");
	ph_unload(&p);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "n8n", bad_header));
	SK_CHECK_CONTAINS(p.err, "headerauthname");
	ph_unload(&p);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "tekton", no_scheme));
	SK_CHECK_CONTAINS(p.err, "el-falco:8080");
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST_MAIN()
