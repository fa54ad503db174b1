/* saker/output_plugin.h: the ABI between saker-sidekick and output plugins.
 *
 * An output plugin is a shared object that exports one symbol,
 *
 *     const saker_output_plugin *saker_output_plugin_entry(void);
 *
 * returning a static table of functions. The sidekick dlopen()s the plugin,
 * checks that abi_version is between SAKER_OUTPUT_ABI_MIN_VERSION and
 * SAKER_OUTPUT_ABI_VERSION (refusing any other with a message naming the
 * versions), calls init() once per configured instance, then send() (or
 * send_batch()) from one worker thread per instance, tick() from the same
 * thread when the plugin has one, and close() at shutdown.
 *
 * What plugins never do: threads, queues, retries, back-off, filtering by
 * priority/rule/tag, spooling. The sidekick does all of that. A plugin turns
 * one alert (or a batch) into one delivery attempt and reports how it went.
 *
 * Calls into one plugin instance never overlap; different instances of the
 * same plugin may run on different threads, so keep state in the instance.
 *
 * Build out of tree with:  cc -shared -fPIC $(pkg-config --cflags saker-plugin) ...
 */
#ifndef SAKER_OUTPUT_PLUGIN_H
#define SAKER_OUTPUT_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change to the structures below. */
#define SAKER_OUTPUT_ABI_VERSION 2u
/* The oldest table a sidekick still loads: version 1 ends after close (no
 * tick_ms, no tick). */
#define SAKER_OUTPUT_ABI_MIN_VERSION 1u

/* Name of the symbol every plugin exports. */
#define SAKER_OUTPUT_PLUGIN_ENTRY "saker_output_plugin_entry"

/* Falco priorities, most severe first (numeric order as in syslog). */
typedef enum saker_priority {
	SAKER_PRIORITY_EMERGENCY = 0,
	SAKER_PRIORITY_ALERT = 1,
	SAKER_PRIORITY_CRITICAL = 2,
	SAKER_PRIORITY_ERROR = 3,
	SAKER_PRIORITY_WARNING = 4,
	SAKER_PRIORITY_NOTICE = 5,
	SAKER_PRIORITY_INFORMATIONAL = 6,
	SAKER_PRIORITY_DEBUG = 7,
} saker_priority;

/* One alert, read-only and valid only for the duration of the call. */
typedef struct saker_alert {
	const char *uuid;          /* unique id the sidekick gave this alert */
	const char *json;          /* the Falco JSON alert, customfields merged into output_fields */
	size_t json_len;
	const char *rule;          /* "rule" */
	const char *priority;      /* "priority" as Falco spells it, e.g. "Warning" */
	saker_priority priority_num;
	const char *source;        /* "source", e.g. "syscall" */
	const char *hostname;      /* "hostname" ("" when absent) */
	const char *output;        /* "output": the formatted text line */
	const char *time;          /* "time" as received, RFC 3339 with ns */
	int64_t time_ns;           /* the same, in ns since the epoch (UTC) */
	const char *const *tags;   /* sorted; ntags entries */
	size_t ntags;
	/* output_fields (customfields included), sorted by name: values rendered
	 * as text ("<NA>" for null). */
	const char *const *field_names;
	const char *const *field_values;
	size_t nfields;
} saker_alert;

/* Outcome of one delivery attempt. */
typedef enum saker_send_result {
	SAKER_SEND_OK = 0,    /* delivered */
	SAKER_SEND_RETRY = 1, /* transient (timeout, connection refused, 429, 5xx): retry later */
	SAKER_SEND_FAIL = 2,  /* permanent (other 4xx, bad payload): counted, not retried */
} saker_send_result;

typedef enum saker_log_level {
	SAKER_LOG_DEBUG = 0,
	SAKER_LOG_INFO = 1,
	SAKER_LOG_WARNING = 2,
	SAKER_LOG_ERROR = 3,
} saker_log_level;

/* Services the sidekick offers a plugin instance. `ctx` is opaque: pass back
 * the host's own pointer. Config paths are dotted keys inside the output's
 * section, lower-case as in Falcosidekick's YAML ("webhookurl",
 * "mutualtls", "tls.cacertfile"); environment overrides (SLACK_WEBHOOKURL)
 * are already applied. */
typedef struct saker_plugin_host {
	const void *ctx;
	const char *instance_name; /* section name, e.g. "slack" */
	/* Returns the scalar at path, or def when absent. Valid until close().
	 * For the keys Falcosidekick keeps at the top level for every output
	 * (mutualtlsfilespath, mutualtlsclient.*, tlsclient.*, customfields,
	 * templatedfields) config_string and config_map fall back to the
	 * top-level value when the plugin's section lacks the key. A plugin
	 * whose section is dotted ("aws.sqs") reads a key its section lacks
	 * from the parent section ("aws": region, accesskeyid), as
	 * Falcosidekick's aws.* keys serve every AWS output. */
	const char *(*config_string)(const void *ctx, const char *path, const char *def);
	int64_t (*config_int)(const void *ctx, const char *path, int64_t def);
	bool (*config_bool)(const void *ctx, const char *path, bool def);
	/* Calls fn for each key/value of the map at path (e.g. "customheaders");
	 * returns the number of entries. */
	size_t (*config_map)(const void *ctx, const char *path,
			     void (*fn)(void *user, const char *key, const char *value), void *user);
	/* Calls fn for each scalar of the list (or each piece of a
	 * comma-separated string, trimmed of white space; empty pieces are
	 * skipped) at path. */
	size_t (*config_list)(const void *ctx, const char *path,
			      void (*fn)(void *user, const char *value), void *user);
	/* Logs one line prefixed with the instance name. */
	void (*log)(const void *ctx, saker_log_level level, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
	/* The sidekick's hostname, for plugins that label alerts with it. */
	const char *hostname;
} saker_plugin_host;

typedef struct saker_output_plugin {
	uint32_t abi_version;     /* SAKER_OUTPUT_ABI_VERSION */
	const char *name;         /* config section, e.g. "webhook" */
	const char *description;  /* one line for --list-plugins */
	const char *required_key; /* the key whose presence enables the output, e.g. "address" */
	uint32_t max_batch;       /* > 1 if send_batch() is provided */

	/* Reads config through host, allocates instance state into *state.
	 * On failure returns false with a one-line reason in err. */
	bool (*init)(const saker_plugin_host *host, void **state, char *err, size_t errlen);
	/* Delivers one alert. On RETRY/FAIL, err says why (one line). */
	saker_send_result (*send)(void *state, const saker_alert *alert, char *err, size_t errlen);
	/* Optional (NULL if max_batch <= 1): delivers n alerts in one request,
	 * all or none. */
	saker_send_result (*send_batch)(void *state, const saker_alert *const *alerts, size_t n,
					char *err, size_t errlen);
	/* Frees the instance state. */
	void (*close)(void *state);

	/* ABI 2, optional (tick NULL, or tick_ms 0, for none). Called about
	 * every tick_ms while the instance runs, between deliveries and never
	 * during one, for outputs that send on a schedule of their own as well
	 * as per alert (otlp.metrics' periodic export of its totals). On
	 * RETRY/FAIL err says why; a tick is never retried, the next one comes
	 * anyway. */
	uint32_t tick_ms;
	saker_send_result (*tick)(void *state, char *err, size_t errlen);
} saker_output_plugin;

typedef const saker_output_plugin *(*saker_output_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif
