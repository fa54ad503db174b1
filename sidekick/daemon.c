#include "daemon.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "alert_log.h"
#include "http.h"
#include "nng_in.h"
#include "output.h"
#include "plugin.h"
#include "sk_log.h"
#include "webui.h"

#define SKD_MAX_CUSTOM 64

struct skd_settings {
	const char *listen_address;
	int64_t listen_port;
	const char *nng_url;
	int64_t body_limit;
	int64_t max_connections;
	int64_t http_threads;
	const char *bearer_token;
	bool tls;
	bool mutual_tls;
	bool debug;
	const char *spool_dir;
	int64_t spool_max_bytes;
	int64_t spool_segment_bytes;
	int64_t spool_max_age_hours;
	int64_t spool_sync_ms;
	const char *plugin_dir;
	int64_t drain_ms;
	int64_t max_series;
};

struct skd_daemon {
	const skc_config *cfg;
	struct skd_settings set;
	sal_log *log;
	skm_registry *metrics;
	skp_plugin **plugins;
	size_t nplugins;
	sko_output **outputs;
	size_t noutputs;
	skh_server *http;
	skh_server *http_notls; /* tlsserver.notlspaths on tlsserver.notlsport */
	char *notls_paths[SKD_MAX_CUSTOM];
	size_t nnotls_paths;
	skn_input *nng;
	skw_server *webui;
	char *custom_names[SKD_MAX_CUSTOM];
	char *custom_values[SKD_MAX_CUSTOM];
	char *custom_tags[SKD_MAX_CUSTOM];
	char *template_names[SKD_MAX_CUSTOM];
	char *template_sources[SKD_MAX_CUSTOM];
	spl_template *templates[SKD_MAX_CUSTOM];
	ska_extras extras;
};

/* ---- settings ---- */

static sk_err skd_settings_load(const skc_config *cfg, struct skd_settings *s, char *err, size_t errlen)
{
	struct {
		const char *section, *path;
		int64_t def;
		int64_t lo, hi;
		int64_t *out;
	} ints[] = {
		{NULL, "listenport", 2801, 0, 65535, &s->listen_port},
		{"http", "bodylimit", 1 << 20, 256, SAL_MAX_RECORD, &s->body_limit},
		{"http", "maxconnections", 256, 1, 65536, &s->max_connections},
		{"http", "threads", 2, 1, 64, &s->http_threads},
		{"spool", "maxbytes", (int64_t)1 << 30, 1 << 20, INT64_MAX, &s->spool_max_bytes},
		{"spool", "segmentbytes", 16 << 20, 64 << 10, (int64_t)1 << 31, &s->spool_segment_bytes},
		{"spool", "maxagehours", 0, 0, 24 * 365 * 10, &s->spool_max_age_hours},
		{"spool", "syncms", 200, 10, 1000, &s->spool_sync_ms},
		{NULL, "drainms", 5000, 0, 600000, &s->drain_ms},
		{"metrics", "maxseries", 1000, 1, 100000, &s->max_series},
	};
	struct {
		const char *section, *path;
		bool *out;
	} bools[] = {
		{NULL, "debug", &s->debug},
		{"tlsserver", "deploy", &s->tls},
		{"tlsserver", "mutualtls", &s->mutual_tls},
	};
	sk_err e;

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		e = skc_int(cfg, ints[i].section, ints[i].path, ints[i].def, ints[i].out, err, errlen);
		if (e != SK_OK) {
			return e;
		}
		if (*ints[i].out < ints[i].lo || *ints[i].out > ints[i].hi) {
			char where[300];
			skc_where(cfg, ints[i].section, ints[i].path, where, sizeof(where));
			snprintf(err, errlen, "%s: %s%s%s: %lld is outside [%lld, %lld]", where,
				 ints[i].section != NULL ? ints[i].section : "", ints[i].section != NULL ? "." : "",
				 ints[i].path, (long long)*ints[i].out, (long long)ints[i].lo, (long long)ints[i].hi);
			return SK_ERANGE;
		}
	}
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		e = skc_bool(cfg, bools[i].section, bools[i].path, false, bools[i].out, err, errlen);
		if (e != SK_OK) {
			return e;
		}
	}
	if (s->spool_segment_bytes > s->spool_max_bytes / 2) {
		s->spool_segment_bytes = s->spool_max_bytes / 2;
	}
	/* Loopback unless the operator opens it up (Falcosidekick binds all). */
	s->listen_address = skc_string(cfg, NULL, "listenaddress", "127.0.0.1");
	const skc_node *nng = skc_find(cfg, "nng", "listen");
	s->nng_url = skc_string(cfg, "nng", "listen", nng != NULL ? "" : "ipc:///run/saker/alerts.sock");
	s->bearer_token = skc_string(cfg, "http", "bearertoken", NULL);
	s->spool_dir = skc_string(cfg, "spool", "dir", "/var/lib/saker/sidekick");
	s->plugin_dir = skc_string(cfg, NULL, "plugindir", SAKER_PLUGIN_DIR);
	return SK_OK;
}

struct skd_custom {
	skd_daemon *d;
	size_t n;
};

static void skd_add_field(void *user, const char *key, const char *value)
{
	struct skd_custom *c = user;
	if (c->n >= SKD_MAX_CUSTOM) {
		sk_warn("customfields: more than %d entries, \"%s\" ignored", SKD_MAX_CUSTOM, key);
		return;
	}
	/* As in Falcosidekick: a value starting with % names an env variable. */
	if (value[0] == '%') {
		value = getenv(value + 1) != NULL ? getenv(value + 1) : "";
	}
	c->d->custom_names[c->n] = strdup(key);
	c->d->custom_values[c->n] = strdup(value);
	c->n++;
}

static void skd_add_tag(void *user, const char *value)
{
	struct skd_custom *c = user;
	if (c->n >= SKD_MAX_CUSTOM) {
		sk_warn("customtags: more than %d entries, \"%s\" ignored", SKD_MAX_CUSTOM, value);
		return;
	}
	c->d->custom_tags[c->n++] = strdup(value);
}

static void skd_add_template(void *user, const char *key, const char *value)
{
	struct skd_custom *c = user;
	if (c->n >= SKD_MAX_CUSTOM) {
		sk_warn("templatedfields: more than %d entries, \"%s\" ignored", SKD_MAX_CUSTOM, key);
		return;
	}
	c->d->template_names[c->n] = strdup(key);
	c->d->template_sources[c->n] = strdup(value);
	c->n++;
}

/* "file:line" of templatedfields.<key> (keys may hold dots, so the map's
 * entries are searched rather than walked as a path). */
static void skd_template_where(const skc_config *cfg, const char *key, char *buf, size_t n)
{
	const skc_node *map = skc_find(cfg, NULL, "templatedfields");
	skc_where(cfg, NULL, "templatedfields", buf, n);
	for (size_t i = 0; map != NULL && map->kind == SKC_MAP && i < map->nitems; i++) {
		if (strcmp(map->items[i]->key, key) == 0 && skc_env(NULL, "templatedfields") == NULL) {
			snprintf(buf, n, "%s:%d", cfg->name, map->items[i]->line);
		}
	}
}

/* Falcosidekick's templatedfields, compiled once: a bad template stops the
 * start with its key and the reason instead of failing on every alert. */
static sk_err skd_load_templates(skd_daemon *d, size_t *count, char *err, size_t errlen)
{
	struct skd_custom c = {d, 0};
	skc_map(d->cfg, NULL, "templatedfields", skd_add_template, &c);
	*count = c.n;
	for (size_t i = 0; i < c.n; i++) {
		char why[256], where[300];
		if (d->template_names[i] == NULL || d->template_sources[i] == NULL) {
			snprintf(err, errlen, "out of memory");
			return SK_ENOMEM;
		}
		sk_err e = spl_template_compile_fields(d->template_sources[i], strlen(d->template_sources[i]),
						       &d->templates[i], why, sizeof(why));
		if (e != SK_OK) {
			skd_template_where(d->cfg, d->template_names[i], where, sizeof(where));
			snprintf(err, errlen, "%s: templatedfields.%s: %s", where, d->template_names[i], why);
			return e;
		}
	}
	return SK_OK;
}

static sk_err skd_load_extras(skd_daemon *d, char *err, size_t errlen)
{
	struct skd_custom fields = {d, 0}, tags = {d, 0};
	size_t ntemplates = 0;
	skc_map(d->cfg, NULL, "customfields", skd_add_field, &fields);
	skc_list(d->cfg, NULL, "customtags", skd_add_tag, &tags);
	for (size_t i = 0; i < fields.n; i++) {
		if (d->custom_names[i] == NULL || d->custom_values[i] == NULL) {
			snprintf(err, errlen, "out of memory");
			return SK_ENOMEM;
		}
	}
	for (size_t i = 0; i < tags.n; i++) {
		if (d->custom_tags[i] == NULL) {
			snprintf(err, errlen, "out of memory");
			return SK_ENOMEM;
		}
	}
	sk_err e = skd_load_templates(d, &ntemplates, err, errlen);
	if (e != SK_OK) {
		return e;
	}
	d->extras = (ska_extras){
		.field_names = (const char *const *)d->custom_names,
		.field_values = (const char *const *)d->custom_values,
		.nfields = fields.n,
		.tags = (const char *const *)d->custom_tags,
		.ntags = tags.n,
		.bracket_replacer = skc_string(d->cfg, NULL, "bracketreplacer", NULL),
		.template_names = (const char *const *)d->template_names,
		.templates = (const spl_template *const *)d->templates,
		.ntemplates = ntemplates,
		.output_format = skc_string(d->cfg, NULL, "outputfieldformat", NULL),
	};
	return SK_OK;
}

/* Falcosidekick's extra labels of falco_events: customfields (their
 * value) and templatedfields (the alert's field). A name that cannot be a
 * label is logged and left out, as Falcosidekick does; only running out of
 * memory stops the start. */
struct skd_extra_labels {
	skm_registry *metrics;
	sk_err e; /* SK_ENOMEM stops the start; other refusals are logged */
};

/* One prometheus.extralabels entry: an output field whose value labels
 * falco_events (Falcosidekick: "fd.name" becomes label fd_name). */
static void skd_add_extra_label(void *user, const char *field)
{
	struct skd_extra_labels *x = user;
	char why[256];
	sk_err e = skm_add_label(x->metrics, field, SKM_LABEL_FIELD, field, why, sizeof(why));
	if (e == SK_ENOMEM) {
		x->e = e;
	} else if (e != SK_OK) {
		sk_warn("prometheus.extralabels: %s; left out of falco_events", why);
	}
}

static sk_err skd_metric_labels(skd_daemon *d, char *err, size_t errlen)
{
	char why[256];
	sk_err e;
	struct skd_extra_labels extra = {d->metrics, SK_OK};

	skc_list(d->cfg, "prometheus", "extralabels", skd_add_extra_label, &extra);
	if (extra.e != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return extra.e;
	}

	for (size_t i = 0; i < d->extras.nfields + d->extras.ntemplates; i++) {
		bool custom = i < d->extras.nfields;
		const char *key = custom ? d->custom_names[i] : d->template_names[i - d->extras.nfields];
		e = skm_add_label(d->metrics, key, custom ? SKM_LABEL_CONST : SKM_LABEL_FIELD,
				  custom ? d->custom_values[i] : key, why, sizeof(why));
		if (e == SK_ENOMEM) {
			snprintf(err, errlen, "out of memory");
			return e;
		}
		if (e != SK_OK) {
			sk_warn("%s: %s; left out of falco_events", custom ? "customfields" : "templatedfields", why);
		}
	}
	return SK_OK;
}

/* ---- ingest ---- */

static int64_t skd_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

sk_err skd_ingest(void *daemon, skm_source src, const char *body, size_t len, char *err, size_t errlen)
{
	skd_daemon *d = daemon;
	sk_strbuf *out = ska_thread_buf();
	ska_alert a;
	sk_err e;

	if (body == NULL || out == NULL) {
		skm_input(d->metrics, src, false);
		return body == NULL ? SK_EINVAL : SK_ENOMEM;
	}
	e = ska_check(body, len, &a, err, errlen);
	if (e != SK_OK) {
		skm_input(d->metrics, src, false);
		return e == SK_ENOMEM ? e : (e == SK_ERANGE ? SK_ERANGE : SK_EINVAL);
	}
	int64_t time_ns = a.view.time_ns != 0 ? a.view.time_ns : skd_now_ns();
	e = ska_enrich(&a, &d->extras, out);
	if (e == SK_OK) {
		/* HTTP answers 200 only once the alert is in the file; nng has no
		 * answer to hold back, so it need not wait for the write. */
		e = src == SKM_SOURCE_HTTP ? sal_append(d->log, time_ns, out->data, out->len, NULL)
					   : sal_append_nowait(d->log, time_ns, out->data, out->len, NULL);
		if (e != SK_OK) {
			snprintf(err, errlen, "spool write failed: %s", sk_strerror(e));
		}
	}
	if (e == SK_OK) {
		skm_event(d->metrics, &a);
	}
	skm_input(d->metrics, src, e == SK_OK);
	ska_free(&a);
	return e == SK_OK ? SK_OK : (e == SK_ERANGE ? SK_EFULL : e);
}

static sk_err skd_test(void *daemon)
{
	char body[512], id[37], err[256];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	ska_uuid(id);
	int n = snprintf(body, sizeof(body),
			 "{\"output\":\"This is a test from saker-sidekick\",\"priority\":\"Debug\","
			 "\"rule\":\"Test rule\",\"source\":\"debug\",\"hostname\":\"saker-sidekick\","
			 "\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ\",\"tags\":[\"test\",\"example\"],"
			 "\"output_fields\":{\"proc.name\":\"saker-sidekick\",\"user.name\":\"saker-sidekick\"},"
			 "\"uuid\":\"%s\"}",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec, id);
	return skd_ingest(daemon, SKM_SOURCE_HTTP, body, (size_t)n, err, sizeof(err));
}

static void skd_metrics(void *daemon, sk_strbuf *out)
{
	skd_daemon *d = daemon;
	skm_render(d->metrics, d->log, out);
}

/* ---- outputs ---- */

struct skd_scan {
	skd_daemon *d;
	sk_err e;
	char *err;
	size_t errlen;
};

static void skd_consider_plugin(void *user, const char *name)
{
	struct skd_scan *sc = user;
	skd_daemon *d = sc->d;
	char path[4096];
	skp_plugin *p = NULL;
	sko_output *o = NULL;

	if (sc->e != SK_OK || !skc_has_section(d->cfg, name)) {
		return;
	}
	if (skp_path(d->set.plugin_dir, name, path, sizeof(path)) != SK_OK) {
		return;
	}
	sc->e = skp_load(path, &p, sc->err, sc->errlen);
	if (sc->e != SK_OK) {
		return;
	}
	if (strcmp(p->vt->name, name) != 0 || !sko_enabled(d->cfg, p->vt)) {
		if (strcmp(p->vt->name, name) != 0) {
			sk_warn("%s: declares name \"%s\", expected \"%s\"; ignored", path, p->vt->name, name);
		}
		skp_unload(p);
		return;
	}
	skp_plugin **plugins = realloc(d->plugins, (d->nplugins + 1) * sizeof(*plugins));
	sko_output **outputs = realloc(d->outputs, (d->noutputs + 1) * sizeof(*outputs));
	if (plugins != NULL) {
		d->plugins = plugins;
	}
	if (outputs != NULL) {
		d->outputs = outputs;
	}
	if (plugins == NULL || outputs == NULL) {
		skp_unload(p);
		sc->e = SK_ENOMEM;
		return;
	}
	d->plugins[d->nplugins++] = p;
	sc->e = sko_create(d->cfg, p, d->log, d->set.debug, &o, sc->err, sc->errlen);
	if (sc->e != SK_OK) {
		return;
	}
	d->outputs[d->noutputs++] = o;
	sc->e = skm_add_output(d->metrics, sko_metrics(o));
	sk_info("output %s enabled (%s)", name, path);
}

