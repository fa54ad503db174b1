#include "spl_template.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_util.h"

typedef enum spl_tpl_kind {
	SPL_TPL_TEXT,
	SPL_TPL_RULE,
	SPL_TPL_PRIORITY,
	SPL_TPL_OUTPUT,
	SPL_TPL_SOURCE,
	SPL_TPL_HOSTNAME,
	SPL_TPL_TIME,
	SPL_TPL_UUID,
	SPL_TPL_TAGS,
	SPL_TPL_FIELD,
} spl_tpl_kind;

typedef struct spl_tpl_part {
	spl_tpl_kind kind;
	char *text; /* literal text, or the output field name */
	size_t len;
} spl_tpl_part;

struct spl_template {
	spl_tpl_part *parts;
	size_t n;
};

static const struct {
	const char *name;
	spl_tpl_kind kind;
} spl_tpl_names[] = {
	{".Rule", SPL_TPL_RULE},         {".Priority", SPL_TPL_PRIORITY}, {".Output", SPL_TPL_OUTPUT},
	{".Source", SPL_TPL_SOURCE},     {".Hostname", SPL_TPL_HOSTNAME}, {".Time", SPL_TPL_TIME},
	{".UUID", SPL_TPL_UUID},         {".Tags", SPL_TPL_TAGS},
};

static sk_err spl_tpl_add(spl_template *t, spl_tpl_kind kind, const char *text, size_t len)
{
	spl_tpl_part *part;

	if (t->n >= SPL_TEMPLATE_MAX_PARTS) {
		return SK_ERANGE;
	}
	if (kind == SPL_TPL_TEXT && len == 0) {
		return SK_OK;
	}
	part = &t->parts[t->n];
	part->kind = kind;
	part->len = len;
	part->text = NULL;
	if (text != NULL) {
		part->text = malloc(len + 1);
		if (part->text == NULL) {
			return SK_ENOMEM;
		}
		memcpy(part->text, text, len);
		part->text[len] = '\0';
	}
	t->n++;
	return SK_OK;
}

static const char *spl_tpl_skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p)) {
		p++;
	}
	return p;
}

/* Parses the inside of one {{ }} action [p, end) into a part. */
static sk_err spl_tpl_action(spl_template *t, const char *p, const char *end, const char **why)
{
	const char *word = spl_tpl_skip_space(p, end);
	const char *stop = word;
	size_t wlen;

	while (stop < end && !isspace((unsigned char)*stop)) {
		stop++;
	}
	wlen = (size_t)(stop - word);
	if (wlen == 5 && memcmp(word, "index", 5) == 0) {
		const char *arg = spl_tpl_skip_space(stop, end);
		const char *name, *close;

		if ((size_t)(end - arg) < 13 || memcmp(arg, ".OutputFields", 13) != 0) {
			*why = "index takes .OutputFields";
			return SK_EPARSE;
		}
		name = spl_tpl_skip_space(arg + 13, end);
		if (name == arg + 13 || name >= end || *name != '"') {
			*why = "index .OutputFields wants a \"quoted\" field name";
			return SK_EPARSE;
		}
		close = memchr(name + 1, '"', (size_t)(end - name - 1));
		if (close == NULL || memchr(name + 1, '\\', (size_t)(close - name - 1)) != NULL) {
			*why = "unterminated or escaped field name";
			return SK_EPARSE;
		}
		if (spl_tpl_skip_space(close + 1, end) != end) {
			*why = "unexpected text after the field name";
			return SK_EPARSE;
		}
		return spl_tpl_add(t, SPL_TPL_FIELD, name + 1, (size_t)(close - name - 1));
	}
	if (spl_tpl_skip_space(stop, end) != end) {
		*why = "unsupported action (want .Rule, .Output, index .OutputFields \"f\", ...)";
		return SK_EPARSE;
	}
	for (size_t i = 0; i < sizeof(spl_tpl_names) / sizeof(spl_tpl_names[0]); i++) {
		if (strlen(spl_tpl_names[i].name) == wlen && memcmp(word, spl_tpl_names[i].name, wlen) == 0) {
			return spl_tpl_add(t, spl_tpl_names[i].kind, NULL, 0);
		}
	}
	*why = "unknown field (want .Rule, .Priority, .Output, .Source, .Hostname, .Time, .UUID, .Tags)";
	return SK_EPARSE;
}

