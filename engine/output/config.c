/* config.c: falco.yaml-compatible configuration through libyaml's
 * document API; every known key is a row of one table. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "sk_log.h"

typedef enum key_kind {
	KEY_BOOL,
	KEY_STRING,
	KEY_U32,
	KEY_MATCHING,
	KEY_RULES,
	KEY_SYSCALLS, /* base_syscalls.custom_set */
	KEY_SHARE,    /* a number 0..1 */
	KEY_RATE,     /* a number > 0 */
	KEY_ACTIONS,  /* syscall_event_drops.actions */
	KEY_ENGINE_KIND,
	KEY_PORT, /* uint32_t 1..65535 */
	KEY_DURATION, /* uint64_t ms from a Prometheus duration ("1h30m"), at least 100 ms */
	KEY_LOG_LEVEL, /* int sk_log_level from Falco's severity names */
	KEY_SELECT,    /* rules: a list of enable/disable entries */
	KEY_APPEND,    /* append_output: a list of entries */
	KEY_CAPTURE_MODE, /* capture.mode: rules or all_rules */
} key_kind;

typedef struct key_def {
	const char *key;
	key_kind kind;
	size_t offset; /* into sk_engine_config */
} key_def;

#define OUT(field) (offsetof(sk_engine_config, out) + offsetof(sk_output_config, field))

