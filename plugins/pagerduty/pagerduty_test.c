/* PagerDuty events byte for byte: the trigger's fields, the RFC 3339
 * timestamp, custom_details typed and sorted with hostname added. */
#include "pagerduty.h"

#include "plugin_host.h"
#include "sk_test.h"

#define OUTPUT0 PH_OUTPUT0

SK_TEST(event_matches_falcosidekick)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	ph_alert_make(&a, 0);
	SK_CHECK_INT(pagerduty_payload(&sb, "R0UT1NG", &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "{\"routing_key\":\"R0UT1NG\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"" OUTPUT0
		     "\",\"source\":\"falco\",\"severity\":\"critical\",\"timestamp\":\"2026-11-29T22:00:00Z\","
		     "\"custom_details\":{\"container.id\":\"abc123\",\"hostname\":\"node-1\",\"proc.cmdline\":"
		     "\"bash -i #0\",\"user.name\":\"root\"}}}");
	/* typed values; no hostname, no fields */
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{\"proc.pid\":42,\"fd.name\":null,\"x\":true,\"s\":\"<a>\"}}");
	a.a.hostname = "";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(pagerduty_payload(&sb, "k", &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb),
			  "\"custom_details\":{\"fd.name\":null,\"proc.pid\":42,\"s\":\"\\u003ca\\u003e\",\"x\":true}}}");
	/* nested values come out as valid JSON whatever their bytes (the fuzzer's
	 * case: control and invalid UTF-8 bytes in a nested key) */
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{\"n\":{\"b\":0.1,\"a\\b\xe7\":[1,\"x\"]}}}");
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(pagerduty_payload(&sb, "k", &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"custom_details\":{\"n\":{\"a\\u0008\\ufffd\":[1,\"x\"],\"b\":0.1}}}}");
	snprintf(a.json, sizeof(a.json), "{}");
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(pagerduty_payload(&sb, "k", &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"custom_details\":{}}}");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