/* Falcosidekick outputs Saker does not provide, each with the key that
 * turns it on there: a migrated config that sets one gets told, instead of
 * its alerts going nowhere without a word. */
static const struct {
	const char *section;
	const char *key;
	const char *why;
} skd_unprovided[] = {
	{"stan", "hostport", "NATS Streaming is deprecated upstream; the nats output remains"},
	{"aws.securitylake", "bucket", "it writes Parquet files, and Debian packages no Parquet library"},
};

static void skd_warn_unprovided(const skc_config *cfg)
{
	char where[300];

	for (size_t i = 0; i < sizeof(skd_unprovided) / sizeof(skd_unprovided[0]); i++) {
		if (skc_string(cfg, skd_unprovided[i].section, skd_unprovided[i].key, NULL) == NULL) {
			continue;
		}
		skc_where(cfg, skd_unprovided[i].section, skd_unprovided[i].key, where, sizeof(where));
		sk_warn("%s: %s.%s is set, but Saker has no %s output (%s); nothing is sent there "
			"(docs/outputs.md)",
			where, skd_unprovided[i].section, skd_unprovided[i].key, skd_unprovided[i].section,
			skd_unprovided[i].why);
	}
}

/* ---- lifecycle ---- */

static void skd_add_notls_path(void *user, const char *value)
{
	skd_daemon *d = user;
	if (d->nnotls_paths < SKD_MAX_CUSTOM) {
		d->notls_paths[d->nnotls_paths++] = strdup(value);
	}
}

/* Falcosidekick's tlsserver.notlspaths: with TLS on, those paths (probes,
 * metrics) are also served over plain HTTP on tlsserver.notlsport. */
static sk_err skd_start_notls(skd_daemon *d, const skh_options *tls, const skh_handlers *hh, char *err,
			      size_t errlen)
{
	int64_t port;
	sk_err e = skc_int(d->cfg, "tlsserver", "notlsport", 2810, &port, err, errlen);
	if (e != SK_OK) {
		return e;
	}
	skc_list(d->cfg, "tlsserver", "notlspaths", skd_add_notls_path, d);
	if (d->nnotls_paths == 0) {
		return SK_OK;
	}
	for (size_t i = 0; i < d->nnotls_paths; i++) {
		if (d->notls_paths[i] == NULL) {
			return SK_ENOMEM;
		}
	}
	if (port < 0 || port > 65535) {
		snprintf(err, errlen, "tlsserver.notlsport: %lld is not a port", (long long)port);
		return SK_ERANGE;
	}
	skh_options o = *tls;
	o.port = (uint16_t)port;
	o.tls = false;
	o.mutual_tls = false;
	o.only_paths = (const char *const *)d->notls_paths;
	o.nonly_paths = d->nnotls_paths;
	e = skh_start(&o, hh, &d->http_notls, err, errlen);
	if (e == SK_OK) {
		sk_info("plain HTTP for %zu path(s) on %s:%u", d->nnotls_paths, d->set.listen_address,
			(unsigned)skh_port(d->http_notls));
	}
	return e;
}