static const key_def keys[] = {
	{"rules_files", KEY_RULES, 0},
	{"rules_file", KEY_RULES, 0}, /* Falco's older spelling */
	{"rules", KEY_SELECT, 0},
	{"append_output", KEY_APPEND, 0},
	{"priority", KEY_STRING, offsetof(sk_engine_config, priority)},
	{"rule_matching", KEY_MATCHING, offsetof(sk_engine_config, rule_matching_all)},
	{"base_syscalls.custom_set", KEY_SYSCALLS, 0},
	{"base_syscalls.repair", KEY_BOOL, offsetof(sk_engine_config, base_repair)},
	{"base_syscalls.all", KEY_BOOL, offsetof(sk_engine_config, base_all)},
	{"syscall_event_drops.threshold", KEY_SHARE, offsetof(sk_engine_config, drops.threshold)},
	{"syscall_event_drops.actions", KEY_ACTIONS, offsetof(sk_engine_config, drops.actions)},
	{"syscall_event_drops.rate", KEY_RATE, offsetof(sk_engine_config, drops.rate)},
	{"syscall_event_drops.max_burst", KEY_U32, offsetof(sk_engine_config, drops.max_burst)},
	{"syscall_event_drops.simulate_drops", KEY_BOOL, offsetof(sk_engine_config, drops.simulate)},
	{"capture.enabled", KEY_BOOL, offsetof(sk_engine_config, capture.enabled)},
	{"capture.path_prefix", KEY_STRING, offsetof(sk_engine_config, capture.path_prefix)},
	{"capture.mode", KEY_CAPTURE_MODE, offsetof(sk_engine_config, capture.all_rules)},
	{"capture.default_duration", KEY_U32, offsetof(sk_engine_config, capture.default_duration_ms)},
	{"capture.max_file_size_mb", KEY_U32, offsetof(sk_engine_config, capture.max_file_size_mb)},
	{"engine.kind", KEY_ENGINE_KIND, offsetof(sk_engine_config, engine_kind)},
	{"engine.modern_ebpf.drop_failed_exit", KEY_BOOL, offsetof(sk_engine_config, drop_failed_modern_ebpf)},
	{"engine.kmod.drop_failed_exit", KEY_BOOL, offsetof(sk_engine_config, drop_failed_kmod)},
	{"engine.ebpf.drop_failed_exit", KEY_BOOL, offsetof(sk_engine_config, drop_failed_ebpf)},
	{"engine.replay.capture_file", KEY_STRING, offsetof(sk_engine_config, replay_capture_file)},
	{"webserver.enabled", KEY_BOOL, offsetof(sk_engine_config, web.enabled)},
	{"webserver.threadiness", KEY_U32, offsetof(sk_engine_config, web.threadiness)},
	{"webserver.listen_port", KEY_PORT, offsetof(sk_engine_config, web.listen_port)},
	{"webserver.listen_address", KEY_STRING, offsetof(sk_engine_config, web.listen_address)},
	{"webserver.k8s_healthz_endpoint", KEY_STRING, offsetof(sk_engine_config, web.healthz_path)},
	{"webserver.prometheus_metrics_enabled", KEY_BOOL, offsetof(sk_engine_config, web.prometheus)},
	{"webserver.ssl_enabled", KEY_BOOL, offsetof(sk_engine_config, web.ssl)},
	{"webserver.ssl_certificate", KEY_STRING, offsetof(sk_engine_config, web.ssl_certificate)},
	{"metrics.enabled", KEY_BOOL, offsetof(sk_engine_config, metrics_enabled)},
	{"metrics.interval", KEY_DURATION, offsetof(sk_engine_config, metrics_interval_ms)},
	{"metrics.output_rule", KEY_BOOL, offsetof(sk_engine_config, metrics_output_rule)},
	{"metrics.rules_counters_enabled", KEY_BOOL, offsetof(sk_engine_config, metrics_rules)},
	{"metrics.resource_utilization_enabled", KEY_BOOL, offsetof(sk_engine_config, metrics_resources)},
	{"metrics.kernel_event_counters_enabled", KEY_BOOL, offsetof(sk_engine_config, metrics_kernel)},
	{"metrics.include_empty_values", KEY_BOOL, offsetof(sk_engine_config, metrics_empty)},
	{"metrics.output_file", KEY_STRING, offsetof(sk_engine_config, metrics_output_file)},
	{"json_output", KEY_BOOL, OUT(json_output)},
	{"json_include_output_property", KEY_BOOL, OUT(json_include_output_property)},
	{"json_include_tags_property", KEY_BOOL, OUT(json_include_tags_property)},
	{"json_include_message_property", KEY_BOOL, OUT(json_include_message_property)},
	{"json_include_output_fields_property", KEY_BOOL, OUT(json_include_output_fields_property)},
	{"time_format_iso_8601", KEY_BOOL, OUT(time_format_iso_8601)},
	{"buffer_format_base64", KEY_BOOL, offsetof(sk_engine_config, buffer_format_base64)},
	{"buffered_outputs", KEY_BOOL, OUT(buffered_outputs)},
	{"outputs_queue.capacity", KEY_U32, OUT(queue_capacity)},
	{"output_timeout", KEY_U32, OUT(timeout_ms)},
	{"stdout_output.enabled", KEY_BOOL, OUT(stdout_enabled)},
	{"syslog_output.enabled", KEY_BOOL, OUT(syslog_enabled)},
	{"file_output.enabled", KEY_BOOL, OUT(file_enabled)},
	{"file_output.keep_alive", KEY_BOOL, OUT(file_keep_alive)},
	{"file_output.filename", KEY_STRING, OUT(file_name)},
	{"program_output.enabled", KEY_BOOL, OUT(program_enabled)},
	{"program_output.keep_alive", KEY_BOOL, OUT(program_keep_alive)},
	{"program_output.program", KEY_STRING, OUT(program)},
	{"http_output.enabled", KEY_BOOL, OUT(http_enabled)},
	{"http_output.url", KEY_STRING, OUT(http_url)},
	{"http_output.user_agent", KEY_STRING, OUT(http_user_agent)},
	{"http_output.insecure", KEY_BOOL, OUT(http_insecure)},
	{"http_output.ca_cert", KEY_STRING, OUT(http_ca_cert)},
	{"http_output.ca_bundle", KEY_STRING, OUT(http_ca_bundle)},
	{"http_output.ca_path", KEY_STRING, OUT(http_ca_path)},
	{"http_output.mtls", KEY_BOOL, OUT(http_mtls)},
	{"http_output.client_cert", KEY_STRING, OUT(http_client_cert)},
	{"http_output.client_key", KEY_STRING, OUT(http_client_key)},
	{"http_output.echo", KEY_BOOL, OUT(http_echo)},
	{"http_output.compress_uploads", KEY_BOOL, OUT(http_compress_uploads)},
	{"http_output.keep_alive", KEY_BOOL, OUT(http_keep_alive)},
	{"http_output.max_consecutive_timeouts", KEY_U32, OUT(http_max_consecutive_timeouts)},
	{"nng_output.enabled", KEY_BOOL, OUT(nng_enabled)},
	{"nng_output.url", KEY_STRING, OUT(nng_url)},
	{"watch_config_files", KEY_BOOL, offsetof(sk_engine_config, watch_config_files)},
	{"syscall_event_timeouts.max_consecutives", KEY_U32, offsetof(sk_engine_config, event_timeouts_max)},
	{"falco_libs.thread_table_size", KEY_U32, offsetof(sk_engine_config, thread_table_size)},
	{"log_level", KEY_LOG_LEVEL, offsetof(sk_engine_config, log_level)},
	{"log_stderr", KEY_BOOL, offsetof(sk_engine_config, log_stderr)},
	{"log_syslog", KEY_BOOL, offsetof(sk_engine_config, log_syslog)},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

sk_err sk_engine_config_init(sk_engine_config *c)
{
	memset(c, 0, sizeof(*c));
	c->priority = strdup("debug");
	c->web.listen_address = strdup("127.0.0.1");
	c->web.healthz_path = strdup("/healthz");
	c->web.ssl_certificate = strdup("/etc/saker/saker.pem");
	c->capture.path_prefix = strdup("/tmp/saker");
	if (c->priority == NULL || c->web.listen_address == NULL || c->web.healthz_path == NULL ||
	    c->web.ssl_certificate == NULL || c->capture.path_prefix == NULL) {
		sk_engine_config_free(c);
		return SK_ENOMEM;
	}
	c->web.listen_port = 8765;
	c->metrics_interval_ms = 3600000; /* 1h */
	c->capture.default_duration_ms = 5000; /* as Falco */
	c->metrics_output_rule = true;
	c->metrics_rules = c->metrics_resources = c->metrics_kernel = true; /* as Falco */
	c->watch_config_files = true; /* as Falco */
	c->event_timeouts_max = 1000;  /* as Falco */
	c->log_level = SK_LOG_INFO;
	c->log_stderr = true;
	c->log_syslog = true; /* as Falco; nothing is sent where no syslog listens */
	c->drops.threshold = 0; /* Falco's is 0.1: Saker reports every drop unless told */
	c->drops.actions = SK_DROPS_LOG | SK_DROPS_ALERT;
	c->drops.rate = 1.0 / 30.0;
	c->drops.max_burst = 1;
	return sk_output_config_defaults(&c->out);
}

static void clear_append_output(sk_engine_config *c)
{
	for (size_t i = 0; i < c->nappend_output; i++) {
		sk_append_output *a = &c->append_output[i];
		free(a->rule);
		free(a->source);
		free(a->extra_output);
		for (size_t k = 0; k < a->ntags; k++) {
			free(a->tags[k]);
		}
		for (size_t k = 0; k < a->nfields; k++) {
			free(a->field_names[k]);
			free(a->field_formats[k]);
		}
	}
	c->nappend_output = 0;
}

static void clear_rule_selections(sk_engine_config *c)
{
	for (size_t i = 0; i < c->nrule_selections; i++) {
		free(c->rule_selections[i].rule);
		free(c->rule_selections[i].tag);
	}
	c->nrule_selections = 0;
}

static void clear_config_files(sk_engine_config *c)
{
	for (size_t i = 0; i < c->nconfig_files; i++) {
		free(c->config_files[i].path);
	}
	c->nconfig_files = 0;
}

static void clear_base_syscalls(sk_engine_config *c)
{
	for (size_t i = 0; i < c->nbase_custom_set; i++) {
		free(c->base_custom_set[i]);
	}
	c->nbase_custom_set = 0;
}

void sk_engine_config_free(sk_engine_config *c)
{
	if (c == NULL) {
		return;
	}
	for (size_t i = 0; i < c->nrules_files; i++) {
		free(c->rules_files[i]);
	}
	c->nrules_files = 0;
	clear_base_syscalls(c);
	clear_config_files(c);
	clear_rule_selections(c);
	clear_append_output(c);
	free(c->append_output);
	c->append_output = NULL;
	for (size_t i = 0; i < c->nstatic; i++) {
		free(c->static_names[i]);
		free(c->static_values[i]);
	}
	c->nstatic = 0;
	free(c->priority);
	c->priority = NULL;
	free(c->replay_capture_file);
	c->replay_capture_file = NULL;
	free(c->web.listen_address);
	c->web.listen_address = NULL;
	free(c->web.healthz_path);
	c->web.healthz_path = NULL;
	free(c->web.ssl_certificate);
	c->web.ssl_certificate = NULL;
	free(c->metrics_output_file);
	c->metrics_output_file = NULL;
	free(c->capture.path_prefix);
	c->capture.path_prefix = NULL;
	sk_output_config_free(&c->out);
}

bool sk_engine_config_drop_failed_exit(const sk_engine_config *c)
{
	switch (c->engine_kind) {
	case SK_ENGINE_MODERN_EBPF:
		return c->drop_failed_modern_ebpf;
	case SK_ENGINE_KMOD:
		return c->drop_failed_kmod;
	case SK_ENGINE_EBPF:
		return c->drop_failed_ebpf;
	case SK_ENGINE_REPLAY:
		break;
	}
	return false;
}

/* static_fields.<name>: sets (or replaces) one static field. */
static sk_err set_static_field(sk_engine_config *c, const char *name, const char *value, sk_strbuf *why)
{
	size_t i = 0;
	while (i < c->nstatic && strcmp(c->static_names[i], name) != 0) {
		i++;
	}
	/* the name becomes static.<name> in rules and static_<name> in outputs */
	if (name[0] == '\0' || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
				    strlen(name)) {
		sk_strbuf_printf(why, "static_fields: '%s': want letters, digits, '_', '-' and '.'", name);
		return SK_EINVAL;
	}
	if (i == SK_CONFIG_MAX_STATIC_FIELDS) {
		sk_strbuf_printf(why, "static_fields: more than %d fields", SK_CONFIG_MAX_STATIC_FIELDS);
		return SK_EINVAL;
	}
	char *v = strdup(value);
	char *n = i == c->nstatic ? strdup(name) : c->static_names[i];
	if (v == NULL || n == NULL) {
		free(v);
		if (i == c->nstatic) {
			free(n);
		}
		return SK_ENOMEM;
	}
	if (i == c->nstatic) {
		c->static_names[i] = n;
		c->nstatic++;
	} else {
		free(c->static_values[i]);
	}
	c->static_values[i] = v;
	return SK_OK;
}

static const key_def *find_key(const char *key)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].key, key) == 0) {
			return &keys[i];
		}
	}
	return NULL;
}

/* The index standing for k's setting in a merge's "set before" flags: two
 * spellings of one setting (rules_file, rules_files) share one. */
static size_t setting_of(const key_def *k)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (keys[i].kind == k->kind && keys[i].offset == k->offset) {
			return i;
		}
	}
	return 0;
}

static bool is_list_key(const key_def *k)
{
	return k->kind == KEY_RULES || k->kind == KEY_SYSCALLS || k->kind == KEY_ACTIONS || k->kind == KEY_SELECT ||
	       k->kind == KEY_APPEND;
}

/* Appends a `rules` entry; rule and tag are copied (either may be NULL,
 * not both). */
static sk_err add_rule_selection(sk_engine_config *c, bool enable, const char *rule, const char *tag,
				 sk_strbuf *why)
{
	if (c->nrule_selections >= SK_CONFIG_MAX_RULE_SELECTIONS) {
		sk_strbuf_printf(why, "rules: more than %d entries", SK_CONFIG_MAX_RULE_SELECTIONS);
		return SK_ERANGE;
	}
	sk_rule_selection *sel = &c->rule_selections[c->nrule_selections];
	sel->enable = enable;
	sel->rule = rule != NULL ? strdup(rule) : NULL;
	sel->tag = tag != NULL ? strdup(tag) : NULL;
	if ((rule != NULL && sel->rule == NULL) || (tag != NULL && sel->tag == NULL)) {
		free(sel->rule);
		free(sel->tag);
		return SK_ENOMEM;
	}
	c->nrule_selections++;
	return SK_OK;
}

