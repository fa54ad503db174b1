/* elasticsearch plugin against a real HTTP receiver on loopback: _bulk
 * batches (Falcosidekick's default) with basic auth, an answer reporting a
 * failed item failing the batch, single documents with a pipeline and an
 * API key, the dated index name, the index template (createindextemplate),
 * and bad settings. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

static const char ok_answer[] = "{\"took\":2,\"errors\":false,\"items\":[{\"create\":{\"status\":201}}]}";

SK_TEST(bulk_batches_with_basic_auth)
{
	ph_plugin p = {0};
	ph_alert a[3];
	const saker_alert *batch[3] = {&a[0].a, &a[1].a, &a[2].a};
	hp_peer *peer = NULL;
	char hostport[64], err[512] = "";
	SK_CHECK_INT(hp_start(&peer, 200, 0), SK_OK);
	if (peer == NULL) {
		return;
	}
	hp_set_reply_body(peer, ok_answer);
	snprintf(hostport, sizeof(hostport), "http://127.0.0.1:%d", hp_port(peer));
	const char *const config[] = {"hostport", hostport, "suffix", "none", "username", "elastic", "password", "s3cret",
				      NULL};
	for (int i = 0; i < 3; i++) {
		ph_alert_make(&a[i], i);
	}
	SK_CHECK(ph_open(&p, "elasticsearch", config));
	SK_CHECK(p.api != NULL && p.api->max_batch > 1 && p.api->send_batch != NULL);
	if (p.state == NULL || p.api->send_batch == NULL) {
		hp_stop(peer);
		return;
	}
	SK_CHECK_INT(p.api->send_batch(p.state, batch, 3, err, sizeof(err)), SAKER_SEND_OK);
	/* Elasticsearch answers 200 when an item fails: the answer decides */
	hp_set_reply_body(peer, "{\"errors\":true,\"items\":[{\"create\":{\"status\":400,\"error\":{\"type\":"
				"\"mapper_parsing_exception\",\"reason\":\"failed to parse field [output_fields]\"}}}]}");
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "_bulk: item 0: mapper_parsing_exception: failed to parse field [output_fields]");
	hp_set_reply(peer, 429, 0);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_RETRY);
	ph_unload(&p);
	SK_CHECK_INT(hp_count(peer), 3);
	const hp_request *r = hp_count(peer) > 0 ? hp_get(peer, 0) : NULL;
	SK_CHECK(r != NULL);
	if (r != NULL) {
		char want[8192];
		SK_CHECK_STR(r->method, "POST");
		SK_CHECK_STR(r->url, "/falco/_bulk");
		SK_CHECK_CONTAINS(r->headers, "Authorization: Basic ZWxhc3RpYzpzM2NyZXQ=\n"); /* elastic:s3cret */
		snprintf(want, sizeof(want), "{\"create\":{}}\n%s\n{\"create\":{}}\n%s\n{\"create\":{}}\n%s\n", a[0].json,
			 a[1].json, a[2].json);
		SK_CHECK_STR(r->body, want);
	}
	hp_stop(peer);
}

