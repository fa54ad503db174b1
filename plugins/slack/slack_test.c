/* Slack payloads byte for byte: Falcosidekick's key order, colours, short
 * fields, Go time text, outputformat and messageformat. */
#include "slack.h"

#include "plugin_host.h"
#include "sk_test.h"

#define FIELDS_ALL                                                                                        \
	"\"fields\":[{\"title\":\"rule\",\"value\":\"Terminal shell in container\",\"short\":true},"      \
	"{\"title\":\"priority\",\"value\":\"Warning\",\"short\":true},"                                   \
	"{\"title\":\"source\",\"value\":\"syscall\",\"short\":true},"                                     \
	"{\"title\":\"hostname\",\"value\":\"node-1\",\"short\":true},"                                    \
	"{\"title\":\"tags\",\"value\":\"container, shell\",\"short\":true},"                              \
	"{\"title\":\"container.id\",\"value\":\"abc123\",\"short\":true},"                                \
	"{\"title\":\"proc.cmdline\",\"value\":\"bash -i #0\",\"short\":true},"                            \
	"{\"title\":\"user.name\",\"value\":\"root\",\"short\":true},"                                     \
	"{\"title\":\"time\",\"value\":\"2026-11-29 22:00:00.000000789 +0000 UTC\",\"short\":false}]"

#define OUTPUT0 PH_OUTPUT0

static char *render(const slack_config *cfg, const saker_alert *a)
{
	static sk_strbuf sb;

	sk_strbuf_reset(&sb);
	slack_payload(&sb, cfg, a);
	return sb.data;
}

SK_TEST(slack_payload_all_matches_falcosidekick)
{
	ph_alert a;
	slack_config cfg = {"Falcosidekick", "https://i/icon.png", "", "https://f", SLACK_FORMAT_ALL, NULL, SLACK_LAYOUT_SLACK};

	ph_alert_make(&a, 0);
	SK_CHECK_STR(render(&cfg, &a.a),
		     "{\"username\":\"Falcosidekick\",\"icon_url\":\"https://i/icon.png\",\"attachments\":[{"
		     "\"fallback\":\"" OUTPUT0 "\",\"color\":\"#ffc700\",\"text\":\"" OUTPUT0 "\"," FIELDS_ALL
		     ",\"footer\":\"https://f\"}]}");
}

SK_TEST(slack_payload_text_and_fields_formats)
{
	ph_alert a;
	slack_config text = {"", "", "#sec", "https://f", SLACK_FORMAT_TEXT, NULL, SLACK_LAYOUT_SLACK};
	slack_config fields = {"", "", "", "https://f", SLACK_FORMAT_FIELDS, NULL, SLACK_LAYOUT_SLACK};

	ph_alert_make(&a, 0);
	a.a.priority_num = SAKER_PRIORITY_CRITICAL;
	SK_CHECK_STR(render(&text, &a.a), "{\"channel\":\"#sec\",\"attachments\":[{\"fallback\":\"" OUTPUT0
					  "\",\"color\":\"#ff5400\",\"text\":\"" OUTPUT0 "\",\"fields\":null}]}");
	SK_CHECK_STR(render(&fields, &a.a), "{\"attachments\":[{\"fallback\":\"" OUTPUT0
					    "\",\"color\":\"#ff5400\"," FIELDS_ALL ",\"footer\":\"https://f\"}]}");
}

SK_TEST(slack_messageformat_text_and_long_fields)
{
	ph_alert a;
	spl_template *t = NULL;
	char err[128];
	const char *src = "Alert : rule *{{ .Rule }}* triggered by user *{{ index .OutputFields \"user.name\" }}*";
	const char *longval = "a value that is thirty-six characters";
	slack_config cfg = {"", "", "", "", SLACK_FORMAT_ALL, NULL, SLACK_LAYOUT_SLACK};

	SK_CHECK_INT(spl_template_compile(src, strlen(src), &t, err, sizeof(err)), SK_OK);
	cfg.message = t;
	ph_alert_make(&a, 0);
	a.values[1] = longval;
	SK_CHECK_CONTAINS(render(&cfg, &a.a),
			  "{\"text\":\"Alert : rule *Terminal shell in container* triggered by user *root*\",");
	SK_CHECK_CONTAINS(render(&cfg, &a.a),
			  "{\"title\":\"proc.cmdline\",\"value\":\"a value that is thirty-six characters\","
			  "\"short\":false}");
	spl_template_free(t);
}

