/* output.c: Falco's alert formats and the queue in front of the channels. */
#include "output.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sk_log.h"

sk_err sk_output_config_defaults(sk_output_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->json_include_output_property = true;
	cfg->json_include_tags_property = true;
	cfg->json_include_output_fields_property = true;
	cfg->stdout_enabled = true;
	cfg->file_name = strdup("./events.txt");
	cfg->program = strdup("jq '{text: .output}' | curl -d @- -X POST https://hooks.slack.com/services/XXX");
	cfg->http_url = strdup("http://some.url/some/path/");
	cfg->http_user_agent = strdup("falcosecurity/falco");
	cfg->http_ca_cert = strdup("");
	cfg->http_ca_bundle = strdup("");
	cfg->http_ca_path = strdup("/etc/ssl/certs");
	cfg->http_client_cert = strdup("/etc/ssl/certs/client.crt");
	cfg->http_client_key = strdup("/etc/ssl/certs/client.key");
	cfg->http_max_consecutive_timeouts = 5;
	cfg->timeout_ms = 2000;
	cfg->nng_url = strdup(SK_OUTPUT_NNG_DEFAULT_URL);
	if (cfg->file_name == NULL || cfg->program == NULL || cfg->http_url == NULL || cfg->http_user_agent == NULL ||
	    cfg->http_ca_cert == NULL || cfg->http_ca_bundle == NULL || cfg->http_ca_path == NULL ||
	    cfg->http_client_cert == NULL || cfg->http_client_key == NULL || cfg->nng_url == NULL) {
		sk_output_config_free(cfg);
		return SK_ENOMEM;
	}
	return SK_OK;
}

void sk_output_config_free(sk_output_config *cfg)
{
	if (cfg == NULL) {
		return;
	}
	free(cfg->file_name);
	free(cfg->program);
	free(cfg->http_url);
	free(cfg->http_user_agent);
	free(cfg->http_ca_cert);
	free(cfg->http_ca_bundle);
	free(cfg->http_ca_path);
	free(cfg->http_client_cert);
	free(cfg->http_client_key);
	free(cfg->nng_url);
	cfg->file_name = cfg->program = cfg->http_url = cfg->http_user_agent = cfg->nng_url = NULL;
	cfg->http_ca_cert = cfg->http_ca_bundle = cfg->http_ca_path = NULL;
	cfg->http_client_cert = cfg->http_client_key = NULL;
}

/* ---- formats ------------------------------------------------------------ */

