/* slack and loki plugins against a real HTTP receiver on loopback: the body
 * is valid JSON in Falcosidekick's layout, auth/tenant/custom headers and
 * the push path arrive, batches go in one request, statuses map to outcomes. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
		n++;
	}
	return n;
}

static const char *json_path_str(json_object *root, const char *k1, size_t idx, const char *k2)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(root, k1, &v) || !json_object_is_type(v, json_type_array)) {
		return NULL;
	}
	v = json_object_array_get_idx(v, idx);
	if (v == NULL || !json_object_object_get_ex(v, k2, &v)) {
		return NULL;
	}
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : json_object_to_json_string(v);
}

SK_TEST(slack_posts_attachment_to_webhookurl)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "/services/T0/B0/XXXX", url, sizeof(url));
	const char *const config[] = {"webhookurl", url, "channel", "#falco", "outputformat", "all",
				      "messageformat", "*{{ .Rule }}* by {{ index .OutputFields \"user.name\" }}", NULL};
	json_object *root = NULL;

	ph_alert_make(&a, 0);
	a.a.priority_num = SAKER_PRIORITY_CRITICAL;
	SK_CHECK(peer != NULL && ph_open(&p, "slack", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	if (peer != NULL) {
		hp_set_reply(peer, 400, 0);
	}
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "HTTP 400");
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 2);
	if (peer != NULL && hp_count(peer) >= 1) {
		const hp_request *r = hp_get(peer, 0);

		SK_CHECK_STR(r->url, "/services/T0/B0/XXXX");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		SK_CHECK_CONTAINS(r->body, "{\"text\":\"*Terminal shell in container* by root\",\"username\":"
					   "\"Falcosidekick\",\"icon_url\":\"https://");
		root = json_tokener_parse(r->body);
		SK_CHECK(root != NULL);
		SK_CHECK_STR(json_path_str(root, "attachments", 0, "color"), "#ff5400");
		SK_CHECK_STR(json_path_str(root, "attachments", 0, "fallback"), a.output);
		SK_CHECK_STR(json_path_str(root, "attachments", 0, "footer"),
			     "https://github.com/falcosecurity/falcosidekick");
		SK_CHECK_CONTAINS(r->body, "\"channel\":\"#falco\"");
		json_object_put(root);
	}
	hp_stop(peer);
}

SK_TEST(loki_pushes_batch_with_tenant_auth_and_headers)
{
	ph_plugin p = {0};
	ph_alert a[3];
	const saker_alert *batch[3] = {&a[0].a, &a[1].a, &a[2].a};
	char url[128];
	hp_peer *peer = hp_start_url(204, 0, "", url, sizeof(url));
	const char *const config[] = {"hostport", url, "tenant", "team-a", "user", "tenant-user", "apikey",
				      "glc_k3y", "extralabels", "user.name,container.id", "customheaders.X-Env",
				      "prod", NULL};
	json_object *root = NULL;

	for (int i = 0; i < 3; i++) {
		ph_alert_make(&a[i], i);
	}
	SK_CHECK(peer != NULL && ph_open(&p, "loki", config));
	SK_CHECK(p.api == NULL || (p.api->max_batch > 1 && p.api->send_batch != NULL));
	if (p.state != NULL && p.api->send_batch != NULL) {
		SK_CHECK_INT(p.api->send_batch(p.state, batch, 3, p.err, sizeof(p.err)), SAKER_SEND_OK);
		hp_set_reply(peer, 500, 0);
		SK_CHECK_INT(p.api->send_batch(p.state, batch, 3, p.err, sizeof(p.err)), SAKER_SEND_RETRY);
		hp_set_reply(peer, 429, 0);
		SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	}
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 3);
	if (peer != NULL && hp_count(peer) >= 1) {
		const hp_request *r = hp_get(peer, 0);

		SK_CHECK_STR(r->method, "POST");
		SK_CHECK_STR(r->url, "/loki/api/v1/push");
		SK_CHECK_CONTAINS(r->headers, "X-Scope-OrgID: team-a\n");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Basic dGVuYW50LXVzZXI6Z2xjX2szeQ==\n");
		SK_CHECK_CONTAINS(r->headers, "X-Env: prod\n");
		SK_CHECK_INT(count_of(r->body, "{\"stream\":{"), 3);
		SK_CHECK_CONTAINS(r->body, "{\"stream\":{\"container_id\":\"abc123\",\"hostname\":\"node-1\","
					   "\"priority\":\"Warning\",\"rule\":\"Terminal shell in container\","
					   "\"source\":\"syscall\",\"tags\":\"container,shell\",\"user_name\":\"root\"}");
		root = json_tokener_parse(r->body);
		SK_CHECK(root != NULL);
		SK_CHECK_STR(json_path_str(root, "streams", 2, "values"),
			     "[ [ \"1795989600002000789\", \"22:00:00.002000789: Warning A shell was spawned in a "
			     "container (user=root container_id=abc123 shell=bash cmdline=bash -i #2)\" ] ]");
		json_object_put(root);
	}
	hp_stop(peer);
}

SK_TEST(loki_and_slack_refuse_bad_config)
{
	ph_plugin p = {0};
	const char *const loki_format[] = {"hostport", "http://127.0.0.1:1", "format", "yaml", NULL};
	const char *const slack_format[] = {"webhookurl", "http://127.0.0.1:1/", "outputformat", "html", NULL};
	const char *const slack_tpl[] = {"webhookurl", "http://127.0.0.1:1/", "messageformat", "{{ .Nope }}", NULL};

	SK_CHECK_INT(ph_load(&p, "loki"), SK_OK);
	SK_CHECK(!ph_init(&p, loki_format));
	SK_CHECK_CONTAINS(p.err, "format 'yaml'");
	ph_unload(&p);
	SK_CHECK_INT(ph_load(&p, "slack"), SK_OK);
	SK_CHECK(!ph_init(&p, slack_format));
	SK_CHECK_CONTAINS(p.err, "outputformat 'html'");
	SK_CHECK(!ph_init(&p, slack_tpl));
	SK_CHECK_CONTAINS(p.err, "messageformat: offset 0: unknown field");
	ph_unload(&p);
}

SK_TEST_MAIN()