/* The web UI's view of each output's health. */
static size_t skd_webui_outputs(void *user, skw_output_info *out, size_t max)
{
	skd_daemon *d = user;
	sal_stats st;
	size_t n = 0;

	sal_get_stats(d->log, &st);
	for (size_t i = 0; i < d->noutputs && n < max; i++, n++) {
		skm_output *m = sko_metrics(d->outputs[i]);
		uint64_t done = m->cursor != NULL ? sal_cursor_get(m->cursor) : st.next_seq;
		out[n].name = sko_name(d->outputs[i]);
		out[n].queue_depth = st.next_seq > done ? st.next_seq - done : 0;
		out[n].sent = atomic_load(&m->ok);
		out[n].retries = atomic_load(&m->retries);
		out[n].failed = atomic_load(&m->failed);
		out[n].lost = atomic_load(&m->lost);
		sko_last_error(d->outputs[i], out[n].last_error, sizeof(out[n].last_error));
	}
	return n;
}

static sk_err skd_start_webui(skd_daemon *d, char *err, size_t errlen)
{
	skw_options wo;
	int enabled = 0;
	sk_err e = skw_options_load(d->cfg, &wo, &enabled, err, errlen);

	if (e != SK_OK || !enabled) {
		return e;
	}
	wo.log = d->log;
	wo.outputs = skd_webui_outputs;
	wo.outputs_user = d;
	e = skw_start(&wo, &d->webui, err, errlen);
	if (e == SK_OK) {
		sk_info("web UI on http://%s:%u/", wo.listen_address, (unsigned)skw_port(d->webui));
	}
	return e;
}

