/* policyreport / openreport: Falcosidekick's policyreport output (enabled:
 * true; this file built with PR_OPENREPORT: its openreport, the same with
 * openreports.io's Reports named falco-report / falco-cluster-report, and
 * falconamespace taking the alerts of a namespace that does not exist) writes
 * each alert into its namespace's PolicyReport or the ClusterPolicyReport
 * (policyreport.h) through the API server (k8s_client.h). Each write is a
 * server-side apply of the whole report (one PATCH that creates it the
 * first time), and the report kept here changes only once the API server
 * took it, so a retried alert is not counted twice. Keys: enabled,
 * kubeconfig (outside the cluster), maxevents (1000), prunebypriority. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>

#include "k8s_client.h"
#include "policyreport.h"
#include "saker/output_plugin.h"
#include "spl_util.h"

#if defined(PR_OPENREPORT)
#define PR_NAME "openreport"
#define PR_API pr_openreports
#define PR_CRD "openreports.io/v1alpha1 Report"
#define PR_DESCRIPTION "Kubernetes Report / ClusterReport (openreports.io/v1alpha1) of Falco results"
#else
#define PR_NAME "policyreport"
#define PR_API pr_wgpolicy
#define PR_CRD "wgpolicyk8s.io/v1alpha2 PolicyReport"
#define PR_DESCRIPTION "Kubernetes PolicyReport / ClusterPolicyReport (wgpolicyk8s.io/v1alpha2) of Falco results"
#endif

#define PR_MAX_NAMESPACES 4096
#define PR_MAX_NAMESPACES_TEXT "4096"

typedef struct pr_out {
	k8s_client *k8s;
	int64_t max_events;
	bool by_priority;
	const char *falco_namespace; /* openreport: where alerts of a missing namespace go */
	pr_report cluster;
	pr_report **reports; /* one per namespace seen */
	size_t nreports;
	sk_strbuf body;
	sk_strbuf path;
	sk_strbuf answer;
} pr_out;

#if !defined(PR_OPENREPORT)
/* "<base>-<8 hex digits>", random as Falcosidekick's names. */
static void pr_name(char *out, size_t n, const char *base)
{
	unsigned int r = 0;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		r = (unsigned int)(uintptr_t)out ^ (unsigned int)time(NULL);
	}
	snprintf(out, n, "%s%08x", base, r);
}
#endif

static void pr_close(void *state)
{
	pr_out *o = state;
	if (o == NULL) {
		return;
	}
	k8s_client_free(o->k8s);
	pr_report_clear(&o->cluster);
	for (size_t i = 0; i < o->nreports; i++) {
		pr_report_clear(o->reports[i]);
		free(o->reports[i]);
	}
	free(o->reports);
	sk_strbuf_free(&o->body);
	sk_strbuf_free(&o->path);
	sk_strbuf_free(&o->answer);
	free(o);
}

static bool pr_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	pr_out *o = calloc(1, sizeof(*o));
	const char *kubeconfig = host->config_string(host->ctx, "kubeconfig", "");
	int64_t timeout = host->config_int(host->ctx, "timeout", 10000);

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	o->max_events = host->config_int(host->ctx, "maxevents", 1000);
	o->by_priority = host->config_bool(host->ctx, "prunebypriority", false);
	if (o->max_events < 1 || o->max_events > 100000) {
		snprintf(err, errlen, "maxevents %lld: want 1..100000", (long long)o->max_events);
		pr_close(o);
		return false;
	}
	if (timeout < 1 || timeout > 600000) {
		snprintf(err, errlen, "timeout %lld ms: want 1..600000", (long long)timeout);
		pr_close(o);
		return false;
	}
	if (k8s_client_new(kubeconfig, timeout, &o->k8s, err, errlen) != SK_OK) {
		pr_close(o);
		return false;
	}
	o->cluster.api = &PR_API;
#if defined(PR_OPENREPORT)
	snprintf(o->cluster.name, sizeof(o->cluster.name), "falco-cluster-report");
	o->falco_namespace = host->config_string(host->ctx, "falconamespace", "");
	o->by_priority = false; /* openreport keeps the newest, FIFO */
#else
	pr_name(o->cluster.name, sizeof(o->cluster.name), "falco-cluster-policy-report-");
	o->falco_namespace = "";
#endif
	host->log(host->ctx, SAKER_LOG_INFO, "writing policy reports through %s", k8s_client_server(o->k8s));
	*state = o;
	return true;
}

