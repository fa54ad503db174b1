/* alertmanager.c: the payload (alertmanager.h). */
#include "alertmanager.h"

#include <ctype.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spl_fields.h"
#include "spl_util.h"

static const char *const prio_names[8] = {"Emergency", "Alert",  "Critical",	  "Error",
					  "Warning",   "Notice", "Informational", "Debug"};

void am_config_defaults(am_config *cfg)
{
	char why[64];
	memset(cfg, 0, sizeof(*cfg));
	cfg->drop_default = SAKER_PRIORITY_CRITICAL;
	(void)am_parse_thresholds(cfg, "10000:critical, 1000:critical, 100:critical, 10:warning, 1:warning", why,
				  sizeof(why));
}

bool am_parse_priority(const char *text, saker_priority *out)
{
	for (int i = 0; i < 8; i++) {
		if (strcasecmp(text, prio_names[i]) == 0) {
			*out = (saker_priority)i;
			return true;
		}
	}
	if (strcasecmp(text, "info") == 0) {
		*out = SAKER_PRIORITY_INFORMATIONAL;
		return true;
	}
	return false;
}

static int by_value_desc(const void *a, const void *b)
{
	int64_t x = ((const am_threshold *)a)->value, y = ((const am_threshold *)b)->value;
	return x < y ? 1 : x > y ? -1 : 0;
}

sk_err am_parse_thresholds(am_config *cfg, const char *text, char *why, size_t whylen)
{
	cfg->nthresholds = 0;
	const char *p = text;
	while (*p != '\0') {
		char item[128], name[64];
		size_t len = strcspn(p, ",");
		long long value = 0;
		int used = 0;
		snprintf(item, sizeof(item), "%.*s", (int)(len < sizeof(item) - 1 ? len : sizeof(item) - 1), p);
		p += len + (p[len] == ',');
		if (strspn(item, " \t") == strlen(item)) {
			continue;
		}
		if (sscanf(item, " %lld : %63[A-Za-z] %n", &value, name, &used) != 2 || item[used] != '\0' ||
		    cfg->nthresholds >= AM_MAX_THRESHOLDS ||
		    !am_parse_priority(name, &cfg->thresholds[cfg->nthresholds].priority)) {
			snprintf(why, whylen, "dropeventthresholds: '%s' is not COUNT:PRIORITY", item);
			return SK_EINVAL;
		}
		cfg->thresholds[cfg->nthresholds++].value = value;
	}
	qsort(cfg->thresholds, cfg->nthresholds, sizeof(cfg->thresholds[0]), by_value_desc);
	return SK_OK;
}

void am_safe_label(sk_strbuf *sb, const char *name)
{
	sk_strbuf tmp = SK_STRBUF_INIT;
	for (const char *c = name; *c != '\0'; c++) {
		sk_strbuf_putc(&tmp, isalnum((unsigned char)*c) || *c == '_' ? *c : '_');
	}
	/* "__" -> "_" in one left-to-right pass (Go's strings.ReplaceAll) */
	const char *s = sk_strbuf_str(&tmp);
	size_t n = tmp.len, start = sb->len;
	for (size_t i = 0; i < n;) {
		bool pair = i + 1 < n && s[i] == '_' && s[i + 1] == '_';
		sk_strbuf_putc(sb, s[i]);
		i += pair ? 2 : 1;
	}
	/* trim the underscores at both ends of what was appended */
	size_t end = sb->len;
	while (end > start && sb->data[end - 1] == '_') {
		end--;
	}
	size_t lead = 0;
	while (start + lead < end && sb->data[start + lead] == '_') {
		lead++;
	}
	if (sb->data != NULL && !sk_strbuf_failed(sb)) {
		if (lead > 0) {
			memmove(sb->data + start, sb->data + start + lead, end - start - lead);
		}
		sb->len = end - lead;
		sb->data[sb->len] = '\0';
	}
	sk_strbuf_free(&tmp);
}

/* name -> value pairs of one JSON map, the last value set for a name kept. */
typedef struct am_map {
	char **names, **values;
	size_t n, cap;
	bool failed;
} am_map;

static void map_set(am_map *m, const char *name, const char *value)
{
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->names[i], name) == 0) {
			char *v = strdup(value);
			m->failed |= v == NULL;
			if (v != NULL) {
				free(m->values[i]);
				m->values[i] = v;
			}
			return;
		}
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		char **nn = realloc(m->names, cap * sizeof(*nn));
		if (nn != NULL) {
			m->names = nn;
		}
		char **nv = realloc(m->values, cap * sizeof(*nv));
		if (nv != NULL) {
			m->values = nv;
		}
		if (nn == NULL || nv == NULL) {
			m->failed = true;
			return;
		}
		m->cap = cap;
	}
	m->names[m->n] = strdup(name);
	m->values[m->n] = strdup(value);
	m->failed |= m->names[m->n] == NULL || m->values[m->n] == NULL;
	m->n++;
}

static void map_free(am_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->names[i]);
		free(m->values[i]);
	}
	free(m->names);
	free(m->values);
}

