/* spyderbat against a loopback receiver standing in for Spyderbat's API:
 * the source looked up and created before the first alert (once), each
 * alert one gzip-compressed falco_alert record with the fields Spyderbat
 * reads, an alert without proc.pid refused, an API that refuses the key. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

#define DATA_PATH "/api/v1/org/org-1/source/falcosidekick_org-1/data/sb-agent"

static void gunzip(const hp_request *r, char *out, size_t n)
{
	z_stream z = {0};
	out[0] = '\0';
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		return;
	}
	z.next_in = (Bytef *)r->body;
	z.avail_in = (uInt)r->body_len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)(n - 1);
	SK_CHECK_INT(inflate(&z, Z_FINISH), Z_STREAM_END);
	out[z.total_out] = '\0';
	inflateEnd(&z);
}

static const char *str_at(json_object *o, const char *k)
{
	json_object *v = NULL;
	return o != NULL && json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

SK_TEST(source_created_once_then_records)
{
	char url[128], text[8192];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	ph_plugin p = {0};
	ph_alert a;
	static const char *names[3] = {"container.id", "proc.cmdline", "proc.pid"};

	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	hp_route(peer, DATA_PATH, 200, "");
	hp_route(peer, "/api/v1/org/org-1/source/", 200, "[{\"uid\":\"another\"}]");
	const char *const cfg[] = {"orguid", "org-1", "apikey", "sb-key", "apiurl", url, "sourcedescription", "lab", NULL};
	SK_CHECK(ph_open(&p, "spyderbat", cfg));
	ph_alert_make(&a, 0);
	a.names[0] = names[0];
	a.names[1] = names[1];
	a.names[2] = names[2];
	a.values[2] = "4242";
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 3);
	if (hp_count(peer) == 3) {
		SK_CHECK_STR(hp_get(peer, 0)->method, "GET");
		SK_CHECK_CONTAINS(hp_get(peer, 0)->headers, "Authorization: Bearer sb-key\n");
		SK_CHECK_STR(hp_get(peer, 1)->method, "POST");
		SK_CHECK_STR(hp_get(peer, 1)->body, "{\"name\":\"falcosidekick\",\"description\":\"lab\",\"uid\":"
						    "\"falcosidekick_org-1\"}");
		const hp_request *r = hp_get(peer, 2);
		SK_CHECK_STR(r->raw_url, DATA_PATH);
		SK_CHECK_CONTAINS(r->headers, "Content-Encoding: gzip\n");
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/ndjson\n");
		gunzip(r, text, sizeof(text));
		SK_CHECK(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
		json_object *o = json_tokener_parse(text), *msg = NULL, *v = NULL;
		SK_CHECK_STR(str_at(o, "schema"), "falco_alert::1.0.0");
		SK_CHECK_STR(str_at(o, "id"), a.uuid);
		SK_CHECK_STR(str_at(o, "level"), "medium");
		SK_CHECK_STR(str_at(o, "args"), a.cmdline);
		SK_CHECK_STR(str_at(o, "container"), "abc123");
		SK_CHECK(o != NULL && json_object_object_get_ex(o, "pid", &v) && json_object_get_int(v) == 4242);
		SK_CHECK(o != NULL && json_object_object_get_ex(o, "time", &v) &&
			 (long long)json_object_get_double(v) == a.a.time_ns / 1000000000);
		SK_CHECK(o != NULL && json_object_object_get_ex(o, "msg", &msg) && json_object_array_length(msg) > 2);
		if (msg != NULL) {
			SK_CHECK_STR(json_object_get_string(json_object_array_get_idx(msg, 0)), "A");
			SK_CHECK_STR(json_object_get_string(json_object_array_get_idx(msg, 1)), "shell");
		}
		json_object_put(o);
	}
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 4); /* the source is known now */
	/* without proc.pid: refused, not retried */
	ph_alert_make(&a, 1);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "proc.pid is not among the output fields");
	ph_unload(&p);
	hp_stop(peer);

	/* the key refused while listing sources: FAIL with the reason */
	peer = hp_start_url(401, 0, "", url, sizeof(url));
	SK_CHECK(peer != NULL);
	if (peer == NULL) {
		return;
	}
	hp_set_reply_body(peer, "{\"error\":\"invalid token\"}");
	const char *const bad[] = {"orguid", "org-1", "apikey", "wrong", "apiurl", url, NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "spyderbat", bad));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "listing sources: HTTP 401: {\"error\":\"invalid token\"}");
	ph_unload(&p);
	hp_stop(peer);
}

SK_TEST_MAIN()
