#include "metrics.h"

#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SKM_BASE_LABELS 7
#define SKM_SEP '\x1f' /* joins label values in a series key */
#define SKM_KEY_MAX ((SKM_BASE_LABELS + SKM_MAX_EXTRA_LABELS) * (SKM_MAX_LABEL + 1))

static const char *const skm_base_labels[SKM_BASE_LABELS] = {
	"hostname", "rule", "priority", "priority_raw", "source", "k8s_ns_name", "k8s_pod_name",
};

struct skm_series {
	char *key; /* label values joined by SKM_SEP; NULL: free slot */
	uint64_t count;
};

struct skm_label {
	char *name;
	skm_label_kind kind;
	char *value; /* the constant, or the field name */
};

struct skm_registry {
	_Atomic uint64_t inputs[SKM_SOURCE_COUNT][2];
	pthread_mutex_t mu;
	struct skm_series *series;
	size_t nslots; /* power of two, 2x max */
	size_t nseries;
	size_t max_series;
	uint64_t overflow;
	struct skm_label extra[SKM_MAX_EXTRA_LABELS];
	size_t nextra;
	skm_output *outputs[SKM_MAX_OUTPUTS];
	size_t noutputs;
};

sk_err skm_new(size_t max_series, skm_registry **out)
{
	skm_registry *m = calloc(1, sizeof(*m));
	*out = NULL;
	if (m == NULL) {
		return SK_ENOMEM;
	}
	m->max_series = max_series != 0 ? max_series : 1;
	m->nslots = 16;
	while (m->nslots < m->max_series * 2) {
		m->nslots *= 2;
	}
	m->series = calloc(m->nslots, sizeof(*m->series));
	if (m->series == NULL) {
		free(m);
		return SK_ENOMEM;
	}
	pthread_mutex_init(&m->mu, NULL);
	*out = m;
	return SK_OK;
}

void skm_free(skm_registry *m)
{
	if (m == NULL) {
		return;
	}
	for (size_t i = 0; i < m->nslots; i++) {
		free(m->series[i].key);
	}
	for (size_t i = 0; i < m->nextra; i++) {
		free(m->extra[i].name);
		free(m->extra[i].value);
	}
	free(m->series);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static bool skm_label_taken(const skm_registry *m, const char *name)
{
	for (size_t i = 0; i < SKM_BASE_LABELS; i++) {
		if (strcmp(skm_base_labels[i], name) == 0) {
			return true;
		}
	}
	for (size_t i = 0; i < m->nextra; i++) {
		if (strcmp(m->extra[i].name, name) == 0) {
			return true;
		}
	}
	return false;
}

/* Prometheus label names are [a-zA-Z_][a-zA-Z0-9_]*. */
static char *skm_sanitize(const char *key)
{
	size_t n = strlen(key);
	bool digit = key[0] >= '0' && key[0] <= '9';
	char *name = malloc(n + 2);
	char *p = name;

	if (name == NULL) {
		return NULL;
	}
	if (digit) {
		*p++ = '_';
	}
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
		*p++ = ok ? c : '_';
	}
	*p = '\0';
	return name;
}

sk_err skm_add_label(skm_registry *m, const char *key, skm_label_kind kind, const char *value, char *err,
		     size_t errlen)
{
	struct skm_label l = {.kind = kind};
	sk_err e = SK_OK;

	if (m->nextra >= SKM_MAX_EXTRA_LABELS) {
		snprintf(err, errlen, "\"%s\": more than %d extra labels", key, SKM_MAX_EXTRA_LABELS);
		return SK_EFULL;
	}
	l.name = skm_sanitize(key);
	l.value = strdup(value != NULL ? value : key);
	if (l.name == NULL || l.value == NULL) {
		snprintf(err, errlen, "out of memory");
		e = SK_ENOMEM;
		goto cleanup;
	}
	if (l.name[0] == '\0' || strncmp(l.name, "__", 2) == 0) {
		snprintf(err, errlen, "\"%s\": label name \"%s\" is empty or reserved", key, l.name);
		e = SK_EINVAL;
		goto cleanup;
	}
	if (skm_label_taken(m, l.name)) {
		snprintf(err, errlen, "\"%s\": label \"%s\" is already used", key, l.name);
		e = SK_EINVAL;
		goto cleanup;
	}
	m->extra[m->nextra++] = l;
	return SK_OK;
cleanup:
	free(l.name);
	free(l.value);
	return e;
}

void skm_input(skm_registry *m, skm_source src, bool accepted)
{
	atomic_fetch_add(&m->inputs[src][accepted ? 0 : 1], 1);
}

static uint64_t skm_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	}
	return h;
}

/* Appends one label value to the key: cut to SKM_MAX_LABEL bytes at a
 * UTF-8 boundary, SKM_SEP bytes inside it replaced so the split stays
 * right. Returns the new length. */
