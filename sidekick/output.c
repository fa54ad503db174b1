#define _GNU_SOURCE /* pthread_timedjoin_np, pthread_setname_np */
#include "output.h"

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "sk_log.h"

#define SKO_LOG_INTERVAL_MS 10000 /* repeated failures are logged at most this often */

enum sko_state {
	SKO_RUN = 0,
	SKO_DRAIN,
	SKO_STOP,
};

struct sko_host_ctx {
	const skc_config *cfg;
	char section[64];
};

typedef struct sko_log_limit {
	int64_t last_log_ms;
	uint64_t suppressed;
} sko_log_limit;

struct sko_output {
	char name[64];
	char destination[64]; /* name without dots: Falcosidekick's metric label ("awssqs") */
	const skp_plugin *plugin;
	void *state;
	bool initialized;
	bool debug;
	struct sko_host_ctx ctx;
	saker_plugin_host host;
	sko_options opt;
	sal_log *log;
	sal_cursor *cursor;
	skm_output metrics;
	pthread_t thread;
	bool started;
	bool joined;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	_Atomic int state_flag;
	_Atomic uint64_t drain_to;
	_Atomic int64_t deadline_ms;
	uint64_t rng;
	sko_log_limit deliveries; /* rate limit of the delivery problems' log lines */
	sko_log_limit ticks;	  /* and of the failed ticks' (their own: neither hides the other) */
	int64_t next_tick_ms;	  /* the plugin's tick() is due then */
	pthread_mutex_t last_error_mu; /* guards last_error, read by the web UI */
	char last_error[256];
};

int64_t sko_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- host services handed to the plugin ---- */

/* Falcosidekick keeps these at the top level for every output (client
 * certificates, customfields and templatedfields, which loki turns into
 * labels); an output's own section may still set them. */
static bool sko_inherited(const char *path)
{
	static const char *const prefixes[] = {"mutualtlsfilespath", "mutualtlsclient.", "tlsclient.", "customfields",
					       "templatedfields"};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (strncasecmp(path, prefixes[i], strlen(prefixes[i])) == 0) {
			return true;
		}
	}
	return false;
}

/* The section that answers path: the output's own, else, for a dotted
 * section such as "aws.sqs", the nearest parent section that sets it
 * (Falcosidekick's aws.region and aws.accesskeyid serve every aws.<service>
 * output). buf (n bytes) holds the answer; the own section when none does. */
static const char *sko_key_section(const struct sko_host_ctx *h, const char *path, char *buf, size_t n)
{
	snprintf(buf, n, "%s", h->section);
	for (;;) {
		const skc_node *node = skc_find(h->cfg, buf, path);
		/* a set scalar (or its variable), or a map or list; an empty
		 * scalar counts as unset, as everywhere */
		if (skc_string(h->cfg, buf, path, NULL) != NULL || (node != NULL && node->kind != SKC_SCALAR)) {
			return buf;
		}
		char *dot = strrchr(buf, '.');
		if (dot == NULL) {
			return h->section;
		}
		*dot = '\0';
	}
}

static const char *sko_host_string(const void *ctx, const char *path, const char *def)
{
	const struct sko_host_ctx *h = ctx;
	char section[sizeof(h->section)];
	const char *own = skc_string(h->cfg, sko_key_section(h, path, section, sizeof(section)), path, NULL);
	if (own == NULL && sko_inherited(path)) {
		return skc_string(h->cfg, NULL, path, def);
	}
	return own != NULL ? own : def;
}

static int64_t sko_host_int(const void *ctx, const char *path, int64_t def)
{
	const struct sko_host_ctx *h = ctx;
	char err[512], section[sizeof(h->section)];
	const char *where = sko_key_section(h, path, section, sizeof(section));
	int64_t v;
	if (skc_int(h->cfg, where, path, def, &v, err, sizeof(err)) != SK_OK) {
		sk_warn("%s (using %lld)", err, (long long)def);
	}
	return v;
}