/* -o rules[].enable.rule=NAME and its three siblings: one entry each. */
static sk_err set_rule_selection(sk_engine_config *c, const char *key, const char *value, sk_strbuf *why)
{
	static const char *const forms[] = {"rules[].enable.rule", "rules[].enable.tag", "rules[].disable.rule",
					    "rules[].disable.tag"};
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(key, forms[i]) == 0) {
			if (value[0] == '\0') {
				sk_strbuf_printf(why, "%s: expected a rule name or tag", key);
				return SK_EINVAL;
			}
			bool by_tag = i % 2 == 1;
			return add_rule_selection(c, i < 2, by_tag ? NULL : value, by_tag ? value : NULL, why);
		}
	}
	return SK_ENOENT;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "y"};
	static const char *const no[] = {"false", "no", "off", "n"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static sk_err add_rules_file(sk_engine_config *c, const char *path, sk_strbuf *why)
{
	char *copy;
	if (c->nrules_files >= SK_CONFIG_MAX_RULES_FILES) {
		sk_strbuf_printf(why, "more than %d rules files", SK_CONFIG_MAX_RULES_FILES);
		return SK_ERANGE;
	}
	copy = strdup(path);
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	c->rules_files[c->nrules_files++] = copy;
	return SK_OK;
}

/* Appends one base_syscalls.custom_set entry to the sk_engine_config at
 * ctx: a syscall name, or "!" and one; len bytes of name (surrounding
 * blanks are dropped). A list_item_fn. */
static sk_err add_base_syscall(void *ctx, const char *name, size_t len, sk_strbuf *why)
{
	sk_engine_config *c = ctx;
	while (len > 0 && (*name == ' ' || *name == '\t')) {
		name++;
		len--;
	}
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t')) {
		len--;
	}
	size_t at = len > 0 && name[0] == '!' ? 1 : 0;
	bool ok = len > at && len < 64;
	for (size_t i = at; ok && i < len; i++) {
		char ch = name[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
	}
	if (!ok) {
		sk_strbuf_printf(why, "base_syscalls.custom_set: '%.*s' is not a syscall name (or !name)", (int)len,
				 name);
		return SK_EINVAL;
	}
	if (c->nbase_custom_set >= SK_CONFIG_MAX_BASE_SYSCALLS) {
		sk_strbuf_printf(why, "base_syscalls.custom_set: more than %d entries", SK_CONFIG_MAX_BASE_SYSCALLS);
		return SK_ERANGE;
	}
	char *copy = strndup(name, len);
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	c->base_custom_set[c->nbase_custom_set++] = copy;
	return SK_OK;
}

typedef sk_err (*list_item_fn)(void *ctx, const char *item, size_t len, sk_strbuf *why);

/* Calls fn for each item of a list scalar, "[a, b]" (Falco's -o form for
 * lists; "[]" has none, blanks around items are dropped), or for value
 * itself when it is not one. An empty item between commas is passed on
 * (fn refuses it). */
static sk_err each_list_item(const char *value, list_item_fn fn, void *ctx, sk_strbuf *why)
{
	size_t len = strlen(value);
	if (len < 2 || value[0] != '[' || value[len - 1] != ']') {
		return fn(ctx, value, len, why);
	}
	const char *p = value + 1, *end = value + len - 1;
	sk_err err = SK_OK;
	while (err == SK_OK && p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma != NULL ? comma : end;
		p += strspn(p, " \t");
		size_t n = p < stop ? (size_t)(stop - p) : 0;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
			n--;
		}
		if (n > 0 || comma != NULL) {
			err = fn(ctx, p, n, why);
		}
		p = stop + 1;
	}
	return err;
}

#define DROPS_IGNORE (1u << 31) /* while parsing: "ignore" was listed */

/* One syscall_event_drops action added to the unsigned SK_DROPS_* set at
 * ctx. "ignore" (no action) cannot be listed with another, as in Falco. A
 * list_item_fn. */
static sk_err add_drop_action(void *ctx, const char *name, size_t len, sk_strbuf *why)
{
	unsigned *actions = ctx;
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"ignore", DROPS_IGNORE},
		     {"log", SK_DROPS_LOG},
		     {"alert", SK_DROPS_ALERT},
		     {"exit", SK_DROPS_EXIT}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == len && strncmp(names[i].name, name, len) == 0) {
			*actions |= names[i].bit;
			if ((*actions & DROPS_IGNORE) != 0 && *actions != DROPS_IGNORE) {
				sk_strbuf_puts(why, "syscall_event_drops.actions: ignore cannot go with other actions");
				return SK_EINVAL;
			}
			return SK_OK;
		}
	}
	sk_strbuf_printf(why, "syscall_event_drops.actions: '%.*s' is none of ignore, log, alert, exit", (int)len,
			 name);
	return SK_EINVAL;
}

/* A scalar for syscall_event_drops.actions: "[log, alert]" or one action;
 * replaces the list. */
static sk_err set_drop_actions(unsigned *actions, const char *value, sk_strbuf *why)
{
	*actions = 0;
	sk_err err = each_list_item(value, add_drop_action, actions, why);
	*actions &= ~DROPS_IGNORE;
	return err;
}

/* A number within [lo, hi], or (lo, hi] with lo_open, for key. */
static sk_err parse_number(const char *key, const char *value, double lo, double hi, bool lo_open, double *out,
			   sk_strbuf *why)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(value, &end);
	bool ok = value[0] != '\0' && *end == '\0' && errno == 0 && v == v && v <= hi && (lo_open ? v > lo : v >= lo);
	if (!ok) {
		sk_strbuf_printf(why, "%s: expected a number %s %g and at most %g, got '%s'", key,
				 lo_open ? "above" : "from", lo, hi, value);
		return SK_EINVAL;
	}
	*out = v;
	return SK_OK;
}

/* engine.kind: Falco's driver kinds all run on saker-capture; gvisor and
 * nodriver have no Saker counterpart and are refused rather than ignored,
 * so a configuration that counts on them fails at the start. */
static sk_err set_engine_kind(sk_engine_kind *kind, const char *value, sk_strbuf *why)
{
	static const struct {
		const char *name;
		sk_engine_kind kind;
	} kinds[] = {{"modern_ebpf", SK_ENGINE_MODERN_EBPF},
		     {"kmod", SK_ENGINE_KMOD},
		     {"ebpf", SK_ENGINE_EBPF},
		     {"replay", SK_ENGINE_REPLAY}};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(value, kinds[i].name) == 0) {
			*kind = kinds[i].kind;
			return SK_OK;
		}
	}
	sk_strbuf_printf(why,
			 "engine.kind: '%s' is none of modern_ebpf, kmod, ebpf (all three mean saker-capture), replay",
			 value);
	return SK_EINVAL;
}

/* A Prometheus time duration: number-unit pairs, units y w d h m s ms, in
 * that order, each at most once ("1h30m", "100ms"); at least 100 ms, as
 * Falco enforces for metrics.interval. */
