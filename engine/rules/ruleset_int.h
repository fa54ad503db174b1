/* ruleset_int.h: definitions shared by the loader (load.c), the condition
 * compiler (compile.c) and the rule index (ruleset.c). Not a public API. */
#ifndef SK_RULES_RULESET_INT_H
#define SK_RULES_RULESET_INT_H

#include "cond.h"
#include "ruleset.h"

/* Limits on every input. */
#define SK_RULES_MAX_FILE (64u << 20)
#define SK_RULES_MAX_ITEMS 100000u
#define SK_RULES_MAX_LIST_ITEMS 100000u
#define SK_RULES_MAX_EXPANSION 64u /* nested list/macro depth */
#define SK_RULES_MAX_NODES 200000u /* checks + operators of one rule after expansion */
#define SK_RULES_MAX_COPY_FACTOR 16u /* bytes copied out of a file <= 16x its size + 1 MiB (YAML aliases) */

typedef struct sk_list_def {
	char *name;
	sk_loc loc;
	char **items;
	uint32_t nitems;
	bool used;
	bool visiting;
} sk_list_def;

typedef struct sk_macro_def {
	char *name;
	sk_loc loc;
	sk_text cond;
	sk_ast *ast;       /* parsed lazily, reset on change */
	bool parse_failed;
	bool used;
	bool expanding;
} sk_macro_def;

/* One value cell of an exception tuple: a scalar or an inline list. */
typedef struct sk_exc_cell {
	char *text;   /* scalar, or NULL for a list */
	char **items; /* inline list */
	uint32_t nitems;
} sk_exc_cell;

typedef struct sk_exc_def {
	char *name;
	sk_loc loc;
	bool single;   /* fields: one field (not a list) */
	char **fields;
	uint32_t nfields;
	char **comps;
	uint32_t ncomps;
	sk_exc_cell *cells; /* nvalues rows of (single ? 1 : nfields) cells */
	uint32_t nvalues;
} sk_exc_def;

typedef struct sk_rule_def {
	char *name;
	sk_loc loc;
	sk_text cond;
	sk_text output;
	char *desc;
	char *source;
	sk_priority priority;
	bool enabled;
	bool skip_if_unknown;
	bool warn_evttypes;
	bool capture;
	uint64_t capture_duration_ms;
	char **tags;
	uint32_t ntags;
	sk_exc_def *excs;
	uint32_t nexcs;
} sk_rule_def;

typedef struct sk_cnode sk_cnode;

/* A compiled rule: the public view plus its tree and event types. */
typedef struct sk_crule {
	sk_rule pub;
	sk_cnode *root;
	sk_fmt *fmt;
	sk_fmt *json_fmt; /* NULL: fmt (no append_output field by name) */
	char **extra_names;
	sk_fmt **extra_fmts;
	size_t nextra;
	uint64_t *evtypes; /* bitset over event ids; NULL = every type */
	/* root specialised for event types, one per distinct outcome of its
	 * evt.type tests (see sk_cc_for_type); leaves are root's own */
	struct sk_cspec *specs;
	uint32_t nspecs;
	sk_cnode **evleaves; /* root's evt.type tests, depth first */
	uint32_t nevleaves;
	bool evleaves_known;
} sk_crule;

/* One rule to run for an event type, and the tree to run for it. */
typedef struct sk_type_entry {
	uint32_t rule; /* index into crules */
	const sk_cnode *root;
} sk_type_entry;

/* Open-addressing name -> index table over one of the definition arrays. */
typedef struct sk_name_index {
	uint32_t *slots; /* index + 1; 0 = empty */
	uint32_t cap;    /* power of two */
	uint32_t n;
} sk_name_index;

typedef struct sk_plugin_req {
	char *name;
	char *version;
	bool native; /* Saker provides the plugin's fields itself */
} sk_plugin_req;