static bool sko_host_bool(const void *ctx, const char *path, bool def)
{
	const struct sko_host_ctx *h = ctx;
	char err[512], section[sizeof(h->section)];
	const char *where = sko_key_section(h, path, section, sizeof(section));
	bool v;
	if (skc_bool(h->cfg, where, path, def, &v, err, sizeof(err)) != SK_OK) {
		sk_warn("%s (using %s)", err, def ? "true" : "false");
	}
	return v;
}

static size_t sko_host_map(const void *ctx, const char *path,
			   void (*fn)(void *user, const char *key, const char *value), void *user)
{
	const struct sko_host_ctx *h = ctx;
	char section[sizeof(h->section)];
	size_t n = skc_map(h->cfg, sko_key_section(h, path, section, sizeof(section)), path, fn, user);
	if (n == 0 && sko_inherited(path)) {
		n = skc_map(h->cfg, NULL, path, fn, user);
	}
	return n;
}

static size_t sko_host_list(const void *ctx, const char *path, void (*fn)(void *user, const char *value),
			    void *user)
{
	const struct sko_host_ctx *h = ctx;
	char section[sizeof(h->section)];
	return skc_list(h->cfg, sko_key_section(h, path, section, sizeof(section)), path, fn, user);
}

__attribute__((format(printf, 3, 4))) static void sko_host_log(const void *ctx, saker_log_level level,
							      const char *fmt, ...)
{
	const struct sko_host_ctx *h = ctx;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sk_log_level l = level <= SAKER_LOG_ERROR ? (sk_log_level)level : SK_LOG_ERROR;
	sk_log(l, "%s: %s", h->section, msg);
}

/* ---- options ---- */

struct sko_list_build {
	char ***items;
	size_t *n;
	bool failed;
};

static void sko_list_add(void *user, const char *value)
{
	struct sko_list_build *b = user;
	char **items = realloc(*b->items, (*b->n + 1) * sizeof(*items));
	char *copy = strdup(value);
	if (items == NULL || copy == NULL) {
		free(copy);
		if (items != NULL) {
			*b->items = items;
		}
		b->failed = true;
		return;
	}
	*b->items = items;
	items[(*b->n)++] = copy;
}

static sk_err sko_filter_load(const skc_config *cfg, const char *section, const char *what, sko_filter *f)
{
	char path[64];
	struct sko_list_build inc = {&f->include, &f->ninclude, false};
	struct sko_list_build exc = {&f->exclude, &f->nexclude, false};
	snprintf(path, sizeof(path), "routing.%s.include", what);
	skc_list(cfg, section, path, sko_list_add, &inc);
	snprintf(path, sizeof(path), "routing.%s.exclude", what);
	skc_list(cfg, section, path, sko_list_add, &exc);
	return inc.failed || exc.failed ? SK_ENOMEM : SK_OK;
}

static void sko_filter_free(sko_filter *f)
{
	for (size_t i = 0; i < f->ninclude; i++) {
		free(f->include[i]);
	}
	for (size_t i = 0; i < f->nexclude; i++) {
		free(f->exclude[i]);
	}
	free(f->include);
	free(f->exclude);
	memset(f, 0, sizeof(*f));
}

void sko_options_free(sko_options *o)
{
	sko_filter_free(&o->rules);
	sko_filter_free(&o->tags);
	sko_filter_free(&o->sources);
}

/* Reads an integer option within [lo, hi]. */
static sk_err sko_int_option(const skc_config *cfg, const char *section, const char *path, int64_t def,
			     int64_t lo, int64_t hi, uint32_t *out, char *err, size_t errlen)
{
	int64_t v;
	sk_err e = skc_int(cfg, section, path, def, &v, err, errlen);
	if (e != SK_OK) {
		return e;
	}
	if (v < lo || v > hi) {
		char where[300];
		skc_where(cfg, section, path, where, sizeof(where));
		snprintf(err, errlen, "%s: %s.%s: %lld is outside [%lld, %lld]", where, section, path, (long long)v,
			 (long long)lo, (long long)hi);
		return SK_ERANGE;
	}
	*out = (uint32_t)v;
	return SK_OK;
}