static sk_err parse_duration(const char *key, const char *value, uint64_t *out_ms, sk_strbuf *why)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = {{"y", 365ull * 86400000ull}, {"w", 7ull * 86400000ull}, {"d", 86400000ull}, {"h", 3600000ull},
		     {"ms", 1ull},		       {"m", 60000ull},		  {"s", 1000ull}};
	static const int order[] = {0, 1, 2, 3, 5, 6, 4}; /* y w d h m s ms: the sequence allowed */
	const char *p = value;
	uint64_t total = 0;
	int next = 0; /* position in order[] a unit may take from here on */
	bool any = false;
	while (*p != '\0') {
		uint64_t n = 0;
		const char *digits = p;
		while (*p >= '0' && *p <= '9' && n < 1000000000ull) {
			n = n * 10 + (uint64_t)(*p - '0');
			p++;
		}
		int pos = -1;
		for (int i = next; p != digits && i < 7 && pos < 0; i++) {
			size_t len = strlen(units[order[i]].unit);
			/* "ms" before "m": the longer unit wins at this spot */
			if (strncmp(p, units[order[i]].unit, len) == 0 && !(order[i] == 5 && p[1] == 's')) {
				pos = i;
			}
		}
		if (pos < 0) {
			sk_strbuf_printf(why, "%s: expected a duration such as 15m, 1h30m or 100ms, got '%s'", key, value);
			return SK_EINVAL;
		}
		total += n * units[order[pos]].ms;
		p += strlen(units[order[pos]].unit);
		next = pos + 1;
		any = true;
	}
	if (!any || total < 100) {
		sk_strbuf_printf(why, "%s: expected a duration of at least 100ms, got '%s'", key, value);
		return SK_EINVAL;
	}
	*out_ms = total;
	return SK_OK;
}

/* Falco's log_level names (syslog's severities) onto Saker's four levels:
 * emergency..error are errors, notice is info. */
static sk_err set_log_level(int *level, const char *value, sk_strbuf *why)
{
	static const struct {
		const char *name;
		sk_log_level level;
	} names[] = {{"emergency", SK_LOG_ERROR}, {"alert", SK_LOG_ERROR},     {"critical", SK_LOG_ERROR},
		     {"error", SK_LOG_ERROR},	  {"warning", SK_LOG_WARNING}, {"notice", SK_LOG_INFO},
		     {"info", SK_LOG_INFO},	  {"debug", SK_LOG_DEBUG}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(value, names[i].name) == 0) {
			*level = (int)names[i].level;
			return SK_OK;
		}
	}
	sk_strbuf_printf(why,
			 "log_level: '%s' is none of emergency, alert, critical, error, warning, notice, info, debug",
			 value);
	return SK_EINVAL;
}

static void clear_rules_files(sk_engine_config *c)
{
	for (size_t i = 0; i < c->nrules_files; i++) {
		free(c->rules_files[i]);
	}
	c->nrules_files = 0;
}

/* Applies one scalar to a known key; why gets the reason on error. */
static sk_err apply(sk_engine_config *c, const key_def *k, const char *value, sk_strbuf *why)
{
	char *base = (char *)c;
	switch (k->kind) {
	case KEY_BOOL:
		if (!parse_bool(value, (bool *)(base + k->offset))) {
			sk_strbuf_printf(why, "%s: expected true or false, got '%s'", k->key, value);
			return SK_EINVAL;
		}
		return SK_OK;
	case KEY_STRING: {
		char **slot = (char **)(base + k->offset);
		char *copy = strdup(value);
		if (copy == NULL) {
			return SK_ENOMEM;
		}
		free(*slot);
		*slot = copy;
		return SK_OK;
	}
	case KEY_U32: {
		char *end = NULL;
		unsigned long v;
		errno = 0;
		v = strtoul(value, &end, 10);
		if (value[0] == '\0' || value[0] == '-' || *end != '\0' || errno != 0 || v > UINT32_MAX) {
			sk_strbuf_printf(why, "%s: expected a number 0..4294967295, got '%s'", k->key, value);
			return SK_EINVAL;
		}
		*(uint32_t *)(base + k->offset) = (uint32_t)v;
		return SK_OK;
	}
	case KEY_CAPTURE_MODE:
		if (strcmp(value, "rules") != 0 && strcmp(value, "all_rules") != 0) {
			sk_strbuf_printf(why, "%s: expected rules or all_rules, got '%s'", k->key, value);
			return SK_EINVAL;
		}
		*(bool *)(base + k->offset) = strcmp(value, "all_rules") == 0;
		return SK_OK;
	case KEY_MATCHING:
		if (strcmp(value, "first") != 0 && strcmp(value, "all") != 0) {
			sk_strbuf_printf(why, "%s: expected first or all, got '%s'", k->key, value);
			return SK_EINVAL;
		}
		c->rule_matching_all = strcmp(value, "all") == 0;
		return SK_OK;
	case KEY_RULES:
		clear_rules_files(c);
		return add_rules_file(c, value, why);
	case KEY_SYSCALLS:
		clear_base_syscalls(c); /* a list replaces, as in a file */
		return each_list_item(value, add_base_syscall, c, why);
	case KEY_SHARE:
		return parse_number(k->key, value, 0.0, 1.0, false, (double *)(base + k->offset), why);
	case KEY_RATE:
		return parse_number(k->key, value, 0.0, 1e6, true, (double *)(base + k->offset), why);
	case KEY_ACTIONS:
		return set_drop_actions((unsigned *)(base + k->offset), value, why);
	case KEY_PORT: {
		char *end = NULL;
		errno = 0;
		unsigned long v = strtoul(value, &end, 10);
		if (value[0] == '\0' || value[0] == '-' || *end != '\0' || errno != 0 || v == 0 || v > 65535) {
			sk_strbuf_printf(why, "%s: expected a port 1..65535, got '%s'", k->key, value);
			return SK_EINVAL;
		}
		*(uint32_t *)(base + k->offset) = (uint32_t)v;
		return SK_OK;
	}
	case KEY_DURATION:
		return parse_duration(k->key, value, (uint64_t *)(base + k->offset), why);
	case KEY_ENGINE_KIND:
		return set_engine_kind((sk_engine_kind *)(base + k->offset), value, why);
	case KEY_LOG_LEVEL:
		return set_log_level((int *)(base + k->offset), value, why);
	case KEY_SELECT:
		if (value[0] == '\0') { /* "rules:" with nothing under it */
			clear_rule_selections(c);
			return SK_OK;
		}
		sk_strbuf_printf(why, "%s: expected a list of enable: or disable: entries", k->key);
		return SK_EINVAL;
	case KEY_APPEND:
		if (value[0] == '\0') {
			clear_append_output(c);
			return SK_OK;
		}
		sk_strbuf_printf(why, "%s: expected a list of entries (match, extra_output, extra_fields)", k->key);
		return SK_EINVAL;
	}
	return SK_EINTERNAL;
}

static sk_err set_structured(sk_engine_config *c, const char *key, size_t key_len, const char *value, bool item,
			     sk_strbuf *why);

/* Falco keys Saker does not use (docs/configuration.md says what it does
 * instead): a file may carry them and -o may set them; both are ignored. A
 * name ending in '.' covers the keys under it that Saker does not read. */
static const char *const ignored_keys[] = {
	"engine.kmod.", "engine.ebpf.", "engine.modern_ebpf.", "engine.gvisor.", "load_plugins", "plugins",
	"plugins_hostinfo", "libs_logger.", "falco_libs.", "metrics.state_counters_enabled",
	"metrics.kernel_event_counters_per_cpu_enabled", "metrics.libbpf_stats_enabled",
	"metrics.plugins_metrics_enabled", "metrics.kernel_iter_event_counters_enabled",
	"metrics.jemalloc_stats_enabled", "metrics.convert_memory_to_mb",
};

bool sk_engine_config_ignored_key(const char *key)
{
	size_t n = strcspn(key, "["); /* plugins[]=..., plugins[0].name=... */
	if (find_key(key) != NULL) {
		return false; /* engine.modern_ebpf.drop_failed_exit is Saker's too */
	}
	for (size_t i = 0; i < sizeof(ignored_keys) / sizeof(ignored_keys[0]); i++) {
		size_t m = strlen(ignored_keys[i]);
		bool prefix = ignored_keys[i][m - 1] == '.';
		if (prefix ? strncmp(key, ignored_keys[i], m) == 0 && n > m
			   : n == m && strncmp(key, ignored_keys[i], m) == 0) {
			return true;
		}
	}
	return false;
}

