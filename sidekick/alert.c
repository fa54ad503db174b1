#include "alert.h"

#include <ctype.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

static const char *const ska_priority_names[] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

sk_err ska_priority_parse(const char *s, saker_priority *out)
{
	for (int i = 0; i <= SAKER_PRIORITY_DEBUG; i++) {
		if (strcasecmp(s, ska_priority_names[i]) == 0) {
			*out = (saker_priority)i;
			return SK_OK;
		}
	}
	if (strcasecmp(s, "info") == 0) {
		*out = SAKER_PRIORITY_INFORMATIONAL;
		return SK_OK;
	}
	return SK_EINVAL;
}

const char *ska_priority_name(saker_priority p)
{
	if ((int)p < 0 || p > SAKER_PRIORITY_DEBUG) {
		return ska_priority_names[SAKER_PRIORITY_DEBUG];
	}
	return ska_priority_names[p];
}

/* Reads exactly n digits at *p into *v. */
static bool ska_digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i])) {
			return false;
		}
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

static bool ska_expect(const char **p, char c)
{
	if (**p != c) {
		return false;
	}
	(*p)++;
	return true;
}

sk_err ska_parse_time(const char *s, int64_t *ns)
{
	struct tm tm = {0};
	int year, mon, day, hour, min, sec;
	int64_t frac = 0;
	const char *p = s;

	if (!ska_digits(&p, 4, &year) || !ska_expect(&p, '-') || !ska_digits(&p, 2, &mon) ||
	    !ska_expect(&p, '-') || !ska_digits(&p, 2, &day)) {
		return SK_EINVAL;
	}
	if (*p != 'T' && *p != 't' && *p != ' ') {
		return SK_EINVAL;
	}
	p++;
	if (!ska_digits(&p, 2, &hour) || !ska_expect(&p, ':') || !ska_digits(&p, 2, &min) ||
	    !ska_expect(&p, ':') || !ska_digits(&p, 2, &sec)) {
		return SK_EINVAL;
	}
	/* Years outside 1900..2261 would overflow int64 nanoseconds. */
	if (year < 1900 || year > 2261 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
	    sec > 60) {
		return SK_EINVAL;
	}
	if (*p == '.') {
		int digits = 0;
		p++;
		while (isdigit((unsigned char)*p)) {
			if (digits < 9) {
				frac = frac * 10 + (*p - '0');
			}
			digits++;
			p++;
		}
		if (digits == 0) {
			return SK_EINVAL;
		}
		for (int i = digits; i < 9; i++) {
			frac *= 10;
		}
	}
	int64_t offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		int sign = *p == '-' ? -1 : 1;
		p++;
		if (!ska_digits(&p, 2, &oh) || !ska_expect(&p, ':') || !ska_digits(&p, 2, &om) || oh > 23 ||
		    om > 59) {
			return SK_EINVAL;
		}
		offset = sign * ((int64_t)oh * 3600 + om * 60);
	} else {
		return SK_EINVAL;
	}
	if (*p != '\0') {
		return SK_EINVAL;
	}
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	*ns = ((int64_t)t - offset) * 1000000000 + frac;
	return SK_OK;
}

static uint64_t ska_rand64(void)
{
	static _Thread_local uint64_t state;
	static _Thread_local int seeded;
	if (!seeded) {
		if (getrandom(&state, sizeof(state), 0) != (ssize_t)sizeof(state)) {
			state = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&state;
		}
		seeded = 1;
	}
	/* splitmix64: fast, and unique ids only need a well-seeded stream. */
	uint64_t z = (state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void ska_uuid(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	uint64_t hi = ska_rand64(), lo = ska_rand64();
	size_t o = 0;

	memcpy(b, &hi, 8);
	memcpy(b + 8, &lo, 8);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	/* 8-4-4-4-12 hex digits; snprintf's format parsing cost more than the
	 * rest of the id on the ingest path. */
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10) {
			out[o++] = '-';
		}
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
}

void ska_free(ska_alert *a)
{
	if (a->root != NULL) {
		json_object_put(a->root);
	}
	free(a->tags);
	free(a->names);
	free(a->values);
	free(a->rendered);
	memset(a, 0, sizeof(*a));
}

/* Returns the string member key of obj, or NULL if absent; a member of
 * another type is an error. */
static sk_err ska_member_string(struct json_object *obj, const char *key, bool required, const char **out,
				char *err, size_t errlen)
{
	struct json_object *v = NULL;
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
		if (required) {
			snprintf(err, errlen, "missing \"%s\"", key);
			return SK_EINVAL;
		}
		return SK_OK;
	}
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "\"%s\" must be a string", key);
		return SK_EINVAL;
	}
	*out = json_object_get_string(v);
	return SK_OK;
}