static void put_time(uint64_t ts, bool iso, bool utc_z, sk_strbuf *out)
{
	time_t secs = (time_t)(ts / 1000000000ull);
	unsigned long nsec = (unsigned long)(ts % 1000000000ull);
	struct tm tm;
	char buf[64];

	if (iso) {
		gmtime_r(&secs, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		sk_strbuf_printf(out, "%s.%09lu%s", buf, nsec, utc_z ? "Z" : "+0000");
		return;
	}
	localtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	sk_strbuf_printf(out, "%s.%09lu", buf, nsec);
}

void sk_alert_format_text(const sk_alert *a, const sk_output_config *cfg, sk_strbuf *out)
{
	put_time(a->ts, cfg->time_format_iso_8601, false, out);
	sk_strbuf_printf(out, ": %s %s", a->priority != NULL ? a->priority : "", a->message != NULL ? a->message : "");
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void put_key(sk_strbuf *out, const char *key, bool *first)
{
	if (!*first) {
		sk_strbuf_putc(out, ',');
	}
	*first = false;
	sk_strbuf_json_string(out, key, strlen(key));
	sk_strbuf_putc(out, ':');
}

/* Re-emits the formatter's output_fields object with its keys sorted, as
 * Falco's JSON library does; values keep their JSON types. */
static sk_err put_sorted_fields(const char *text, sk_strbuf *out)
{
	json_object *obj;
	const char **keys = NULL;
	size_t n = 0, i = 0;
	sk_err err = SK_OK;

	if (text == NULL || text[0] == '\0') {
		sk_strbuf_puts(out, "{}");
		return SK_OK;
	}
	obj = json_tokener_parse(text);
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return SK_EINVAL;
	}
	n = (size_t)json_object_object_length(obj);
	keys = calloc(n + 1, sizeof(*keys));
	if (keys == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	json_object_object_foreach(obj, key, val)
	{
		(void)val;
		if (i < n) {
			keys[i++] = key;
		}
	}
	qsort(keys, i, sizeof(*keys), cmp_str);
	sk_strbuf_putc(out, '{');
	for (size_t k = 0; k < i; k++) {
		json_object *v = json_object_object_get(obj, keys[k]);
		if (k > 0) {
			sk_strbuf_putc(out, ',');
		}
		sk_strbuf_json_string(out, keys[k], strlen(keys[k]));
		sk_strbuf_putc(out, ':');
		if (v != NULL && json_object_is_type(v, json_type_string)) {
			sk_strbuf_json_string(out, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		} else {
			sk_strbuf_puts(out, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
										JSON_C_TO_STRING_NOSLASHESCAPE));
		}
	}
	sk_strbuf_putc(out, '}');
cleanup:
	free(keys);
	json_object_put(obj);
	return err;
}

sk_err sk_alert_format_json(const sk_alert *a, const sk_output_config *cfg, sk_strbuf *out)
{
	bool first = true;
	sk_strbuf line = SK_STRBUF_INIT;
	const char *host = a->hostname != NULL ? a->hostname : "";
	sk_err err;

	sk_strbuf_putc(out, '{');
	put_key(out, "hostname", &first);
	sk_strbuf_json_string(out, host, strlen(host));
	if (cfg->json_include_message_property) {
		const char *msg = a->message != NULL ? a->message : "";
		put_key(out, "message", &first);
		sk_strbuf_json_string(out, msg, strlen(msg));
	}
	if (cfg->json_include_output_property) {
		sk_alert_format_text(a, cfg, &line);
		put_key(out, "output", &first);
		sk_strbuf_json_string(out, sk_strbuf_str(&line), line.len);
		sk_strbuf_free(&line);
	}
	if (cfg->json_include_output_fields_property) {
		put_key(out, "output_fields", &first);
		err = put_sorted_fields(a->output_fields, out);
		if (err != SK_OK) {
			return err;
		}
	}
	put_key(out, "priority", &first);
	sk_strbuf_json_string(out, a->priority, strlen(a->priority));
	put_key(out, "rule", &first);
	sk_strbuf_json_string(out, a->rule, strlen(a->rule));
	put_key(out, "source", &first);
	sk_strbuf_json_string(out, a->source != NULL ? a->source : "syscall",
			      strlen(a->source != NULL ? a->source : "syscall"));
	if (cfg->json_include_tags_property) {
		const char **sorted = calloc(a->ntags + 1, sizeof(*sorted));
		if (sorted == NULL) {
			return SK_ENOMEM;
		}
		if (a->ntags > 0) {
			memcpy(sorted, a->tags, a->ntags * sizeof(*sorted));
			qsort(sorted, a->ntags, sizeof(*sorted), cmp_str);
		}
		put_key(out, "tags", &first);
		sk_strbuf_putc(out, '[');
		for (size_t i = 0; i < a->ntags; i++) {
			if (i > 0) {
				sk_strbuf_putc(out, ',');
			}
			sk_strbuf_json_string(out, sorted[i], strlen(sorted[i]));
		}
		sk_strbuf_putc(out, ']');
		free(sorted);
	}
	put_key(out, "time", &first);
	sk_strbuf_putc(out, '"');
	put_time(a->ts, true, true, out);
	sk_strbuf_puts(out, "\"}");
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

/* ---- queue and worker --------------------------------------------------- */

typedef struct queued {
	char *line; /* what stdout/file/program/syslog write */
	size_t line_len;
	char *json; /* what http/nng send */
	size_t json_len;
	int severity; /* sk_output_item.severity */
} queued;

#define MAX_CHANNELS 6

struct sk_outputs {
	sk_output_config cfg; /* copies of the flags only (strings not owned) */
	sk_output_channel *ch[MAX_CHANNELS];
	size_t nch;
	queued *ring;
	size_t cap, head, count;
	bool stopping, busy;
	bool reopen; /* sk_outputs_reopen() asked, the worker has not yet */
	pthread_mutex_t mu;
	pthread_cond_t nonempty, idle;
	pthread_t worker;
	bool worker_started;
	sk_outputs_stats stats;
	/* output_timeout watch: when the channel emit_channel began delivering
	 * the current alert (CLOCK_MONOTONIC ns, 0 when it is not), and the
	 * start already reported (read and written by the checker only) */
	_Atomic uint64_t emit_since_ns;
	_Atomic size_t emit_channel;
	uint64_t reported_since_ns;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sends what the batching channels hold; called with the lock released. */
static void flush_channels(sk_outputs *o)
{
	for (size_t i = 0; i < o->nch; i++) {
		sk_output_channel *ch = o->ch[i];
		if (ch->ops->flush != NULL) {
			ch->ops->flush(ch);
		}
	}
}

static void reopen_channels(sk_outputs *o)
{
	for (size_t i = 0; i < o->nch; i++) {
		sk_output_channel *ch = o->ch[i];
		if (ch->ops->reopen != NULL) {
			ch->ops->reopen(ch);
		}
	}
}

static void emit_all(sk_outputs *o, const queued *q)
{
	for (size_t i = 0; i < o->nch; i++) {
		sk_output_channel *ch = o->ch[i];
		sk_output_item item = {q->line, q->line_len, q->json, q->json_len, q->severity};
		atomic_store_explicit(&o->emit_channel, i, memory_order_relaxed);
		atomic_store_explicit(&o->emit_since_ns, mono_ns(), memory_order_release);
		sk_err err = ch->ops->emit(ch, &item);
		atomic_store_explicit(&o->emit_since_ns, 0, memory_order_release);
		if (err == SK_OK) {
			ch->sent++;
		} else if (err != SK_EAGAIN) {
			ch->failed++;
		}
	}
}

static void *worker_main(void *arg)
{
	sk_outputs *o = arg;
	bool held = false; /* emitted since the last flush */

	pthread_mutex_lock(&o->mu);
	for (;;) {
		queued q;
		if (o->reopen) {
			/* between two alerts: every alert queued after the request
			 * goes to what is opened next */
			o->reopen = false;
			pthread_mutex_unlock(&o->mu);
			flush_channels(o);
			reopen_channels(o);
			pthread_mutex_lock(&o->mu);
			continue;
		}
		if (o->count == 0 && held) {
			/* Flush before sleeping: at a low rate every alert leaves at
			 * once, at a high rate the backlog forms the batches. */
			held = false;
			pthread_mutex_unlock(&o->mu);
			flush_channels(o);
			pthread_mutex_lock(&o->mu);
			continue;
		}
		if (o->count == 0) {
			if (o->stopping) {
				break;
			}
			o->busy = false;
			pthread_cond_broadcast(&o->idle);
			pthread_cond_wait(&o->nonempty, &o->mu);
			continue;
		}
		q = o->ring[o->head];
		o->head = (o->head + 1) % o->cap;
		o->count--;
		o->busy = true;
		pthread_mutex_unlock(&o->mu);
		emit_all(o, &q);
		held = true;
		free(q.line);
		free(q.json);
		pthread_mutex_lock(&o->mu);
	}
	o->busy = false;
	pthread_cond_broadcast(&o->idle);
	pthread_mutex_unlock(&o->mu);
	return NULL;
}

typedef sk_err (*open_fn)(const sk_output_config *cfg, sk_output_channel **out);

sk_err sk_outputs_open(const sk_output_config *cfg, sk_outputs **out)
{
	sk_outputs *o;
	struct {
		bool on;
		open_fn open;
	} wanted[MAX_CHANNELS] = {
		{cfg->stdout_enabled, sk_output_stdout_open}, {cfg->syslog_enabled, sk_output_syslog_open},
		{cfg->file_enabled, sk_output_file_open},     {cfg->program_enabled, sk_output_program_open},
		{cfg->http_enabled, sk_output_http_open},     {cfg->nng_enabled, sk_output_nng_open},
	};
	sk_err err = SK_OK;

	if (cfg == NULL || out == NULL) {
		return SK_EINVAL;
	}
	o = calloc(1, sizeof(*o));
	if (o == NULL) {
		return SK_ENOMEM;
	}
	o->cfg = *cfg;
	o->cap = cfg->queue_capacity != 0 ? cfg->queue_capacity : SK_OUTPUT_QUEUE_DEFAULT;
	o->ring = calloc(o->cap, sizeof(*o->ring));
	pthread_mutex_init(&o->mu, NULL);
	pthread_cond_init(&o->nonempty, NULL);
	pthread_cond_init(&o->idle, NULL);
	if (o->ring == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < MAX_CHANNELS; i++) {
		if (!wanted[i].on) {
			continue;
		}
		err = wanted[i].open(cfg, &o->ch[o->nch]);
		if (err != SK_OK) {
			goto cleanup;
		}
		o->nch++;
	}
	if (pthread_create(&o->worker, NULL, worker_main, o) != 0) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	o->worker_started = true;
	*out = o;
	return SK_OK;
cleanup:
	sk_outputs_close(o);
	return err;
}

/* Falco's priorities are syslog's severities, in the same order. */
static int severity_of(const char *priority)
{
	static const char *const names[] = {"emergency", "alert",	  "critical", "error",
					    "warning",	 "notice",	  "informational", "debug"};
	for (int i = 0; i < 8; i++) {
		if (strcasecmp(priority, names[i]) == 0) {
			return i;
		}
	}
	return strcasecmp(priority, "info") == 0 ? 6 : 5;
}

sk_err sk_outputs_submit(sk_outputs *o, const sk_alert *a)
{
	sk_strbuf json = SK_STRBUF_INIT, line = SK_STRBUF_INIT;
	queued q;
	sk_err err;

	if (o == NULL || a == NULL || a->rule == NULL || a->priority == NULL) {
		return SK_EINVAL;
	}
	err = sk_alert_format_json(a, &o->cfg, &json);
	if (err != SK_OK) {
		sk_strbuf_free(&json);
		return err;
	}
	if (!o->cfg.json_output) {
		sk_alert_format_text(a, &o->cfg, &line);
	}
	if (sk_strbuf_failed(&json) || sk_strbuf_failed(&line)) {
		sk_strbuf_free(&json);
		sk_strbuf_free(&line);
		return SK_ENOMEM;
	}
	q.json_len = json.len;
	q.json = json.data;
	q.severity = severity_of(a->priority);
	if (o->cfg.json_output) {
		q.line = strdup(sk_strbuf_str(&json));
		q.line_len = json.len;
	} else {
		q.line = line.data;
		q.line_len = line.len;
	}
	if (q.line == NULL || q.json == NULL) {
		free(q.json);
		free(q.line);
		return SK_ENOMEM;
	}
	pthread_mutex_lock(&o->mu);
	o->stats.alerts++;
	if (o->count == o->cap) {
		o->stats.queue_full++;
		pthread_mutex_unlock(&o->mu);
		free(q.json);
		free(q.line);
		return SK_EFULL;
	}
	o->ring[(o->head + o->count) % o->cap] = q;
	o->count++;
	o->busy = true;
	pthread_cond_signal(&o->nonempty);
	pthread_mutex_unlock(&o->mu);
	return SK_OK;
}

void sk_outputs_drain(sk_outputs *o)
{
	if (o == NULL || !o->worker_started) {
		return;
	}
	pthread_mutex_lock(&o->mu);
	while (o->count > 0 || o->busy) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&o->idle, &o->mu, &until);
		pthread_mutex_unlock(&o->mu);
		sk_outputs_check_timeout(o);
		pthread_mutex_lock(&o->mu);
	}
	pthread_mutex_unlock(&o->mu);
}

void sk_outputs_check_timeout(sk_outputs *o)
{
	if (o == NULL || o->cfg.timeout_ms == 0) {
		return;
	}
	size_t channel = atomic_load_explicit(&o->emit_channel, memory_order_relaxed);
	uint64_t since = atomic_load_explicit(&o->emit_since_ns, memory_order_acquire);
	if (since == 0 || since == o->reported_since_ns ||
	    mono_ns() - since < (uint64_t)o->cfg.timeout_ms * 1000000u ||
	    channel != atomic_load_explicit(&o->emit_channel, memory_order_relaxed) || channel >= o->nch) {
		return;
	}
	o->reported_since_ns = since;
	sk_warn("output_timeout: the %s output has been delivering one alert for more than %u ms; the alerts "
		"behind it wait in the queue",
		o->ch[channel]->ops->name, o->cfg.timeout_ms);
	pthread_mutex_lock(&o->mu);
	o->stats.timeouts++;
	pthread_mutex_unlock(&o->mu);
}

void sk_outputs_reopen(sk_outputs *o)
{
	if (o == NULL || !o->worker_started) {
		return;
	}
	pthread_mutex_lock(&o->mu);
	o->reopen = true;
	pthread_cond_signal(&o->nonempty);
	pthread_mutex_unlock(&o->mu);
}

void sk_outputs_stats_get(sk_outputs *o, sk_outputs_stats *out)
{
	pthread_mutex_lock(&o->mu);
	*out = o->stats;
	pthread_mutex_unlock(&o->mu);
	out->sent = out->failed = 0;
	for (size_t i = 0; i < o->nch; i++) {
		out->sent += o->ch[i]->sent;
		out->failed += o->ch[i]->failed;
	}
}

void sk_outputs_close(sk_outputs *o)
{
	sk_outputs_stats st;

	if (o == NULL) {
		return;
	}
	if (o->worker_started) {
		pthread_mutex_lock(&o->mu);
		o->stopping = true;
		pthread_cond_signal(&o->nonempty);
		pthread_mutex_unlock(&o->mu);
		pthread_join(o->worker, NULL);
		sk_outputs_stats_get(o, &st);
		if (st.queue_full > 0) {
			sk_warn("%llu alerts dropped: output queue full (outputs_queue.capacity %zu)",
				(unsigned long long)st.queue_full, o->cap);
		}
		if (st.failed > 0) {
			sk_warn("%llu alert deliveries failed", (unsigned long long)st.failed);
		}
	}
	for (size_t i = 0; i < o->nch; i++) {
		o->ch[i]->ops->close(o->ch[i]);
	}
	for (size_t i = 0; o->ring != NULL && i < o->count; i++) {
		queued *q = &o->ring[(o->head + i) % o->cap];
		free(q->line);
		free(q->json);
	}
	free(o->ring);
	pthread_mutex_destroy(&o->mu);
	pthread_cond_destroy(&o->nonempty);
	pthread_cond_destroy(&o->idle);
	free(o);
}
