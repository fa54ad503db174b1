/* config.h: saker-engine's configuration file, with falco.yaml's key names
 * where they overlap (a falco.yaml loads as is; keys Saker does not use are
 * ignored):
 *
 *   rules_files (list), priority, rule_matching (first|all), json_output,
 *   json_include_output_property, json_include_tags_property,
 *   json_include_message_property, json_include_output_fields_property,
 *   time_format_iso_8601, buffered_outputs, outputs_queue.capacity,
 *   stdout_output.enabled, file_output.{enabled,keep_alive,filename},
 *   program_output.{enabled,keep_alive,program},
 *   http_output.{enabled,url,user_agent,insecure},
 *   nng_output.{enabled,url}   (Saker: PUSH to saker-sidekick)
 *   base_syscalls.*, syscall_event_drops.*,
 *   engine.kind, engine.{modern_ebpf,kmod,ebpf}.drop_failed_exit,
 *   engine.replay.capture_file,
 *   webserver.{enabled,threadiness,listen_port,listen_address,
 *              k8s_healthz_endpoint,prometheus_metrics_enabled,ssl_enabled,
 *              ssl_certificate},
 *   metrics.{enabled,interval,output_rule,output_file},
 *   config_files (files or directories read after the main file, each with
 *   a merge strategy), watch_config_files (engine/watch.h),
 *   log_level, log_stderr, log_syslog,
 *   rules (enable/disable rules by name or tag),
 *   append_output (match.{rule,source,tags}, extra_output, extra_fields,
 *   suggested_output: the container fields Falco's container plugin
 *   suggests, then the static fields)
 *
 * `-o key=value` sets the same dotted keys after the files are read. */
#ifndef SK_OUTPUT_CONFIG_H
#define SK_OUTPUT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SK_CONFIG_MAX_RULES_FILES 256
#define SK_CONFIG_MAX_BASE_SYSCALLS 512 /* base_syscalls.custom_set entries */
/* Largest configuration file accepted. */
#define SK_CONFIG_MAX_BYTES (4u << 20)
#define SK_CONFIG_MAX_INCLUDES 64 /* config_files entries */
#define SK_CONFIG_MAX_DIR_FILES 256 /* files read from one config_files directory */
#define SK_CONFIG_MAX_RULE_SELECTIONS 256 /* rules: entries */
#define SK_CONFIG_MAX_APPEND_OUTPUT 64    /* append_output entries */
#define SK_CONFIG_MAX_APPEND_ITEMS 64     /* match.tags or extra_fields of one entry */
#define SK_CONFIG_MAX_STATIC_FIELDS 64    /* static_fields entries */

/* syscall_event_drops.actions (engine/drops.h) */
enum {
	SK_DROPS_LOG = 1 << 0,
	SK_DROPS_ALERT = 1 << 1,
	SK_DROPS_EXIT = 1 << 2,
};

/* syscall_event_drops. Defaults: threshold 0 (any drop; Falco's is 0.1),
 * actions log and alert, rate 1/30 (one message every 30 s), max_burst 1,
 * as Falco's. */
typedef struct sk_drops_config {
	double threshold; /* share of the events since the last report, 0..1 */
	unsigned actions; /* SK_DROPS_*; 0: ignore */
	double rate;      /* messages a second */
	uint32_t max_burst;
	bool simulate; /* simulate_drops: act at every report */
} sk_drops_config;

/* capture: files of the events around an alert (engine/rule_capture.h).
 * Falco's keys and defaults but the prefix (Falco's is /tmp/falco). */
typedef struct sk_rule_capture_config {
	bool enabled;
	bool all_rules;		      /* mode all_rules; rules (false): rules with capture: true */
	char *path_prefix;	      /* files are <prefix>_<ts>_<evt.num>.scap */
	uint32_t default_duration_ms; /* a rule without capture_duration; 5000 */
	uint32_t max_file_size_mb;    /* 0: no limit */
} sk_rule_capture_config;

/* engine.kind (Falco's names). Saker has one sensor, saker-capture: the
 * three driver kinds all mean it; replay reads engine.replay.capture_file
 * instead, as `saker-engine -e`. */