static int ska_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static sk_err ska_build_tags(ska_alert *a, bool full, char *err, size_t errlen)
{
	struct json_object *tags = NULL;
	if (!json_object_object_get_ex(a->root, "tags", &tags) || tags == NULL) {
		return SK_OK;
	}
	if (!json_object_is_type(tags, json_type_array)) {
		snprintf(err, errlen, "\"tags\" must be an array of strings");
		return SK_EINVAL;
	}
	size_t n = json_object_array_length(tags);
	if (n > SKA_MAX_TAGS) {
		snprintf(err, errlen, "\"tags\": more than %d", SKA_MAX_TAGS);
		return SK_ERANGE;
	}
	for (size_t i = 0; i < n; i++) {
		if (!json_object_is_type(json_object_array_get_idx(tags, i), json_type_string)) {
			snprintf(err, errlen, "\"tags\" must be an array of strings");
			return SK_EINVAL;
		}
	}
	if (!full) {
		return SK_OK;
	}
	a->tags = calloc(n + 1, sizeof(*a->tags));
	if (a->tags == NULL) {
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		a->tags[i] = json_object_get_string(json_object_array_get_idx(tags, i));
	}
	qsort(a->tags, n, sizeof(*a->tags), ska_cmp_str);
	a->view.tags = a->tags;
	a->view.ntags = n;
	return SK_OK;
}

struct ska_field_ref {
	const char *name;
	struct json_object *value;
};

static int ska_cmp_field(const void *a, const void *b)
{
	return strcmp(((const struct ska_field_ref *)a)->name, ((const struct ska_field_ref *)b)->name);
}

static sk_err ska_build_fields(ska_alert *a, bool full, char *err, size_t errlen)
{
	sk_strbuf text = SK_STRBUF_INIT;
	struct ska_field_ref *refs = NULL;
	size_t n = 0;
	sk_err e = SK_OK;

	if (!json_object_object_get_ex(a->root, "output_fields", &a->fields) || a->fields == NULL) {
		snprintf(err, errlen, "missing \"output_fields\"");
		return SK_EINVAL;
	}
	if (!json_object_is_type(a->fields, json_type_object)) {
		snprintf(err, errlen, "\"output_fields\" must be an object");
		return SK_EINVAL;
	}
	size_t count = (size_t)json_object_object_length(a->fields);
	if (count > SKA_MAX_FIELDS) {
		snprintf(err, errlen, "\"output_fields\": more than %d entries", SKA_MAX_FIELDS);
		return SK_ERANGE;
	}
	if (!full) {
		return SK_OK;
	}
	refs = calloc(count + 1, sizeof(*refs));
	a->names = calloc(count + 1, sizeof(*a->names));
	a->values = calloc(count + 1, sizeof(*a->values));
	if (refs == NULL || a->names == NULL || a->values == NULL) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	json_object_object_foreach(a->fields, key, val)
	{
		refs[n].name = key;
		refs[n].value = val;
		n++;
	}
	qsort(refs, n, sizeof(*refs), ska_cmp_field);
	/* Non-string values are rendered into one buffer; record offsets first
	 * because the buffer moves while it grows. */
	size_t *offsets = calloc(n + 1, sizeof(*offsets));
	if (offsets == NULL) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = refs[i].value;
		a->names[i] = refs[i].name;
		offsets[i] = SIZE_MAX;
		if (v == NULL) {
			offsets[i] = text.len;
			sk_strbuf_puts(&text, "<NA>");
			sk_strbuf_putc(&text, '\0');
		} else if (!json_object_is_type(v, json_type_string)) {
			offsets[i] = text.len;
			sk_strbuf_puts(&text, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
			sk_strbuf_putc(&text, '\0');
		} else {
			a->values[i] = json_object_get_string(v);
		}
	}
	if (sk_strbuf_failed(&text)) {
		free(offsets);
		e = SK_ENOMEM;
		goto cleanup;
	}
	a->rendered = text.data;
	text.data = NULL;
	for (size_t i = 0; i < n; i++) {
		if (offsets[i] != SIZE_MAX) {
			a->values[i] = a->rendered + offsets[i];
		}
	}
	free(offsets);
	a->view.field_names = a->names;
	a->view.field_values = a->values;
	a->view.nfields = n;
cleanup:
	free(refs);
	sk_strbuf_free(&text);
	return e;
}