/* Appends {"name":"value",...} sorted by name, as Go writes a map. */
static void map_json(sk_strbuf *sb, am_map *m)
{
	/* insertion sort: a few dozen labels at most */
	for (size_t i = 1; i < m->n; i++) {
		for (size_t j = i; j > 0 && strcmp(m->names[j - 1], m->names[j]) > 0; j--) {
			char *t = m->names[j];
			m->names[j] = m->names[j - 1];
			m->names[j - 1] = t;
			t = m->values[j];
			m->values[j] = m->values[j - 1];
			m->values[j - 1] = t;
		}
	}
	sk_strbuf_putc(sb, '{');
	for (size_t i = 0; i < m->n; i++) {
		sk_strbuf_puts(sb, i > 0 ? "," : "");
		spl_json_go_string(sb, m->names[i]);
		sk_strbuf_putc(sb, ':');
		spl_json_go_string(sb, m->values[i]);
	}
	sk_strbuf_putc(sb, '}');
}

/* A syscall-drop count (n_drops*): its label and how far it raises the
 * alert's priority, as Falcosidekick grades drops. */
static void drop_label(am_map *labels, const am_config *cfg, const char *name, const char *text,
		       saker_priority *prio)
{
	char *end = NULL;
	long long d = strtoll(text, &end, 10);
	char label[32];
	if (text[0] == '\0' || *end != '\0') {
		return; /* not a count: no label */
	}
	const am_threshold *hit = NULL;
	for (size_t i = 0; d != 0 && i < cfg->nthresholds && hit == NULL; i++) {
		hit = d > cfg->thresholds[i].value ? &cfg->thresholds[i] : NULL;
	}
	saker_priority floor = d == 0 ? SAKER_PRIORITY_WARNING : hit != NULL ? hit->priority : cfg->drop_default;
	if (d == 0) {
		snprintf(label, sizeof(label), "0");
	} else if (hit != NULL) {
		snprintf(label, sizeof(label), ">%lld", (long long)hit->value);
	} else {
		snprintf(label, sizeof(label), "%s", text);
	}
	*prio = *prio > floor ? floor : *prio; /* lower number: more severe */
	map_set(labels, name, label);
}

/* The output fields from the alert's JSON, typed: strings and numbers
 * become labels, other types are left out (as Falcosidekick does). */
static void field_labels(am_map *labels, const am_config *cfg, const saker_alert *alert, saker_priority *prio)
{
	json_object *root = NULL, *fields = spl_output_fields(alert, &root);
	sk_strbuf safe = SK_STRBUF_INIT;
	if (fields == NULL) {
		json_object_put(root);
		return;
	}
	json_object_object_foreach(fields, key, val)
	{
		json_type t = json_object_get_type(val);
		bool text = t == json_type_string, number = t == json_type_int || t == json_type_double;
		if (strncmp(key, "n_evts", 6) == 0) {
			continue;
		}
		if (strncmp(key, "n_drop", 6) == 0) {
			if (text || number) {
				drop_label(labels, cfg, key, json_object_get_string(val), prio);
			}
			continue;
		}
		if (!text && !number) {
			continue;
		}
		sk_strbuf_reset(&safe);
		am_safe_label(&safe, key);
		map_set(labels, sk_strbuf_str(&safe), json_object_get_string(val));
	}
	sk_strbuf_free(&safe);
	json_object_put(root);
}

sk_err am_payload(sk_strbuf *sb, const am_config *cfg, const saker_alert *alert)
{
	am_map labels = {0}, annotations = {0};
	saker_priority prio = alert->priority_num <= SAKER_PRIORITY_DEBUG ? alert->priority_num : SAKER_PRIORITY_DEBUG;
	static const char *const severities[8] = {"critical", "critical", "critical",	 "warning",
						  "warning",  "information", "information", "information"};

	field_labels(&labels, cfg, alert, &prio);
	map_set(&labels, "source", "falco");
	map_set(&labels, "rule", alert->rule);
	map_set(&labels, "eventsource", alert->source);
	if (alert->hostname[0] != '\0') {
		map_set(&labels, "hostname", alert->hostname);
	}
	if (alert->ntags > 0) {
		sk_strbuf tags = SK_STRBUF_INIT;
		spl_join_tags(&tags, alert, ",");
		map_set(&labels, "tags", sk_strbuf_str(&tags));
		sk_strbuf_free(&tags);
	}
	map_set(&labels, "priority", prio_names[prio]);
	map_set(&labels, "severity", cfg->severity[prio] != NULL ? cfg->severity[prio] : severities[prio]);
	map_set(&annotations, "info", alert->output);
	map_set(&annotations, "description", alert->output);
	map_set(&annotations, "summary", alert->rule);
	for (size_t i = 0; i < cfg->nlabels; i++) {
		map_set(&labels, cfg->labels[i].name, cfg->labels[i].value);
	}
	for (size_t i = 0; i < cfg->nannotations; i++) {
		map_set(&annotations, cfg->annotations[i].name, cfg->annotations[i].value);
	}
	sk_strbuf_puts(sb, "[{\"labels\":");
	map_json(sb, &labels);
	sk_strbuf_puts(sb, ",\"annotations\":");
	map_json(sb, &annotations);
	sk_strbuf_puts(sb, ",\"endsAt\":\"");
	if (cfg->expires_after_s != 0) {
		spl_go_rfc3339(sb, alert->time_ns + cfg->expires_after_s * 1000000000, true);
	} else {
		sk_strbuf_puts(sb, "0001-01-01T00:00:00Z"); /* Go's zero time: no end */
	}
	sk_strbuf_puts(sb, "\"}]");
	sk_err err = labels.failed || annotations.failed || sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
	map_free(&labels);
	map_free(&annotations);
	return err;
}
