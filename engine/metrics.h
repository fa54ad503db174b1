/* metrics: saker-engine's Prometheus page (GET /metrics on the webserver),
 * under Falco's metric names so dashboards and alerts built on Falco's
 * /metrics carry over:
 *
 *   falcosecurity_falco_version_info{version}, ..._kernel_release_info,
 *   falcosecurity_evt_hostname_info, falcosecurity_falco_evt_source_info,
 *   falcosecurity_scap_engine_name_info{engine_name},
 *   falcosecurity_falco_start_timestamp_nanoseconds,
 *   falcosecurity_falco_host_boot_timestamp_nanoseconds,
 *   falcosecurity_falco_host_num_cpus_total,
 *   falcosecurity_falco_outputs_queue_num_drops_total,
 *   falcosecurity_falco_duration_seconds_total,
 *   falcosecurity_falco_cpu_usage_ratio, falcosecurity_falco_memory_rss_bytes,
 *   falcosecurity_falco_memory_vsz_bytes,
 *   falcosecurity_scap_n_evts_total, falcosecurity_scap_n_drops_buffer_total,
 *   falcosecurity_scap_n_drops_total (once the capture has reported),
 *   falcosecurity_falco_rules_matches_total{priority,rule_name,source,tags}
 *       (rules that matched at least once, priority as Falco's number),
 *
 * plus saker_engine_events_total (events the engine evaluated) and
 * saker_engine_alerts_total. The page is built from a snapshot the event
 * loop takes, so the HTTP thread never touches the live state.
 *
 * The same snapshot makes metrics.output_rule's periodic alert and
 * metrics.output_file's lines: output_fields under Falco's field names
 * (falco.num_evts, falco.evts_rate_sec, falco.rules.<Rule_name>,
 * scap.n_evts, scap.n_drops_perc, ...; memory in MB, as Falco's
 * convert_memory_to_mb default). The snapshot's parts leave out rule
 * counters, CPU and memory, or the capture's counters as falco.yaml's
 * metrics.*_enabled switches do, on both. */
#ifndef SK_ENGINE_METRICS_H
#define SK_ENGINE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct sk_metrics_rule {
	const char *name;
	int priority;	  /* 0 emergency .. 7 debug */
	const char *source;
	const char *tags; /* sorted, ", "-separated, as Falco prints them */
	uint64_t matches;
} sk_metrics_rule;

/* Which figures a snapshot gives, as falco.yaml's metrics switches say. */
enum {
	SK_METRICS_RULES = 1u << 0,	/* rules_counters_enabled: matches per rule */
	SK_METRICS_RESOURCES = 1u << 1, /* resource_utilization_enabled: CPU, memory */
	SK_METRICS_KERNEL = 1u << 2,	/* kernel_event_counters_enabled: scap.* */
	SK_METRICS_EMPTY = 1u << 3,	/* include_empty_values: rules that never matched too */
	SK_METRICS_DEFAULT = SK_METRICS_RULES | SK_METRICS_RESOURCES | SK_METRICS_KERNEL,
};

typedef struct sk_metrics_snapshot {
	unsigned parts; /* SK_METRICS_*: what to give */
	const char *version, *hostname, *kernel_release, *engine_kind;
	uint64_t start_ns, boot_ns; /* epoch ns */
	uint64_t duration_s;
	uint32_t ncpus;
	uint64_t events, alerts;    /* evaluated by the engine */
	uint64_t queue_drops;	    /* alerts the full outputs queue dropped */
	double cpu_usage_ratio;	    /* CPU time over wall time since the start */
	uint64_t rss_bytes, vsz_bytes;
	bool have_capture;	    /* the capture has sent its counters */
	uint64_t capture_events, capture_drops_buffer, capture_drops_other;
	const sk_metrics_rule *rules;
	size_t nrules;
	/* for the alert's rates: the previous snapshot's counters and the time
	 * since it (0 for the first) */
	uint64_t now_ns, since_prev_ns;
	uint64_t prev_events, prev_capture_events, prev_capture_drops;
} sk_metrics_snapshot;

/* Appends the Prometheus text exposition (format 0.0.4) of s to out.
 * SK_ENOMEM only. */
sk_err sk_metrics_render(const sk_metrics_snapshot *s, sk_strbuf *out);

/* Appends s as the output_fields JSON object of a metrics snapshot alert
 * (Falco's field names; rules that never matched left out). SK_ENOMEM
 * only. */
sk_err sk_metrics_fields_json(const sk_metrics_snapshot *s, sk_strbuf *out);

/* Fills the process figures of s (CPU ratio since start_ns, RSS, VSZ) and
 * the host's (boot time, CPUs, kernel release into release, cap bytes) from
 * /proc and uname; figures it cannot read stay 0. */
void sk_metrics_read_process(sk_metrics_snapshot *s, char *release, size_t cap);

#endif