static size_t skm_key_part(char *key, size_t len, const char *v, bool last)
{
	size_t n = 0;
	while (v != NULL && n < SKM_MAX_LABEL && v[n] != '\0') {
		n++;
	}
	if (n == SKM_MAX_LABEL && v[n] != '\0') {
		while (n > 0 && ((uint8_t)v[n] & 0xc0) == 0x80) {
			n--; /* v[n] continues a character: cut before it */
		}
	}
	for (size_t i = 0; i < n; i++) {
		key[len + i] = v[i] == SKM_SEP ? ' ' : v[i];
	}
	len += n;
	if (!last) {
		key[len++] = SKM_SEP;
	}
	key[len] = '\0';
	return len;
}

void skm_event(skm_registry *m, const ska_alert *a)
{
	char raw[16];
	char key[SKM_KEY_MAX + 1];
	const char *pname = ska_priority_name(a->view.priority_num);
	const char *host = a->view.hostname != NULL && a->view.hostname[0] != '\0' ? a->view.hostname : "unknown";
	size_t i, len = 0;

	for (i = 0; pname[i] != '\0' && i < sizeof(raw) - 1; i++) {
		raw[i] = (char)(pname[i] | 0x20);
	}
	raw[i] = '\0';
	len = skm_key_part(key, len, host, false);
	len = skm_key_part(key, len, a->view.rule, false);
	len = skm_key_part(key, len, pname, false);
	len = skm_key_part(key, len, raw, false);
	len = skm_key_part(key, len, a->view.source, false);
	len = skm_key_part(key, len, ska_field(a, "k8s.ns.name"), false);
	len = skm_key_part(key, len, ska_field(a, "k8s.pod.name"), m->nextra == 0);
	for (i = 0; i < m->nextra; i++) {
		const struct skm_label *l = &m->extra[i];
		len = skm_key_part(key, len, l->kind == SKM_LABEL_CONST ? l->value : ska_field(a, l->value),
				   i + 1 == m->nextra);
	}
	uint64_t h = skm_hash(key, len);
	pthread_mutex_lock(&m->mu);
	for (size_t probe = 0; probe < m->nslots; probe++) {
		struct skm_series *s = &m->series[(h + probe) & (m->nslots - 1)];
		if (s->key == NULL) {
			/* A new series: copied only now, so counting an existing one
			 * allocates nothing. */
			s->key = m->nseries < m->max_series ? strdup(key) : NULL;
			if (s->key == NULL) {
				m->overflow++;
				break;
			}
			s->count = 1;
			m->nseries++;
			break;
		}
		if (strcmp(s->key, key) == 0) {
			s->count++;
			break;
		}
	}
	pthread_mutex_unlock(&m->mu);
}

sk_err skm_add_output(skm_registry *m, skm_output *o)
{
	if (m->noutputs >= SKM_MAX_OUTPUTS) {
		return SK_EFULL;
	}
	m->outputs[m->noutputs++] = o;
	return SK_OK;
}

/* Appends a label value with Prometheus escaping. */
static void skm_escape(sk_strbuf *out, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\\' || v[i] == '"') {
			sk_strbuf_putc(out, '\\');
			sk_strbuf_putc(out, v[i]);
		} else if (v[i] == '\n') {
			sk_strbuf_puts(out, "\\n");
		} else {
			sk_strbuf_putc(out, v[i]);
		}
	}
}

static void skm_header(sk_strbuf *out, const char *name, const char *type, const char *help)
{
	sk_strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void skm_render_label(const skm_registry *m, sk_strbuf *out, size_t l, const char *v, size_t n)
{
	sk_strbuf_printf(out, "%s%s=\"", l > 0 ? "," : "",
			 l < SKM_BASE_LABELS ? skm_base_labels[l] : m->extra[l - SKM_BASE_LABELS].name);
	skm_escape(out, v, n);
	sk_strbuf_putc(out, '"');
}

static void skm_render_events(skm_registry *m, sk_strbuf *out)
{
	const char *name = "falcosecurity_falcosidekick_falco_events_total";
	size_t nlabels = SKM_BASE_LABELS + m->nextra;

	skm_header(out, name, "counter", "Falco alerts accepted, by rule, priority and origin.");
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nslots; i++) {
		const char *p = m->series[i].key;
		if (p == NULL) {
			continue;
		}
		sk_strbuf_printf(out, "%s{", name);
		for (size_t l = 0; l < nlabels; l++) {
			const char *end = strchr(p, SKM_SEP);
			size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
			skm_render_label(m, out, l, p, n);
			p += n + (end != NULL ? 1 : 0);
		}
		sk_strbuf_printf(out, "} %" PRIu64 "\n", m->series[i].count);
	}
	if (m->overflow > 0) {
		sk_strbuf_printf(out, "%s{", name);
		for (size_t l = 0; l < nlabels; l++) {
			const struct skm_label *x = l >= SKM_BASE_LABELS ? &m->extra[l - SKM_BASE_LABELS] : NULL;
			const char *v = l == 1 ? "_other_" : (x != NULL && x->kind == SKM_LABEL_CONST ? x->value : "");
			char cut[SKM_MAX_LABEL + 2];
			size_t n = skm_key_part(cut, 0, v, true);
			skm_render_label(m, out, l, cut, n);
		}
		sk_strbuf_printf(out, "} %" PRIu64 "\n", m->overflow);
	}
	pthread_mutex_unlock(&m->mu);
}

