/* metrics: counters behind GET /metrics (Prometheus text exposition).
 *
 * Falcosidekick's names are kept so dashboards carry over:
 *   falcosecurity_falcosidekick_inputs_total{source,status}
 *   falcosecurity_falcosidekick_outputs_total{destination,status}
 *   falcosecurity_falcosidekick_falco_events_total{hostname,rule,priority,
 *       priority_raw,source,k8s_ns_name,k8s_pod_name,<extra labels>}
 * plus saker_sidekick_* for the queue, retries, losses and the spool. The
 * extra labels are Falcosidekick's: one per customfields key (its configured
 * value) and per templatedfields key (the alert's output field of that
 * name, i.e. the template's result), fixed at start. The number of
 * falco_events series is capped; alerts beyond the cap are counted in one
 * series with rule="_other_" (extra labels: customfields values, others
 * empty) so totals stay right. */
#ifndef SK_METRICS_H
#define SK_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "alert.h"
#include "alert_log.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SKM_MAX_OUTPUTS 128
#define SKM_MAX_EXTRA_LABELS 32
#define SKM_MAX_LABEL 200 /* label values are cut to this many bytes */

typedef enum skm_source {
	SKM_SOURCE_HTTP, /* "requests", as Falcosidekick labels HTTP input */
	SKM_SOURCE_NNG,
	SKM_SOURCE_COUNT,
} skm_source;

/* Per-output counters; the output owns it, the registry only reads it. */
typedef struct skm_output {
	const char *destination;
	const sal_cursor *cursor;
	_Atomic uint64_t ok;       /* alerts delivered */
	_Atomic uint64_t error;    /* failed attempts (each retry counts) */
	_Atomic uint64_t retries;  /* retries scheduled */
	_Atomic uint64_t filtered; /* alerts this output's routing skipped */
	_Atomic uint64_t failed;   /* alerts given up on (permanent error or attempts exhausted) */
	_Atomic uint64_t lost;     /* alerts deleted by the spool bounds before delivery */
} skm_output;

typedef struct skm_registry skm_registry;

/* Where an extra falco_events label takes its value from. */
typedef enum skm_label_kind {
	SKM_LABEL_CONST, /* a fixed value (customfields) */
	SKM_LABEL_FIELD, /* the alert's output field named by value, as text ("" if absent or null) */
} skm_label_kind;

/* Creates a registry keeping at most max_series falco_events series. */
sk_err skm_new(size_t max_series, skm_registry **out);

/* Frees the registry (not the outputs). NULL is allowed. */
void skm_free(skm_registry *m);

/* Counts one input message from src. */
void skm_input(skm_registry *m, skm_source src, bool accepted);

/* Adds an extra falco_events label named after key with Falcosidekick's
 * sanitising ('.' becomes '_'; Saker also maps any other byte outside
 * [a-zA-Z0-9_] to '_' and puts '_' before a leading digit). value is the
 * constant or the field name (NULL: key). Call at start-up, before
 * skm_event. SK_EINVAL with the reason in err when the name is empty,
 * reserved ("__" prefix) or already a label (the label is then left out);
 * SK_EFULL past SKM_MAX_EXTRA_LABELS; SK_ENOMEM. */
sk_err skm_add_label(skm_registry *m, const char *key, skm_label_kind kind, const char *value, char *err,
		     size_t errlen);

/* Counts one accepted alert by its labels (for SKM_LABEL_FIELD labels,
 * read from the enriched alert). Thread-safe. */
void skm_event(skm_registry *m, const ska_alert *a);

/* Registers an output's counters (not owned; must outlive the registry's
 * use). SK_EFULL beyond SKM_MAX_OUTPUTS. Not thread-safe: call at start-up. */
sk_err skm_add_output(skm_registry *m, skm_output *o);

/* Renders every metric in Prometheus text format 0.0.4; log may be NULL. */
void skm_render(skm_registry *m, sal_log *log, sk_strbuf *out);

#endif
