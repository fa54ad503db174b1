/* Teams MessageCards byte for byte: Falcosidekick's layout and colours,
 * the three output formats, only string fields as facts. */
#include "teams.h"

#include "plugin_host.h"
#include "sk_test.h"

#define OUTPUT0 PH_OUTPUT0
#define HEAD0                                                                                             \
	"{\"@type\":\"MessageCard\",\"summary\":\"" OUTPUT0 "\",\"themeColor\":\"ffff00\",\"sections\":[{"  \
	"\"activityTitle\":\"Falco Sidekick\",\"activitySubtitle\":\"2026-11-29 22:00:00.000000789 +0000 UTC\""
#define FACTS0                                                                                            \
	"\"facts\":[{\"name\":\"rule\",\"value\":\"Terminal shell in container\"},{\"name\":\"priority\","  \
	"\"value\":\"Warning\"},{\"name\":\"source\",\"value\":\"syscall\"},{\"name\":\"hostname\","       \
	"\"value\":\"node-1\"},{\"name\":\"container.id\",\"value\":\"abc123\"},{\"name\":\"proc.cmdline\"," \
	"\"value\":\"bash -i #0\"},{\"name\":\"user.name\",\"value\":\"root\"},{\"name\":\"tags\","         \
	"\"value\":\"container, shell\"}]"

static const char *render(const teams_config *cfg, const saker_alert *a)
{
	static sk_strbuf sb;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(teams_payload(&sb, cfg, a), SK_OK);
	return sk_strbuf_str(&sb);
}

SK_TEST(message_card_matches_falcosidekick)
{
	ph_alert a;
	teams_config all = {"", TEAMS_FORMAT_ALL};
	ph_alert_make(&a, 0);
	SK_CHECK_STR(render(&all, &a.a), HEAD0 ",\"text\":\"" OUTPUT0 "\"," FACTS0 "}]}");
	teams_config text = {"https://img/falco.png", TEAMS_FORMAT_TEXT};
	SK_CHECK_STR(render(&text, &a.a),
		     HEAD0 ",\"activityImage\":\"https://img/falco.png\",\"text\":\"" OUTPUT0 "\"}]}");
	teams_config facts = {"", TEAMS_FORMAT_FACTS};
	SK_CHECK_STR(render(&facts, &a.a), HEAD0 ",\"text\":\"\"," FACTS0 "}]}");
}

SK_TEST(colours_and_string_fields_only)
{
	ph_alert a;
	teams_config all = {"", TEAMS_FORMAT_ALL};
	ph_alert_make(&a, 0);
	a.a.priority_num = SAKER_PRIORITY_CRITICAL;
	SK_CHECK_CONTAINS(render(&all, &a.a), "\"themeColor\":\"ff9000\"");
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{\"proc.pid\":42,\"fd.name\":null,\"proc.name\":\"sh\"}}");
	static const char *const names[] = {"fd.name", "proc.name", "proc.pid"};
	static const char *const values[] = {"<NA>", "sh", "42"};
	a.a.field_names = names;
	a.a.field_values = values;
	a.a.nfields = 3;
	a.a.hostname = "";
	a.a.ntags = 0;
	SK_CHECK_CONTAINS(render(&all, &a.a), "{\"name\":\"source\",\"value\":\"syscall\"},{\"name\":\"proc.name\","
					      "\"value\":\"sh\"}]}]}");
	/* no output fields at all (the fuzzer's case: nothing to sort) */
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{}}");
	SK_CHECK_CONTAINS(render(&all, &a.a), "{\"name\":\"source\",\"value\":\"syscall\"}]}]}");
	teams_format f;
	SK_CHECK_INT(teams_parse_format("fields", &f), SK_EINVAL);
	SK_CHECK_INT(teams_parse_format("", &f), SK_OK);
	SK_CHECK_INT(f, TEAMS_FORMAT_ALL);
}

SK_TEST_MAIN()
