/* otlp_metrics: the cumulative counter behind otlp.metrics (otlp.h). */
#include <stdlib.h>
#include <string.h>

#include "otlp.h"
#include "spl_util.h"

#define OTLP_METRIC_NAME "falcosecurity_falco_rules_matches_total"
#define OTLP_METER_NAME "falcosecurity.falco.otlpmetrics.meter"
/* every series at least this often by default (OpenTelemetry SDKs' export
 * interval); in between, a request carries the series its alerts changed */
#define OTLP_FULL_EVERY_NS (60ll * 1000000000ll)
/* the OpenTelemetry specification's attribute for a series past the limit */
#define OTLP_OVERFLOW_ATTRS "[{\"key\":\"otel.metric.overflow\",\"value\":{\"boolValue\":true}}]"

typedef struct otlp_kv {
	const char *key;
	const char *value; /* NULL: the tags array */
	size_t order;
} otlp_kv;

typedef struct otlp_series {
	char *attrs;      /* the attribute set as OTLP/JSON, which is also its key */
	uint64_t total;   /* alerts counted in exports the collector took */
	uint64_t pending; /* alerts of the request being sent */
} otlp_series;

struct otlp_counter {
	otlp_series *series; /* in creation order: the export's order */
	size_t nseries, max_series;
	uint32_t *slots; /* open addressing on the attribute text: index + 1, 0 empty */
	size_t nslots;
	char **extra_names; /* extraattributes, sanitized, with the field each reads */
	char **extra_fields;
	size_t nextra;
	char **custom_names; /* customfields keys, sanitized, with the field each reads */
	char **custom_fields;
	size_t ncustom;
	struct otlp_kv *kv; /* scratch: one alert's attributes */
	int64_t start_ns;
	int64_t last_full_ns; /* when a request with every series was taken */
	int64_t full_every_ns; /* the export interval */
	int64_t pending_full_ns; /* the request being sent has every series: its time, else 0 */
};

bool otlp_attr_name_ok(const char *name)
{
	if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9')) {
		return false;
	}
	for (const char *p = name; *p != '\0'; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
			  c == ':' || c == '.';
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* name with dots as underscores, or NULL when it is then not a valid
 * attribute name or memory ran out. */
static char *otlp_attr_name(const char *name)
{
	if (!otlp_attr_name_ok(name)) {
		return NULL;
	}
	char *s = strdup(name);
	for (char *p = s; p != NULL && *p != '\0'; p++) {
		if (*p == '.') {
			*p = '_';
		}
	}
	return s;
}

static sk_err otlp_names(char *const *in, size_t n, char ***names, char ***fields, size_t *count,
			 const char **rejected)
{
	*names = calloc(n + 1, sizeof(**names));
	*fields = calloc(n + 1, sizeof(**fields));
	if (*names == NULL || *fields == NULL) {
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char *name = otlp_attr_name(in[i]);
		if (name == NULL) {
			*rejected = in[i];
			return SK_EINVAL;
		}
		(*names)[*count] = name;
		(*fields)[*count] = strdup(in[i]);
		(*count)++;
		if ((*fields)[*count - 1] == NULL) {
			return SK_ENOMEM;
		}
	}
	return SK_OK;
}

sk_err otlp_counter_new(char *const *customfields, size_t ncustom, char *const *extra, size_t nextra,
			size_t max_series, int64_t start_ns, otlp_counter **out, const char **rejected)
{
	otlp_counter *c = calloc(1, sizeof(*c));
	sk_err err = SK_ENOMEM;

	*out = NULL;
	*rejected = NULL;
	if (c == NULL) {
		return SK_ENOMEM;
	}
	c->max_series = max_series;
	c->start_ns = start_ns;
	c->full_every_ns = OTLP_FULL_EVERY_NS;
	c->nslots = 16;
	while (c->nslots < 2 * (max_series + 1)) {
		c->nslots *= 2;
	}
	c->slots = calloc(c->nslots, sizeof(*c->slots));
	/* one more than the limit: the overflow series */
	c->series = calloc(max_series + 1, sizeof(*c->series));
	if (c->slots == NULL || c->series == NULL) {
		goto cleanup;
	}
	err = otlp_names(customfields, ncustom, &c->custom_names, &c->custom_fields, &c->ncustom, rejected);
	if (err == SK_OK) {
		err = otlp_names(extra, nextra, &c->extra_names, &c->extra_fields, &c->nextra, rejected);
	}
	if (err == SK_OK) {
		c->kv = calloc(5 + c->ncustom + c->nextra, sizeof(*c->kv));
		err = c->kv != NULL ? SK_OK : SK_ENOMEM;
	}
	if (err == SK_OK) {
		*out = c;
		c = NULL;
	}
cleanup:
	otlp_counter_free(c);
	return err;
}

void otlp_counter_free(otlp_counter *c)
{
	if (c == NULL) {
		return;
	}
	for (size_t i = 0; i < c->nseries; i++) {
		free(c->series[i].attrs);
	}
	for (size_t i = 0; i < c->ncustom; i++) {
		free(c->custom_names[i]);
		free(c->custom_fields[i]);
	}
	for (size_t i = 0; i < c->nextra; i++) {
		free(c->extra_names[i]);
		free(c->extra_fields[i]);
	}
	free(c->custom_names);
	free(c->custom_fields);
	free(c->extra_names);
	free(c->extra_fields);
	free(c->kv);
	free(c->series);
	free(c->slots);
	free(c);
}

/* By key, as OpenTelemetry's SDKs keep an attribute set; of equal keys
 * the one given last wins, so it sorts first and the rest are skipped. */
static int otlp_kv_cmp(const void *a, const void *b)
{
	const otlp_kv *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c != 0) {
		return c;
	}
	return x->order < y->order ? 1 : -1;
}

