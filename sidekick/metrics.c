#include "metrics.h"

#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SKM_LABELS 7
#define SKM_MAX_LABEL 200 /* label values are cut to this many bytes */

struct skm_series {
	char *key; /* label values joined by '\x1f'; NULL: free slot */
	uint64_t count;
};

struct skm_registry {
	_Atomic uint64_t inputs[SKM_SOURCE_COUNT][2];
	pthread_mutex_t mu;
	struct skm_series *series;
	size_t nslots; /* power of two, 2x max */
	size_t nseries;
	size_t max_series;
	uint64_t overflow;
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
	free(m->series);
	pthread_mutex_destroy(&m->mu);
	free(m);
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

static void skm_key_part(sk_strbuf *key, const char *v, bool last)
{
	size_t n = 0;
	while (v != NULL && n < SKM_MAX_LABEL && v[n] != '\0') {
		n++;
	}
	sk_strbuf_append(key, v != NULL ? v : "", n);
	if (!last) {
		sk_strbuf_putc(key, '\x1f');
	}
}

void skm_event(skm_registry *m, const ska_alert *a)
{
	char raw[16];
	sk_strbuf key = SK_STRBUF_INIT;
	const char *pname = ska_priority_name(a->view.priority_num);
	size_t i;

	for (i = 0; pname[i] != '\0' && i < sizeof(raw) - 1; i++) {
		raw[i] = (char)(pname[i] | 0x20);
	}
	raw[i] = '\0';
	skm_key_part(&key, a->view.hostname, false);
	skm_key_part(&key, a->view.rule, false);
	skm_key_part(&key, pname, false);
	skm_key_part(&key, raw, false);
	skm_key_part(&key, a->view.source, false);
	skm_key_part(&key, ska_field(a, "k8s.ns.name"), false);
	skm_key_part(&key, ska_field(a, "k8s.pod.name"), true);
	if (sk_strbuf_failed(&key)) {
		sk_strbuf_free(&key);
		return;
	}
	uint64_t h = skm_hash(key.data, key.len);
	pthread_mutex_lock(&m->mu);
	for (size_t probe = 0; probe < m->nslots; probe++) {
		struct skm_series *s = &m->series[(h + probe) & (m->nslots - 1)];
		if (s->key == NULL) {
			if (m->nseries >= m->max_series) {
				m->overflow++;
				break;
			}
			s->key = key.data;
			key.data = NULL;
			s->count = 1;
			m->nseries++;
			break;
		}
		if (strcmp(s->key, key.data) == 0) {
			s->count++;
			break;
		}
	}
	pthread_mutex_unlock(&m->mu);
	sk_strbuf_free(&key);
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

static void skm_render_events(skm_registry *m, sk_strbuf *out)
{
	static const char *const labels[SKM_LABELS] = {
		"hostname", "rule", "priority", "priority_raw", "source", "k8s_ns_name", "k8s_pod_name",
	};
	const char *name = "falcosecurity_falcosidekick_falco_events_total";

	skm_header(out, name, "counter", "Falco alerts accepted, by rule, priority and origin.");
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nslots; i++) {
		const char *p = m->series[i].key;
		if (p == NULL) {
			continue;
		}
		sk_strbuf_printf(out, "%s{", name);
		for (int l = 0; l < SKM_LABELS; l++) {
			const char *end = strchr(p, '\x1f');
			size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
			sk_strbuf_printf(out, "%s%s=\"", l > 0 ? "," : "", labels[l]);
			skm_escape(out, p, n);
			sk_strbuf_putc(out, '"');
			p += n + (end != NULL ? 1 : 0);
		}
		sk_strbuf_printf(out, "} %" PRIu64 "\n", m->series[i].count);
	}
	if (m->overflow > 0) {
		sk_strbuf_printf(out,
				 "%s{hostname=\"\",rule=\"_other_\",priority=\"\",priority_raw=\"\",source=\"\","
				 "k8s_ns_name=\"\",k8s_pod_name=\"\"} %" PRIu64 "\n",
				 name, m->overflow);
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
