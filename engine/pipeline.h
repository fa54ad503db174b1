/* pipeline: one event's way through the engine, shared by replay (-e) and
 * the live stream: state update, rule index, condition, formatter, outputs.
 *
 *   sk_pipeline_open(&p, &cfg)          rules + state + eval context + outputs
 *                                        (+ capture files, rule_capture.h)
 *   sk_pipeline_event(&p, &evt)          for every decoded event
 *   sk_pipeline_reload(&p, &cfg)         SIGHUP: new rules, or keep the old ones
 *   sk_pipeline_close(&p)                drains the outputs */
#ifndef SK_ENGINE_PIPELINE_H
#define SK_ENGINE_PIPELINE_H

#include <stdint.h>

#include "config.h"
#include "eval_ctx.h"
#include "event.h"
#include "output.h"
#include "rule_capture.h"
#include "ruleset.h"
#include "sk_strbuf.h"
#include "state.h"

typedef struct sk_pipeline {
	sk_ruleset *rules;
	sk_state *state;
	sk_eval_ctx ctx;
	bool ctx_ready;
	sk_outputs *outputs;
	sk_rcap *rcap; /* falco.yaml's capture: files started by alerts */
	sk_strbuf msg, fields; /* reused per alert */
	uint64_t events, alerts, failed;
	uint64_t by_priority[SK_PRIO_COUNT];
	uint64_t *rule_matches; /* per rule of rules (by sk_rule.order), since it loaded */
	uint64_t generation; /* bumped on every successful rules (re)load */
	/* static_fields (static.<name>), copied from the configuration */
	char **static_names, **static_values;
	size_t nstatic;
} sk_pipeline;

/* Loads and compiles cfg's rules files (a directory loads its *.yaml in name
 * order); on errors logs every diagnostic with file:line:col and returns
 * SK_EPARSE (or the failure) with *out untouched. */
sk_err sk_pipeline_build_rules(const sk_engine_config *cfg, sk_ruleset **out);

/* Builds everything from cfg. On failure everything built is freed and the
 * problem logged. */
sk_err sk_pipeline_open(sk_pipeline *p, const sk_engine_config *cfg);

/* Applies evt to the state and raises an alert for each matching rule. */
sk_err sk_pipeline_event(sk_pipeline *p, const sk_event *evt);

/* Raises an engine-made alert (source "internal"), e.g. capture drops.
 * output_fields is a JSON object text. */
sk_err sk_pipeline_internal_alert(sk_pipeline *p, uint64_t ts, const char *rule, sk_priority prio,
				  const char *message, const char *output_fields);

/* Closes a capture file (falco.yaml's capture) whose deadline the clock
 * has passed; for the live stream, whose events may stop coming. */
void sk_pipeline_capture_tick(sk_pipeline *p);

/* Replaces the rules with cfg's, and takes its capture settings; on a load
 * error keeps the old ones (the error is logged) and returns it. */
sk_err sk_pipeline_reload(sk_pipeline *p, const sk_engine_config *cfg);

/* Drains the outputs and frees everything. Safe on a zeroed pipeline. */
void sk_pipeline_close(sk_pipeline *p);

/* Prints the summary Falco prints after -e ("Events read: N, alerts: M" and
 * the count per priority) to stderr. */
void sk_pipeline_print_summary(const sk_pipeline *p);

#endif