static const char *otlp_field_text(const saker_alert *a, const char *name)
{
	const char *v = spl_alert_field(a, name);
	return v != NULL && strcmp(v, "<NA>") != 0 ? v : "";
}

static void otlp_kv_add(otlp_kv *kv, size_t *n, const char *key, const char *value)
{
	kv[*n].key = key;
	kv[*n].value = value;
	kv[*n].order = *n;
	(*n)++;
}

/* The alert's attribute set as OTLP/JSON into b. */
static void otlp_alert_attrs(sk_strbuf *b, const otlp_counter *c, const saker_alert *a)
{
	otlp_kv *kv = c->kv;
	size_t n = 0;

	otlp_kv_add(kv, &n, "source", a->source);
	otlp_kv_add(kv, &n, "priority", a->priority);
	otlp_kv_add(kv, &n, "rule", a->rule);
	otlp_kv_add(kv, &n, "hostname", a->hostname[0] != '\0' ? a->hostname : "unknown");
	otlp_kv_add(kv, &n, "tags", NULL);
	for (size_t i = 0; i < c->ncustom; i++) {
		otlp_kv_add(kv, &n, c->custom_names[i], otlp_field_text(a, c->custom_fields[i]));
	}
	for (size_t i = 0; i < c->nextra; i++) {
		otlp_kv_add(kv, &n, c->extra_names[i], otlp_field_text(a, c->extra_fields[i]));
	}
	qsort(kv, n, sizeof(kv[0]), otlp_kv_cmp);
	sk_strbuf_reset(b);
	sk_strbuf_putc(b, '[');
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(kv[i].key, kv[i - 1].key) == 0) {
			continue;
		}
		if (kv[i].value != NULL) {
			otlp_put_attr(b, &first, kv[i].key, kv[i].value);
			continue;
		}
		sk_strbuf_puts(b, first ? "{\"key\":" : ",{\"key\":");
		first = false;
		spl_json_go_string(b, kv[i].key);
		sk_strbuf_puts(b, ",\"value\":");
		otlp_put_tags(b, a);
		sk_strbuf_putc(b, '}');
	}
	sk_strbuf_putc(b, ']');
}

/* The series with attribute text attrs, created when new; past the limit
 * the overflow series. NULL when memory ran out. */