/* Per-thread parsing state, reused for each alert: creating a tokener and
 * growing an output buffer per alert was a measurable share of the ingest
 * cost. Freed when the thread exits. */
struct ska_thread {
	struct json_tokener *tok;
	sk_strbuf out;
};

static pthread_key_t ska_thread_key;
static pthread_once_t ska_thread_once = PTHREAD_ONCE_INIT;

static void ska_thread_free(void *p)
{
	struct ska_thread *t = p;
	json_tokener_free(t->tok);
	sk_strbuf_free(&t->out);
	free(t);
}

static void ska_thread_init(void)
{
	if (pthread_key_create(&ska_thread_key, ska_thread_free) != 0) {
		abort(); /* only with PTHREAD_KEYS_MAX keys in use: a bug */
	}
}

static struct ska_thread *ska_thread(void)
{
	pthread_once(&ska_thread_once, ska_thread_init);
	struct ska_thread *t = pthread_getspecific(ska_thread_key);
	if (t != NULL) {
		return t;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	t->tok = json_tokener_new_ex(SKA_MAX_DEPTH);
	if (t->tok == NULL || pthread_setspecific(ska_thread_key, t) != 0) {
		ska_thread_free(t);
		return NULL;
	}
	return t;
}

sk_strbuf *ska_thread_buf(void)
{
	struct ska_thread *t = ska_thread();
	if (t == NULL) {
		return NULL;
	}
	/* A huge alert's buffer is not kept for the thread's lifetime. */
	if (t->out.cap > (64u << 10)) {
		sk_strbuf_free(&t->out);
	}
	return &t->out;
}

static sk_err ska_parse_mode(const char *json, size_t len, bool full, ska_alert *out, char *err, size_t errlen)
{
	struct json_tokener *tok = NULL;
	const char *time_s = NULL;
	sk_err e = SK_OK;

	memset(out, 0, sizeof(*out));
	if (len > INT32_MAX) {
		snprintf(err, errlen, "alert larger than 2 GiB");
		return SK_ERANGE;
	}
	struct ska_thread *t = ska_thread();
	if (t == NULL) {
		return SK_ENOMEM;
	}
	tok = t->tok;
	json_tokener_reset(tok);
	out->root = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (out->root == NULL || jerr != json_tokener_success) {
		snprintf(err, errlen, "invalid JSON at byte %zu: %s", json_tokener_get_parse_end(tok),
			 jerr == json_tokener_continue ? "unexpected end of input"
						       : json_tokener_error_desc(jerr));
		e = SK_EPARSE;
		goto cleanup;
	}
	/* Only blanks may follow the document. */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!isspace((unsigned char)json[i])) {
			snprintf(err, errlen, "invalid JSON at byte %zu: data after the alert object", i);
			e = SK_EPARSE;
			goto cleanup;
		}
	}
	if (!json_object_is_type(out->root, json_type_object)) {
		snprintf(err, errlen, "the alert must be a JSON object");
		e = SK_EINVAL;
		goto cleanup;
	}
	saker_alert *v = &out->view;
	v->json = json;
	v->json_len = len;
	e = ska_member_string(out->root, "rule", true, &v->rule, err, errlen);
	if (e == SK_OK) {
		e = ska_member_string(out->root, "priority", true, &v->priority, err, errlen);
	}
	if (e == SK_OK) {
		e = ska_member_string(out->root, "time", true, &time_s, err, errlen);
	}
	if (e == SK_OK) {
		e = ska_member_string(out->root, "output", false, &v->output, err, errlen);
	}
	if (e == SK_OK) {
		e = ska_member_string(out->root, "source", false, &v->source, err, errlen);
	}
	if (e == SK_OK) {
		e = ska_member_string(out->root, "hostname", false, &v->hostname, err, errlen);
	}
	if (e == SK_OK) {
		e = ska_member_string(out->root, "uuid", false, &v->uuid, err, errlen);
	}
	if (e != SK_OK) {
		goto cleanup;
	}
	if (v->rule[0] == '\0') {
		snprintf(err, errlen, "\"rule\" is empty");
		e = SK_EINVAL;
		goto cleanup;
	}
	if (ska_priority_parse(v->priority, &v->priority_num) != SK_OK) {
		snprintf(err, errlen, "\"priority\": unknown priority \"%.64s\"", v->priority);
		e = SK_EINVAL;
		goto cleanup;
	}
	if (ska_parse_time(time_s, &v->time_ns) != SK_OK) {
		snprintf(err, errlen, "\"time\": \"%.64s\" is not an RFC 3339 time", time_s);
		e = SK_EINVAL;
		goto cleanup;
	}
	v->time = time_s;
	v->output = v->output != NULL ? v->output : "";
	v->source = v->source != NULL ? v->source : "syscall";
	v->hostname = v->hostname != NULL ? v->hostname : "";
	v->uuid = v->uuid != NULL ? v->uuid : "";
	e = ska_build_tags(out, full, err, errlen);
	if (e == SK_OK) {
		e = ska_build_fields(out, full, err, errlen);
	}
