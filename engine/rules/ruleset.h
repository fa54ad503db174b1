/* ruleset: Falco-language rules files loaded, compiled and indexed.
 *
 *   sk_ruleset_new(&opts, &rs);
 *   sk_ruleset_load_file(rs, "falco_rules.yaml");   (any number, in order)
 *   sk_ruleset_compile(rs);                          (after the last load)
 *   sk_ruleset_match(rs, evtype, ctx, on_match, user);
 *
 * Loading follows Falco 0.44: lists, macros and rules; override/append;
 * exceptions; enabled toggles; required_engine_version. Every error and
 * warning is a diagnostic with file:line:col (sk_ruleset_diag). Compiled
 * rules are stored per event type, in definition order. */
#ifndef SK_RULES_RULESET_H
#define SK_RULES_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "env.h"
#include "format.h"
#include "sk_err.h"

/* The engine version Saker's rules language matches (Falco 0.44). */
#define SK_RULES_ENGINE_VERSION "0.57.0"

typedef enum sk_priority {
	SK_PRIO_EMERGENCY = 0,
	SK_PRIO_ALERT,
	SK_PRIO_CRITICAL,
	SK_PRIO_ERROR,
	SK_PRIO_WARNING,
	SK_PRIO_NOTICE,
	SK_PRIO_INFORMATIONAL,
	SK_PRIO_DEBUG,
	SK_PRIO_COUNT
} sk_priority;

/* Parses a priority name, case-insensitive ("info" = Informational). */
sk_err sk_priority_parse(const char *s, size_t len, sk_priority *out);
/* Falco's spelling: "Emergency", ..., "Informational", "Debug". */
const char *sk_priority_name(sk_priority p);

/* One entry of falco.yaml's append_output: for the rules it matches (all
 * of rule name, source and every tag that are given; none given: every
 * rule), extra_output joins the rule's output after a space, and the
 * extra fields join output_fields only: a field by name (format NULL:
 * its typed value) or a name with a format (its text). */
typedef struct sk_output_addition {
	const char *rule;   /* NULL: any */
	const char *source; /* NULL: any */
	const char *const *tags;
	size_t ntags;
	const char *extra_output; /* NULL: none */
	const char *const *field_names;
	const char *const *field_formats; /* [i] NULL: field_names[i] is a field */
	size_t nfields;
} sk_output_addition;

typedef struct sk_rules_opts {
	const sk_rules_env *env;   /* NULL: sk_rules_env_default() */
	sk_priority min_priority;  /* rules less severe are not loaded (default Debug: all) */
	bool match_all;            /* rule_matching: all (default first) */
	bool verbose;              /* also report LOAD_UNUSED_MACRO/LIST */
	bool no_index;             /* run every rule for every event type (baseline for benchmarks) */
	bool no_field_cache;       /* extract a field at every use (baseline for benchmarks) */
	bool no_type_fold;         /* run each rule's full tree, evt.type tests and all, rather
				    * than its copy specialised for the event's type (baseline) */
	bool no_macro_memo;        /* evaluate a macro at every use, not once per event (baseline) */
	/* append_output, applied when compiling; must stay valid until
	 * sk_ruleset_compile() returns (what the rules need is copied) */
	const sk_output_addition *additions;
	size_t nadditions;
} sk_rules_opts;

/* A compiled, enabled rule. */
typedef struct sk_rule {
	const char *name;
	const char *desc;
	const char *source;
	sk_priority priority;
	const char *const *tags;
	size_t ntags;
	const sk_fmt *output;
	/* output_fields: from output_json (output plus append_output's
	 * fields by name), then each named extra field's text */
	const sk_fmt *output_json;
	const char *const *extra_names;
	const sk_fmt *const *extra_formats;
	size_t nextra;
	uint32_t order; /* position in definition order */
	bool capture;
	uint64_t capture_duration_ms;
} sk_rule;

typedef struct sk_ruleset sk_ruleset;

