/* webex, gotify, telegram and cliq against a loopback receiver: URLs, headers and
 * the exact JSON around the message (the message itself is checked by
 * spl_summary_test), settings refused with the key named, and the Telegram
 * token kept out of error messages. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_strbuf.h"
#include "sk_test.h"
#include "spl_summary.h"

/* The receiver's only request, or NULL. */
static const hp_request *only_request(hp_peer *peer, const char *name, const char *const *config, ph_alert *a)
{
	ph_plugin p = {0};

	ph_alert_make(a, 0);
	SK_CHECK(peer != NULL && ph_open(&p, name, config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a->a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(peer != NULL ? hp_count(peer) : 0, 1);
	return peer != NULL && hp_count(peer) == 1 ? hp_get(peer, 0) : NULL;
}

/* The JSON string member key of body, or "" (a static copy). */
static const char *member(const char *body, const char *key)
{
	static char value[8192];
	json_object *root = json_tokener_parse(body), *v = NULL;

	value[0] = '\0';
	if (root != NULL && json_object_object_get_ex(root, key, &v)) {
		snprintf(value, sizeof(value), "%s", json_object_get_string(v));
	}
	json_object_put(root);
	return value;
}

SK_TEST(webex_markdown)
{
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "/v1/webhooks/incoming/X", url, sizeof(url));
	const char *const config[] = {"webhookurl", url, NULL};
	const hp_request *r = only_request(peer, "webex", config, &a);
	sk_strbuf want = SK_STRBUF_INIT;

	spl_summary(&want, &a.a, SPL_SUMMARY_MARKDOWN);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/v1/webhooks/incoming/X");
		SK_CHECK_STR(member(r->body, "markdown"), sk_strbuf_str(&want));
		SK_CHECK_CONTAINS(r->body, "{\"markdown\":\"**\\\\[Falco\\\\] \\\\[Warning\\\\] Terminal shell");
	}
	sk_strbuf_free(&want);
	hp_stop(peer);
}

SK_TEST(gotify_formats_and_key)
{
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	const char *const config[] = {"hostport", url, "token", "Ag0t1fy", NULL};
	const hp_request *r = only_request(peer, "gotify", config, &a);
	sk_strbuf want = SK_STRBUF_INIT;

	spl_summary(&want, &a.a, SPL_SUMMARY_MARKDOWN);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/message");
		SK_CHECK_CONTAINS(r->headers, "X-Gotify-Key: Ag0t1fy\n");
		SK_CHECK_CONTAINS(r->body, "{\"title\":\"[Falco] [Warning] Terminal shell in container\",\"priority\":4,"
					   "\"message\":\"**");
		SK_CHECK_CONTAINS(r->body, "\"extras\":{\"client::display\":{\"contentType\":\"text/markdown\"}}}");
		SK_CHECK_STR(member(r->body, "message"), sk_strbuf_str(&want));
	}
	hp_stop(peer);
	/* json: the Falco alert as the message, shown as plain text */
	peer = hp_start_url(200, 0, "", url, sizeof(url));
	const char *const json[] = {"hostport", url, "format", "json", NULL};
	r = only_request(peer, "gotify", json, &a);
	if (r != NULL) {
		SK_CHECK_STR(member(r->body, "message"), a.json);
		SK_CHECK_CONTAINS(r->body, "\"contentType\":\"text/plain\"");
		SK_CHECK(strstr(r->headers, "X-Gotify-Key") == NULL);
	}
	hp_stop(peer);
	ph_plugin p = {0};
	const char *const bad[] = {"hostport", url, "format", "html", NULL};
	SK_CHECK(!ph_open(&p, "gotify", bad));
	SK_CHECK_CONTAINS(p.err, "format 'html'");
	ph_unload(&p);
	sk_strbuf_free(&want);
}

SK_TEST(telegram_send_message_and_hidden_token)
{
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, "", url, sizeof(url));
	const char *const config[] = {"host", url, "token", "123:AbC", "chatid", "-100200", "messagethreadid", "7",
				      NULL};
	const hp_request *r = only_request(peer, "telegram", config, &a);
	sk_strbuf want = SK_STRBUF_INIT;

	spl_summary(&want, &a.a, SPL_SUMMARY_MARKDOWNV2);
	if (r != NULL) {
		SK_CHECK_STR(r->url, "/bot123:AbC/sendMessage");
		SK_CHECK_STR(member(r->body, "text"), sk_strbuf_str(&want));
		SK_CHECK_CONTAINS(r->body, "\",\"parse_mode\":\"MarkdownV2\",\"disable_web_page_preview\":true,"
					   "\"chat_id\":\"-100200\",\"message_thread_id\":7}");
	}
	/* a refusal names the URL without the token */
	ph_plugin p = {0};
	if (peer != NULL) {
		hp_set_reply(peer, 401, 0);
	}
	SK_CHECK(ph_open(&p, "telegram", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "/bot<token>/sendMessage");
	SK_CHECK(strstr(p.err, "AbC") == NULL);
	ph_unload(&p);
	hp_stop(peer);
	const char *const no_chat[] = {"token", "1:x", NULL};
	const char *const bad_thread[] = {"token", "1:x", "chatid", "5", "messagethreadid", "7x", NULL};
	const char *const bad_token[] = {"token", "1:x/../y", "chatid", "5", NULL};
	const char *const bad_host[] = {"token", "1:s3cr3t", "chatid", "5", "host", "api.telegram.org", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "telegram", no_chat));
	SK_CHECK_CONTAINS(p.err, "chatid");
	ph_unload(&p);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "telegram", bad_thread));
	SK_CHECK_CONTAINS(p.err, "messagethreadid '7x'");
	ph_unload(&p);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "telegram", bad_token));
	SK_CHECK_CONTAINS(p.err, "token");
	ph_unload(&p);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "telegram", bad_host));
	SK_CHECK_CONTAINS(p.err, "host 'api.telegram.org'");
	SK_CHECK(strstr(p.err, "s3cr3t") == NULL);
	ph_unload(&p);
	sk_strbuf_free(&want);
}

SK_TEST(cliq_message_with_template_and_emoji)
{
	ph_alert a;
	char url[160];
	hp_peer *peer = hp_start_url(200, 0, "/api/v2/channelsbyname/sec/message", url, sizeof(url));
	strncat(url, "?zapikey=Z", sizeof(url) - strlen(url) - 1);
	const char *const config[] = {"webhookurl", url, "useemoji", "true", "messageformat",
				      "Rule *{{ .Rule }}* by {{ index .OutputFields \"user.name\" }}", NULL};
	const hp_request *r = only_request(peer, "cliq", config, &a);

	if (r != NULL) {
		SK_CHECK_STR(r->url, "/api/v2/channelsbyname/sec/message?zapikey=Z");
		SK_CHECK_CONTAINS(r->body, "{\"text\":\"\xF0\x9F\x9F\xA1 Rule *Terminal shell in container* by root\","
					   "\"bot\":{\"name\":\"Falco Sidekick\",");
		SK_CHECK_CONTAINS(r->body, "\"slides\":[{\"type\":\"text\",\"data\":");
		SK_CHECK_CONTAINS(r->body, "{\"field\":\"user.name\",\"value\":\"root\"}");
	}
	hp_stop(peer);
	ph_plugin p = {0};
	const char *const bad[] = {"webhookurl", "http://127.0.0.1:1/", "outputformat", "cards", NULL};
	SK_CHECK(!ph_open(&p, "cliq", bad));
	SK_CHECK_CONTAINS(p.err, "outputformat 'cards'");
	ph_unload(&p);
}

SK_TEST_MAIN()
