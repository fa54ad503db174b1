#include "loki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct loki_label {
	char name[128];
	const char *value;
	char *owned; /* value copy when it had to be rewritten */
} loki_label;

/* Label names lose ".", "[" and "]" ("k8s.ns.name" -> "k8snsname"). */
static void loki_label_name(char *dst, size_t n, const char *field)
{
	size_t j = 0;

	for (size_t i = 0; field[i] != '\0' && j + 1 < n; i++) {
		if (field[i] != '.' && field[i] != '[' && field[i] != ']') {
			dst[j++] = field[i];
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

static void loki_stream(sk_strbuf *sb, const loki_config *cfg, const saker_alert *alert)
{
	loki_label labels[5 + LOKI_MAX_EXTRALABELS];
	size_t n = 0, nextra = cfg->extralabels != NULL ? cfg->extralabels->n : 0;
	sk_strbuf tags = SK_STRBUF_INIT;
	char ts[24];

	loki_add(labels, &n, "rule", alert->rule, NULL);
	loki_add(labels, &n, "source", alert->source, NULL);
	loki_add(labels, &n, "priority", alert->priority, NULL);
	for (size_t i = 0; i < nextra && i < LOKI_MAX_EXTRALABELS; i++) {
		const char *field = cfg->extralabels->items[i];
		const char *v = spl_alert_field(alert, field);
		char name[128];

		if (v == NULL) {
			continue;
		}
		loki_label_name(name, sizeof(name), field);
		/* Falcosidekick drops double quotes from label values. */
		if (strchr(v, '"') != NULL) {
			char *clean = loki_strip_quotes(v);

			sb->failed |= clean == NULL;
			loki_add(labels, &n, name, clean != NULL ? clean : "", clean);
		} else {
			loki_add(labels, &n, name, v, NULL);
		}
	}
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
