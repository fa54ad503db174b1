#include "loki.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct loki_label {
	char name[128];
	const char *value;
	char *owned; /* value copy when it had to be rewritten */
} loki_label;

/* Label names: "." becomes "_", "[" and "]" go ("k8s.ns.name" ->
 * "k8s_ns_name"), as in Falcosidekick 2.32. */
static void loki_label_name(char *dst, size_t n, const char *field)
{
	size_t j = 0;

	for (size_t i = 0; field[i] != '\0' && j + 1 < n; i++) {
		if (field[i] != '[' && field[i] != ']') {
			dst[j++] = field[i] == '.' ? '_' : field[i];
		}
	}
	dst[j] = '\0';
}

/* Sets label name to value; owned (may be NULL) is freed with the label. */
static void loki_add(loki_label *labels, size_t *n, const char *name, const char *value, char *owned)
{
	/* A later label of the same name wins, as in a Go map. */
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(labels[i].name, name) == 0) {
			free(labels[i].owned);
			labels[i].value = value;
			labels[i].owned = owned;
			return;
		}
	}
	snprintf(labels[*n].name, sizeof(labels[*n].name), "%s", name);
	labels[*n].value = value;
	labels[*n].owned = owned;
	(*n)++;
}

static int loki_label_cmp(const void *a, const void *b)
{
	return strcmp(((const loki_label *)a)->name, ((const loki_label *)b)->name);
}

static char *loki_strip_quotes(const char *v)
{
	size_t len = strlen(v), j = 0;
	char *out = malloc(len + 1);

	if (out == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if (v[i] != '"') {
			out[j++] = v[i];
		}
	}
	out[j] = '\0';
	return out;
}

static size_t loki_count(const spl_strlist *list)
{
	return list != NULL ? list->n : 0;
}

/* Labels output field `field` (when present) under its renamed key. */
static void loki_add_field(loki_label *labels, size_t *n, sk_strbuf *sb, const saker_alert *alert,
			   const char *field)
{
	const char *v = spl_alert_field(alert, field);
	char name[128];

	/* "<NA>" is how the sidekick renders a JSON null, which Falcosidekick
	 * never turns into a label. */
	if (v == NULL || strcmp(v, "<NA>") == 0) {
		return;
	}
	loki_label_name(name, sizeof(name), field);
	/* Falcosidekick drops double quotes from label values. */
	if (strchr(v, '"') != NULL) {
		char *clean = loki_strip_quotes(v);

		sb->failed |= clean == NULL;
		loki_add(labels, n, name, clean != NULL ? clean : "", clean);
	} else {
		loki_add(labels, n, name, v, NULL);
	}
}

static void loki_add_fields(loki_label *labels, size_t *n, sk_strbuf *sb, const saker_alert *alert,
			    const spl_strlist *fields, size_t max)
{
	for (size_t i = 0; i < loki_count(fields) && i < max; i++) {
		loki_add_field(labels, n, sb, alert, fields->items[i]);
	}
}

static void loki_stream(sk_strbuf *sb, const loki_config *cfg, const saker_alert *alert)
{
	size_t cap = 7 + LOKI_MAX_EXTRALABELS + loki_count(cfg->customfields) + loki_count(cfg->templatedfields);
	loki_label *labels = calloc(cap, sizeof(*labels));
	size_t n = 0;
	sk_strbuf tags = SK_STRBUF_INIT;
	char ts[24];

	if (labels == NULL) {
		sb->failed = true;
		return;
	}
	loki_add(labels, &n, "rule", alert->rule, NULL);
	loki_add(labels, &n, "source", alert->source, NULL);
	loki_add(labels, &n, "priority", alert->priority, NULL);
	loki_add_field(labels, &n, sb, alert, "k8s.ns.name");
	loki_add_field(labels, &n, sb, alert, "k8s.pod.name");
	loki_add_fields(labels, &n, sb, alert, cfg->customfields, SIZE_MAX);
	loki_add_fields(labels, &n, sb, alert, cfg->templatedfields, SIZE_MAX);
	loki_add_fields(labels, &n, sb, alert, cfg->extralabels, LOKI_MAX_EXTRALABELS);
	if (*alert->hostname != '\0') {
		loki_add(labels, &n, "hostname", alert->hostname, NULL);
	}
	if (alert->ntags > 0) {
		spl_join_tags(&tags, alert, ",");
		sb->failed |= sk_strbuf_failed(&tags);
		loki_add(labels, &n, "tags", sk_strbuf_str(&tags), NULL);
	}
	qsort(labels, n, sizeof(labels[0]), loki_label_cmp);
	sk_strbuf_puts(sb, "{\"stream\":{");
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			sk_strbuf_putc(sb, ',');
		}
		spl_json_go_string(sb, labels[i].name);
		sk_strbuf_putc(sb, ':');
		spl_json_go_string(sb, labels[i].value);
		free(labels[i].owned);
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)alert->time_ns);
	sk_strbuf_puts(sb, "},\"values\":[[\"");
	sk_strbuf_puts(sb, ts);
	sk_strbuf_puts(sb, "\",");
	if (cfg->json_format) {
		spl_json_go_stringn(sb, alert->json, alert->json_len);
	} else {
		spl_json_go_string(sb, alert->output);
	}
	sk_strbuf_puts(sb, "]]}");
	sk_strbuf_free(&tags);
	free(labels);
}

void loki_payload(sk_strbuf *sb, const loki_config *cfg, const saker_alert *const *alerts, size_t n)
{
	sk_strbuf_puts(sb, "{\"streams\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			sk_strbuf_putc(sb, ',');
		}
		loki_stream(sb, cfg, alerts[i]);
	}
	sk_strbuf_puts(sb, "]}");
}