sk_err sko_options_load(const skc_config *cfg, const char *section, sko_options *out, char *err, size_t errlen)
{
	const char *prio = skc_string(cfg, section, "minimumpriority", "");
	sk_err e = SK_OK;

	memset(out, 0, sizeof(*out));
	out->minimum = SAKER_PRIORITY_DEBUG;
	if (prio[0] != '\0' && ska_priority_parse(prio, &out->minimum) != SK_OK) {
		char where[300];
		skc_where(cfg, section, "minimumpriority", where, sizeof(where));
		snprintf(err, errlen,
			 "%s: %s.minimumpriority: unknown priority \"%s\" (emergency, alert, critical, error, "
			 "warning, notice, informational, debug)",
			 where, section, prio);
		return SK_EINVAL;
	}
	skb_policy def = SKB_POLICY_DEFAULT;
	out->retry = def;
	e = sko_int_option(cfg, section, "retry.initialms", def.initial_ms, 1, 3600000, &out->retry.initial_ms,
			   err, errlen);
	if (e == SK_OK) {
		e = sko_int_option(cfg, section, "retry.maxms", def.max_ms, 1, 86400000, &out->retry.max_ms, err,
				   errlen);
	}
	if (e == SK_OK) {
		e = sko_int_option(cfg, section, "retry.maxattempts", 0, 0, 1000000, &out->retry.max_attempts, err,
				   errlen);
	}
	if (e == SK_OK) {
		e = sko_int_option(cfg, section, "queuesize", 100, 1, SKO_MAX_QUEUE, &out->queue, err, errlen);
	}
	if (e == SK_OK) {
		e = sko_filter_load(cfg, section, "rules", &out->rules);
	}
	if (e == SK_OK) {
		e = sko_filter_load(cfg, section, "tags", &out->tags);
	}
	if (e == SK_OK) {
		e = sko_filter_load(cfg, section, "sources", &out->sources);
	}
	if (e != SK_OK) {
		sko_options_free(out);
	}
	return e;
}

static bool sko_any_match(char *const *patterns, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++) {
		if (fnmatch(patterns[i], value, 0) == 0) {
			return true;
		}
	}
	return false;
}

/* A value list passes when some value is included (or no include list) and
 * none is excluded. */
static bool sko_filter_pass(const sko_filter *f, const char *const *values, size_t n)
{
	bool included = f->ninclude == 0;
	for (size_t i = 0; i < n; i++) {
		if (sko_any_match(f->exclude, f->nexclude, values[i])) {
			return false;
		}
		if (!included && sko_any_match(f->include, f->ninclude, values[i])) {
			included = true;
		}
	}
	return included;
}

bool sko_options_match(const sko_options *o, const saker_alert *a)
{
	if (a->priority_num > o->minimum) {
		return false;
	}
	return sko_filter_pass(&o->rules, &a->rule, 1) && sko_filter_pass(&o->sources, &a->source, 1) &&
	       sko_filter_pass(&o->tags, a->tags, a->ntags);
}

bool sko_enabled(const skc_config *cfg, const saker_output_plugin *vt)
{
	static const char *const off[] = {"false", "no", "off", "0"};
	const char *v = skc_string(cfg, vt->name, vt->required_key, NULL);

	if (v == NULL) {
		return false;
	}
	/* A switch-style key (stdout's "enabled") set to false turns the output
	 * off; any other value (an address, a URL) turns it on. */
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		if (strcasecmp(v, off[i]) == 0) {
			return false;
		}
	}
	return true;
}

/* ---- lifecycle ---- */