typedef enum sk_engine_kind {
	SK_ENGINE_MODERN_EBPF = 0, /* the default, as in Falco */
	SK_ENGINE_KMOD,
	SK_ENGINE_EBPF,
	SK_ENGINE_REPLAY,
} sk_engine_kind;

/* How an included configuration file (config_files) merges into what the
 * files before it set, as Falco's strategies: append (lists named before
 * are extended, other keys replaced), override (every key replaced),
 * add-only (keys named before are left alone). */
typedef enum sk_config_strategy {
	SK_CONFIG_APPEND = 0, /* Falco's default */
	SK_CONFIG_OVERRIDE,
	SK_CONFIG_ADD_ONLY,
} sk_config_strategy;

typedef struct sk_config_include {
	char *path; /* absolute: a file, or a directory whose files load in name order */
	sk_config_strategy strategy;
} sk_config_include;

/* One entry of falco.yaml's `rules`: enable or disable the rules whose
 * name matches rule ('*' wildcards) and those tagged tag (either may be
 * NULL), after the rules files load (sk_ruleset_select). */
typedef struct sk_rule_selection {
	bool enable;
	char *rule;
	char *tag;
} sk_rule_selection;

/* One entry of falco.yaml's append_output (engine/rules/ruleset.h,
 * sk_output_addition, says what it does). NULL or 0: not given. */
typedef struct sk_append_output {
	char *rule, *source;
	char *tags[SK_CONFIG_MAX_APPEND_ITEMS];
	size_t ntags;
	char *extra_output;
	char *field_names[SK_CONFIG_MAX_APPEND_ITEMS];
	char *field_formats[SK_CONFIG_MAX_APPEND_ITEMS]; /* NULL: the name is a field */
	size_t nfields;
	bool suggested_output; /* the suggested fields follow extra_output */
} sk_append_output;

typedef struct sk_engine_config {
	char *rules_files[SK_CONFIG_MAX_RULES_FILES];
	size_t nrules_files;
	sk_rule_selection rule_selections[SK_CONFIG_MAX_RULE_SELECTIONS]; /* `rules`, in order */
	size_t nrule_selections;
	sk_append_output *append_output; /* SK_CONFIG_MAX_APPEND_OUTPUT, allocated at the first entry */
	size_t nappend_output;
	/* static_fields: static.<name> fields with constant values, in the
	 * order the files name them (a name named again keeps its place) */
	char *static_names[SK_CONFIG_MAX_STATIC_FIELDS];
	char *static_values[SK_CONFIG_MAX_STATIC_FIELDS];
	size_t nstatic;
	char *priority;          /* minimum priority name, as written ("debug") */
	bool rule_matching_all;  /* rule_matching: all */
	/* base_syscalls (Falco): syscall names to capture, "!name" to leave
	 * out; repair: the rules' syscalls plus the fewest the state needs;
	 * all: every syscall. See engine/interest.h. */
	char *base_custom_set[SK_CONFIG_MAX_BASE_SYSCALLS];
	size_t nbase_custom_set;
	bool base_repair, base_all;
	sk_drops_config drops;
	sk_rule_capture_config capture;
	/* buffer_format_base64: byte buffers (evt.buffer, evt.arg.data,
	 * evt.args) rendered as base64, in outputs and conditions alike */
	bool buffer_format_base64;
	sk_engine_kind engine_kind;
	/* engine.<kind>.drop_failed_exit, one per driver kind: the one of
	 * engine_kind applies (sk_engine_config_drop_failed_exit) */
	bool drop_failed_modern_ebpf, drop_failed_kmod, drop_failed_ebpf;
	char *replay_capture_file; /* engine.replay.capture_file, NULL if unset */
	/* webserver (engine/webserver.h) and metrics.enabled. Falco's defaults
	 * but two: off, and on loopback (Falco: on, 0.0.0.0). */
	struct {
		bool enabled;
		uint32_t threadiness; /* 0: one thread per CPU */
		uint32_t listen_port;
		char *listen_address;
		char *healthz_path; /* k8s_healthz_endpoint */
		bool prometheus;    /* prometheus_metrics_enabled */
		bool ssl;	    /* ssl_enabled: HTTPS */
		char *ssl_certificate; /* PEM with certificate and key */
	} web;
	bool metrics_enabled;
	/* metrics.interval (ms, at least 100), metrics.output_rule (the periodic
	 * snapshot alert), metrics.output_file (JSON lines; NULL or "": none) */
	uint64_t metrics_interval_ms;
	bool metrics_output_rule;
	/* metrics.rules_counters_enabled, resource_utilization_enabled,
	 * kernel_event_counters_enabled (true), include_empty_values (false) */
	bool metrics_rules, metrics_resources, metrics_kernel, metrics_empty;
	char *metrics_output_file;
	/* config_files of the main file, in order (only the main file may
	 * name them); watch_config_files: reload when a file changes */
	sk_config_include config_files[SK_CONFIG_MAX_INCLUDES];
	size_t nconfig_files;
	bool watch_config_files;
	/* syscall_event_timeouts.max_consecutives: receives (200 ms each)
	 * without a syscall event before a Debug "timeouts notification" alert;
	 * 0: never */
	uint32_t event_timeouts_max;
	/* falco_libs.thread_table_size: most threads the state keeps (least
	 * recently used ones go first); 0: Saker's 131072 */
	uint32_t thread_table_size;
	/* log_level (an sk_log_level; Falco's eight names map onto four),
	 * log_stderr, log_syslog: where saker-engine's own messages go */
	int log_level;
	bool log_stderr, log_syslog;
	sk_output_config out;
} sk_engine_config;