/* Creates an empty rule set (opts NULL: defaults). */
sk_err sk_ruleset_new(const sk_rules_opts *opts, sk_ruleset **out);
/* Reads and loads a rules file. Problems become diagnostics; returns
 * SK_EPARSE when this file had errors, SK_ENOENT/SK_EIO when unreadable
 * (also recorded as LOAD_ERR_FILE_READ). */
sk_err sk_ruleset_load_file(sk_ruleset *rs, const char *path);
/* Loads a rules file, or every *.yaml / *.yml file (not hidden) of a
 * directory in byte-wise name order, as Falco's rules_files entries do. At
 * most SK_RULES_MAX_DIR_FILES files per directory; more is an error. Returns
 * the first failure of any file (see sk_ruleset_load_file()). */
sk_err sk_ruleset_load_path(sk_ruleset *rs, const char *path);
#define SK_RULES_MAX_DIR_FILES 4096u
/* Loads rules from memory; name is used in diagnostics. */
sk_err sk_ruleset_load_string(sk_ruleset *rs, const char *name, const char *text, size_t len);
/* falco.yaml's `rules` selection, after the last load and before
 * compiling: enables (or disables) every rule whose name matches
 * name_pattern ('*' matches any run of characters; NULL: none) and every
 * rule tagged tag (NULL: none), overriding the files' enabled. Applied in
 * the configuration's order. *matched (optional) gets how many rules it
 * touched. SK_EINVAL once compiled. */
sk_err sk_ruleset_select(sk_ruleset *rs, bool enable, const char *name_pattern, const char *tag, size_t *matched);
/* Compiles every enabled rule and builds the event-type index. Returns
 * SK_EPARSE when any rule or macro failed to compile. */
sk_err sk_ruleset_compile(sk_ruleset *rs);

/* Called per matching rule; return false to stop matching this event. */
typedef bool (*sk_rule_match_fn)(const sk_rule *rule, void *user);

/* Evaluates the rules indexed under evtype (and those without event-type
 * restriction) in definition order against the event in ctx; calls fn per
 * match (only the first with rule_matching first). Not reentrant on one
 * rule set (it reuses a scratch buffer). */
sk_err sk_ruleset_match(sk_ruleset *rs, uint16_t evtype, struct sk_eval_ctx *ctx, sk_rule_match_fn fn, void *user);

/* Counts for summaries. */
typedef struct sk_ruleset_stats {
	size_t rules;    /* rule definitions */
	size_t macros;
	size_t lists;
	size_t enabled;  /* enabled after toggles and min priority */
	size_t compiled; /* compiled and indexed */
	size_t all_types; /* compiled rules without event-type restriction */
	size_t type_trees; /* trees specialised per event type (shared by types alike) */
} sk_ruleset_stats;
/* Fills out with the rule set's counts (after sk_ruleset_compile). */
void sk_ruleset_stats_get(const sk_ruleset *rs, sk_ruleset_stats *out);

/* Compiled rules in definition order. */
size_t sk_ruleset_rule_count(const sk_ruleset *rs);
const sk_rule *sk_ruleset_rule(const sk_ruleset *rs, size_t i);
/* Number of compiled rules indexed under an event type (including those
 * that run for every type). */
size_t sk_ruleset_rules_for_type(const sk_ruleset *rs, uint16_t evtype);
/* Whether compiled rule i applies to evtype. */
bool sk_ruleset_rule_has_type(const sk_ruleset *rs, size_t i, uint16_t evtype);

/* required_plugin_versions entries seen, with whether Saker provides the
 * plugin's fields natively (container: yes). Returns false past the end. */
bool sk_ruleset_plugin_req(const sk_ruleset *rs, size_t i, const char **name, const char **version, bool *native);

/* Diagnostics gathered so far. */
const sk_diags *sk_ruleset_diags(const sk_ruleset *rs);
/* Sources loaded (for rendering diagnostics and per-file status). */
const sk_srcs *sk_ruleset_srcs(const sk_ruleset *rs);

/* Frees the rule set (NULL is fine). */
void sk_ruleset_free(sk_ruleset *rs);

#endif