sk_err sko_create(const skc_config *cfg, const skp_plugin *plugin, sal_log *log, bool debug, sko_output **out,
		  char *err, size_t errlen)
{
	sko_output *o = calloc(1, sizeof(*o));
	sk_err e = SK_OK;
	char why[512] = "";

	*out = NULL;
	if (o == NULL) {
		return SK_ENOMEM;
	}
	snprintf(o->name, sizeof(o->name), "%s", plugin->vt->name);
	o->plugin = plugin;
	o->log = log;
	o->debug = debug;
	o->ctx.cfg = cfg;
	snprintf(o->ctx.section, sizeof(o->ctx.section), "%s", o->name);
	pthread_mutex_init(&o->mu, NULL);
	pthread_mutex_init(&o->last_error_mu, NULL);
	pthread_cond_init(&o->wake, NULL);
	o->rng = (uint64_t)sko_now_ms() * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)o;
	size_t d = 0;
	for (const char *c = o->name; *c != '\0'; c++) {
		if (*c != '.') {
			o->destination[d++] = *c;
		}
	}
	o->destination[d] = '\0';
	o->metrics.destination = o->destination;
	e = sko_options_load(cfg, o->name, &o->opt, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	o->host = (saker_plugin_host){
		.ctx = &o->ctx,
		.instance_name = o->ctx.section,
		.config_string = sko_host_string,
		.config_int = sko_host_int,
		.config_bool = sko_host_bool,
		.config_map = sko_host_map,
		.config_list = sko_host_list,
		.log = sko_host_log,
	};
	static char hostname[256];
	if (hostname[0] == '\0' && gethostname(hostname, sizeof(hostname) - 1) != 0) {
		snprintf(hostname, sizeof(hostname), "localhost");
	}
	o->host.hostname = hostname;
	e = sal_cursor_open(log, o->name, &o->cursor);
	if (e != SK_OK) {
		snprintf(err, errlen, "%s: cannot open its spool cursor: %s", o->name, sk_strerror(e));
		goto cleanup;
	}
	o->metrics.cursor = o->cursor;
	if (!plugin->vt->init(&o->host, &o->state, why, sizeof(why))) {
		snprintf(err, errlen, "%s: output init failed: %s", o->name, why[0] != '\0' ? why : "no reason given");
		e = SK_EINVAL;
		goto cleanup;
	}
	o->initialized = true;
	*out = o;
	return SK_OK;
cleanup:
	sko_destroy(o);
	return e;
}

/* Logs a problem, at most once per interval per output and limit. */
static void sko_log_limited(sko_output *o, sko_log_limit *limit, const char *what, const char *why)
{
	int64_t now = sko_now_ms();
	/* The newest problem is always kept for the web UI, even when the log
	 * line is rate-limited. */
	pthread_mutex_lock(&o->last_error_mu);
	snprintf(o->last_error, sizeof(o->last_error), "%s: %s", what, why);
	pthread_mutex_unlock(&o->last_error_mu);
	if (limit->last_log_ms != 0 && now - limit->last_log_ms < SKO_LOG_INTERVAL_MS) {
		limit->suppressed++;
		return;
	}
	if (limit->suppressed > 0) {
		sk_warn("%s: %s: %s (%llu similar messages suppressed)", o->name, what, why,
			(unsigned long long)limit->suppressed);
	} else {
		sk_warn("%s: %s: %s", o->name, what, why);
	}
	limit->last_log_ms = now;
	limit->suppressed = 0;
}

/* Logs a delivery problem, at most once per interval per output. */
static void sko_log_failure(sko_output *o, const char *what, const char *why)
{
	sko_log_limited(o, &o->deliveries, what, why);
}

/* True when the worker must give up what it is doing. */
static bool sko_must_stop(sko_output *o)
{
	int s = atomic_load(&o->state_flag);
	return s == SKO_STOP || (s == SKO_DRAIN && sko_now_ms() >= atomic_load(&o->deadline_ms));
}

/* Sleeps ms unless stopped; returns false if the worker must stop. */
static bool sko_sleep(sko_output *o, uint32_t ms)
{
	int64_t until = sko_now_ms() + ms;
	pthread_mutex_lock(&o->mu);
	while (!sko_must_stop(o) && sko_now_ms() < until) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t left = until - sko_now_ms();
		left = left > 100 ? 100 : (left < 1 ? 1 : left);
		uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)left * 1000000u;
		ts.tv_sec += (time_t)(ns / 1000000000u);
		ts.tv_nsec = (long)(ns % 1000000000u);
		pthread_cond_timedwait(&o->wake, &o->mu, &ts);
	}
	pthread_mutex_unlock(&o->mu);
	return !sko_must_stop(o);
}

