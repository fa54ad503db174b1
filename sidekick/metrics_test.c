#include "metrics.h"
#include "sk_test.h"

static void event(skm_registry *m, const char *rule, const char *prio)
{
	char json[512], err[256];
	ska_alert a;
	snprintf(json, sizeof(json),
		 "{\"rule\":\"%s\",\"priority\":\"%s\",\"time\":\"2024-05-01T10:00:00Z\",\"hostname\":\"h\","
		 "\"source\":\"syscall\",\"output_fields\":{\"k8s.ns.name\":\"ns\",\"k8s.pod.name\":\"p\"}}",
		 rule, prio);
	SK_CHECK_INT(ska_parse(json, strlen(json), &a, err, sizeof(err)), SK_OK);
	skm_event(m, &a);
	ska_free(&a);
}

SK_TEST(metrics_render_falcosidekick_names)
{
	skm_registry *m = NULL;
	sk_strbuf out = SK_STRBUF_INIT;
	skm_output o = {.destination = "webhook"};
	SK_CHECK_INT(skm_new(2, &m), SK_OK);
	SK_CHECK_INT(skm_add_output(m, &o), SK_OK);
	skm_input(m, SKM_SOURCE_HTTP, true);
	skm_input(m, SKM_SOURCE_HTTP, false);
	skm_input(m, SKM_SOURCE_NNG, true);
	atomic_store(&o.ok, 5);
	atomic_store(&o.error, 2);
	event(m, "Rule \\\"A\\\"", "Warning");
	event(m, "Rule \\\"A\\\"", "Warning");
	event(m, "B", "critical");
	event(m, "C", "debug"); /* beyond the 2-series cap */
	skm_render(m, NULL, &out);
	const char *t = sk_strbuf_str(&out);
	SK_CHECK_CONTAINS(t, "falcosecurity_falcosidekick_inputs_total{source=\"requests\",status=\"accepted\"} 1\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falcosidekick_inputs_total{source=\"requests\",status=\"rejected\"} 1\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falcosidekick_inputs_total{source=\"nng\",status=\"accepted\"} 1\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falcosidekick_outputs_total{destination=\"webhook\",status=\"ok\"} 5\n");
	SK_CHECK_CONTAINS(t,
			  "falcosecurity_falcosidekick_outputs_total{destination=\"webhook\",status=\"error\"} 2\n");
	SK_CHECK_CONTAINS(t, "falcosecurity_falcosidekick_falco_events_total{hostname=\"h\",rule=\"Rule \\\"A\\\"\","
			     "priority=\"Warning\",priority_raw=\"warning\",source=\"syscall\",k8s_ns_name=\"ns\","
			     "k8s_pod_name=\"p\"} 2\n");
	SK_CHECK_CONTAINS(t, "priority=\"Critical\",priority_raw=\"critical\"");
	SK_CHECK_CONTAINS(t, "rule=\"_other_\"");
	SK_CHECK_CONTAINS(t, "# TYPE saker_sidekick_queue_depth gauge\n");
	sk_strbuf_free(&out);
	skm_free(m);
}

SK_TEST_MAIN()