sk_err sk_engine_config_set(sk_engine_config *c, const char *key, const char *value, sk_strbuf *why)
{
	const key_def *k;
	if (c == NULL || key == NULL || value == NULL) {
		return SK_EINVAL;
	}
	if (strcmp(key, "rules_files[]") == 0 || strcmp(key, "rules_file[]") == 0) {
		return add_rules_file(c, value, why);
	}
	if (strcmp(key, "base_syscalls.custom_set[]") == 0) {
		return add_base_syscall(c, value, strlen(value), why);
	}
	if (strncmp(key, "rules[].", 8) == 0) {
		sk_err err = set_rule_selection(c, key, value, why);
		if (err == SK_ENOENT) {
			sk_strbuf_printf(why, "unknown configuration key '%s' (rules[].enable.rule, rules[].enable.tag, "
					      "rules[].disable.rule or rules[].disable.tag)",
					 key);
		}
		return err;
	}
	if (strncmp(key, "static_fields.", 14) == 0) {
		return set_static_field(c, key + 14, value, why);
	}
	size_t key_len = strlen(key);
	if (key_len > 2 && strcmp(key + key_len - 2, "[]") == 0) {
		return set_structured(c, key, key_len - 2, value, true, why);
	}
	k = find_key(key);
	if ((value[0] == '[' && k != NULL && is_list_key(k) && k->kind != KEY_SYSCALLS && k->kind != KEY_ACTIONS) ||
	    (value[0] == '{' && k == NULL)) {
		return set_structured(c, key, key_len, value, false, why);
	}
	if (k == NULL) {
		sk_strbuf_printf(why, "unknown configuration key '%s'", key);
		return SK_ENOENT;
	}
	return apply(c, k, value, why);
}

/* ---- YAML ---------------------------------------------------------------- */

/* How one file merges into the configuration: the main file replaces
 * (SK_CONFIG_OVERRIDE, and may name config_files); an included one merges
 * with its entry's strategy. set[] marks the settings a file already
 * named, over every file of one load. */
typedef struct merge {
	sk_config_strategy strategy;
	bool included;
	bool literal; /* an -o value: no ${NAME} expansion, as Falco takes -o */
	bool set[NKEYS];
} merge;

typedef struct walk {
	sk_engine_config *c;
	yaml_document_t *doc;
	const char *name;
	sk_strbuf *why;
	int depth;
	merge *how;
} walk;

static const char *scalar(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static sk_err fail_at(walk *w, yaml_node_t *n, sk_err err)
{
	/* Prefix the reason apply() wrote with where it was found. */
	sk_strbuf where = SK_STRBUF_INIT;
	sk_strbuf_printf(&where, "%s:%lu: %s", w->name, (unsigned long)n->start_mark.line + 1, sk_strbuf_str(w->why));
	sk_strbuf_reset(w->why);
	sk_strbuf_puts(w->why, sk_strbuf_str(&where));
	sk_strbuf_free(&where);
	return err;
}

static sk_err walk_map(walk *w, yaml_node_t *map, const char *prefix);

/* syscall_event_drops.actions as a YAML list: replaces the actions, or
 * adds to them when append. */
static sk_err walk_actions(walk *w, const char *path, yaml_node_t *v, bool append)
{
	unsigned *actions = &w->c->drops.actions;
	if (!append) {
		*actions = 0;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, *it);
		if (item == NULL || item->type != YAML_SCALAR_NODE) {
			sk_strbuf_printf(w->why, "%s: expected a list of actions", path);
			return fail_at(w, v, SK_EPARSE);
		}
		if (add_drop_action(actions, scalar(item), strlen(scalar(item)), w->why) != SK_OK) {
			return fail_at(w, item, SK_EPARSE);
		}
	}
	*actions &= ~DROPS_IGNORE;
	return SK_OK;
}

static sk_err parse_strategy(walk *w, yaml_node_t *n, sk_config_strategy *out)
{
	static const char *const names[] = {"append", "override", "add-only"};
	for (size_t i = 0; n->type == YAML_SCALAR_NODE && i < 3; i++) {
		if (strcmp(scalar(n), names[i]) == 0) {
			*out = (sk_config_strategy)i;
			return SK_OK;
		}
	}
	sk_strbuf_printf(w->why, "config_files: strategy '%s' is none of append, override, add-only",
			 n->type == YAML_SCALAR_NODE ? scalar(n) : "(not a scalar)");
	return fail_at(w, n, SK_EPARSE);
}

/* One config_files entry: a path, or {path: P, strategy: S}. */
static sk_err add_include(walk *w, yaml_node_t *item)
{
	yaml_node_t *path = item->type == YAML_SCALAR_NODE ? item : NULL;
	sk_config_strategy strategy = SK_CONFIG_APPEND;
	sk_engine_config *c = w->c;

	if (item->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
			yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
			if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE) {
				continue;
			}
			if (strcmp(scalar(k), "path") == 0 && v->type == YAML_SCALAR_NODE) {
				path = v;
			} else if (strcmp(scalar(k), "strategy") == 0 && parse_strategy(w, v, &strategy) != SK_OK) {
				return SK_EPARSE;
			}
		}
	}
	if (path == NULL || scalar(path)[0] != '/') {
		sk_strbuf_printf(w->why, "config_files: expected an absolute path (or path: and strategy:), got '%s'",
				 path != NULL ? scalar(path) : "no path");
		return fail_at(w, path != NULL ? path : item, SK_EPARSE);
	}
	if (c->nconfig_files >= SK_CONFIG_MAX_INCLUDES) {
		sk_strbuf_printf(w->why, "config_files: more than %d entries", SK_CONFIG_MAX_INCLUDES);
		return fail_at(w, item, SK_EPARSE);
	}
	char *copy = strdup(scalar(path));
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	c->config_files[c->nconfig_files].path = copy;
	c->config_files[c->nconfig_files].strategy = strategy;
	c->nconfig_files++;
	return SK_OK;
}

/* config_files: the list replaces an earlier one; an included file may
 * not name any (Falco does not nest them either). */
static sk_err walk_includes(walk *w, yaml_node_t *v)
{
	sk_err err = SK_OK;
	if (w->how->included) {
		sk_strbuf_puts(w->why, "config_files: an included configuration file cannot include others");
		return fail_at(w, v, SK_EPARSE);
	}
	clear_config_files(w->c);
	if (v->type != YAML_SEQUENCE_NODE) {
		return v->type == YAML_SCALAR_NODE && scalar(v)[0] == '\0' ? SK_OK : add_include(w, v);
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && err == SK_OK;
	     it++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, *it);
		if (item != NULL) {
			err = add_include(w, item);
		}
	}
	return err;
}

/* One `rules` entry: {enable: {rule: R, tag: T}} or {disable: ...}. */
static sk_err walk_selection(walk *w, yaml_node_t *item)
{
	yaml_node_t *what = NULL;
	bool enable = false;
	const char *rule = NULL, *tag = NULL;

	if (item->type == YAML_MAPPING_NODE && item->data.mapping.pairs.top - item->data.mapping.pairs.start == 1) {
		yaml_node_t *k = yaml_document_get_node(w->doc, item->data.mapping.pairs.start->key);
		what = yaml_document_get_node(w->doc, item->data.mapping.pairs.start->value);
		bool known = k != NULL && k->type == YAML_SCALAR_NODE &&
			     (strcmp(scalar(k), "enable") == 0 || strcmp(scalar(k), "disable") == 0);
		enable = known && strcmp(scalar(k), "enable") == 0;
		what = known ? what : NULL;
	}
	for (yaml_node_pair_t *p = what != NULL && what->type == YAML_MAPPING_NODE ? what->data.mapping.pairs.start
										: NULL;
	     p != NULL && p < what->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE ||
		    scalar(v)[0] == '\0') {
			continue;
		}
		if (strcmp(scalar(k), "rule") == 0) {
			rule = scalar(v);
		} else if (strcmp(scalar(k), "tag") == 0) {
			tag = scalar(v);
		}
	}
	if (rule == NULL && tag == NULL) {
		sk_strbuf_puts(w->why, "rules: expected an entry such as 'disable: {rule: NAME}' or 'enable: {tag: TAG}'");
		return fail_at(w, item, SK_EPARSE);
	}
	sk_err err = add_rule_selection(w->c, enable, rule, tag, w->why);
	return err == SK_OK ? SK_OK : fail_at(w, item, err == SK_ENOMEM ? err : SK_EPARSE);
}