/* One counter family with a destination label and one value per output. */
static void skm_render_per_output(skm_registry *m, sk_strbuf *out, const char *name, const char *type,
				  const char *help, size_t field_offset)
{
	skm_header(out, name, type, help);
	for (size_t i = 0; i < m->noutputs; i++) {
		const _Atomic uint64_t *v = (const _Atomic uint64_t *)((const char *)m->outputs[i] + field_offset);
		sk_strbuf_printf(out, "%s{destination=\"", name);
		skm_escape(out, m->outputs[i]->destination, strlen(m->outputs[i]->destination));
		sk_strbuf_printf(out, "\"} %" PRIu64 "\n", atomic_load(v));
	}
}

void skm_render(skm_registry *m, sal_log *log, sk_strbuf *out)
{
	static const char *const sources[SKM_SOURCE_COUNT] = {"requests", "nng"};
	const char *name = "falcosecurity_falcosidekick_inputs_total";
	sal_stats st = {0};

	if (log != NULL) {
		sal_get_stats(log, &st);
	}
	skm_header(out, name, "counter", "Alerts received, by input and whether they were accepted.");
	for (int s = 0; s < SKM_SOURCE_COUNT; s++) {
		sk_strbuf_printf(out, "%s{source=\"%s\",status=\"accepted\"} %" PRIu64 "\n", name, sources[s],
				 atomic_load(&m->inputs[s][0]));
		sk_strbuf_printf(out, "%s{source=\"%s\",status=\"rejected\"} %" PRIu64 "\n", name, sources[s],
				 atomic_load(&m->inputs[s][1]));
	}
	name = "falcosecurity_falcosidekick_outputs_total";
	skm_header(out, name, "counter", "Delivery attempts per output: ok per alert delivered, error per failure.");
	for (size_t i = 0; i < m->noutputs; i++) {
		for (int ok = 1; ok >= 0; ok--) {
			sk_strbuf_printf(out, "%s{destination=\"", name);
			skm_escape(out, m->outputs[i]->destination, strlen(m->outputs[i]->destination));
			sk_strbuf_printf(out, "\",status=\"%s\"} %" PRIu64 "\n", ok ? "ok" : "error",
					 atomic_load(ok ? &m->outputs[i]->ok : &m->outputs[i]->error));
		}
	}
	skm_render_events(m, out);
	skm_render_per_output(m, out, "saker_sidekick_retries_total", "counter",
			      "Retries scheduled after transient delivery failures.", offsetof(skm_output, retries));
	skm_render_per_output(m, out, "saker_sidekick_filtered_total", "counter",
			      "Alerts skipped by the output's priority or routing filters.",
			      offsetof(skm_output, filtered));
	skm_render_per_output(m, out, "saker_sidekick_failed_total", "counter",
			      "Alerts given up on: permanent error or retry attempts exhausted.",
			      offsetof(skm_output, failed));
	skm_render_per_output(m, out, "saker_sidekick_lost_total", "counter",
			      "Alerts deleted by the spool size/age bound before this output delivered them.",
			      offsetof(skm_output, lost));
	name = "saker_sidekick_queue_depth";
	skm_header(out, name, "gauge", "Alerts in the spool not yet handled by the output.");
	for (size_t i = 0; i < m->noutputs; i++) {
		uint64_t pos = m->outputs[i]->cursor != NULL ? sal_cursor_get(m->outputs[i]->cursor) : st.next_seq;
		sk_strbuf_printf(out, "%s{destination=\"", name);
		skm_escape(out, m->outputs[i]->destination, strlen(m->outputs[i]->destination));
		sk_strbuf_printf(out, "\"} %" PRIu64 "\n", st.next_seq > pos ? st.next_seq - pos : 0);
	}
	skm_header(out, "saker_sidekick_spool_bytes", "gauge", "Disk used by the alert log.");
	sk_strbuf_printf(out, "saker_sidekick_spool_bytes %" PRIu64 "\n", st.bytes);
	skm_header(out, "saker_sidekick_spool_segments", "gauge", "Segment files in the alert log.");
	sk_strbuf_printf(out, "saker_sidekick_spool_segments %zu\n", st.segments);
}
