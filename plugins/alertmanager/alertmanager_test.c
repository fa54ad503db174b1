/* Alertmanager payloads byte for byte: Falcosidekick's label set and
 * order, label-safe names, typed output fields, syscall-drop grading,
 * extras, custom severities and endsAt. */
#include "alertmanager.h"

#include "plugin_host.h"
#include "sk_test.h"

#define OUTPUT0 PH_OUTPUT0

static const char *render(const am_config *cfg, const saker_alert *a)
{
	static sk_strbuf sb;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(am_payload(&sb, cfg, a), SK_OK);
	return sk_strbuf_str(&sb);
}

SK_TEST(payload_matches_falcosidekick)
{
	ph_alert a;
	am_config cfg;
	am_config_defaults(&cfg);
	ph_alert_make(&a, 0);
	SK_CHECK_STR(render(&cfg, &a.a),
		     "[{\"labels\":{\"container_id\":\"abc123\",\"eventsource\":\"syscall\",\"hostname\":\"node-1\","
		     "\"priority\":\"Warning\",\"proc_cmdline\":\"bash -i #0\",\"rule\":\"Terminal shell in container\","
		     "\"severity\":\"warning\",\"source\":\"falco\",\"tags\":\"container,shell\",\"user_name\":\"root\"},"
		     "\"annotations\":{\"description\":\"" OUTPUT0 "\",\"info\":\"" OUTPUT0
		     "\",\"summary\":\"Terminal shell in container\"},\"endsAt\":\"0001-01-01T00:00:00Z\"}]");
}

SK_TEST(typed_fields_drops_extras_and_expiry)
{
	ph_alert a;
	am_config cfg;
	am_config_defaults(&cfg);
	ph_alert_make(&a, 0);
	snprintf(a.json, sizeof(a.json),
		 "{\"output\":\"drops\",\"priority\":\"Informational\",\"rule\":\"Drops\",\"source\":\"syscall\","
		 "\"output_fields\":{\"n_drops\":5,\"n_drops_buffer\":\"0\",\"n_drops_pf\":\"x\",\"n_evts\":100,"
		 "\"proc.pid\":42,\"evt.is_open_write\":true,\"fd.name\":null,\"k8s.ns.name\":\"prod\","
		 "\"..weird--name..\":\"x\"}}");
	a.a.json_len = strlen(a.json);
	a.a.rule = "Drops";
	a.a.output = "drops";
	a.a.hostname = "";
	a.a.ntags = 0;
	a.a.priority_num = SAKER_PRIORITY_INFORMATIONAL;
	char label0[] = "team", value0[] = "sec", label1[] = "source", value1[] = "overridden", sev[] = "high";
	char ann[] = "runbook", ann_v[] = "https://runbooks/drops";
	cfg.labels[0] = (am_pair){label0, value0};
	cfg.labels[1] = (am_pair){label1, value1};
	cfg.nlabels = 2;
	cfg.annotations[0] = (am_pair){ann, ann_v};
	cfg.nannotations = 1;
	cfg.severity[SAKER_PRIORITY_WARNING] = sev;
	cfg.expires_after_s = 60;
	/* n_drops 5 > 1: ">1" (Go escapes ">") and Warning; "0" buffer drops: Warning too;
	 * n_evts, the bool, the null and a non-count drop field are left out */
	SK_CHECK_STR(render(&cfg, &a.a),
		     "[{\"labels\":{\"eventsource\":\"syscall\",\"k8s_ns_name\":\"prod\",\"n_drops\":\"\\u003e1\","
		     "\"n_drops_buffer\":\"0\",\"priority\":\"Warning\",\"proc_pid\":\"42\",\"rule\":\"Drops\","
		     "\"severity\":\"high\",\"source\":\"overridden\",\"team\":\"sec\",\"weird_name\":\"x\"},"
		     "\"annotations\":{\"description\":\"drops\",\"info\":\"drops\",\"runbook\":\"https://runbooks/drops\","
		     "\"summary\":\"Drops\"},\"endsAt\":\"2026-11-29T22:01:00.000000789Z\"}]");
	/* a large drop count meets the top threshold: critical */
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{\"n_drops\":\"20000\"}}");
	a.a.json_len = strlen(a.json);
	cfg.nlabels = 0;
	cfg.nannotations = 0;
	cfg.expires_after_s = 0;
	SK_CHECK_CONTAINS(render(&cfg, &a.a), "\"n_drops\":\"\\u003e10000\",\"priority\":\"Critical\",\"rule\":\"Drops\","
					      "\"severity\":\"critical\"");
}

SK_TEST(safe_labels_and_thresholds)
{
	static const char *const cases[][2] = {{"proc.name", "proc_name"},
					       {"proc.aname[2]", "proc_aname_2"},
					       {"__x__", "x"},
					       {"a___b", "a__b"},
					       {"évt", "vt"},
					       {"...", ""}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sk_strbuf sb = SK_STRBUF_INIT;
		am_safe_label(&sb, cases[i][0]);
		SK_CHECK_STR(sk_strbuf_str(&sb), cases[i][1]);
		sk_strbuf_free(&sb);
	}
	am_config cfg;
	char why[128] = "";
	am_config_defaults(&cfg);
	SK_CHECK_INT(cfg.nthresholds, 5);
	SK_CHECK(cfg.thresholds[0].value == 10000 && cfg.thresholds[4].value == 1);
	SK_CHECK_INT(am_parse_thresholds(&cfg, "1:informational, 500 : ERROR", why, sizeof(why)), SK_OK);
	SK_CHECK(cfg.nthresholds == 2 && cfg.thresholds[0].value == 500 &&
		 cfg.thresholds[0].priority == SAKER_PRIORITY_ERROR);
	SK_CHECK_INT(am_parse_thresholds(&cfg, "10:loud", why, sizeof(why)), SK_EINVAL);
	SK_CHECK_STR(why, "dropeventthresholds: '10:loud' is not COUNT:PRIORITY");
	SK_CHECK_INT(am_parse_thresholds(&cfg, "ten:warning", why, sizeof(why)), SK_EINVAL);
}

SK_TEST_MAIN()
