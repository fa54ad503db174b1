/* policyreport: a result byte for byte (mapping, properties, the audited
 * resource), which result goes when a report is full (oldest, or oldest
 * low by priority), the object and its summary before and after commit,
 * and the API paths. */
#include "policyreport.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "sk_test.h"

static saker_alert make(saker_priority p, const char *const *names, const char *const *values, size_t n)
{
	static const char *const no_tags[1] = {NULL};
	saker_alert a = {
		.uuid = "u",
		.json = "{}",
		.json_len = 2,
		.rule = "Create Privileged Pod",
		.priority = "Warning",
		.priority_num = p,
		.source = "k8s_audit",
		.hostname = "",
		.output = "Pod started with privileged container (user=admin pod=<x>)",
		.time_ns = 1796126400000000123LL,
		.tags = no_tags,
		.ntags = 0,
		.field_names = names,
		.field_values = values,
		.nfields = n,
	};
	return a;
}

SK_TEST(results_map_priority_namespace_and_resource)
{
	static const char *const names[] = {"ka.target.name", "ka.target.namespace", "ka.target.resource", "ka.user.name"};
	static const char *const values[] = {"nginx", "web", "pods", "admin"};
	saker_alert a = make(SAKER_PRIORITY_WARNING, names, values, 4);
	pr_result r;
	char ns[64];

	SK_CHECK_INT(pr_result_new(&a, &r, ns, sizeof(ns)), SK_OK);
	SK_CHECK_STR(ns, "web");
	SK_CHECK_STR(r.json, "{\"policy\":\"Create Privileged Pod\",\"category\":\"SI - System and Information Integrity\","
			     "\"source\":\"Falco\",\"scored\":false,\"timestamp\":{\"seconds\":1796126400,\"nanos\":123},"
			     "\"severity\":\"medium\",\"result\":\"warn\",\"message\":\"Pod started with privileged "
			     "container (user=admin pod=\\u003cx\\u003e)\",\"properties\":{\"ka.target.name\":\"nginx\","
			     "\"ka.target.namespace\":\"web\",\"ka.target.resource\":\"pods\",\"ka.user.name\":\"admin\"},"
			     "\"resources\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"namespace\":\"web\",\"name\":"
			     "\"nginx\"}]}");
	SK_CHECK(r.result == 'w' && r.low);
	free(r.json);

	static const char *const host_names[] = {"k8s.ns.name", "proc.name"};
	static const char *const host_values[] = {"<NA>", "bash"};
	a = make(SAKER_PRIORITY_CRITICAL, host_names, host_values, 2);
	SK_CHECK_INT(pr_result_new(&a, &r, ns, sizeof(ns)), SK_OK);
	SK_CHECK_STR(ns, ""); /* a null namespace: the cluster report */
	SK_CHECK_CONTAINS(r.json, "\"severity\":\"critical\",\"result\":\"fail\"");
	SK_CHECK(strstr(r.json, "resources") == NULL && r.result == 'f' && !r.low);
	free(r.json);
	a = make(SAKER_PRIORITY_NOTICE, NULL, NULL, 0);
	SK_CHECK_INT(pr_result_new(&a, &r, ns, sizeof(ns)), SK_OK);
	SK_CHECK_CONTAINS(r.json, "\"severity\":\"low\",\"result\":\"skip\"");
	free(r.json);
}

SK_TEST(full_reports_drop_the_oldest_or_the_oldest_low)
{
	pr_report rep = {.api = &pr_wgpolicy, .name = "falco-policy-report-0000abcd"};
	sk_strbuf b = SK_STRBUF_INIT;
	char ns[8];
	static const saker_priority order[] = {SAKER_PRIORITY_ERROR, SAKER_PRIORITY_NOTICE, SAKER_PRIORITY_CRITICAL};

	rep.namespace_ = strdup("web");
	for (size_t i = 0; i < 3; i++) {
		saker_alert a = make(order[i], NULL, NULL, 0);
		pr_result r;
		SK_CHECK_INT(pr_result_new(&a, &r, ns, sizeof(ns)), SK_OK);
		size_t drop = pr_drop_index(&rep, 3, false);
		SK_CHECK_INT(drop, rep.n); /* not full yet */
		SK_CHECK_INT(pr_commit(&rep, drop, &r), SK_OK);
		free(r.json);
	}
	SK_CHECK(rep.fail == 2 && rep.skip == 1 && rep.warn == 0);
	SK_CHECK_INT(pr_drop_index(&rep, 3, false), 0);
	SK_CHECK_INT(pr_drop_index(&rep, 3, true), 1); /* the notice one */

	saker_alert w = make(SAKER_PRIORITY_WARNING, NULL, NULL, 0);
	pr_result add;
	SK_CHECK_INT(pr_result_new(&w, &add, ns, sizeof(ns)), SK_OK);
	SK_CHECK_INT(pr_object(&b, &rep, 1, &add), SK_OK);
	json_object *o = json_tokener_parse(sk_strbuf_str(&b)), *v = NULL, *summary = NULL;
	SK_CHECK(o != NULL && json_object_object_get_ex(o, "results", &v) && json_object_array_length(v) == 3);
	SK_CHECK(json_object_object_get_ex(o, "summary", &summary));
	SK_CHECK_CONTAINS(sk_strbuf_str(&b), "\"summary\":{\"pass\":0,\"fail\":2,\"warn\":1,\"error\":0,\"skip\":0}");
	SK_CHECK_CONTAINS(sk_strbuf_str(&b), "{\"apiVersion\":\"wgpolicyk8s.io/v1alpha2\",\"kind\":\"PolicyReport\","
					     "\"metadata\":{\"name\":\"falco-policy-report-0000abcd\",\"namespace\":\"web\"");
	json_object_put(o);
	/* not committed: the report is as it was */
	SK_CHECK(rep.n == 3 && rep.skip == 1);
	SK_CHECK_INT(pr_commit(&rep, 1, &add), SK_OK);
	SK_CHECK(rep.n == 3 && rep.fail == 2 && rep.warn == 1 && rep.skip == 0);
	SK_CHECK_CONTAINS(rep.results[2].json, "\"result\":\"warn\"");
	free(add.json);

	SK_CHECK_INT(pr_path(&b, &rep), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "/apis/wgpolicyk8s.io/v1alpha2/namespaces/web/policyreports/"
					"falco-policy-report-0000abcd?fieldManager=saker-sidekick&force=true");
	pr_report cluster = {.api = &pr_wgpolicy, .name = "falco-cluster-policy-report-1"};
	SK_CHECK_INT(pr_path(&b, &cluster), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/"
					"falco-cluster-policy-report-1?fieldManager=saker-sidekick&force=true");
	pr_report open_ns = {.api = &pr_openreports, .name = "falco-report", .namespace_ = (char *)"web"};
	SK_CHECK_INT(pr_path(&b, &open_ns), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "/apis/openreports.io/v1alpha1/namespaces/web/reports/falco-report"
					"?fieldManager=saker-sidekick&force=true");
	cluster.api = &pr_openreports;
	snprintf(cluster.name, sizeof(cluster.name), "falco-cluster-report");
	SK_CHECK_INT(pr_path(&b, &cluster), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&b), "/apis/openreports.io/v1alpha1/clusterreports/falco-cluster-report"
					"?fieldManager=saker-sidekick&force=true");
	pr_report_clear(&rep);
	sk_strbuf_free(&b);
}

SK_TEST_MAIN()
