/* Grafana annotations and OnCall alerts byte for byte. */
#include "grafana.h"

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(annotation_matches_falcosidekick)
{
	ph_alert a;
	grafana_config cfg = {0, 0, false};
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK_INT(grafana_annotation(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"time\":1795989600000,\"timeEnd\":1795989600000,\"tags\":[\"falco\","
					 "\"Warning\",\"Terminal shell in container\",\"syscall\",\"node-1\"],"
					 "\"text\":\"" PH_OUTPUT0 "\"}");
	cfg = (grafana_config){12, 3, true};
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(grafana_annotation(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "{\"dashboardId\":12,\"panelId\":3,\"time\":");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"node-1\",\"abc123\",\"bash -i #0\",\"root\",\"container\",\"shell\"],");
	sk_strbuf_free(&sb);
}

SK_TEST(oncall_alert_matches_falcosidekick)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK_INT(grafana_oncall_alert(&sb, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"alert_uid\":\"6f1c2a50-0000-4000-8000-000000000000\",\"state\":\"alerting\","
					 "\"title\":\"[Warning] Terminal shell in container\",\"message\":\"" PH_OUTPUT0 "\"}");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