/* Delivers n alerts with retries. Returns true once they are handled
 * (delivered or given up), false if the worker must stop first. */
static bool sko_deliver(sko_output *o, ska_alert *batch, size_t n)
{
	const saker_output_plugin *vt = o->plugin->vt;
	const saker_alert *views[SKO_MAX_QUEUE];
	char why[512];

	for (size_t i = 0; i < n; i++) {
		views[i] = &batch[i].view;
	}
	for (uint32_t attempt = 1;; attempt++) {
		saker_send_result res;
		why[0] = '\0';
		if (n == 1) {
			res = vt->send(o->state, views[0], why, sizeof(why));
		} else {
			res = vt->send_batch(o->state, views, n, why, sizeof(why));
		}
		if (res == SAKER_SEND_OK) {
			atomic_fetch_add(&o->metrics.ok, n);
			if (o->debug) {
				for (size_t i = 0; i < n; i++) {
					sk_info("%s: sent %.*s", o->name, (int)views[i]->json_len, views[i]->json);
				}
			}
			return true;
		}
		atomic_fetch_add(&o->metrics.error, n);
		if (res != SAKER_SEND_RETRY) {
			atomic_fetch_add(&o->metrics.failed, n);
			sko_log_failure(o, "permanent delivery failure, alerts dropped", why);
			return true;
		}
		if (!skb_may_retry(&o->opt.retry, attempt)) {
			atomic_fetch_add(&o->metrics.failed, n);
			sko_log_failure(o, "giving up after the last retry attempt", why);
			return true;
		}
		atomic_fetch_add(&o->metrics.retries, 1);
		sko_log_failure(o, "delivery failed, will retry", why);
		if (!sko_sleep(o, skb_delay_ms(&o->opt.retry, attempt, &o->rng))) {
			return false;
		}
	}
}

/* Calls the plugin's tick() when it has one and it is due. A failed tick
 * is logged, not retried: the next one comes anyway. */
static void sko_tick(sko_output *o)
{
	const saker_output_plugin *vt = o->plugin->vt;
	if (vt->tick == NULL || vt->tick_ms == 0) {
		return;
	}
	int64_t now = sko_now_ms();
	if (now < o->next_tick_ms) {
		return;
	}
	o->next_tick_ms = now + vt->tick_ms;
	char why[512] = "";
	saker_send_result res = vt->tick(o->state, why, sizeof(why));
	if (res != SAKER_SEND_OK) {
		sko_log_limited(o, &o->ticks, "scheduled send failed", why[0] != '\0' ? why : "no reason given");
	}
}

static void sko_free_batch(ska_alert *batch, char **copies, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ska_free(&batch[i]);
		free(copies[i]);
	}
}

