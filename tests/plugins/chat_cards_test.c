/* teams, discord, googlechat, mattermost and rocketchat plugins against a
 * real HTTP receiver on loopback: the webhook URL's path gets one POST per alert with the JSON
 * body (parsed back), statuses map to outcomes, and bad settings stop
 * init. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

/* root.k1[0].k2 as text, or NULL. */
static const char *first_of(json_object *root, const char *k1, const char *k2)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(root, k1, &v) || (v = json_object_array_get_idx(v, 0)) == NULL ||
	    !json_object_object_get_ex(v, k2, &v)) {
		return NULL;
	}
	return json_object_get_string(v);
}

static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* init of plugin name with config fails, saying want. */
static void expect_refused(const char *name, const char *const *config, const char *want)
{
	ph_plugin p = {0};
	SK_CHECK(!ph_open(&p, name, config));
	SK_CHECK_CONTAINS(p.err, want);
	ph_unload(&p);
}

/* Posts one alert through plugin name to a receiver at path; returns the
 * parsed body (NULL when none came) and checks the outcomes of 200 and
 * 500 answers. */
static json_object *post_through(const char *name, const char *path, const char *const *extra)
{
	ph_plugin p = {0};
	ph_alert a;
	char url[128];
	hp_peer *peer = hp_start_url(200, 0, path, url, sizeof(url));
	const char *config[16] = {"webhookurl", url};
	size_t n = 2;
	for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 14; i++) {
		config[n++] = extra[i];
	}
	config[n] = NULL;
	json_object *root = NULL;
	ph_alert_make(&a, 2);
	SK_CHECK(peer != NULL && ph_open(&p, name, config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	if (peer != NULL) {
		hp_set_reply(peer, 500, 0);
	}
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
	if (peer != NULL && hp_count(peer) >= 1) {
		const hp_request *r = hp_get(peer, 0);
		SK_CHECK_STR(r->url, path);
		SK_CHECK_CONTAINS(r->headers, "Content-Type: application/json\n");
		root = json_tokener_parse(r->body);
	}
	hp_stop(peer);
	return root;
}

SK_TEST(teams_posts_a_message_card)
{
	static const char *const extra[] = {"activityimage", "https://img/falco.png", NULL};
	json_object *root = post_through("teams", "/webhookb2/abc/IncomingWebhook/def", extra);
	SK_CHECK(root != NULL);
	json_object *type = NULL;
	SK_CHECK(root != NULL && json_object_object_get_ex(root, "@type", &type));
	SK_CHECK_STR(type != NULL ? json_object_get_string(type) : "", "MessageCard");
	SK_CHECK_STR(first_of(root, "sections", "activityImage"), "https://img/falco.png");
	SK_CHECK_CONTAINS(or_empty(first_of(root, "sections", "text")), "cmdline=bash -i #2");
	json_object_put(root);
	static const char *const bad[] = {"webhookurl", "http://127.0.0.1:9/", "outputformat", "fields", NULL};
	expect_refused("teams", bad, "outputformat 'fields': want all, text or facts");
}

SK_TEST(discord_posts_an_embed)
{
	json_object *root = post_through("discord", "/api/webhooks/123/abc", NULL);
	SK_CHECK(root != NULL);
	json_object *avatar = NULL;
	SK_CHECK(root != NULL && json_object_object_get_ex(root, "avatar_url", &avatar));
	SK_CHECK_CONTAINS(avatar != NULL ? json_object_get_string(avatar) : "", "falcosidekick_color.png");
	SK_CHECK_STR(first_of(root, "embeds", "color"), "12745742");
	SK_CHECK_CONTAINS(or_empty(first_of(root, "embeds", "description")), "cmdline=bash -i #2");
	json_object_put(root);
	static const char *const bad[] = {"webhookurl", "discord.example/api", NULL};
	expect_refused("discord", bad, "want http:// or https://");
}

SK_TEST(googlechat_posts_a_card)
{
	static const char *const extra[] = {"messageformat", "{{ .Priority }}: {{ .Rule }}", NULL};
	json_object *root = post_through("googlechat", "/v1/spaces/AAA/messages", extra);
	json_object *text = NULL, *cards = NULL;
	SK_CHECK(root != NULL && json_object_object_get_ex(root, "text", &text));
	SK_CHECK_STR(text != NULL ? json_object_get_string(text) : "", "Warning: Terminal shell in container");
	SK_CHECK(root != NULL && json_object_object_get_ex(root, "cards", &cards) &&
		 json_object_array_length(cards) == 1);
	json_object_put(root);
	static const char *const bad[] = {"webhookurl", "http://127.0.0.1:9/", "messageformat", "{{ range }}", NULL};
	expect_refused("googlechat", bad, "messageformat: ");
}

SK_TEST(mattermost_and_rocketchat_post_attachments)
{
	static const char *const names[] = {"mattermost", "rocketchat"};
	for (size_t i = 0; i < 2; i++) {
		static const char *const extra[] = {"username", "falco-bot", NULL};
		json_object *root = post_through(names[i], "/hooks/xyz", extra);
		json_object *user = NULL;
		SK_CHECK(root != NULL && json_object_object_get_ex(root, "username", &user));
		SK_CHECK_STR(user != NULL ? json_object_get_string(user) : "", "falco-bot");
		SK_CHECK_STR(or_empty(first_of(root, "attachments", "color")), "#ffc700");
		SK_CHECK_CONTAINS(or_empty(first_of(root, "attachments", "text")), "cmdline=bash -i #2");
		json_object_put(root);
	}
	static const char *const bad[] = {"webhookurl", "http://127.0.0.1:9/", "outputformat", "facts", NULL};
	expect_refused("rocketchat", bad, "outputformat 'facts'");
}

SK_TEST_MAIN()