/* The report of namespace ns ("" for the cluster's), created empty. */
static pr_report *pr_find(pr_out *o, const char *ns)
{
	if (ns[0] == '\0') {
		return &o->cluster;
	}
	for (size_t i = 0; i < o->nreports; i++) {
		if (strcmp(o->reports[i]->namespace_, ns) == 0) {
			return o->reports[i];
		}
	}
	if (o->nreports >= PR_MAX_NAMESPACES) {
		return NULL;
	}
	pr_report **grown = realloc(o->reports, (o->nreports + 1) * sizeof(*grown));
	pr_report *r = calloc(1, sizeof(*r));
	if (grown != NULL) {
		o->reports = grown;
	}
	if (grown == NULL || r == NULL || (r->namespace_ = strdup(ns)) == NULL) {
		free(r);
		return NULL;
	}
	r->api = &PR_API;
#if defined(PR_OPENREPORT)
	snprintf(r->name, sizeof(r->name), "falco-report");
#else
	pr_name(r->name, sizeof(r->name), "falco-policy-report-");
#endif
	o->reports[o->nreports++] = r;
	return r;
}

/* Writes add into namespace ns's report; *status gets the API server's. */
static saker_send_result pr_write(pr_out *o, const char *ns, pr_result *add, long *status, char *err, size_t errlen);

static saker_send_result pr_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	pr_out *o = state;
	pr_result add = {NULL, 'f', false};
	char ns[256];
	long status = 0;

	if (pr_result_new(alert, &add, ns, sizeof(ns)) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	saker_send_result res = pr_write(o, ns, &add, &status, err, errlen);
	if (res == SAKER_SEND_FAIL && status == 404 && ns[0] != '\0' && o->falco_namespace[0] != '\0' &&
	    strcmp(ns, o->falco_namespace) != 0) {
		/* openreport's falconamespace: the alert's namespace is gone */
		res = pr_write(o, o->falco_namespace, &add, &status, err, errlen);
	}
	free(add.json);
	return res;
}

static saker_send_result pr_write(pr_out *o, const char *ns, pr_result *add, long *status, char *err, size_t errlen)
{
	saker_send_result res = SAKER_SEND_RETRY;

	*status = 0;
	pr_report *r = pr_find(o, ns);
	if (r == NULL) {
		/* more namespaces than kept is not going to heal; memory might */
		bool full = o->nreports >= PR_MAX_NAMESPACES;
		snprintf(err, errlen, "namespace %s: %s", ns,
			 full ? "more namespaces than the " PR_MAX_NAMESPACES_TEXT " reports kept" : "out of memory");
		res = full ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
		return res;
	}
	size_t drop = pr_drop_index(r, (size_t)o->max_events, o->by_priority);
	if (pr_object(&o->body, r, drop, add) != SK_OK || pr_path(&o->path, r) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	if (k8s_request(o->k8s, "PATCH", sk_strbuf_str(&o->path), "application/apply-patch+yaml", NULL, o->body.data,
			o->body.len, status, &o->answer, err, errlen) != SK_OK) {
		return SAKER_SEND_RETRY; /* no answer */
	}
	if (*status >= 200 && *status < 300) {
		if (pr_commit(r, drop, add) != SK_OK) {
			snprintf(err, errlen, "out of memory");
			return SAKER_SEND_RETRY;
		}
		return SAKER_SEND_OK;
	}
	/* the API server's Status object says why; its head is enough */
	snprintf(err, errlen, "HTTP %ld from %s%s: %.200s%s", *status, k8s_client_server(o->k8s),
		 sk_strbuf_str(&o->path), sk_strbuf_str(&o->answer),
		 *status == 404 ? " (is the " PR_CRD " CRD installed, the namespace there?)" : "");
	for (char *c = err; *c != '\0'; c++) {
		*c = (unsigned char)*c < 0x20 ? ' ' : *c;
	}
	return *status == 409 || *status == 429 || *status >= 500 ? SAKER_SEND_RETRY : SAKER_SEND_FAIL;
}

static const saker_output_plugin pr_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = PR_NAME,
	.description = PR_DESCRIPTION,
	.required_key = "enabled",
	.max_batch = 1,
	.init = pr_init,
	.send = pr_send,
	.send_batch = NULL,
	.close = pr_close,
};

SPL_PLUGIN_ENTRY(pr_plugin)