/* A scalar node's text copied into *slot (replacing it); not a scalar:
 * an error naming what. */
static sk_err take_scalar(walk *w, yaml_node_t *n, const char *what, char **slot)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE) {
		sk_strbuf_printf(w->why, "append_output: %s must be a single value", what);
		return n != NULL ? fail_at(w, n, SK_EPARSE) : SK_EPARSE;
	}
	char *copy = strdup(scalar(n));
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	free(*slot);
	*slot = copy;
	return SK_OK;
}

/* append_output's match: {rule: R, source: S, tags: [T, ...]}. */
static sk_err walk_append_match(walk *w, yaml_node_t *m, sk_append_output *a)
{
	if (m->type != YAML_MAPPING_NODE) {
		sk_strbuf_puts(w->why, "append_output: match must be a map of rule, source and tags");
		return fail_at(w, m, SK_EPARSE);
	}
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		const char *name = k != NULL && k->type == YAML_SCALAR_NODE ? scalar(k) : "";
		sk_err err = SK_OK;
		if (strcmp(name, "rule") == 0) {
			err = take_scalar(w, v, "match.rule", &a->rule);
		} else if (strcmp(name, "source") == 0) {
			err = take_scalar(w, v, "match.source", &a->source);
		} else if (strcmp(name, "tags") == 0 && v != NULL && v->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && err == SK_OK;
			     it++) {
				if (a->ntags >= SK_CONFIG_MAX_APPEND_ITEMS) {
					sk_strbuf_printf(w->why, "append_output: more than %d tags", SK_CONFIG_MAX_APPEND_ITEMS);
					return fail_at(w, v, SK_EPARSE);
				}
				err = take_scalar(w, yaml_document_get_node(w->doc, *it), "each of match.tags",
						  &a->tags[a->ntags]);
				a->ntags += err == SK_OK;
			}
		} else {
			sk_strbuf_printf(w->why, "append_output: match.%s is none of rule, source, tags (a list)", name);
			return fail_at(w, k != NULL ? k : m, SK_EPARSE);
		}
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

/* append_output's extra_fields: each a field name, or {name: format}. */
static sk_err walk_extra_fields(walk *w, yaml_node_t *list, sk_append_output *a)
{
	if (list->type != YAML_SEQUENCE_NODE) {
		sk_strbuf_puts(w->why, "append_output: extra_fields must be a list");
		return fail_at(w, list, SK_EPARSE);
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, *it);
		yaml_node_t *name = item, *format = NULL;
		sk_err err;
		if (a->nfields >= SK_CONFIG_MAX_APPEND_ITEMS) {
			sk_strbuf_printf(w->why, "append_output: more than %d extra_fields", SK_CONFIG_MAX_APPEND_ITEMS);
			return fail_at(w, list, SK_EPARSE);
		}
		if (item != NULL && item->type == YAML_MAPPING_NODE &&
		    item->data.mapping.pairs.top - item->data.mapping.pairs.start == 1) {
			name = yaml_document_get_node(w->doc, item->data.mapping.pairs.start->key);
			format = yaml_document_get_node(w->doc, item->data.mapping.pairs.start->value);
		}
		err = take_scalar(w, name, "each of extra_fields (a field, or name: format)", &a->field_names[a->nfields]);
		if (err == SK_OK && format != NULL) {
			err = take_scalar(w, format, "an extra_fields format", &a->field_formats[a->nfields]);
		}
		a->nfields++; /* what was taken is freed with the entry */
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

/* A new, empty append_output entry at the end of the list. */
static sk_err new_append_entry(sk_engine_config *c, sk_append_output **out, sk_strbuf *why)
{
	if (c->append_output == NULL) {
		c->append_output = calloc(SK_CONFIG_MAX_APPEND_OUTPUT, sizeof(*c->append_output));
		if (c->append_output == NULL) {
			return SK_ENOMEM;
		}
	}
	if (c->nappend_output >= SK_CONFIG_MAX_APPEND_OUTPUT) {
		sk_strbuf_printf(why, "append_output: more than %d entries", SK_CONFIG_MAX_APPEND_OUTPUT);
		return SK_EINVAL;
	}
	*out = &c->append_output[c->nappend_output++];
	memset(*out, 0, sizeof(**out));
	return SK_OK;
}

sk_err sk_engine_config_add_extra_output(sk_engine_config *c, const char *format, sk_strbuf *why)
{
	sk_append_output *a = NULL;
	sk_err err = new_append_entry(c, &a, why);
	if (err != SK_OK) {
		return err;
	}
	a->extra_output = strdup(format);
	return a->extra_output != NULL ? SK_OK : SK_ENOMEM;
}

/* One append_output entry. */
static sk_err walk_append_entry(walk *w, yaml_node_t *item)
{
	if (item->type != YAML_MAPPING_NODE) {
		sk_strbuf_puts(w->why, "append_output: each entry is a map (match, extra_output, extra_fields)");
		return fail_at(w, item, SK_EPARSE);
	}
	sk_append_output *a = NULL;
	sk_err new_err = new_append_entry(w->c, &a, w->why);
	if (new_err != SK_OK) {
		return new_err == SK_ENOMEM ? new_err : fail_at(w, item, SK_EPARSE);
	}
	for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		const char *name = k != NULL && k->type == YAML_SCALAR_NODE ? scalar(k) : "";
		bool flag = false;
		sk_err err;
		if (v == NULL) {
			continue;
		}
		if (strcmp(name, "match") == 0) {
			err = walk_append_match(w, v, a);
		} else if (strcmp(name, "extra_output") == 0) {
			err = take_scalar(w, v, "extra_output", &a->extra_output);
		} else if (strcmp(name, "extra_fields") == 0) {
			err = walk_extra_fields(w, v, a);
		} else if (strcmp(name, "suggested_output") == 0) {
			/* the fields sources suggest: here static_fields' */
			err = v->type == YAML_SCALAR_NODE && parse_bool(scalar(v), &flag) ? SK_OK : SK_EPARSE;
			if (err != SK_OK) {
				sk_strbuf_printf(w->why, "append_output: suggested_output: expected true or false");
				err = fail_at(w, v, err);
			}
			a->suggested_output = flag;
		} else {
			sk_strbuf_printf(w->why,
					 "append_output: '%s' is none of match, extra_output, extra_fields, suggested_output",
					 name);
			err = fail_at(w, k != NULL ? k : item, SK_EPARSE);
		}
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

/* A list key's scalar added to what earlier files listed (append). */
static sk_err append_scalar(walk *w, const key_def *k, const char *value)
{
	sk_err err;
	if (k->kind == KEY_SELECT || k->kind == KEY_APPEND) {
		err = value[0] == '\0' ? SK_OK : apply(w->c, k, value, w->why);
	} else if (k->kind == KEY_RULES) {
		err = add_rules_file(w->c, value, w->why);
	} else if (k->kind == KEY_SYSCALLS) {
		err = each_list_item(value, add_base_syscall, w->c, w->why);
	} else {
		err = each_list_item(value, add_drop_action, &w->c->drops.actions, w->why);
		w->c->drops.actions &= ~DROPS_IGNORE;
	}
	return err;
}

static sk_err walk_value(walk *w, const char *path, yaml_node_t *v)
{
	const key_def *k;

	if (strcmp(path, "config_files") == 0) {
		return walk_includes(w, v);
	}
	if (v->type == YAML_MAPPING_NODE) {
		return walk_map(w, v, path);
	}
	if (strncmp(path, "static_fields.", 14) == 0) {
		if (v->type != YAML_SCALAR_NODE) {
			sk_strbuf_printf(w->why, "%s: expected a single value", path);
			return fail_at(w, v, SK_EPARSE);
		}
		sk_err err = set_static_field(w->c, path + 14, scalar(v), w->why);
		return err == SK_OK ? SK_OK : fail_at(w, v, err == SK_ENOMEM ? err : SK_EPARSE);
	}
	k = find_key(path);
	if (k == NULL) {
		return SK_OK; /* a falco.yaml key Saker does not use */
	}
	size_t setting = setting_of(k);
	bool named_before = w->how->set[setting];
	if (named_before && w->how->strategy == SK_CONFIG_ADD_ONLY) {
		return SK_OK;
	}
	bool append = named_before && w->how->strategy == SK_CONFIG_APPEND && is_list_key(k);
	w->how->set[setting] = true;
	if (v->type == YAML_SCALAR_NODE) {
		sk_err err = append ? append_scalar(w, k, scalar(v)) : apply(w->c, k, scalar(v), w->why);
		return err == SK_OK ? SK_OK : fail_at(w, v, err == SK_ENOMEM ? err : SK_EPARSE);
	}
	if (!is_list_key(k)) {
		sk_strbuf_printf(w->why, "%s: expected a single value", path);
		return fail_at(w, v, SK_EPARSE);
	}
	if (k->kind == KEY_ACTIONS) {
		return walk_actions(w, path, v, append);
	}
	if (k->kind == KEY_APPEND) {
		if (!append) {
			clear_append_output(w->c);
		}
		sk_err err = SK_OK;
		for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && err == SK_OK;
		     it++) {
			yaml_node_t *item = yaml_document_get_node(w->doc, *it);
			err = item != NULL ? walk_append_entry(w, item) : SK_OK;
		}
		return err;
	}
	if (k->kind == KEY_SELECT) {
		if (!append) {
			clear_rule_selections(w->c);
		}
		sk_err err = SK_OK;
		for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && err == SK_OK;
		     it++) {
			yaml_node_t *item = yaml_document_get_node(w->doc, *it);
			err = item != NULL ? walk_selection(w, item) : SK_OK;
		}
		return err;
	}
	bool rules = k->kind == KEY_RULES;
	if (!append && rules) {
		clear_rules_files(w->c);
	} else if (!append) {
		clear_base_syscalls(w->c);
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, *it);
		sk_err err;
		if (item == NULL || item->type != YAML_SCALAR_NODE) {
			sk_strbuf_printf(w->why, "%s: expected a list of %s", path, rules ? "paths" : "syscall names");
			return fail_at(w, v, SK_EPARSE);
		}
		err = rules ? add_rules_file(w->c, scalar(item), w->why)
			    : add_base_syscall(w->c, scalar(item), strlen(scalar(item)), w->why);
		if (err != SK_OK) {
			return fail_at(w, item, err == SK_ENOMEM ? err : SK_EPARSE);
		}
	}
	return SK_OK;
}

