/* output: one configured output instance (a loaded plugin + its section of
 * the config) and the worker thread that feeds it from the alert log.
 *
 * Each output has its own reader, cursor, batch (its in-memory queue),
 * retry policy and routing filters, so a slow, failing or hung output only
 * delays itself. Delivery is at-least-once: the cursor advances after the
 * plugin reported the batch as delivered or permanently failed. */
#ifndef SK_OUTPUT_H
#define SK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "alert_log.h"
#include "backoff.h"
#include "config.h"
#include "metrics.h"
#include "plugin.h"
#include "sk_err.h"

#define SKO_MAX_QUEUE 1000 /* upper bound on queuesize (alerts per batch) */

/* Include/exclude glob lists (fnmatch); empty include = everything. */
typedef struct sko_filter {
	char **include;
	size_t ninclude;
	char **exclude;
	size_t nexclude;
} sko_filter;

typedef struct sko_options {
	saker_priority minimum; /* minimumpriority ("" = debug: everything) */
	sko_filter rules;       /* routing.rules.include / .exclude */
	sko_filter tags;        /* routing.tags.include / .exclude */
	sko_filter sources;     /* routing.sources.include / .exclude */
	skb_policy retry;       /* retry.initialms, .maxms, .maxattempts */
	uint32_t queue;         /* queuesize: alerts held in memory (one batch) */
} sko_options;

typedef struct sko_output sko_output;

/* Reads the Saker options of output section (minimumpriority, routing,
 * retry, queuesize). Bad values: SK_EINVAL with file:line in err. */
sk_err sko_options_load(const skc_config *cfg, const char *section, sko_options *out, char *err,
			size_t errlen);

/* Frees the filter lists. */
void sko_options_free(sko_options *o);

/* Returns true if the alert passes the priority and routing filters. */
bool sko_options_match(const sko_options *o, const saker_alert *a);

/* Returns true if the output's required key is set (in the file or env). */
bool sko_enabled(const skc_config *cfg, const saker_output_plugin *vt);

/* Creates the output for plugin (the section named after it): reads its
 * options, calls the plugin's init() and opens its cursor. The plugin must
 * outlive the output. */
sk_err sko_create(const skc_config *cfg, const skp_plugin *plugin, sal_log *log, bool debug, sko_output **out,
		  char *err, size_t errlen);

/* Starts the worker thread. */
sk_err sko_start(sko_output *o);

/* Asks the worker to deliver everything appended before drain_to (a log
 * sequence) and then stop, giving up at deadline_ms (CLOCK_MONOTONIC). */
void sko_drain(sko_output *o, uint64_t drain_to, int64_t deadline_ms);

/* Asks the worker to stop now (batches in flight stay in the log). */
void sko_stop(sko_output *o);

/* Waits up to timeout_ms for the worker; false if it is stuck in a plugin. */
bool sko_join(sko_output *o, unsigned timeout_ms);

/* Calls the plugin's close() (only if the worker was joined or never ran)
 * and frees the output. NULL is allowed. */
void sko_destroy(sko_output *o);

/* Copies the newest delivery problem ("" when none yet) into buf. */
void sko_last_error(sko_output *o, char *buf, size_t n);

/* The output's counters, for the metrics registry. */
skm_output *sko_metrics(sko_output *o);

/* The output's name (its config section). */
const char *sko_name(const sko_output *o);

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t sko_now_ms(void);

#endif
