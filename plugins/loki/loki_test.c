/* Loki push payloads byte for byte: sorted labels, extralabels,
 * customfields and templatedfields keys renamed and unquoted, k8s labels,
 * ns timestamps, text or JSON lines, one stream per alert. */
#include "loki.h"

#include "plugin_host.h"
#include "sk_test.h"

#define LABELS0                                                                                          \
	"\"hostname\":\"node-1\",\"priority\":\"Warning\",\"rule\":\"Terminal shell in container\","     \
	"\"source\":\"syscall\",\"tags\":\"container,shell\""

static const char *render(const loki_config *cfg, const saker_alert *const *alerts, size_t n)
{
	static sk_strbuf sb;

	sk_strbuf_reset(&sb);
	loki_payload(&sb, cfg, alerts, n);
	return sb.data;
}

SK_TEST(loki_payload_text_matches_falcosidekick)
{
	ph_alert a;
	const saker_alert *one[1] = {&a.a};
	loki_config cfg = {.json_format = false};

	ph_alert_make(&a, 0);
	SK_CHECK_STR(render(&cfg, one, 1),
		     "{\"streams\":[{\"stream\":{" LABELS0 "},\"values\":[[\"1795989600000000789\","
		     "\"22:00:00.000000789: Warning A shell was spawned in a container (user=root "
		     "container_id=abc123 shell=bash cmdline=bash -i #0)\"]]}]}");
}

SK_TEST(loki_extralabels_renamed_unquoted_sorted)
{
	ph_alert a;
	const saker_alert *one[1] = {&a.a};
	char *names[] = {"container.id", "proc.cmdline", "missing.field"};
	spl_strlist extra = {names, 3, false};
	loki_config cfg = {.extralabels = &extra};

	ph_alert_make(&a, 0);
	a.values[1] = "sh -c \"id\"";
	SK_CHECK_CONTAINS(render(&cfg, one, 1),
			  "{\"stream\":{\"container_id\":\"abc123\",\"hostname\":\"node-1\",\"priority\":\"Warning\","
			  "\"proc_cmdline\":\"sh -c id\",\"rule\":\"Terminal shell in container\","
			  "\"source\":\"syscall\",\"tags\":\"container,shell\"},");
}

SK_TEST(loki_custom_and_templated_fields_and_k8s_become_labels)
{
	static const char *const names[] = {"container.id", "env", "fd.name", "k8s.ns.name", "k8s.pod.name",
					    "proc.cmdline"};
	static const char *const values[] = {"abc123", "prod", "<NA>", "default", "web-1", "bash"};
	char *custom[] = {"env", "absent", "fd.name"};
	char *templated[] = {"proc.cmdline"};
	spl_strlist cf = {custom, 3, false}, tf = {templated, 1, false};
	loki_config cfg = {.customfields = &cf, .templatedfields = &tf};
	ph_alert a;
	const saker_alert *one[1] = {&a.a};

	ph_alert_make(&a, 0);
	a.a.field_names = names;
	a.a.field_values = values;
	a.a.nfields = 6;
	/* fd.name is a JSON null ("<NA>"): no label, as in Falcosidekick. */
	SK_CHECK_CONTAINS(render(&cfg, one, 1),
			  "{\"stream\":{\"env\":\"prod\",\"hostname\":\"node-1\",\"k8s_ns_name\":\"default\","
			  "\"k8s_pod_name\":\"web-1\",\"priority\":\"Warning\",\"proc_cmdline\":\"bash\","
			  "\"rule\":\"Terminal shell in container\",\"source\":\"syscall\",\"tags\":\"container,shell\"},");
}

SK_TEST(loki_json_format_and_batches)
{
	ph_alert a, b;
	const saker_alert *two[2] = {&a.a, &b.a};
	loki_config cfg = {.json_format = true};

	ph_alert_make(&a, 1);
	ph_alert_make(&b, 2);
	a.a.hostname = "";
	/* The JSON lines are long: compare the frame, then each escaped line. */
	SK_CHECK_CONTAINS(render(&cfg, two, 2), "{\"streams\":[{\"stream\":{\"priority\":\"Warning\"");
	SK_CHECK_CONTAINS(render(&cfg, two, 2),
			  "\"values\":[[\"1795989600001000789\",\"{\\\"uuid\\\":\\\"6f1c2a50-0000-4000-8000-"
			  "000000000001\\\",\\\"output\\\":");
	SK_CHECK_CONTAINS(render(&cfg, two, 2), "\\\"user.name\\\":\\\"root\\\"}}\"]]},{\"stream\":{" LABELS0
						"},\"values\":[[\"1795989600002000789\",");
}

SK_TEST_MAIN()