cleanup:
	if (e != SK_OK) {
		ska_free(out);
	}
	return e;
}

sk_err ska_parse(const char *json, size_t len, ska_alert *out, char *err, size_t errlen)
{
	return ska_parse_mode(json, len, true, out, err, errlen);
}

sk_err ska_check(const char *json, size_t len, ska_alert *out, char *err, size_t errlen)
{
	return ska_parse_mode(json, len, false, out, err, errlen);
}

const char *ska_field(const ska_alert *a, const char *name)
{
	struct json_object *v = NULL;
	if (a->fields == NULL || !json_object_object_get_ex(a->fields, name, &v) || v == NULL) {
		return NULL;
	}
	return json_object_get_string(v);
}

static bool ska_has_tag(struct json_object *tags, const char *tag)
{
	size_t n = json_object_array_length(tags);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(json_object_get_string(json_object_array_get_idx(tags, i)), tag) == 0) {
			return true;
		}
	}
	return false;
}

/* Without extras the received text is kept: only a uuid member is spliced
 * in after the opening brace, which is much cheaper than re-serializing. */
static sk_err ska_splice_uuid(const ska_alert *a, sk_strbuf *json_out)
{
	const char *p = a->view.json;
	size_t skip = 0;
	char id[37];

	while (skip < a->view.json_len && p[skip] != '{') {
		skip++;
	}
	sk_strbuf_reset(json_out);
	if (a->view.uuid[0] != '\0') {
		sk_strbuf_append(json_out, p + skip, a->view.json_len - skip);
	} else {
		ska_uuid(id);
		sk_strbuf_puts(json_out, "{\"uuid\":\"");
		sk_strbuf_puts(json_out, id);
		sk_strbuf_puts(json_out, "\",");
		/* The object has members (rule, priority...), so a comma fits. */
		sk_strbuf_append(json_out, p + skip + 1, a->view.json_len - skip - 1);
	}
	/* Trailing blanks after the object are dropped. */
	while (json_out->len > 0 && json_out->data[json_out->len - 1] != '}') {
		json_out->data[--json_out->len] = '\0';
	}
	return sk_strbuf_failed(json_out) ? SK_ENOMEM : SK_OK;
}

