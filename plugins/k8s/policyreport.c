#include "policyreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_util.h"

const pr_api pr_wgpolicy = {"wgpolicyk8s.io/v1alpha2", "PolicyReport", "ClusterPolicyReport", "policyreports",
			   "clusterpolicyreports"};
const pr_api pr_openreports = {"openreports.io/v1alpha1", "Report", "ClusterReport", "reports", "clusterreports"};

/* The kinds of the resources the k8s audit rules name (ka.target.resource). */
static const struct {
	const char *resource, *api_version, *kind;
} pr_kinds[] = {
	{"pods", "v1", "Pod"},
	{"services", "v1", "Service"},
	{"secrets", "v1", "Secret"},
	{"configmaps", "v1", "ConfigMap"},
	{"namespaces", "v1", "Namespace"},
	{"serviceaccounts", "v1", "ServiceAccount"},
	{"daemonsets", "apps/v1", "DaemonSet"},
	{"deployments", "apps/v1", "Deployment"},
	{"cronjobs", "batch/v1", "CronJob"},
	{"jobs", "batch/v1", "Job"},
	{"clusterroles", "rbac.authorization.k8s.io/v1", "ClusterRole"},
	{"clusterrolebindings", "rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
	{"roles", "rbac.authorization.k8s.io/v1", "Role"},
	{"rolebindings", "rbac.authorization.k8s.io/v1", "RoleBinding"},
};

/* A field's text when set (not absent, empty or null). */
static const char *pr_field(const saker_alert *a, const char *name)
{
	const char *v = spl_alert_field(a, name);
	return v != NULL && v[0] != '\0' && strcmp(v, "<NA>") != 0 ? v : NULL;
}

sk_err pr_result_new(const saker_alert *alert, pr_result *out, char *ns, size_t nslen)
{
	/* Falcosidekick's mapping: notice and below skip, warning warns, the
	 * rest fail; info, low, medium, high, critical by priority */
	static const char *const severity[] = {"critical", "critical", "critical", "high",
					       "medium",   "low",      "info",     "info"};
	saker_priority p = alert->priority_num <= SAKER_PRIORITY_DEBUG ? alert->priority_num : SAKER_PRIORITY_DEBUG;
	char result = p >= SAKER_PRIORITY_NOTICE ? 's' : p == SAKER_PRIORITY_WARNING ? 'w' : 'f';
	const char *target_ns = pr_field(alert, "ka.target.namespace");
	const char *name = pr_field(alert, "ka.target.name");
	sk_strbuf b = SK_STRBUF_INIT;

	target_ns = target_ns != NULL ? target_ns : pr_field(alert, "k8s.ns.name");
	snprintf(ns, nslen, "%s", target_ns != NULL ? target_ns : "");
	name = name != NULL ? name : pr_field(alert, "ka.resp.name");
	sk_strbuf_puts(&b, "{\"policy\":");
	spl_json_go_string(&b, alert->rule);
	sk_strbuf_printf(&b, ",\"category\":\"SI - System and Information Integrity\",\"source\":\"Falco\","
			     "\"scored\":false,\"timestamp\":{\"seconds\":%lld,\"nanos\":%d},\"severity\":\"%s\","
			     "\"result\":\"%s\",\"message\":",
			 (long long)(alert->time_ns / 1000000000), (int)(alert->time_ns % 1000000000), severity[p],
			 result == 's' ? "skip" : result == 'w' ? "warn" : "fail");
	spl_json_go_string(&b, alert->output);
	sk_strbuf_puts(&b, ",\"properties\":{");
	for (size_t i = 0; i < alert->nfields; i++) {
		if (i > 0) {
			sk_strbuf_putc(&b, ',');
		}
		spl_json_go_string(&b, alert->field_names[i]);
		sk_strbuf_putc(&b, ':');
		spl_json_go_string(&b, alert->field_values[i]);
	}
	sk_strbuf_putc(&b, '}');
	if (name != NULL) {
		const char *resource = pr_field(alert, "ka.target.resource"), *api = NULL, *kind = resource;
		for (size_t i = 0; resource != NULL && i < sizeof(pr_kinds) / sizeof(pr_kinds[0]); i++) {
			if (strcmp(resource, pr_kinds[i].resource) == 0) {
				api = pr_kinds[i].api_version;
				kind = pr_kinds[i].kind;
			}
		}
		sk_strbuf_puts(&b, ",\"resources\":[{");
		if (api != NULL) {
			sk_strbuf_printf(&b, "\"apiVersion\":\"%s\",", api);
		}
		if (kind != NULL) {
			sk_strbuf_puts(&b, "\"kind\":");
			spl_json_go_string(&b, kind);
			sk_strbuf_putc(&b, ',');
		}
		if (ns[0] != '\0') {
			sk_strbuf_puts(&b, "\"namespace\":");
			spl_json_go_string(&b, ns);
			sk_strbuf_putc(&b, ',');
		}
		sk_strbuf_puts(&b, "\"name\":");
		spl_json_go_string(&b, name);
		sk_strbuf_puts(&b, "}]");
	}
	sk_strbuf_putc(&b, '}');
	if (sk_strbuf_failed(&b)) {
		sk_strbuf_free(&b);
		return SK_ENOMEM;
	}
	out->json = b.data;
	out->result = result;
	out->low = p >= SAKER_PRIORITY_WARNING;
	return SK_OK;
}

size_t pr_drop_index(const pr_report *r, size_t max, bool by_priority)
{
	if (r->n < max || r->n == 0) {
		return r->n;
	}
	for (size_t i = 0; by_priority && i < r->n; i++) {
		if (r->results[i].low) {
			return i;
		}
	}
	return 0;
}

static void pr_count(long *fail, long *warn, long *skip, char result, long delta)
{
	long *c = result == 'f' ? fail : result == 'w' ? warn : skip;
	*c += delta;
}

sk_err pr_object(sk_strbuf *b, const pr_report *r, size_t drop, const pr_result *add)
{
	long fail = r->fail, warn = r->warn, skip = r->skip;
	bool first = true;

	if (drop < r->n) {
		pr_count(&fail, &warn, &skip, r->results[drop].result, -1);
	}
	pr_count(&fail, &warn, &skip, add->result, 1);
	sk_strbuf_reset(b);
	sk_strbuf_printf(b, "{\"apiVersion\":\"%s\",\"kind\":\"%s\",\"metadata\":{\"name\":\"%s\",", r->api->group_version,
			 r->namespace_ != NULL ? r->api->kind : r->api->cluster_kind, r->name);
	if (r->namespace_ != NULL) {
		sk_strbuf_puts(b, "\"namespace\":");
		spl_json_go_string(b, r->namespace_);
		sk_strbuf_putc(b, ',');
	}
	/* the label Falcosidekick sets, so selectors written for it still match */
	sk_strbuf_printf(b, "\"labels\":{\"app.kubernetes.io/created-by\":\"falcosidekick\"}},\"summary\":{\"pass\":0,"
			    "\"fail\":%ld,\"warn\":%ld,\"error\":0,\"skip\":%ld},\"results\":[",
			 fail, warn, skip);
	for (size_t i = 0; i < r->n; i++) {
		if (i != drop) {
			sk_strbuf_puts(b, first ? "" : ",");
			sk_strbuf_puts(b, r->results[i].json);
			first = false;
		}
	}
	sk_strbuf_puts(b, first ? "" : ",");
	sk_strbuf_puts(b, add->json);
	sk_strbuf_puts(b, "]}");
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

sk_err pr_commit(pr_report *r, size_t drop, pr_result *add)
{
	if (drop >= r->n && r->n == r->cap) {
		size_t cap = r->cap > 0 ? r->cap * 2 : 16;
		pr_result *grown = realloc(r->results, cap * sizeof(*grown));
		if (grown == NULL) {
			return SK_ENOMEM;
		}
		r->results = grown;
		r->cap = cap;
	}
	if (drop < r->n) {
		pr_count(&r->fail, &r->warn, &r->skip, r->results[drop].result, -1);
		free(r->results[drop].json);
		memmove(&r->results[drop], &r->results[drop + 1], (r->n - drop - 1) * sizeof(r->results[0]));
		r->n--;
	}
	pr_count(&r->fail, &r->warn, &r->skip, add->result, 1);
	r->results[r->n++] = *add;
	add->json = NULL;
	return SK_OK;
}

sk_err pr_path(sk_strbuf *b, const pr_report *r)
{
	sk_strbuf_reset(b);
	if (r->namespace_ != NULL) {
		sk_strbuf_printf(b, "/apis/%s/namespaces/", r->api->group_version);
		spl_uri_encode(b, r->namespace_, false);
		sk_strbuf_printf(b, "/%s/%s", r->api->plural, r->name);
	} else {
		sk_strbuf_printf(b, "/apis/%s/%s/%s", r->api->group_version, r->api->cluster_plural, r->name);
	}
	sk_strbuf_puts(b, "?fieldManager=saker-sidekick&force=true");
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

void pr_report_clear(pr_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->results[i].json);
	}
	free(r->results);
	free(r->namespace_);
	r->results = NULL;
	r->namespace_ = NULL;
	r->n = r->cap = 0;
	r->fail = r->warn = r->skip = 0;
}
