/* Datadog events byte for byte: title, text, alert type per priority, the
 * tags in Falcosidekick's order. */
#include "datadog.h"

#include <string.h>

#include "plugin_host.h"
#include "spl_util.h"
#include "sk_test.h"

SK_TEST(event_matches_falcosidekick)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK_INT(datadog_payload(&sb, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "{\"title\":\"Terminal shell in container\",\"text\":\"" PH_OUTPUT0 "\",\"alert_type\":\"warning\","
		     "\"source_type_name\":\"falco\",\"tags\":[\"container.id:abc123\",\"proc.cmdline:bash -i #0\","
		     "\"user.name:root\",\"source:syscall\",\"hostname:node-1\",\"container\",\"shell\"]}");
	/* Critical is an error, Notice info; numbers are not tags; no hostname */
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{\"proc.pid\":42,\"fd.name\":\"<f>\"}}");
	const char *names[] = {"fd.name", "proc.pid"};
	const char *values[] = {"<f>", "42"};
	a.a.field_names = names;
	a.a.field_values = values;
	a.a.nfields = 2;
	a.a.hostname = "";
	a.a.ntags = 0;
	a.a.priority_num = SAKER_PRIORITY_CRITICAL;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(datadog_payload(&sb, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"alert_type\":\"error\",\"source_type_name\":\"falco\",\"tags\":["
					      "\"fd.name:\\u003cf\\u003e\",\"source:syscall\"]}");
	a.a.priority_num = SAKER_PRIORITY_NOTICE;
	a.a.rule = "";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(datadog_payload(&sb, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "{\"text\":");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"alert_type\":\"info\"");
	sk_strbuf_free(&sb);
}

SK_TEST(log_matches_falcosidekick)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	sk_strbuf want = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK_INT(datadog_logs_payload(&sb, "falco-prod", &a.a), SK_OK);
	sk_strbuf_puts(&want, "{\"ddsource\":\"falco\",\"hostname\":\"node-1\",\"service\":\"falco-prod\",\"message\":");
	spl_json_go_string(&want, a.json);
	sk_strbuf_puts(&want, ",\"ddtags\":\"container,shell\"}");
	SK_CHECK_STR(sk_strbuf_str(&sb), sk_strbuf_str(&want));
	/* no hostname, service or tags: left out */
	a.a.hostname = "";
	a.a.ntags = 0;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(datadog_logs_payload(&sb, "", &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "{\"ddsource\":\"falco\",\"message\":\"{");
	SK_CHECK(strstr(sk_strbuf_str(&sb), "ddtags") == NULL);
	sk_strbuf_free(&want);
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
