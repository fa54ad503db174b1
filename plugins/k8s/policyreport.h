/* policyreport: Falcosidekick's policyreport and openreport outputs'
 * objects, the wgpolicyk8s.io/v1alpha2 PolicyReport (or openreports.io/
 * v1alpha1 Report) of a namespace (alerts with ka.target.namespace or
 * k8s.ns.name) or the cluster one (the others), as Kyverno's Policy
 * Reporter reads them.
 *
 * Each alert is a result: policy = the rule, source "Falco", category
 * "SI - System and Information Integrity", result fail/warn/skip and
 * severity critical/high/medium/low/info from the priority (as
 * Falcosidekick), message = the output line, timestamp, properties = the
 * output fields, resources = the audited object (ka.target.*) when the
 * alert names one. A report keeps its newest `maxevents` results; when
 * full, the oldest goes, or with prunebypriority the oldest
 * medium/low/info one. The summary counts fail, warn and skip. */
#ifndef POLICYREPORT_H
#define POLICYREPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct pr_result {
	char *json;   /* the result object */
	char result;  /* 'f'ail, 'w'arn, 's'kip */
	bool low;     /* severity medium, low or info: pruned first by priority */
} pr_result;

/* The report API: wgpolicyk8s.io's PolicyReports (Falcosidekick's
 * policyreport) or openreports.io's Reports (its openreport). */
typedef struct pr_api {
	const char *group_version; /* "wgpolicyk8s.io/v1alpha2" */
	const char *kind;	   /* "PolicyReport" */
	const char *cluster_kind;  /* "ClusterPolicyReport" */
	const char *plural;	   /* "policyreports" */
	const char *cluster_plural;
} pr_api;

extern const pr_api pr_wgpolicy;
extern const pr_api pr_openreports;

typedef struct pr_report {
	const pr_api *api;
	char name[64];
	char *namespace_; /* NULL for the cluster report */
	pr_result *results;
	size_t n, cap;
	long fail, warn, skip;
} pr_report;

/* Builds alert's result into *out (json malloc'd) and its namespace into
 * ns ("" for a cluster-wide alert). */
sk_err pr_result_new(const saker_alert *alert, pr_result *out, char *ns, size_t nslen);

/* The index of the result that goes when r holds max results (by
 * priority: the oldest low one, else the oldest), or r->n when none does. */
size_t pr_drop_index(const pr_report *r, size_t max, bool by_priority);

/* The report object with the result at index drop left out and add
 * appended (the state after pr_commit()), for a server-side apply. */
sk_err pr_object(sk_strbuf *b, const pr_report *r, size_t drop, const pr_result *add);

/* Makes that state r's: frees the result at drop (when < r->n), takes
 * add. SK_ENOMEM leaves r unchanged (add then still the caller's). */
sk_err pr_commit(pr_report *r, size_t drop, pr_result *add);

/* The API path of r, from "/apis/". */
sk_err pr_path(sk_strbuf *b, const pr_report *r);

/* Frees r's results and namespace (not r). */
void pr_report_clear(pr_report *r);

#endif