struct sk_ruleset {
	sk_rules_opts opts;
	sk_rules_env env; /* a copy: the caller's may be a local of its own */
	sk_srcs srcs;
	sk_diags diags;
	sk_list_def *lists;
	size_t nlists, caplists;
	sk_macro_def *macros;
	size_t nmacros, capmacros;
	sk_rule_def *rules;
	size_t nrules, caprules;
	sk_name_index list_idx, macro_idx, rule_idx;
	bool compiled;
	sk_crule *crules;
	size_t ncrules;
	sk_type_entry **by_type; /* per event type: the rules that may match, definition order */
	uint32_t *by_type_n;
	/* Generic events (env.generic_types[g]), by the syscall id they carry:
	 * the same, decided for that syscall. sysid_list maps the ids below
	 * nsysids to a list; list 0 serves every id no rule names (and those
	 * past nsysids). NULL: each event decides. */
	sk_type_entry **by_sysid[2];
	uint32_t *by_sysid_n[2];
	uint32_t nsysid_lists;
	uint16_t *sysid_list;
	uint32_t nsysids;
	uint32_t *all_types; /* rules running for every type */
	uint32_t nall_types;
	uint16_t ntypes;
	sk_strbuf scratch;
	sk_plugin_req *plugins;
	size_t nplugins;
	/* Per-event cache of extracted fields: one slot per distinct field
	 * reference (def, index, key), valid while cache_gen[slot] == gen. */
	sk_field_ref *slots;
	uint32_t nslots, capslots;
	sk_values *cache;
	uint32_t *cache_gen;
	uint32_t gen;
	/* Per-event results of macros (see CN_MEMO in compile.c), same gen. */
	uint32_t *memo_gen;
	bool *memo_val;
};

/* Registers the newest list/macro/rule (the last array element) by name. */
sk_err sk_rs_index_list(sk_ruleset *rs);
sk_err sk_rs_index_macro(sk_ruleset *rs);
sk_err sk_rs_index_rule(sk_ruleset *rs);
/* Definitions by name (hashed); NULL when not defined. */
sk_list_def *sk_rs_find_list(sk_ruleset *rs, const char *name);
sk_macro_def *sk_rs_find_macro(sk_ruleset *rs, const char *name);
sk_rule_def *sk_rs_find_rule(sk_ruleset *rs, const char *name);

/* compile.c: compiles one rule's condition (with exceptions) into a tree and
 * its event-type set. Diagnostics go to rs; returns SK_EPARSE on an error,
 * SK_ENOENT when skipped (unknown field with skip-if-unknown-filter). */
sk_err sk_cc_rule(sk_ruleset *rs, const sk_rule_def *rd, sk_cnode **root, uint64_t **evtypes);
/* What one evaluation needs besides the tree: the event, its type,
 * scratch for transformers and the field cache (NULL: no caching). */
typedef struct sk_cc_state {
	struct sk_eval_ctx *ctx;
	uint16_t evtype;
	sk_strbuf *scratch;
	sk_values *cache;
	uint32_t *cache_gen;
	uint32_t gen;
	uint32_t *memo_gen; /* per macro: result valid while memo_gen[m] == gen (NULL: no memo) */
	bool *memo_val;
} sk_cc_state;

/* Evaluates a compiled tree for the event in st->ctx. */
sk_err sk_cc_eval(const sk_cnode *n, sk_cc_state *st, bool *out);
/* Frees the field slots and cache. */
void sk_cc_slots_free(sk_ruleset *rs);
/* Frees a compiled tree (NULL is fine). */
void sk_cc_free(sk_cnode *n);
/* The tree to run for events of type t: cr->root with its evt.type tests
 * decided for t (and nested and/or merged), built once and shared by the
 * types that decide them alike. For a generic type, sysid >= 0 decides
 * them for the events carrying that syscall (-1: each event decides).
 * *root is NULL when cr cannot match such events. */
sk_err sk_cc_for_type(sk_crule *cr, uint16_t t, int sysid, const sk_cnode **root);
/* Raises *max to the largest syscall id cr's evt.type tests name for
 * generic events. */
sk_err sk_cc_max_sysid(sk_crule *cr, int *max);
/* Sets named[id] for each syscall id below n that cr's evt.type tests name
 * (after sk_cc_max_sysid). */
void sk_cc_mark_sysids(const sk_crule *cr, uint8_t *named, uint32_t n);
/* Frees what sk_cc_for_type() built for cr. */
void sk_cc_specs_free(sk_crule *cr);
/* Parses (once) a macro's condition; reports syntax errors. */
sk_err sk_cc_macro_parse(sk_ruleset *rs, sk_macro_def *m);

/* load.c: loads source file into definitions; SK_EPARSE when it had errors. */
sk_err sk_rs_load_yaml(sk_ruleset *rs, int32_t file);
/* Frees every list, macro, rule and plugin requirement definition. */
void sk_rs_defs_free(sk_ruleset *rs);

#endif