static void *sko_main(void *arg)
{
	sko_output *o = arg;
	sal_reader *r = NULL;
	uint32_t cap = o->opt.queue;
	ska_alert *batch = calloc(cap, sizeof(*batch));
	char **copies = calloc(cap, sizeof(*copies));
	char why[512];

	if (o->plugin->vt->max_batch <= 1) {
		cap = 1;
	} else if (cap > o->plugin->vt->max_batch) {
		cap = o->plugin->vt->max_batch;
	}
	if (batch == NULL || copies == NULL || sal_reader_open(o->log, sal_cursor_get(o->cursor), &r) != SK_OK) {
		sk_error("%s: cannot start its worker (out of memory)", o->name);
		goto cleanup;
	}
	while (!sko_must_stop(o)) {
		size_t n = 0;
		/* between deliveries; an idle worker comes by at least every 100 ms */
		sko_tick(o);
		while (n < cap) {
			sal_record rec;
			uint64_t skipped = 0;
			sk_err e = sal_reader_next(r, &rec, &skipped);
			if (skipped > 0) {
				atomic_fetch_add(&o->metrics.lost, skipped);
				sk_warn("%s: %llu alerts were deleted by the spool bounds before delivery", o->name,
					(unsigned long long)skipped);
			}
			if (e != SK_OK) {
				if (e != SK_EAGAIN) {
					sko_log_failure(o, "spool read error", sk_strerror(e));
				}
				break;
			}
			copies[n] = malloc(rec.len + 1);
			if (copies[n] == NULL) {
				sko_log_failure(o, "out of memory", "alert skipped");
				atomic_fetch_add(&o->metrics.failed, 1);
				continue;
			}
			memcpy(copies[n], rec.data, rec.len);
			copies[n][rec.len] = '\0';
			if (ska_parse(copies[n], rec.len, &batch[n], why, sizeof(why)) != SK_OK) {
				sko_log_failure(o, "unreadable alert in the spool", why);
				atomic_fetch_add(&o->metrics.failed, 1);
				free(copies[n]);
				continue;
			}
			if (!sko_options_match(&o->opt, &batch[n].view)) {
				atomic_fetch_add(&o->metrics.filtered, 1);
				ska_free(&batch[n]);
				free(copies[n]);
				continue;
			}
			n++;
		}
		uint64_t pos = sal_reader_position(r);
		if (n > 0) {
			bool handled = sko_deliver(o, batch, n);
			sko_free_batch(batch, copies, n);
			if (!handled) {
				break; /* the batch stays in the log for the next run */
			}
		}
		sal_cursor_set(o->cursor, pos);
		if (n == 0) {
			if (atomic_load(&o->state_flag) == SKO_DRAIN && pos >= atomic_load(&o->drain_to)) {
				break;
			}
			sal_wait(o->log, pos, 100);
		}
	}
cleanup:
	sal_reader_close(r);
	free(batch);
	free(copies);
	return NULL;
}

sk_err sko_start(sko_output *o)
{
	char thread_name[16];

	if (pthread_create(&o->thread, NULL, sko_main, o) != 0) {
		return SK_ENOMEM;
	}
	/* "out:<name>" in top -H and /proc/PID/task/TID/comm: per-output CPU. */
	snprintf(thread_name, sizeof(thread_name), "out:%.11s", o->name);
	pthread_setname_np(o->thread, thread_name);
	o->started = true;
	return SK_OK;
}

static void sko_signal(sko_output *o, int state)
{
	pthread_mutex_lock(&o->mu);
	atomic_store(&o->state_flag, state);
	pthread_cond_broadcast(&o->wake);
	pthread_mutex_unlock(&o->mu);
}

void sko_drain(sko_output *o, uint64_t drain_to, int64_t deadline_ms)
{
	atomic_store(&o->drain_to, drain_to);
	atomic_store(&o->deadline_ms, deadline_ms);
	sko_signal(o, SKO_DRAIN);
}

void sko_stop(sko_output *o)
{
	sko_signal(o, SKO_STOP);
}

bool sko_join(sko_output *o, unsigned timeout_ms)
{
	if (!o->started || o->joined) {
		return true;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)timeout_ms * 1000000u;
	ts.tv_sec += (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	if (pthread_timedjoin_np(o->thread, NULL, &ts) != 0) {
		return false;
	}
	o->joined = true;
	return true;
}

void sko_destroy(sko_output *o)
{
	if (o == NULL) {
		return;
	}
	if (o->started && !o->joined) {
		/* The worker is stuck inside the plugin: leave both alone. */
		sk_warn("%s: worker did not stop in time; not closing the plugin", o->name);
		return;
	}
	if (o->initialized) {
		o->plugin->vt->close(o->state);
	}
	sko_options_free(&o->opt);
	pthread_cond_destroy(&o->wake);
	pthread_mutex_destroy(&o->mu);
	pthread_mutex_destroy(&o->last_error_mu);
	free(o);
}

void sko_last_error(sko_output *o, char *buf, size_t n)
{
	pthread_mutex_lock(&o->last_error_mu);
	snprintf(buf, n, "%s", o->last_error);
	pthread_mutex_unlock(&o->last_error_mu);
}

skm_output *sko_metrics(sko_output *o)
{
	return &o->metrics;
}

const char *sko_name(const sko_output *o)
{
	return o->name;
}