static sk_err walk_map(walk *w, yaml_node_t *map, const char *prefix)
{
	sk_err err = SK_OK;

	if (++w->depth > 16) {
		sk_strbuf_puts(w->why, "nesting deeper than 16 levels");
		return fail_at(w, map, SK_EPARSE);
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top && err == SK_OK;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		char path[256];
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE) {
			continue;
		}
		if (snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] != '\0' ? "." : "", scalar(k)) >=
		    (int)sizeof(path)) {
			continue; /* no known key is that long */
		}
		err = walk_value(w, path, v);
	}
	w->depth--;
	return err;
}

#define ENV_MAX_VALUE (1u << 20) /* a scalar after ${VAR} expansion */

/* Falco's environment references in a configuration value: "${NAME}"
 * becomes NAME's value (nothing when unset), "$${" a literal "${"; a "${"
 * with no "}" after it leaves the rest as it is. */
static sk_err expand_env(const char *in, size_t len, sk_strbuf *out)
{
	size_t i = 0;
	while (i < len && out->len <= ENV_MAX_VALUE) {
		const char *close = NULL;
		bool ref = in[i] == '$' && i + 1 < len && in[i + 1] == '{';
		bool escaped = in[i] == '$' && i + 2 < len && in[i + 1] == '$' && in[i + 2] == '{';
		if (ref || escaped) {
			close = memchr(in + i, '}', len - i);
		}
		if ((ref || escaped) && close == NULL) {
			sk_strbuf_append(out, in + i, len - i);
			break;
		}
		if (ref) {
			char name[256];
			size_t n = (size_t)(close - (in + i + 2));
			const char *value = NULL;
			if (n < sizeof(name)) {
				memcpy(name, in + i + 2, n);
				name[n] = '\0';
				value = getenv(name);
			}
			sk_strbuf_puts(out, value != NULL ? value : "");
			i = (size_t)(close - in) + 1;
		} else if (escaped) {
			sk_strbuf_puts(out, "$");
			i += 2; /* on to the "{", copied as text */
		} else {
			sk_strbuf_append(out, in + i, 1);
			i++;
		}
	}
	return out->len <= ENV_MAX_VALUE ? SK_OK : SK_ERANGE;
}

/* Replaces every scalar of doc holding a "$" with its expansion, as Falco
 * does once a configuration file is read (the rules files are not). */
static sk_err expand_document(yaml_document_t *doc, const char *name, sk_strbuf *why)
{
	for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
		if (n->type != YAML_SCALAR_NODE || memchr(n->data.scalar.value, '$', n->data.scalar.length) == NULL) {
			continue;
		}
		sk_strbuf out = SK_STRBUF_INIT;
		if (expand_env((const char *)n->data.scalar.value, n->data.scalar.length, &out) != SK_OK) {
			sk_strbuf_printf(why, "%s:%lu: longer than %u bytes once ${...} is expanded", name,
					 (unsigned long)n->start_mark.line + 1, ENV_MAX_VALUE);
			sk_strbuf_free(&out);
			return SK_ERANGE;
		}
		char *copy = strdup(sk_strbuf_str(&out));
		size_t copy_len = out.len;
		sk_strbuf_free(&out);
		if (copy == NULL) {
			return SK_ENOMEM;
		}
		free(n->data.scalar.value); /* libyaml allocates with malloc and frees with free */
		n->data.scalar.value = (yaml_char_t *)copy;
		n->data.scalar.length = copy_len;
	}
	return SK_OK;
}

/* One file's text merged into c as how says. */
static sk_err load_text(sk_engine_config *c, const char *name, const char *text, size_t len, merge *how,
			sk_strbuf *why)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	walk w = {c, &doc, name, why, 0, how};
	sk_err err = SK_OK;

	if (len > SK_CONFIG_MAX_BYTES) {
		sk_strbuf_printf(why, "%s: larger than %u bytes", name, SK_CONFIG_MAX_BYTES);
		return SK_ERANGE;
	}
	if (!yaml_parser_initialize(&parser)) {
		return SK_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		sk_strbuf_printf(why, "%s:%lu: %s", name, (unsigned long)parser.problem_mark.line + 1,
				 parser.problem != NULL ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return SK_EPARSE;
	}
	root = yaml_document_get_root_node(&doc);
	err = how->literal ? SK_OK : expand_document(&doc, name, why);
	if (err == SK_OK && root != NULL && root->type == YAML_MAPPING_NODE) {
		err = walk_map(&w, root, "");
	} else if (err == SK_OK && root != NULL) {
		sk_strbuf_printf(why, "%s:%lu: the configuration must be a mapping", name,
				 (unsigned long)root->start_mark.line + 1);
		err = SK_EPARSE;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

/* A map key: some known key lies under it ("webserver" for webserver.*). */
static bool is_key_prefix(const char *key, size_t len)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (strncmp(keys[i].key, key, len) == 0 && keys[i].key[len] == '.') {
			return true;
		}
	}
	return len == 13 && strncmp(key, "static_fields", 13) == 0;
}

/* The one-line YAML document setting the dotted key to value:
 * {a: {b: VALUE}}, or {a: {b: [VALUE]}} for one list item. A value that is
 * no flow map or list is written quoted: "a, b" stays one string. */