/* Mattermost's and Rocket.Chat's payloads: Slack's structure with their
 * own field order, string fields only, and Rocket.Chat's text format
 * without an attachment. */
SK_TEST(mattermost_and_rocketchat_layouts)
{
	ph_alert a;
	slack_config mm = {"Falcosidekick", "https://i/c.png", "", "https://f", SLACK_FORMAT_ALL, NULL,
			   SLACK_LAYOUT_MATTERMOST};
	ph_alert_make(&a, 0);
#define F(t, v, s) "{\"title\":\"" t "\",\"value\":\"" v "\",\"short\":" s "}"
#define TIME0 "2026-11-29 22:00:00.000000789 +0000 UTC"
	SK_CHECK_STR(render(&mm, &a.a),
		     "{\"username\":\"Falcosidekick\",\"icon_url\":\"https://i/c.png\",\"attachments\":[{"
		     "\"fallback\":\"" OUTPUT0 "\",\"color\":\"#ffc700\",\"text\":\"" OUTPUT0 "\",\"fields\":["
		     F("rule", "Terminal shell in container", "true") "," F("hostname", "node-1", "true") ","
		     F("priority", "Warning", "true") "," F("source", "syscall", "true") ","
		     F("tags", "container, shell", "true") "," F("container.id", "abc123", "true") ","
		     F("proc.cmdline", "bash -i #0", "true") "," F("user.name", "root", "true") ","
		     F("time", TIME0, "false") "],\"footer\":\"https://f\"}]}");
	slack_config rc = {"Falcosidekick", "https://i/c.png", "", "", SLACK_FORMAT_ALL, NULL, SLACK_LAYOUT_ROCKETCHAT};
	SK_CHECK_CONTAINS(render(&rc, &a.a),
			  "\"fields\":[" F("rule", "Terminal shell in container", "true") ","
			  F("priority", "Warning", "true") "," F("source", "syscall", "true") ","
			  F("tags", "container, shell", "true") "," F("container.id", "abc123", "true") ","
			  F("proc.cmdline", "bash -i #0", "true") "," F("user.name", "root", "true") ","
			  F("time", TIME0, "false") "," F("hostname", "node-1", "true") "]}]}");
	rc.format = SLACK_FORMAT_TEXT;
	SK_CHECK_STR(render(&rc, &a.a), "{\"username\":\"Falcosidekick\",\"icon_url\":\"https://i/c.png\"}");
	/* numbers are not listed by these two (Slack's lists every field) */
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{\"container.id\":\"abc123\",\"proc.pid\":42}}");
	static const char *const names[] = {"container.id", "proc.pid"};
	static const char *const values[] = {"abc123", "42"};
	a.a.field_names = names;
	a.a.field_values = values;
	a.a.nfields = 2;
	SK_CHECK(strstr(render(&mm, &a.a), "proc.pid") == NULL);
	SK_CHECK_CONTAINS(render(&mm, &a.a), F("container.id", "abc123", "true"));
	mm.layout = SLACK_LAYOUT_SLACK;
	SK_CHECK_CONTAINS(render(&mm, &a.a), F("proc.pid", "42", "true"));
#undef F
#undef TIME0
}

SK_TEST(slack_colors_per_priority)
{
	SK_CHECK_STR(slack_color(SAKER_PRIORITY_EMERGENCY), "#e20b0b");
	SK_CHECK_STR(slack_color(SAKER_PRIORITY_ALERT), "#ff5400");
	SK_CHECK_STR(slack_color(SAKER_PRIORITY_ERROR), "#e20b0b");
	SK_CHECK_STR(slack_color(SAKER_PRIORITY_NOTICE), "#5bffb5");
	SK_CHECK_STR(slack_color(SAKER_PRIORITY_INFORMATIONAL), "#68c2ff");
	SK_CHECK_STR(slack_color(SAKER_PRIORITY_DEBUG), "#ccfff2");
}

SK_TEST(slack_parse_format_refuses_unknown)
{
	slack_format f;

	SK_CHECK_INT(slack_parse_format("", &f), SK_OK);
	SK_CHECK_INT(f, SLACK_FORMAT_ALL);
	SK_CHECK_INT(slack_parse_format("fields", &f), SK_OK);
	SK_CHECK_INT(f, SLACK_FORMAT_FIELDS);
	SK_CHECK_INT(slack_parse_format("markdown", &f), SK_EINVAL);
}

SK_TEST_MAIN()
