/* metrics: counters behind GET /metrics (Prometheus text exposition).
 *
 * Falcosidekick's names are kept so dashboards carry over:
 *   falcosecurity_falcosidekick_inputs_total{source,status}
 *   falcosecurity_falcosidekick_outputs_total{destination,status}
 *   falcosecurity_falcosidekick_falco_events_total{hostname,rule,priority,
 *       priority_raw,source,k8s_ns_name,k8s_pod_name}
 * plus saker_sidekick_* for the queue, retries, losses and the spool. The
 * number of falco_events series is capped; alerts beyond the cap are counted
 * under rule="_other_" so totals stay right. */
#ifndef SK_METRICS_H
#define SK_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "alert.h"
#include "alert_log.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SKM_MAX_OUTPUTS 128

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

/* Creates a registry keeping at most max_series falco_events series. */
sk_err skm_new(size_t max_series, skm_registry **out);

/* Frees the registry (not the outputs). NULL is allowed. */
void skm_free(skm_registry *m);

/* Counts one input message from src. */
void skm_input(skm_registry *m, skm_source src, bool accepted);

/* Counts one accepted alert by its labels. Thread-safe. */
void skm_event(skm_registry *m, const ska_alert *a);

/* Registers an output's counters (not owned; must outlive the registry's
 * use). SK_EFULL beyond SKM_MAX_OUTPUTS. Not thread-safe: call at start-up. */
sk_err skm_add_output(skm_registry *m, skm_output *o);

/* Renders every metric in Prometheus text format 0.0.4; log may be NULL. */
void skm_render(skm_registry *m, sal_log *log, sk_strbuf *out);

#endif