static sk_err one_key_document(const char *key, size_t key_len, const char *value, bool item, sk_strbuf *out,
			       sk_strbuf *why)
{
	size_t depth = 1;
	sk_strbuf_putc(out, '{');
	for (size_t i = 0; i < key_len; i++) {
		char ch = key[i];
		bool part_ends = ch == '.' && i > 0 && i + 1 < key_len && key[i + 1] != '.';
		if (!part_ends && !isalnum((unsigned char)ch) && ch != '_' && ch != '-') {
			sk_strbuf_printf(why, "'%.*s': a key is names of letters, digits, '_' and '-' joined by dots",
					 (int)key_len, key);
			return SK_EINVAL;
		}
		if (part_ends) {
			sk_strbuf_puts(out, ": {");
			depth++;
		} else {
			sk_strbuf_putc(out, ch);
		}
	}
	sk_strbuf_puts(out, item ? ": [" : ": ");
	if (value[0] == '{' || value[0] == '[') {
		sk_strbuf_puts(out, value);
	} else {
		sk_strbuf_putc(out, '"');
		for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\') {
				sk_strbuf_putc(out, '\\');
				sk_strbuf_putc(out, (char)*p);
			} else if (*p < 0x20 || *p == 0x7f) {
				sk_strbuf_printf(out, "\\x%02x", *p);
			} else {
				sk_strbuf_putc(out, (char)*p);
			}
		}
		sk_strbuf_putc(out, '"');
	}
	if (item) {
		sk_strbuf_putc(out, ']');
	}
	while (depth-- > 0) {
		sk_strbuf_putc(out, '}');
	}
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

/* Falco's structured -o: KEY[]=VALUE adds one item to a list key (a map
 * for append_output and rules, in JSON or YAML flow style), KEY=[...]
 * replaces a list, KEY={...} sets the keys of a map. The value goes through
 * the same walk as a file's, so it takes every form a file allows. */
static sk_err set_structured(sk_engine_config *c, const char *key, size_t key_len, const char *value, bool item,
			     sk_strbuf *why)
{
	char base[256];
	if (key_len >= sizeof(base)) {
		sk_strbuf_printf(why, "unknown configuration key '%s'", key);
		return SK_ENOENT;
	}
	memcpy(base, key, key_len);
	base[key_len] = '\0';
	const key_def *k = find_key(base);
	merge how = {.strategy = item ? SK_CONFIG_APPEND : SK_CONFIG_OVERRIDE, .literal = true};
	if (k == NULL && (item || !is_key_prefix(base, key_len))) {
		sk_strbuf_printf(why, "unknown configuration key '%s'", key);
		return SK_ENOENT;
	}
	if (k != NULL && item && !is_list_key(k)) {
		sk_strbuf_printf(why, "%s is a single value, not a list: -o %s=VALUE sets it", base, base);
		return SK_EINVAL;
	}
	if (k != NULL && item) {
		how.set[setting_of(k)] = true; /* named before: the walk appends */
	}
	sk_strbuf doc = SK_STRBUF_INIT;
	sk_err err = one_key_document(key, key_len, value, item, &doc, why);
	if (err == SK_OK) {
		err = load_text(c, "-o", sk_strbuf_str(&doc), doc.len, &how, why);
	}
	sk_strbuf_free(&doc);
	/* the document is one line made here: "-o:1: " says nothing */
	if (err != SK_OK && strncmp(sk_strbuf_str(why), "-o:1: ", 6) == 0) {
		sk_strbuf text = SK_STRBUF_INIT;
		sk_strbuf_puts(&text, sk_strbuf_str(why) + 6);
		sk_strbuf_reset(why);
		sk_strbuf_puts(why, sk_strbuf_str(&text));
		sk_strbuf_free(&text);
	}
	return err;
}

sk_err sk_engine_config_load_string(sk_engine_config *c, const char *name, const char *text, size_t len,
				    sk_strbuf *why)
{
	merge how = {.strategy = SK_CONFIG_OVERRIDE};
	if (c == NULL || name == NULL || text == NULL || why == NULL) {
		return SK_EINVAL;
	}
	return load_text(c, name, text, len, &how, why);
}

/* Reads the file at path (SK_CONFIG_MAX_BYTES at most) and merges it. */
static sk_err load_file(sk_engine_config *c, const char *path, merge *how, sk_strbuf *why)
{
	sk_strbuf text = SK_STRBUF_INIT;
	sk_err err = sk_strbuf_read_file(&text, path, SK_CONFIG_MAX_BYTES);
	if (err == SK_ENOENT || err == SK_EIO) {
		sk_strbuf_printf(why, "%s: %s", path, strerror(errno));
	} else if (err == SK_ERANGE) {
		sk_strbuf_printf(why, "%s: larger than %u bytes", path, SK_CONFIG_MAX_BYTES);
	} else if (err == SK_OK) {
		err = load_text(c, path, text.data != NULL ? text.data : "", text.len, how, why);
	}
	sk_strbuf_free(&text);
	return err;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of a config_files directory, hidden ones left out
 * (a Kubernetes ConfigMap volume keeps its versions in ..data and
 * ..<timestamp>), merged in name order. */
static sk_err load_dir(sk_engine_config *c, const char *dir, merge *how, sk_strbuf *why)
{
	char *names[SK_CONFIG_MAX_DIR_FILES];
	size_t n = 0;
	sk_err err = SK_OK;
	DIR *d = opendir(dir);

	if (d == NULL) {
		sk_strbuf_printf(why, "config_files: %s: %s", dir, strerror(errno));
		return SK_EIO;
	}
	for (struct dirent *e = readdir(d); e != NULL && err == SK_OK; e = readdir(d)) {
		struct stat st;
		char path[4096];
		if (e->d_name[0] == '.') {
			continue;
		}
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path)) {
			sk_strbuf_printf(why, "config_files: %s/%s: path too long", dir, e->d_name);
			err = SK_ERANGE;
		} else if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			continue;
		} else if (n >= SK_CONFIG_MAX_DIR_FILES) {
			sk_strbuf_printf(why, "config_files: %s has more than %d files", dir, SK_CONFIG_MAX_DIR_FILES);
			err = SK_ERANGE;
		} else {
			names[n] = strdup(path);
			err = names[n] != NULL ? SK_OK : SK_ENOMEM;
			n += names[n] != NULL;
		}
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (err == SK_OK) {
			err = load_file(c, names[i], how, why);
		}
		free(names[i]);
	}
	return err;
}

/* One config_files entry: a file or a directory; a missing one is logged
 * and skipped, as Falco does (its default names /etc/falco/config.d). */
static sk_err load_include(sk_engine_config *c, const sk_config_include *inc, merge *how, sk_strbuf *why)
{
	struct stat st;
	how->strategy = inc->strategy;
	how->included = true;
	if (stat(inc->path, &st) != 0) {
		if (errno == ENOENT) {
			sk_info("config_files: %s does not exist (skipped)", inc->path);
			return SK_OK;
		}
		sk_strbuf_printf(why, "config_files: %s: %s", inc->path, strerror(errno));
		return SK_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		return load_dir(c, inc->path, how, why);
	}
	if (!S_ISREG(st.st_mode)) {
		sk_strbuf_printf(why, "config_files: %s is neither a file nor a directory", inc->path);
		return SK_EIO;
	}
	return load_file(c, inc->path, how, why);
}

sk_err sk_engine_config_load(sk_engine_config *c, const char *path, sk_strbuf *why)
{
	merge how = {.strategy = SK_CONFIG_OVERRIDE};
	sk_err err;

	if (c == NULL || path == NULL || why == NULL) {
		return SK_EINVAL;
	}
	err = load_file(c, path, &how, why);
	/* An included file cannot change the list (walk_includes refuses). */
	for (size_t i = 0; err == SK_OK && i < c->nconfig_files; i++) {
		err = load_include(c, &c->config_files[i], &how, why);
	}
	return err;
}