sk_err skd_start(const skc_config *cfg, const char *plugin_dir, skd_daemon **out, char *err, size_t errlen)
{
	skd_daemon *d = calloc(1, sizeof(*d));
	sk_err e;

	*out = NULL;
	if (d == NULL) {
		return SK_ENOMEM;
	}
	d->cfg = cfg;
	e = skd_settings_load(cfg, &d->set, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	if (plugin_dir != NULL) {
		d->set.plugin_dir = plugin_dir;
	}
	if (d->set.debug) {
		sk_log_set_level(SK_LOG_DEBUG);
	}
	e = skd_load_extras(d, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	e = skm_new((size_t)d->set.max_series, &d->metrics);
	if (e != SK_OK) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	e = skd_metric_labels(d, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	sal_options lo = {
		.dir = d->set.spool_dir,
		.segment_bytes = (uint64_t)d->set.spool_segment_bytes,
		.max_bytes = (uint64_t)d->set.spool_max_bytes,
		.max_age_s = d->set.spool_max_age_hours * 3600,
		.sync_ms = (unsigned)d->set.spool_sync_ms,
	};
	e = sal_open(&lo, &d->log, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	struct skd_scan sc = {d, SK_OK, err, errlen};
	skp_list_dir(d->set.plugin_dir, skd_consider_plugin, &sc);
	e = sc.e;
	if (e != SK_OK) {
		goto cleanup;
	}
	skd_warn_unprovided(cfg);
	if (d->noutputs == 0) {
		sk_warn("no output enabled (plugin directory %s); alerts are spooled until one is configured",
			d->set.plugin_dir);
	}
	for (size_t i = 0; i < d->noutputs && e == SK_OK; i++) {
		e = sko_start(d->outputs[i]);
	}
	if (e != SK_OK) {
		snprintf(err, errlen, "cannot start output workers");
		goto cleanup;
	}
	skh_options ho = {
		.address = d->set.listen_address,
		.port = (uint16_t)d->set.listen_port,
		.body_limit = (size_t)d->set.body_limit,
		.max_connections = (unsigned)d->set.max_connections,
		.threads = (unsigned)d->set.http_threads,
		.bearer_token = d->set.bearer_token,
		.tls = d->set.tls,
		.cert_file = skc_string(cfg, "tlsserver", "certfile", NULL),
		.key_file = skc_string(cfg, "tlsserver", "keyfile", NULL),
		.mutual_tls = d->set.mutual_tls,
		.ca_file = skc_string(cfg, "tlsserver", "cacertfile", NULL),
	};
	skh_handlers hh = {skd_ingest, skd_test, skd_metrics, d};
	e = skh_start(&ho, &hh, &d->http, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	sk_info("HTTP input on %s:%u%s", d->set.listen_address, (unsigned)skh_port(d->http),
		d->set.tls ? " (TLS)" : "");
	if (d->set.tls) {
		e = skd_start_notls(d, &ho, &hh, err, errlen);
		if (e != SK_OK) {
			goto cleanup;
		}
	}
	if (d->set.nng_url[0] != '\0') {
		e = skn_start(d->set.nng_url, (size_t)d->set.body_limit, skd_ingest, d, &d->nng, err, errlen);
		if (e != SK_OK) {
			goto cleanup;
		}
		sk_info("nng input on %s", d->set.nng_url);
	}
	e = skd_start_webui(d, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	*out = d;
	return SK_OK;
cleanup:
	skd_stop(d);
	return e;
}

bool skd_stop(skd_daemon *d)
{
	if (d == NULL) {
		return true;
	}
	/* Inputs first: nothing new arrives while the outputs drain. */
	skn_stop(d->nng);
	skh_stop(d->http);
	skh_stop(d->http_notls);
	skw_stop(d->webui);
	d->webui = NULL;
	if (d->log != NULL && d->noutputs > 0) {
		sal_stats st;
		sal_get_stats(d->log, &st);
		int64_t deadline = sko_now_ms() + d->set.drain_ms;
		for (size_t i = 0; i < d->noutputs; i++) {
			sko_drain(d->outputs[i], st.next_seq, deadline);
		}
		sal_wake_all(d->log);
		for (size_t i = 0; i < d->noutputs; i++) {
			int64_t left = deadline - sko_now_ms() + 1000;
			if (!sko_join(d->outputs[i], (unsigned)(left > 0 ? left : 1))) {
				sk_warn("%s: still busy after the drain timeout", sko_name(d->outputs[i]));
			}
		}
	}
	bool all_joined = true;
	for (size_t i = 0; i < d->noutputs; i++) {
		all_joined = all_joined && sko_join(d->outputs[i], 0);
		sko_destroy(d->outputs[i]);
	}
	if (all_joined) {
		sal_close(d->log);
		for (size_t i = 0; i < d->nplugins; i++) {
			skp_unload(d->plugins[i]);
		}
	} else {
		/* A worker is stuck in a plugin: sync what we have and let exit()
		 * reclaim the rest rather than free memory it may still touch. */
		if (d->log != NULL) {
			sal_sync(d->log);
		}
		return false;
	}
	free(d->plugins);
	free(d->outputs);
	skm_free(d->metrics);
	for (size_t i = 0; i < SKD_MAX_CUSTOM; i++) {
		free(d->custom_names[i]);
		free(d->custom_values[i]);
		free(d->custom_tags[i]);
		free(d->template_names[i]);
		free(d->template_sources[i]);
		spl_template_free(d->templates[i]);
		free(d->notls_paths[i]);
	}
	free(d);
	return true;
}

static void skd_print_plugin(void *user, const char *name)
{
	const char *dir = user;
	char path[4096], err[512];
	skp_plugin *p = NULL;
	if (skp_path(dir, name, path, sizeof(path)) != SK_OK) {
		return;
	}
	if (skp_load(path, &p, err, sizeof(err)) != SK_OK) {
		printf("%-18s (unusable: %s)\n", name, err);
		return;
	}
	printf("%-18s %s (enabled by %s.%s)\n", p->vt->name, p->vt->description != NULL ? p->vt->description : "",
	       p->vt->name, p->vt->required_key);
	skp_unload(p);
}

sk_err skd_list_plugins(const char *dir)
{
	if (skp_list_dir(dir, skd_print_plugin, (void *)dir) == 0) {
		fprintf(stderr, "saker-sidekick: no plugins (saker_*.so) in %s\n", dir);
		return SK_ENOENT;
	}
	return SK_OK;
}
