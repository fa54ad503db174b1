/* Dynatrace log records byte for byte: the attributes, content with typed
 * output fields, MITRE ids from the tags, semantic attributes. */
#include "dynatrace.h"

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(record_matches_falcosidekick)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK_INT(dynatrace_payload(&sb, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "[{\"timestamp\":\"2026-11-29T22:00:00Z\",\"event.id\":\"6f1c2a50-0000-4000-8000-000000000000\","
		     "\"event.name\":\"Terminal shell in container\",\"event.provider\":\"Falco\",\"severity\":\"Warning\","
		     "\"host.name\":\"node-1\",\"log.source\":\"syscall\",\"content\":{\"output\":\"" PH_OUTPUT0 "\","
		     "\"output_fields\":{\"container.id\":\"abc123\",\"proc.cmdline\":\"bash -i #0\",\"user.name\":\"root\"},"
		     "\"tags\":[\"container\",\"shell\"]},\"container.id\":\"abc123\"}]");
	sk_strbuf_free(&sb);
}

SK_TEST(mitre_tags_and_semantic_attributes)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	const char *tags[] = {"T1059", "container", "mitre_execution", "T1055.008"};

	ph_alert_make(&a, 0);
	a.a.tags = tags;
	a.a.ntags = 4;
	a.a.hostname = "";
	snprintf(a.json, sizeof(a.json),
		 "{\"output_fields\":{\"proc.name\":\"bash\",\"ka.target.namespace\":\"prod\",\"k8s.pod.name\":\"web-1\","
		 "\"k8s.pod.id\":\"u-1\",\"container.image\":\"nginx\",\"container.name\":null,\"proc.pid\":7}}");
	SK_CHECK_INT(dynatrace_payload(&sb, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"log.source\":\"syscall\",\"content\":");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb),
			  "\"output_fields\":{\"container.image\":\"nginx\",\"container.name\":null,\"k8s.pod.id\":\"u-1\","
			  "\"k8s.pod.name\":\"web-1\",\"ka.target.namespace\":\"prod\",\"proc.name\":\"bash\",\"proc.pid\":7}");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb),
			  "\"tags\":[\"T1059\",\"container\",\"mitre_execution\",\"T1055.008\"]},"
			  "\"mitre.technique\":\"T1055.008\",\"mitre.tactic\":\"mitre_execution\","
			  "\"container.image.name\":\"nginx\",\"k8s.namespace.name\":\"prod\",\"k8s.pod.name\":\"web-1\","
			  "\"k8s.pod.uid\":\"u-1\",\"process.executable.name\":\"bash\"}]");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
