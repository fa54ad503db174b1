#define _GNU_SOURCE /* memmem */
#include "vm_console.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MARK "SAKER-VM "

/* Copies n bytes of src into dst (cap bytes), always NUL-terminated. */
static void copy_text(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* True when line (n bytes) starts with word followed by the end or a space;
 * *rest then points past the space. */
static bool keyword(const char *line, size_t n, const char *word, const char **rest, size_t *rest_len)
{
	size_t wl = strlen(word);

	if (n < wl || memcmp(line, word, wl) != 0 || (n > wl && line[wl] != ' '))
		return false;
	*rest = n > wl ? line + wl + 1 : line + n;
	*rest_len = n > wl ? n - wl - 1 : 0;
	return true;
}

/* Parses one alert line; returns the object when it is a whole JSON object
 * with a rule name and output fields, else NULL. */
static json_object *parse_alert(const char *line, size_t n)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj = NULL, *rule, *fields;

	if (tok == NULL)
		return NULL;
	obj = json_tokener_parse_ex(tok, line, (int)n);
	if (obj != NULL &&
	    (json_tokener_get_parse_end(tok) != n || !json_object_is_type(obj, json_type_object) ||
	     !json_object_object_get_ex(obj, "rule", &rule) || !json_object_is_type(rule, json_type_string) ||
	     !json_object_object_get_ex(obj, "output_fields", &fields) ||
	     !json_object_is_type(fields, json_type_object))) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/* Reads "<n>" (0..255, an exit status) from rest; -1 when it is none. */
static int exit_status(const char *rest, size_t rest_len)
{
	char num[16];
	char *end;
	long rc;

	if (rest_len == 0 || rest_len >= sizeof(num))
		return -1;
	copy_text(num, sizeof(num), rest, rest_len);
	rc = strtol(num, &end, 10);
	return *end == '\0' && num[0] >= '0' && num[0] <= '9' && rc <= 255 ? (int)rc : -1;
}

/* Reads one marker line (the text after "SAKER-VM "). */
static void scan_marker(vm_console *out, const char *s, size_t n, const char *nonce, bool *in_alerts)
{
	const char *rest;
	size_t rest_len;

	if (keyword(s, n, "kernel", &rest, &rest_len)) {
		copy_text(out->kernel, sizeof(out->kernel), rest, rest_len);
	} else if (keyword(s, n, "capture-started", &rest, &rest_len)) {
		out->capture_started = true;
	} else if (keyword(s, n, "capture-log", &rest, &rest_len)) {
		/* The last error line sums up (verifier output comes before it). */
		if (memmem(rest, rest_len, "error", 5) != NULL)
			copy_text(out->capture_error, sizeof(out->capture_error), rest, rest_len);
	} else if (keyword(s, n, "alerts-begin", &rest, &rest_len)) {
		*in_alerts = true;
	} else if (keyword(s, n, "alerts-end", &rest, &rest_len)) {
		*in_alerts = false;
		if (rest_len > 3 && memcmp(rest, "rc=", 3) == 0)
			out->engine_rc = exit_status(rest + 3, rest_len - 3);
	} else if (keyword(s, n, "capture-exit", &rest, &rest_len)) {
		out->capture_rc = exit_status(rest, rest_len);
	} else if (keyword(s, n, "done", &rest, &rest_len)) {
		out->done =
		    nonce[0] != '\0' && rest_len == strlen(nonce) && memcmp(rest, nonce, rest_len) == 0;
	}
}

sk_err vm_console_scan(const char *text, size_t len, const char *nonce, vm_console *out)
{
	const size_t mark_len = strlen(MARK);
	bool in_alerts = false;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	out->engine_rc = -1;
	out->capture_rc = -1;
	out->alerts = json_object_new_array();
	if (out->alerts == NULL)
		return SK_ENOMEM;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;

		pos += n + (nl != NULL);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		while (n > 0 && line[0] == '\r') {
			line++;
			n--;
		}
		if (n > VM_CONSOLE_MAX_LINE) {
			out->bad_alert_lines += in_alerts;
		} else if (n >= mark_len && memcmp(line, MARK, mark_len) == 0) {
			scan_marker(out, line + mark_len, n - mark_len, nonce, &in_alerts);
		} else if (in_alerts && n > 0) {
			json_object *alert = n <= INT_MAX ? parse_alert(line, n) : NULL;

			if (alert == NULL || json_object_array_length(out->alerts) >= VM_CONSOLE_MAX_ALERTS) {
				json_object_put(alert);
				out->bad_alert_lines++;
			} else if (json_object_array_add(out->alerts, alert) != 0) {
				json_object_put(alert);
				return SK_ENOMEM;
			}
		}
	}
	return SK_OK;
}

/* True when field of fields, as text, equals want. */
static bool field_is(json_object *fields, const char *field, const char *want)
{
	json_object *v;

	if (!json_object_object_get_ex(fields, field, &v))
		return false;
	if (v == NULL)
		return strcmp(want, "<NA>") == 0;
	return strcmp(json_object_get_string(v), want) == 0;
}

json_object *vm_console_find(const vm_console *c, const char *rule, const char *const *pairs)
{
	size_t count = c->alerts != NULL ? json_object_array_length(c->alerts) : 0;

	for (size_t i = 0; i < count; i++) {
		json_object *alert = json_object_array_get_idx(c->alerts, i);
		json_object *name, *fields;
		bool match;

		json_object_object_get_ex(alert, "rule", &name);
		json_object_object_get_ex(alert, "output_fields", &fields);
		match = strcmp(json_object_get_string(name), rule) == 0;
		for (size_t p = 0; match && pairs[p] != NULL && pairs[p + 1] != NULL; p += 2)
			match = field_is(fields, pairs[p], pairs[p + 1]);
		if (match)
			return alert;
	}
	return NULL;
}

void vm_console_free(vm_console *c)
{
	json_object_put(c->alerts);
	c->alerts = NULL;
}
