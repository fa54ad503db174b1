#include "skp_template.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skp_util.h"

typedef enum skp_tpl_kind {
	SKP_TPL_TEXT,
	SKP_TPL_RULE,
	SKP_TPL_PRIORITY,
	SKP_TPL_OUTPUT,
	SKP_TPL_SOURCE,
	SKP_TPL_HOSTNAME,
	SKP_TPL_TIME,
	SKP_TPL_UUID,
	SKP_TPL_TAGS,
	SKP_TPL_FIELD,
} skp_tpl_kind;

typedef struct skp_tpl_part {
	skp_tpl_kind kind;
	char *text; /* literal text, or the output field name */
	size_t len;
} skp_tpl_part;

struct skp_template {
	skp_tpl_part *parts;
	size_t n;
};

static const struct {
	const char *name;
	skp_tpl_kind kind;
} skp_tpl_names[] = {
	{".Rule", SKP_TPL_RULE},         {".Priority", SKP_TPL_PRIORITY}, {".Output", SKP_TPL_OUTPUT},
	{".Source", SKP_TPL_SOURCE},     {".Hostname", SKP_TPL_HOSTNAME}, {".Time", SKP_TPL_TIME},
	{".UUID", SKP_TPL_UUID},         {".Tags", SKP_TPL_TAGS},
};

static sk_err skp_tpl_add(skp_template *t, skp_tpl_kind kind, const char *text, size_t len)
{
	skp_tpl_part *part;

	if (t->n >= SKP_TEMPLATE_MAX_PARTS) {
		return SK_ERANGE;
	}
	if (kind == SKP_TPL_TEXT && len == 0) {
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

static const char *skp_tpl_skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p)) {
		p++;
	}
	return p;
}

/* Parses the inside of one {{ }} action [p, end) into a part. */
static sk_err skp_tpl_action(skp_template *t, const char *p, const char *end, const char **why)
{
	const char *word = skp_tpl_skip_space(p, end);
	const char *stop = word;
	size_t wlen;

	while (stop < end && !isspace((unsigned char)*stop)) {
		stop++;
	}
	wlen = (size_t)(stop - word);
	if (wlen == 5 && memcmp(word, "index", 5) == 0) {
		const char *arg = skp_tpl_skip_space(stop, end);
		const char *name, *close;

		if ((size_t)(end - arg) < 13 || memcmp(arg, ".OutputFields", 13) != 0) {
			*why = "index takes .OutputFields";
			return SK_EPARSE;
		}
		name = skp_tpl_skip_space(arg + 13, end);
		if (name == arg + 13 || name >= end || *name != '"') {
			*why = "index .OutputFields wants a \"quoted\" field name";
			return SK_EPARSE;
		}
		close = memchr(name + 1, '"', (size_t)(end - name - 1));
		if (close == NULL || memchr(name + 1, '\\', (size_t)(close - name - 1)) != NULL) {
			*why = "unterminated or escaped field name";
			return SK_EPARSE;
		}
		if (skp_tpl_skip_space(close + 1, end) != end) {
			*why = "unexpected text after the field name";
			return SK_EPARSE;
		}
		return skp_tpl_add(t, SKP_TPL_FIELD, name + 1, (size_t)(close - name - 1));
	}
	if (skp_tpl_skip_space(stop, end) != end) {
		*why = "unsupported action (want .Rule, .Output, index .OutputFields \"f\", ...)";
		return SK_EPARSE;
	}
	for (size_t i = 0; i < sizeof(skp_tpl_names) / sizeof(skp_tpl_names[0]); i++) {
		if (strlen(skp_tpl_names[i].name) == wlen && memcmp(word, skp_tpl_names[i].name, wlen) == 0) {
			return skp_tpl_add(t, skp_tpl_names[i].kind, NULL, 0);
		}
	}
	*why = "unknown field (want .Rule, .Priority, .Output, .Source, .Hostname, .Time, .UUID, .Tags)";
	return SK_EPARSE;
}

sk_err skp_template_compile(const char *src, size_t len, skp_template **out, char *err, size_t errlen)
{
	sk_err rc = SK_OK;
	skp_template *t = NULL;
	const char *p = src, *end = src + len, *why = "out of memory";
	size_t offset = 0;

	*out = NULL;
	if (len > SKP_TEMPLATE_MAX_LEN) {
		snprintf(err, errlen, "template is %zu bytes, limit %d", len, SKP_TEMPLATE_MAX_LEN);
		return SK_ERANGE;
	}
	t = calloc(1, sizeof(*t));
	if (t != NULL) {
		t->parts = calloc(SKP_TEMPLATE_MAX_PARTS, sizeof(*t->parts));
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
			rc = skp_tpl_add(t, SKP_TPL_TEXT, p, (size_t)(end - p));
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
		rc = skp_tpl_add(t, SKP_TPL_TEXT, p, (size_t)(text_end - p));
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
			next = skp_tpl_skip_space(next, end);
		}
		rc = skp_tpl_action(t, inner, inner_end, &why);
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
	skp_template_free(t);
	return rc;
}

void skp_template_render(const skp_template *t, const saker_alert *alert, sk_strbuf *sb)
{
	for (size_t i = 0; i < t->n; i++) {
		const skp_tpl_part *part = &t->parts[i];
		const char *value = NULL;

		switch (part->kind) {
		case SKP_TPL_TEXT:
			sk_strbuf_append(sb, part->text, part->len);
			break;
		case SKP_TPL_RULE:
			value = alert->rule;
			break;
		case SKP_TPL_PRIORITY:
			value = alert->priority;
			break;
		case SKP_TPL_OUTPUT:
			value = alert->output;
			break;
		case SKP_TPL_SOURCE:
			value = alert->source;
			break;
		case SKP_TPL_HOSTNAME:
			value = alert->hostname;
			break;
		case SKP_TPL_UUID:
			value = alert->uuid;
			break;
		case SKP_TPL_TIME:
			skp_go_time(sb, alert->time_ns);
			break;
		case SKP_TPL_TAGS:
			/* Go prints a []string as "[a b]". */
			sk_strbuf_putc(sb, '[');
			skp_join_tags(sb, alert, " ");
			sk_strbuf_putc(sb, ']');
			break;
		case SKP_TPL_FIELD:
			value = skp_alert_field(alert, part->text);
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

void skp_template_free(skp_template *t)
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
