/* Opsgenie alerts byte for byte: message, entity, description, details
 * (string fields with '.' as '_', sorted with the fixed ones), priority. */
#include "opsgenie.h"

#include "plugin_host.h"
#include "sk_test.h"

#define OUTPUT0 PH_OUTPUT0

SK_TEST(alert_matches_falcosidekick)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	ph_alert_make(&a, 0);
	SK_CHECK_INT(opsgenie_payload(&sb, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "{\"message\":\"" OUTPUT0 "\",\"entity\":\"Falcosidekick\",\"description\":\"Terminal shell in "
		     "container\",\"details\":{\"container_id\":\"abc123\",\"hostname\":\"node-1\",\"priority\":"
		     "\"Warning\",\"proc_cmdline\":\"bash -i #0\",\"rule\":\"Terminal shell in container\",\"source\":"
		     "\"syscall\",\"tags\":\"container, shell\",\"user_name\":\"root\"},\"priority\":\"P4\"}");
	static const struct {
		saker_priority p;
		const char *want;
	} prios[] = {{SAKER_PRIORITY_EMERGENCY, "P1"}, {SAKER_PRIORITY_ALERT, "P1"},  {SAKER_PRIORITY_CRITICAL, "P2"},
		     {SAKER_PRIORITY_ERROR, "P3"},     {SAKER_PRIORITY_NOTICE, "P5"}, {SAKER_PRIORITY_DEBUG, "P5"}};
	for (size_t i = 0; i < sizeof(prios) / sizeof(prios[0]); i++) {
		char want[32];
		a.a.priority_num = prios[i].p;
		sk_strbuf_reset(&sb);
		SK_CHECK_INT(opsgenie_payload(&sb, &a.a), SK_OK);
		snprintf(want, sizeof(want), "\"priority\":\"%s\"}", prios[i].want);
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), want);
	}
	/* a field named like a fixed one gives way to it; numbers are left out */
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{\"rule\":\"x\",\"proc.pid\":42}}");
	static const char *const names[] = {"proc.pid", "rule"};
	static const char *const values[] = {"42", "x"};
	a.a.field_names = names;
	a.a.field_values = values;
	a.a.nfields = 2;
	a.a.ntags = 0;
	a.a.hostname = "";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(opsgenie_payload(&sb, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"details\":{\"priority\":\"Warning\",\"rule\":\"Terminal shell in "
					      "container\",\"source\":\"syscall\"}");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