/* Renames keys holding '[' the way Falcosidekick's bracketreplacer does. */
static sk_err ska_replace_brackets(struct json_object *fields, const char *with)
{
	size_t n = (size_t)json_object_object_length(fields), count = 0;
	char **keys = calloc(n + 1, sizeof(*keys));
	sk_err e = SK_OK;

	if (keys == NULL) {
		return SK_ENOMEM;
	}
	/* Collect first: the object must not change while it is walked. */
	json_object_object_foreach(fields, key, val)
	{
		(void)val;
		if (strchr(key, '[') != NULL) {
			keys[count++] = key;
		}
	}
	for (size_t i = 0; i < count && e == SK_OK; i++) {
		sk_strbuf name = SK_STRBUF_INIT;
		for (const char *p = keys[i]; *p != '\0'; p++) {
			if (*p == '[') {
				sk_strbuf_puts(&name, with);
			} else if (*p != ']') {
				sk_strbuf_putc(&name, *p);
			}
		}
		struct json_object *moved = json_object_get(json_object_object_get(fields, keys[i]));
		json_object_object_del(fields, keys[i]); /* frees the key text */
		if (sk_strbuf_failed(&name) || json_object_object_add(fields, sk_strbuf_str(&name), moved) != 0) {
			json_object_put(moved);
			e = SK_ENOMEM;
		}
		sk_strbuf_free(&name);
	}
	free(keys);
	return e;
}

/* Reads one output field for a templatedfields template: JSON numbers as
 * their text (Falcosidekick decodes with UseNumber), null as nil. */
static void ska_template_field(const void *user, const char *name, spl_tpl_value *out)
{
	struct json_object *v = NULL;

	out->kind = SPL_TV_NIL;
	if (!json_object_object_get_ex((struct json_object *)user, name, &v) || v == NULL) {
		return;
	}
	if (json_object_is_type(v, json_type_boolean)) {
		out->kind = SPL_TV_BOOL;
		out->b = json_object_get_boolean(v);
	} else if (json_object_is_type(v, json_type_string)) {
		out->kind = SPL_TV_STRING;
		out->s = json_object_get_string(v);
	} else {
		out->kind = SPL_TV_STRING;
		out->s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	}
}

static sk_err ska_set_string(struct json_object *obj, const char *key, const char *value)
{
	struct json_object *s = json_object_new_string(value);
	if (s == NULL || json_object_object_add(obj, key, s) != 0) {
		json_object_put(s);
		return SK_ENOMEM;
	}
	return SK_OK;
}

/* Evaluates each templatedfields template over the fields and adds the
 * result; "key=value " per field goes to listing for <templated_fields>. */
static sk_err ska_add_templated(ska_alert *a, const ska_extras *x, sk_strbuf *listing)
{
	sk_strbuf value = SK_STRBUF_INIT;
	sk_err e = SK_OK;

	for (size_t i = 0; i < x->ntemplates && e == SK_OK; i++) {
		sk_strbuf_reset(&value);
		spl_template_render_fields(x->templates[i], ska_template_field, a->fields, &value);
		e = sk_strbuf_failed(&value) ? SK_ENOMEM
					      : ska_set_string(a->fields, x->template_names[i], sk_strbuf_str(&value));
		sk_strbuf_printf(listing, "%s=%s ", x->template_names[i], sk_strbuf_str(&value));
	}
	sk_strbuf_free(&value);
	return e;
}

/* Falcosidekick only reformats an output that looks like Falco's:
 * (?i)[0-9:]+\.[0-9]+: (Debug|...|Emergency) somewhere in the text. */
