/* The statsd and dogstatsd datagrams byte for byte: Falcosidekick's three
 * counters per accepted event, the priority in the name (StatsD) or as a
 * tag after the constant ones (DogStatsD), newlines dropped from tags, and
 * the checks that keep a configured name or tag from breaking a line. */
#include "statsd.h"

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(statsd_names_carry_the_priority)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	statsd_config cfg = {false, "falcosidekick.", NULL};
	ph_alert_make(&a, 0);
	SK_CHECK_INT(statsd_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "falcosidekick.total:1|c\n"
					 "falcosidekick.falco.accepted.Warning:1|c\n"
					 "falcosidekick.inputs.requests.accepted:1|c");
	static const char *const names[] = {"Emergency", "Alert",  "Critical",      "Error",
					    "Warning",   "Notice", "Informational", "Debug"};
	for (int p = SAKER_PRIORITY_EMERGENCY; p <= SAKER_PRIORITY_DEBUG; p++) {
		char want[64];
		a.a.priority_num = (saker_priority)p;
		sk_strbuf_reset(&sb);
		SK_CHECK_INT(statsd_payload(&sb, &cfg, &a.a), SK_OK);
		snprintf(want, sizeof(want), "\nfalcosidekick.falco.accepted.%s:1|c\n", names[p]);
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), want);
	}
	/* an empty namespace; constant tags go on every line, as datadog-go
	 * appends its global tags for StatsD too */
	char *items[] = {"env:prod", "team:sec"};
	spl_strlist tags = {items, 2, false};
	cfg.namespace_ = "";
	cfg.tags = &tags;
	a.a.priority_num = SAKER_PRIORITY_NOTICE;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(statsd_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "total:1|c|#env:prod,team:sec\n"
					 "falco.accepted.Notice:1|c|#env:prod,team:sec\n"
					 "inputs.requests.accepted:1|c|#env:prod,team:sec");
	sk_strbuf_free(&sb);
}

SK_TEST(dogstatsd_tags)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	statsd_config cfg = {true, "falcosidekick.", NULL};
	ph_alert_make(&a, 1);
	a.a.priority_num = SAKER_PRIORITY_CRITICAL;
	SK_CHECK_INT(statsd_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "falcosidekick.total:1|c\n"
					 "falcosidekick.falco.accepted:1|c|#priority:Critical\n"
					 "falcosidekick.inputs.requests.accepted:1|c");
	/* constant tags first, then the metric's; a newline in a tag is dropped */
	char *items[] = {"env:prod", "region:\neu"};
	spl_strlist tags = {items, 2, false};
	cfg.namespace_ = "saker.";
	cfg.tags = &tags;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(statsd_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "saker.total:1|c|#env:prod,region:eu\n"
					 "saker.falco.accepted:1|c|#env:prod,region:eu,priority:Critical\n"
					 "saker.inputs.requests.accepted:1|c|#env:prod,region:eu");
	/* a priority outside the enum is Go's "" */
	a.a.priority_num = (saker_priority)9;
	cfg.tags = NULL;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(statsd_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\nsaker.falco.accepted:1|c|#priority:\n");
	sk_strbuf_free(&sb);
}

SK_TEST(tokens)
{
	SK_CHECK(statsd_token_ok("falcosidekick.", false));
	SK_CHECK(statsd_token_ok("", false));
	SK_CHECK(statsd_token_ok("env:prod", true));
	SK_CHECK(statsd_token_ok("team name:sec ops", true));
	static const char *const bad_names[] = {"a:b", "a|b", "a#", "a,b", "a@b", "a b", "a\nb", "a\x7f"};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		SK_CHECK(!statsd_token_ok(bad_names[i], false));
	}
	SK_CHECK(!statsd_token_ok("a|b", true));
	SK_CHECK(!statsd_token_ok("a\nb", true));
	SK_CHECK(!statsd_token_ok("a\tb", true));
}

SK_TEST_MAIN()
