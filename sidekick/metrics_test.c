#include "metrics.h"

#include <stdlib.h>
#include <unistd.h>

#include "sk_test.h"

static void event_json(skm_registry *m, const char *json)
{
	char err[256];
	ska_alert a;
	SK_CHECK_INT(ska_parse(json, strlen(json), &a, err, sizeof(err)), SK_OK);
	skm_event(m, &a);
	ska_free(&a);
}

static void event(skm_registry *m, const char *rule, const char *prio)
{
	char json[512];
	snprintf(json, sizeof(json),
		 "{\"rule\":\"%s\",\"priority\":\"%s\",\"time\":\"2024-05-01T10:00:00Z\",\"hostname\":\"h\","
		 "\"source\":\"syscall\",\"output_fields\":{\"k8s.ns.name\":\"ns\",\"k8s.pod.name\":\"p\"}}",
		 rule, prio);
	event_json(m, json);
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

/* Everything between the falco_events TYPE line and the next HELP line. */
static char *events_section(const char *text)
{
	const char *p = strstr(text, "# TYPE falcosecurity_falcosidekick_falco_events_total counter\n");
	const char *end = p != NULL ? strstr(p, "# HELP saker_sidekick_retries_total") : NULL;
	if (end == NULL) {
		return strdup("(no falco_events section)");
	}
	p = strchr(p, '\n') + 1;
	return strndup(p, (size_t)(end - p));
}

/* promtool's verdict on text (its exit status; -1 if it could not run). */
static int promtool_check(const char *text)
{
	char path[] = "/tmp/sk_metrics_XXXXXX", cmd[128];
	int fd = mkstemp(path);
	if (fd < 0) {
		return -1;
	}
	bool written = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' >&2", path);
	int rc = written ? system(cmd) : -1;
	unlink(path);
	return rc;
}

/* Falcosidekick's customfields (constants) and templatedfields (fields)
 * as extra labels: names sanitised, constants and field values in config
 * order, the overflow series keeping the constants. */
SK_TEST(metrics_extra_labels_exact_exposition)
{
	skm_registry *m = NULL;
	sk_strbuf out = SK_STRBUF_INIT;
	char err[256];

	SK_CHECK_INT(skm_new(2, &m), SK_OK);
	SK_CHECK_INT(skm_add_label(m, "env", SKM_LABEL_CONST, "prod \"eu\"", err, sizeof(err)), SK_OK);
	SK_CHECK_INT(skm_add_label(m, "team", SKM_LABEL_FIELD, NULL, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(skm_add_label(m, "k8s.ns.labels.app-name", SKM_LABEL_FIELD, NULL, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(skm_add_label(m, "9lives", SKM_LABEL_FIELD, "proc.name", err, sizeof(err)), SK_OK);
	/* Refused, and why: a base label, a sanitised twin, reserved, empty. */
	SK_CHECK_INT(skm_add_label(m, "rule", SKM_LABEL_CONST, "x", err, sizeof(err)), SK_EINVAL);
	SK_CHECK_STR(err, "\"rule\": label \"rule\" is already used");
	SK_CHECK_INT(skm_add_label(m, "k8s_ns_labels_app_name", SKM_LABEL_CONST, "x", err, sizeof(err)), SK_EINVAL);
	SK_CHECK_INT(skm_add_label(m, "__name", SKM_LABEL_CONST, "x", err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "reserved");
	SK_CHECK_INT(skm_add_label(m, "", SKM_LABEL_CONST, "x", err, sizeof(err)), SK_EINVAL);

	event_json(m, "{\"rule\":\"R\",\"priority\":\"Notice\",\"time\":\"2024-05-01T10:00:00Z\","
		      "\"hostname\":\"h\",\"source\":\"k8s_audit\",\"output_fields\":{\"team\":\"blue\\nline\","
		      "\"k8s.ns.labels.app-name\":\"web\",\"proc.name\":42}}");
	event_json(m, "{\"rule\":\"R\",\"priority\":\"Notice\",\"time\":\"2024-05-01T10:00:00Z\","
		      "\"hostname\":\"h\",\"source\":\"k8s_audit\",\"output_fields\":{\"team\":\"blue\\nline\","
		      "\"k8s.ns.labels.app-name\":\"web\",\"proc.name\":42}}");
	/* No hostname, fields absent or null. */
	event_json(m, "{\"rule\":\"S\",\"priority\":\"Error\",\"time\":\"2024-05-01T10:00:00Z\","
		      "\"output_fields\":{\"team\":null}}");
	/* A third series is over the cap of 2. */
	event_json(m, "{\"rule\":\"T\",\"priority\":\"Error\",\"time\":\"2024-05-01T10:00:00Z\","
		      "\"output_fields\":{}}");
	skm_render(m, NULL, &out);
	char *section = events_section(sk_strbuf_str(&out));
	const char *a = "falcosecurity_falcosidekick_falco_events_total{hostname=\"h\",rule=\"R\",priority=\"Notice\","
			"priority_raw=\"notice\",source=\"k8s_audit\",k8s_ns_name=\"\",k8s_pod_name=\"\","
			"env=\"prod \\\"eu\\\"\",team=\"blue\\nline\",k8s_ns_labels_app_name=\"web\",_9lives=\"42\"} 2\n";
	const char *b = "falcosecurity_falcosidekick_falco_events_total{hostname=\"unknown\",rule=\"S\","
			"priority=\"Error\",priority_raw=\"error\",source=\"syscall\",k8s_ns_name=\"\",k8s_pod_name=\"\","
			"env=\"prod \\\"eu\\\"\",team=\"\",k8s_ns_labels_app_name=\"\",_9lives=\"\"} 1\n";
	const char *other = "falcosecurity_falcosidekick_falco_events_total{hostname=\"\",rule=\"_other_\","
			    "priority=\"\",priority_raw=\"\",source=\"\",k8s_ns_name=\"\",k8s_pod_name=\"\","
			    "env=\"prod \\\"eu\\\"\",team=\"\",k8s_ns_labels_app_name=\"\",_9lives=\"\"} 1\n";
	/* The two series come in hash-table order; the overflow one is last. */
	sk_strbuf ab = SK_STRBUF_INIT, ba = SK_STRBUF_INIT;
	sk_strbuf_printf(&ab, "%s%s%s", a, b, other);
	sk_strbuf_printf(&ba, "%s%s%s", b, a, other);
	if (strcmp(section, sk_strbuf_str(&ab)) != 0) {
		SK_CHECK_STR(section, sk_strbuf_str(&ba));
	}
	SK_CHECK_INT(promtool_check(sk_strbuf_str(&out)), 0);
	sk_strbuf_free(&ab);
	sk_strbuf_free(&ba);
	free(section);
	sk_strbuf_free(&out);
	skm_free(m);
}

/* Values are cut at SKM_MAX_LABEL bytes on a character boundary (promtool
 * refuses broken UTF-8), and the label count is bounded. */
SK_TEST(metrics_long_values_and_label_bound)
{
	skm_registry *m = NULL;
	sk_strbuf out = SK_STRBUF_INIT;
	char err[256], json[1024], name[32], rule[SKM_MAX_LABEL + 8];

	SK_CHECK_INT(skm_new(4, &m), SK_OK);
	for (int i = 0; i < SKM_MAX_EXTRA_LABELS; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		SK_CHECK_INT(skm_add_label(m, name, SKM_LABEL_CONST, "v", err, sizeof(err)), SK_OK);
	}
	SK_CHECK_INT(skm_add_label(m, "one_more", SKM_LABEL_CONST, "v", err, sizeof(err)), SK_EFULL);
	/* 'a' then two-byte characters: byte SKM_MAX_LABEL falls inside one. */
	rule[0] = 'a';
	size_t n = 1;
	while (n + 2 < sizeof(rule)) {
		rule[n++] = (char)0xc3;
		rule[n++] = (char)0xa9;
	}
	rule[n] = '\0';
	snprintf(json, sizeof(json),
		 "{\"rule\":\"%s\",\"priority\":\"Debug\",\"time\":\"2024-05-01T10:00:00Z\",\"output_fields\":{}}",
		 rule);
	event_json(m, json);
	skm_render(m, NULL, &out);
	char *section = events_section(sk_strbuf_str(&out));
	const char *r = strstr(section, "rule=\"");
	SK_CHECK(r != NULL);
	if (r != NULL) {
		r += 6;
		SK_CHECK_INT((int)(strchr(r, '"') - r), SKM_MAX_LABEL - 1);
	}
	SK_CHECK_CONTAINS(section, ",c31=\"v\"} 1\n");
	SK_CHECK_INT(promtool_check(sk_strbuf_str(&out)), 0);
	free(section);
	sk_strbuf_free(&out);
	skm_free(m);
}

SK_TEST_MAIN()