static bool ska_falco_output(const char *s)
{
	static const char *const words[] = {"Debug", "Informational", "Notice", "Warning",
					    "Error", "Critical",      "Alert",  "Emergency"};

	for (const char *dot = strchr(s, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
		const char *p = dot + 1;

		if (dot == s || (!isdigit((unsigned char)dot[-1]) && dot[-1] != ':') || !isdigit((unsigned char)*p)) {
			continue;
		}
		while (isdigit((unsigned char)*p)) {
			p++;
		}
		if (p[0] != ':' || p[1] != ' ') {
			continue;
		}
		p += 2;
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			size_t n = strlen(words[i]);
			if (strncasecmp(p, words[i], n) == 0 && p[n] == ' ') {
				return true;
			}
		}
	}
	return false;
}

/* Replaces every "what" in sb with "with" (Go's strings.ReplaceAll). */
static void ska_replace_all(sk_strbuf *sb, const char *what, const char *with)
{
	sk_strbuf out = SK_STRBUF_INIT;
	const char *p = sk_strbuf_str(sb);
	size_t wlen = strlen(what);

	if (strstr(p, what) == NULL) {
		return;
	}
	for (const char *hit = strstr(p, what); hit != NULL; hit = strstr(p, what)) {
		sk_strbuf_append(&out, p, (size_t)(hit - p));
		sk_strbuf_puts(&out, with);
		p = hit + wlen;
	}
	sk_strbuf_puts(&out, p);
	sb->failed |= out.failed;
	sk_strbuf_free(sb);
	*sb = out;
}

static void ska_trim_suffix(sk_strbuf *sb, const char *suffix)
{
	size_t n = strlen(suffix);
	if (sb->len >= n && memcmp(sb->data + sb->len - n, suffix, n) == 0) {
		sb->len -= n;
		sb->data[sb->len] = '\0';
	}
}

/* Sorted tags joined by ',' as <tags> prints them. */
static void ska_join_sorted_tags(struct json_object *root, sk_strbuf *out)
{
	struct json_object *tags = NULL;
	size_t n;
	const char **sorted;

	if (!json_object_object_get_ex(root, "tags", &tags) || !json_object_is_type(tags, json_type_array)) {
		return;
	}
	n = json_object_array_length(tags);
	sorted = calloc(n + 1, sizeof(*sorted));
	if (sorted == NULL) {
		out->failed = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		sorted[i] = json_object_get_string(json_object_array_get_idx(tags, i));
	}
	qsort(sorted, n, sizeof(*sorted), ska_cmp_str);
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_puts(out, i > 0 ? "," : "");
		sk_strbuf_puts(out, sorted[i]);
	}
	free(sorted);
}

/* Falcosidekick's outputFieldFormat: "<timestamp>: <priority> <output>"
 * where timestamp is the output's first word, output the words after the
 * second, priority the alert's; custom/templated fields print "k=v k2=v2". */
static sk_err ska_format_output(ska_alert *a, const ska_extras *x, sk_strbuf *custom, sk_strbuf *templated)
{
	const char *output = a->view.output != NULL ? a->view.output : "";
	const char *sp1 = strchr(output, ' ');
	const char *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	sk_strbuf n = SK_STRBUF_INIT, part = SK_STRBUF_INIT;
	sk_err e;

	if (!ska_falco_output(output) || sp2 == NULL) {
		return SK_OK;
	}
	ska_trim_suffix(custom, " ");
	ska_trim_suffix(templated, " ");
	sk_strbuf_puts(&n, x->output_format);
	sk_strbuf_append(&part, output, (size_t)(sp1 - output));
	ska_trim_suffix(&part, ":");
	ska_replace_all(&n, "<timestamp>", sk_strbuf_str(&part));
	ska_replace_all(&n, "<priority>", ska_priority_name(a->view.priority_num));
	ska_replace_all(&n, "<output>", sp2 + 1);
	ska_replace_all(&n, "<custom_fields>", sk_strbuf_str(custom));
	ska_replace_all(&n, "<templated_fields>", sk_strbuf_str(templated));
	sk_strbuf_reset(&part);
	ska_join_sorted_tags(a->root, &part);
	ska_replace_all(&n, "<tags>", sk_strbuf_str(&part));
	ska_trim_suffix(&n, " ");
	ska_trim_suffix(&n, "( )");
	ska_trim_suffix(&n, "()");
	ska_trim_suffix(&n, " ");
	e = sk_strbuf_failed(&n) || sk_strbuf_failed(&part) ? SK_ENOMEM
							     : ska_set_string(a->root, "output", sk_strbuf_str(&n));
	if (e == SK_OK) {
		/* The old text was freed with its JSON node. */
		a->view.output = json_object_get_string(json_object_object_get(a->root, "output"));
	}
	sk_strbuf_free(&n);
	sk_strbuf_free(&part);
	return e;
}