static otlp_series *otlp_series_of(otlp_counter *c, const char *attrs)
{
	size_t mask = c->nslots - 1, at = (size_t)otlp_fnv64a(attrs) & mask;
	for (size_t probes = 0; probes < c->nslots; probes++, at = (at + 1) & mask) {
		uint32_t slot = c->slots[at];
		if (slot == 0) {
			break;
		}
		if (strcmp(c->series[slot - 1].attrs, attrs) == 0) {
			return &c->series[slot - 1];
		}
	}
	bool overflow = c->nseries >= c->max_series;
	if (overflow && c->nseries > c->max_series) {
		return &c->series[c->max_series]; /* the overflow series, made before */
	}
	otlp_series *s = &c->series[c->nseries];
	s->attrs = strdup(overflow ? OTLP_OVERFLOW_ATTRS : attrs);
	if (s->attrs == NULL) {
		return NULL;
	}
	s->total = s->pending = 0;
	c->nseries++;
	if (!overflow) {
		c->slots[at] = (uint32_t)c->nseries;
	}
	return s;
}

static bool otlp_full_due(const otlp_counter *c, int64_t now_ns)
{
	return c->last_full_ns == 0 || now_ns < c->last_full_ns || now_ns - c->last_full_ns >= c->full_every_ns;
}

void otlp_counter_set_interval(otlp_counter *c, int64_t interval_ns)
{
	c->full_every_ns = interval_ns;
}

bool otlp_counter_export_due(const otlp_counter *c, int64_t now_ns)
{
	if (!otlp_full_due(c, now_ns)) {
		return false;
	}
	for (size_t i = 0; i < c->nseries; i++) {
		if (c->series[i].total > 0) {
			return true;
		}
	}
	return false;
}

sk_err otlp_metrics_body(sk_strbuf *b, const otlp_config *cfg, otlp_counter *c, const saker_alert *const *alerts,
			 size_t n, int64_t now_ns)
{
	sk_strbuf attrs = SK_STRBUF_INIT;
	sk_err err = SK_OK;

	otlp_counter_settle(c, false);
	for (size_t i = 0; i < n && err == SK_OK; i++) {
		otlp_alert_attrs(&attrs, c, alerts[i]);
		otlp_series *s = sk_strbuf_failed(&attrs) ? NULL : otlp_series_of(c, sk_strbuf_str(&attrs));
		if (s == NULL) {
			err = SK_ENOMEM;
			break;
		}
		s->pending++;
	}
	sk_strbuf_free(&attrs);
	if (err != SK_OK) {
		otlp_counter_settle(c, false);
		return err;
	}
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"resourceMetrics\":[");
	otlp_put_resource(b, cfg);
	sk_strbuf_puts(b, "\"scopeMetrics\":[{\"scope\":{\"name\":\"" OTLP_METER_NAME "\"},\"metrics\":[{\"name\":\"" OTLP_METRIC_NAME
			  "\",\"description\":\"Falco rule matches the sidekick received\",\"sum\":{\"dataPoints\":[");
	bool first = true;
	bool full = otlp_full_due(c, now_ns);
	c->pending_full_ns = full ? now_ns : 0;
	for (size_t i = 0; i < c->nseries; i++) {
		const otlp_series *s = &c->series[i];
		/* a series with no count was made by a request the collector refused */
		if (s->pending == 0 && (!full || s->total == 0)) {
			continue;
		}
		sk_strbuf_puts(b, first ? "{\"attributes\":" : ",{\"attributes\":");
		first = false;
		sk_strbuf_puts(b, s->attrs);
		sk_strbuf_printf(b, ",\"startTimeUnixNano\":\"%lld\",\"timeUnixNano\":\"%lld\",\"asInt\":\"%llu\"}",
				 (long long)c->start_ns, (long long)now_ns, (unsigned long long)(s->total + s->pending));
	}
	/* aggregationTemporality 2: cumulative */
	sk_strbuf_puts(b, "],\"aggregationTemporality\":2,\"isMonotonic\":true}}]}]}]}");
	if (sk_strbuf_failed(b)) {
		otlp_counter_settle(c, false);
		return SK_ENOMEM;
	}
	return SK_OK;
}

void otlp_counter_settle(otlp_counter *c, bool delivered)
{
	if (delivered && c->pending_full_ns != 0) {
		c->last_full_ns = c->pending_full_ns;
	}
	c->pending_full_ns = 0;
	for (size_t i = 0; i < c->nseries; i++) {
		if (delivered) {
			c->series[i].total += c->series[i].pending;
		}
		c->series[i].pending = 0;
	}
}

size_t otlp_counter_series(const otlp_counter *c)
{
	return c->nseries;
}