SK_TEST(single_documents_into_the_dated_index)
{
	ph_plugin p = {0};
	ph_alert a;
	hp_peer *peer = NULL;
	char hostport[64], want_url[64];
	SK_CHECK_INT(hp_start(&peer, 201, 0), SK_OK);
	if (peer == NULL) {
		return;
	}
	snprintf(hostport, sizeof(hostport), "http://127.0.0.1:%d/", hp_port(peer));
	const char *const config[] = {"hostport", hostport, "index", "security", "batching.enabled", "false",
				      "pipeline", "geoip", "apikey", "a2V5", "flattenfields", "true", NULL};
	ph_alert_make(&a, 4);
	SK_CHECK(ph_open(&p, "elasticsearch", config));
	time_t now = time(NULL);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(want_url, sizeof(want_url), "/security-%04d.%02d.%02d/_doc?pipeline=geoip", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	const hp_request *r = hp_count(peer) > 0 ? hp_get(peer, 0) : NULL;
	SK_CHECK(r != NULL);
	if (r != NULL) {
		SK_CHECK_STR(r->url, want_url);
		SK_CHECK_CONTAINS(r->headers, "Authorization: APIKey a2V5\n");
		SK_CHECK_CONTAINS(r->body, "\"container_id\":\"abc123\"");
		SK_CHECK(strstr(r->body, "container.id") == NULL);
	}
	hp_stop(peer);
}

/* createindextemplate: the template goes first, once; one that exists is
 * kept; field names are flattened as the template maps them. */
SK_TEST(index_template_put_before_the_first_document)
{
	ph_plugin p = {0};
	ph_alert a;
	hp_peer *peer = NULL;
	char hostport[64];

	SK_CHECK_INT(hp_start(&peer, 200, 0), SK_OK);
	if (peer == NULL) {
		return;
	}
	hp_set_reply_body(peer, ok_answer);
	snprintf(hostport, sizeof(hostport), "http://127.0.0.1:%d/", hp_port(peer));
	const char *const config[] = {"hostport", hostport, "createindextemplate", "true", "numberofshards", "1",
				      "numberofreplicas", "0", NULL};
	SK_CHECK(ph_open(&p, "elasticsearch", config));
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 3); /* the template once, then two _bulk */
	if (hp_count(peer) == 3) {
		const hp_request *t = hp_get(peer, 0);
		SK_CHECK_STR(t->method, "PUT");
		SK_CHECK_STR(t->raw_url, "/_index_template/falco?create=true");
		json_object *o = json_tokener_parse(t->body), *v = NULL, *settings = NULL;
		SK_CHECK(o != NULL && json_object_object_get_ex(o, "index_patterns", &v) &&
			 strcmp(json_object_get_string(json_object_array_get_idx(v, 0)), "falco-*") == 0);
		SK_CHECK(o != NULL && json_object_object_get_ex(o, "template", &v) &&
			 json_object_object_get_ex(v, "settings", &settings));
		SK_CHECK_CONTAINS(t->body, "\"number_of_shards\":1,\"number_of_replicas\":0");
		SK_CHECK_CONTAINS(t->body, "\"time\":{\"type\":\"date\"}");
		SK_CHECK_CONTAINS(t->body, "\"path_match\":\"output_fields.*\"");
		json_object_put(o);
		SK_CHECK_STR(hp_get(peer, 1)->method, "POST");
		SK_CHECK(strncmp(hp_get(peer, 1)->url, "/falco-", 7) == 0); /* the pattern's index */
		SK_CHECK_CONTAINS(hp_get(peer, 1)->url, "/_bulk");
		SK_CHECK_CONTAINS(hp_get(peer, 1)->body, "\"container_id\":\"abc123\""); /* flattened */
	}
	ph_unload(&p);

	/* a template of that name already there: kept, documents go on */
	hp_stop(peer);
	peer = NULL;
	SK_CHECK_INT(hp_start(&peer, 200, 0), SK_OK);
	if (peer == NULL) {
		return;
	}
	hp_route(peer, "/_index_template/", 400,
		 "{\"error\":{\"type\":\"resource_already_exists_exception\",\"reason\":\"index template [falco] "
		 "already exists\"},\"status\":400}");
	hp_set_reply_body(peer, ok_answer);
	snprintf(hostport, sizeof(hostport), "http://127.0.0.1:%d", hp_port(peer));
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "elasticsearch", config));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 2);
	ph_unload(&p);

	/* refused for another reason: the documents wait */
	hp_stop(peer);
	peer = NULL;
	SK_CHECK_INT(hp_start(&peer, 200, 0), SK_OK);
	if (peer == NULL) {
		return;
	}
	hp_route(peer, "/_index_template/", 503, "{\"error\":\"unavailable\"}");
	snprintf(hostport, sizeof(hostport), "http://127.0.0.1:%d", hp_port(peer));
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "elasticsearch", config));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "index template: HTTP 503");
	SK_CHECK_INT(hp_count(peer), 1);
	ph_unload(&p);
	hp_stop(peer);
}

/* enablecompression: the body gzip-compressed, Content-Encoding: gzip */
SK_TEST(compressed_bodies)
{
	ph_plugin p = {0};
	ph_alert a;
	hp_peer *peer = NULL;
	char hostport[64], out[8192], want[4096];

	SK_CHECK_INT(hp_start(&peer, 200, 0), SK_OK);
	if (peer == NULL) {
		return;
	}
	hp_set_reply_body(peer, ok_answer);
	snprintf(hostport, sizeof(hostport), "http://127.0.0.1:%d", hp_port(peer));
	const char *const config[] = {"hostport", hostport, "enablecompression", "true", NULL};
	SK_CHECK(ph_open(&p, "elasticsearch", config));
	ph_alert_make(&a, 0);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(hp_count(peer), 1);
	if (hp_count(peer) == 1) {
		const hp_request *r = hp_get(peer, 0);
		SK_CHECK_CONTAINS(r->headers, "Content-Encoding: gzip\n");
		z_stream z = {0};
		SK_CHECK(inflateInit2(&z, 15 + 16) == Z_OK);
		z.next_in = (Bytef *)r->body;
		z.avail_in = (uInt)r->body_len;
		z.next_out = (Bytef *)out;
		z.avail_out = sizeof(out) - 1;
		SK_CHECK_INT(inflate(&z, Z_FINISH), Z_STREAM_END);
		out[z.total_out] = '\0';
		inflateEnd(&z);
		snprintf(want, sizeof(want), "{\"create\":{}}\n%s\n", a.json);
		SK_CHECK_STR(out, want);
		SK_CHECK(r->body_len < strlen(want));
	}
	hp_stop(peer);
}

SK_TEST(bad_settings_stop_init)
{
	static const char *const bad[][4] = {
		{"hostport", "http://127.0.0.1:9", "suffix", "weekly"},
		{"hostport", "http://127.0.0.1:9", "index", "a/b"},
		{"hostport", "ftp://127.0.0.1:9", "index", "falco"},
	};
	static const char *const why[] = {"suffix 'weekly': want daily, monthly, annually or none",
					  "index 'a/b': not an Elasticsearch index name", "want http:// or https://"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ph_plugin p = {0};
		const char *const config[] = {bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL};
		SK_CHECK(!ph_open(&p, "elasticsearch", config));
		SK_CHECK_CONTAINS(p.err, why[i]);
		ph_unload(&p);
	}
}

SK_TEST_MAIN()