static sk_err ska_add_tags(ska_alert *a, const ska_extras *x)
{
	struct json_object *tags = NULL;

	if (!json_object_object_get_ex(a->root, "tags", &tags) || tags == NULL) {
		tags = json_object_new_array();
		if (tags == NULL || json_object_object_add(a->root, "tags", tags) != 0) {
			json_object_put(tags);
			return SK_ENOMEM;
		}
	}
	for (size_t i = 0; i < x->ntags; i++) {
		if (ska_has_tag(tags, x->tags[i])) {
			continue;
		}
		struct json_object *t = json_object_new_string(x->tags[i]);
		if (t == NULL || json_object_array_add(tags, t) != 0) {
			json_object_put(t);
			return SK_ENOMEM;
		}
	}
	return SK_OK;
}

static bool ska_has_extras(const ska_extras *x)
{
	return x != NULL && (x->nfields > 0 || x->ntags > 0 || x->ntemplates > 0 ||
			     (x->bracket_replacer != NULL && x->bracket_replacer[0] != '\0') ||
			     (x->output_format != NULL && x->output_format[0] != '\0'));
}

sk_err ska_enrich(ska_alert *a, const ska_extras *x, sk_strbuf *json_out)
{
	sk_strbuf custom = SK_STRBUF_INIT, templated = SK_STRBUF_INIT;
	sk_err e = SK_OK;

	if (!ska_has_extras(x) && (a->view.uuid[0] != '\0' || !json_object_object_get_ex(a->root, "uuid", NULL))) {
		return ska_splice_uuid(a, json_out);
	}
	for (size_t i = 0; x != NULL && i < x->nfields && e == SK_OK; i++) {
		e = ska_set_string(a->fields, x->field_names[i], x->field_values[i]);
		sk_strbuf_printf(&custom, "%s=%s ", x->field_names[i], x->field_values[i]);
	}
	if (e == SK_OK && x != NULL && x->ntags > 0) {
		e = ska_add_tags(a, x);
	}
	if (e == SK_OK && x != NULL && x->ntemplates > 0) {
		e = ska_add_templated(a, x, &templated);
	}
	if (e == SK_OK && x != NULL && x->bracket_replacer != NULL && x->bracket_replacer[0] != '\0') {
		e = ska_replace_brackets(a->fields, x->bracket_replacer);
	}
	if (e == SK_OK && (a->view.uuid == NULL || a->view.uuid[0] == '\0')) {
		char id[37];
		ska_uuid(id);
		e = ska_set_string(a->root, "uuid", id);
	}
	if (e == SK_OK && x != NULL && x->output_format != NULL && x->output_format[0] != '\0') {
		e = ska_format_output(a, x, &custom, &templated);
	}
	if (e == SK_OK && (sk_strbuf_failed(&custom) || sk_strbuf_failed(&templated))) {
		e = SK_ENOMEM;
	}
	if (e == SK_OK) {
		sk_strbuf_reset(json_out);
		sk_strbuf_puts(json_out, json_object_to_json_string_ext(a->root, JSON_C_TO_STRING_PLAIN |
										  JSON_C_TO_STRING_NOSLASHESCAPE));
		e = sk_strbuf_failed(json_out) ? SK_ENOMEM : SK_OK;
	}
	sk_strbuf_free(&custom);
	sk_strbuf_free(&templated);
	return e;
}