/* Falco's defaults: no rules files, priority debug, first match, stdout. */
sk_err sk_engine_config_init(sk_engine_config *c);

/* Reads a YAML configuration file over c, then the files its config_files
 * name, in order, each merged with its strategy (a directory's regular
 * files in name order, hidden ones skipped; a missing entry is logged and
 * skipped, as Falco does). On a bad value returns SK_EPARSE and writes
 * "FILE:LINE: KEY: reason" to why; SK_ENOENT/SK_EIO when the main file
 * cannot be read, SK_EIO/SK_ERANGE for an included one. */
sk_err sk_engine_config_load(sk_engine_config *c, const char *path, sk_strbuf *why);

/* One file's text from memory, as the main file; name is used in messages.
 * Its config_files are recorded in c but not read. */
sk_err sk_engine_config_load_string(sk_engine_config *c, const char *name, const char *text, size_t len,
				    sk_strbuf *why);

/* Sets one dotted key ("file_output.enabled", "true"), as Falco's -o.
 * Unknown keys are SK_ENOENT, bad values SK_EINVAL (why says which).
 * rules_files takes one path and replaces the list; "rules_files[]"
 * appends. Any list key with "[]" appends one item written as in a file
 * (append_output[]={"match": {...}, "extra_fields": [...]}); a list key
 * given "[...]" takes the whole list, a map key given "{...}" its keys
 * (webserver={enabled: false}). Falco's "rules[].enable.rule",
 * "rules[].disable.tag" (and the other two) append one `rules` entry. The
 * list base_syscalls.custom_set takes "[a, !b]" or one name and replaces;
 * "base_syscalls.custom_set[]" appends one name. */
sk_err sk_engine_config_set(sk_engine_config *c, const char *key, const char *value, sk_strbuf *why);
/* Adds an append_output entry for every rule with format as its
 * extra_output (falco -p FORMAT). */
sk_err sk_engine_config_add_extra_output(sk_engine_config *c, const char *format, sk_strbuf *why);
/* True for a Falco key Saker does not use (load_plugins, plugins[],
 * engine.modern_ebpf.*, ...): files may carry it, and -o sets nothing. */
bool sk_engine_config_ignored_key(const char *key);

/* Whether failed syscalls are to be dropped in the kernel: the
 * drop_failed_exit of c's engine.kind (false for replay). */
bool sk_engine_config_drop_failed_exit(const sk_engine_config *c);

/* Frees everything c owns. */
void sk_engine_config_free(sk_engine_config *c);

#endif