sk_err spl_template_compile(const char *src, size_t len, spl_template **out, char *err, size_t errlen)
{
	sk_err rc = SK_OK;
	spl_template *t = NULL;
	const char *p = src, *end = src + len, *why = "out of memory";
	size_t offset = 0;

	*out = NULL;
	if (len > SPL_TEMPLATE_MAX_LEN) {
		snprintf(err, errlen, "template is %zu bytes, limit %d", len, SPL_TEMPLATE_MAX_LEN);
		return SK_ERANGE;
	}
	t = calloc(1, sizeof(*t));
	if (t != NULL) {
		t->parts = calloc(SPL_TEMPLATE_MAX_PARTS, sizeof(*t->parts));
	}
	if (t == NULL || t->parts == NULL) {
		rc = SK_ENOMEM;
		goto cleanup;
	}
	while (p < end) {
		const char *open = memmem(p, (size_t)(end - p), "{{", 2);
		const char *text_end = open != NULL ? open : end;
		const char *inner, *close, *inner_end, *next;

		if (open == NULL) {
			rc = spl_tpl_add(t, SPL_TPL_TEXT, p, (size_t)(end - p));
			break;
		}
		offset = (size_t)(open - src);
		inner = open + 2;
		/* "{{- " trims the whitespace before the action. */
		if (inner + 1 < end && inner[0] == '-' && isspace((unsigned char)inner[1])) {
			while (text_end > p && isspace((unsigned char)text_end[-1])) {
				text_end--;
			}
			inner++;
		}
		rc = spl_tpl_add(t, SPL_TPL_TEXT, p, (size_t)(text_end - p));
		if (rc != SK_OK) {
			break;
		}
		close = memmem(inner, (size_t)(end - inner), "}}", 2);
		if (close == NULL) {
			why = "unclosed action";
			rc = SK_EPARSE;
			break;
		}
		inner_end = close;
		next = close + 2;
		/* " -}}" trims the whitespace after it. */
		if (inner_end - inner >= 2 && inner_end[-1] == '-' && isspace((unsigned char)inner_end[-2])) {
			inner_end--;
			next = spl_tpl_skip_space(next, end);
		}
		rc = spl_tpl_action(t, inner, inner_end, &why);
		if (rc != SK_OK) {
			break;
		}
		p = next;
	}
	if (rc == SK_ERANGE) {
		why = "too many actions";
	}
	if (rc != SK_OK) {
		goto cleanup;
	}
	*out = t;
	t = NULL;
cleanup:
	if (rc != SK_OK) {
		snprintf(err, errlen, "offset %zu: %s", offset, why);
	}
	spl_template_free(t);
	return rc;
}

void spl_template_render(const spl_template *t, const saker_alert *alert, sk_strbuf *sb)
{
	for (size_t i = 0; i < t->n; i++) {
		const spl_tpl_part *part = &t->parts[i];
		const char *value = NULL;

		switch (part->kind) {
		case SPL_TPL_TEXT:
			sk_strbuf_append(sb, part->text, part->len);
			break;
		case SPL_TPL_RULE:
			value = alert->rule;
			break;
		case SPL_TPL_PRIORITY:
			value = alert->priority;
			break;
		case SPL_TPL_OUTPUT:
			value = alert->output;
			break;
		case SPL_TPL_SOURCE:
			value = alert->source;
			break;
		case SPL_TPL_HOSTNAME:
			value = alert->hostname;
			break;
		case SPL_TPL_UUID:
			value = alert->uuid;
			break;
		case SPL_TPL_TIME:
			spl_go_time(sb, alert->time_ns);
			break;
		case SPL_TPL_TAGS:
			/* Go prints a []string as "[a b]". */
			sk_strbuf_putc(sb, '[');
			spl_join_tags(sb, alert, " ");
			sk_strbuf_putc(sb, ']');
			break;
		case SPL_TPL_FIELD:
			value = spl_alert_field(alert, part->text);
			if (value == NULL) {
				value = "<no value>";
			}
			break;
		}
		if (value != NULL) {
			sk_strbuf_puts(sb, value);
		}
	}
}

void spl_template_free(spl_template *t)
{
	if (t == NULL) {
		return;
	}
	if (t->parts != NULL) {
		for (size_t i = 0; i < t->n; i++) {
			free(t->parts[i].text);
		}
		free(t->parts);
	}
	free(t);
}
