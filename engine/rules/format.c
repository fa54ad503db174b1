/* format: output format strings (see format.h). */
#include "format.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "eval_ctx.h"
#include "ops.h"

typedef struct fmt_tok {
	char *text;      /* literal bytes, or the field as written ("proc.aname[2]") */
	size_t len;
	bool is_field;
	bool first_use;  /* first token naming this field: emitted in JSON */
	sk_field_ref ref;
} fmt_tok;

struct sk_fmt {
	fmt_tok *toks;
	size_t ntoks;
	char **names; /* field tokens, unique, in order */
	size_t nnames;
};

static bool all_digits(const char *s)
{
	if (*s == '\0') {
		return false;
	}
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s)) {
			return false;
		}
	}
	return true;
}

static bool static_known(const sk_rules_env *env, const char *key)
{
	for (size_t i = 0; i < env->nstatic; i++) {
		if (strcmp(env->static_names[i], key) == 0) {
			return true;
		}
	}
	return false;
}

sk_err sk_fmt_field_resolve(const sk_rules_env *env, const char *name, const char *arg, sk_field_ref *ref,
			    sk_strbuf *why)
{
	memset(ref, 0, sizeof(*ref));
	ref->arg_index = -1;
	size_t n = strlen(name);
	const char *key = NULL;
	if (arg != NULL && *arg == '\0') {
		arg = NULL;
	}
	const sk_field_def *def = env->field_lookup(name, n);
	/* "evt.arg.flags": the longest registered prefix that takes a key. */
	for (size_t d = n; def == NULL && d > 0; d--) {
		if (name[d - 1] != '.') {
			continue;
		}
		const sk_field_def *pre = env->field_lookup(name, d - 1);
		if (pre != NULL && (pre->flags & SK_FF_ARG_KEY) && name[d] != '\0') {
			def = pre;
			key = name + d;
		}
	}
	if (def == NULL) {
		sk_strbuf_printf(why, "unknown field '%s'", name);
		return SK_ENOENT;
	}
	ref->def = def;
	if (key != NULL && arg != NULL) {
		sk_strbuf_printf(why, "field '%s' takes a single argument", name);
		return SK_EINVAL;
	}
	if (arg != NULL) {
		if ((def->flags & SK_FF_ARG_INDEX) && all_digits(arg) && strlen(arg) < 9) {
			ref->arg_index = atoi(arg);
		} else if (def->flags & SK_FF_ARG_KEY) {
			key = arg;
		} else if (def->flags & SK_FF_ARG_INDEX) {
			sk_strbuf_printf(why, "field '%s' needs a numeric index, not '%s'", name, arg);
			return SK_EINVAL;
		} else {
			sk_strbuf_printf(why, "field '%s' takes no argument", name);
			return SK_EINVAL;
		}
	}
	if (arg == NULL && key == NULL && (def->flags & SK_FF_ARG_REQUIRED)) {
		sk_strbuf_printf(why, "field '%s' requires an argument", name);
		return SK_EINVAL;
	}
	if (key != NULL && env->static_checked && strcmp(def->name, "static") == 0 && !static_known(env, key)) {
		sk_strbuf_printf(why, "unknown field 'static.%s' (static_fields does not set '%s')", key, key);
		return SK_ENOENT;
	}
	if (key != NULL) {
		char *k = strdup(key);
		if (k == NULL) {
			return SK_ENOMEM;
		}
		ref->arg_key = k;
		ref->arg_key_len = (uint32_t)strlen(k);
	}
	return SK_OK;
}

void sk_fmt_field_release(sk_field_ref *ref)
{
	free((char *)ref->arg_key);
	ref->arg_key = NULL;
}

static sk_err push_tok(sk_fmt *f, size_t *cap, const char *text, size_t len, bool is_field)
{
	if (f->ntoks == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		fmt_tok *nt = realloc(f->toks, ncap * sizeof(*nt));
		if (nt == NULL) {
			return SK_ENOMEM;
		}
		f->toks = nt;
		*cap = ncap;
	}
	fmt_tok *t = &f->toks[f->ntoks];
	memset(t, 0, sizeof(*t));
	t->text = strndup(text, len);
	if (t->text == NULL) {
		return SK_ENOMEM;
	}
	t->len = len;
	t->is_field = is_field;
	f->ntoks++;
	return SK_OK;
}

/* Field tokens: %name or %name[arg]; names end before a trailing dot. */
static size_t scan_field_token(const char *s, size_t len, size_t at, size_t *name_len)
{
	size_t j = at;
	while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '.')) {
		j++;
	}
	while (j > at && s[j - 1] == '.') {
		j--;
	}
	*name_len = j - at;
	if (j < len && s[j] == '[') {
		const char *close = memchr(s + j, ']', len - j);
		if (close != NULL) {
			return (size_t)(close - s) + 1 - at;
		}
	}
	return j - at;
}

static sk_err resolve_tok(const sk_rules_env *env, fmt_tok *t, size_t name_len, sk_strbuf *why)
{
	char *name = strndup(t->text, name_len);
	char *arg = NULL;
	if (name == NULL) {
		return SK_ENOMEM;
	}
	if (t->len > name_len) {
		arg = strndup(t->text + name_len + 1, t->len - name_len - 2);
		if (arg == NULL) {
			free(name);
			return SK_ENOMEM;
		}
	}
	sk_err err = sk_fmt_field_resolve(env, name, arg, &t->ref, why);
	free(name);
	free(arg);
	return err;
}

sk_err sk_fmt_compile(const sk_rules_env *env, const char *text, size_t len, sk_fmt **out, uint32_t *err_pos,
		      sk_strbuf *why)
{
	sk_err err = SK_OK;
	size_t cap = 0, lit = 0, i = 0;
	*out = NULL;
	*err_pos = 0;
	sk_fmt *f = calloc(1, sizeof(*f));
	if (f == NULL) {
		return SK_ENOMEM;
	}
	while (i < len) {
		if (text[i] != '%' || i + 1 >= len || !isalpha((unsigned char)text[i + 1])) {
			i++;
			continue;
		}
		if (i > lit) {
			err = push_tok(f, &cap, text + lit, i - lit, false);
			if (err != SK_OK) {
				goto cleanup;
			}
		}
		size_t name_len = 0;
		size_t tok_len = scan_field_token(text, len, i + 1, &name_len);
		err = push_tok(f, &cap, text + i + 1, tok_len, true);
		if (err != SK_OK) {
			goto cleanup;
		}
		err = resolve_tok(env, &f->toks[f->ntoks - 1], name_len, why);
		if (err != SK_OK) {
			*err_pos = (uint32_t)i + 1;
			goto cleanup;
		}
		i += 1 + tok_len;
		lit = i;
	}
	if (len > lit) {
		err = push_tok(f, &cap, text + lit, len - lit, false);
		if (err != SK_OK) {
			goto cleanup;
		}
	}
	f->names = calloc(f->ntoks + 1, sizeof(*f->names));
	if (f->names == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	for (size_t k = 0; k < f->ntoks; k++) {
		fmt_tok *t = &f->toks[k];
		if (!t->is_field) {
			continue;
		}
		t->first_use = true;
		for (size_t m = 0; m < f->nnames; m++) {
			if (strcmp(f->names[m], t->text) == 0) {
				t->first_use = false;
			}
		}
		if (t->first_use) {
			f->names[f->nnames++] = t->text;
		}
	}
	*out = f;
	return SK_OK;
cleanup:
	sk_fmt_free(f);
	return err;
}

static sk_err extract(const fmt_tok *t, struct sk_eval_ctx *ctx, sk_values *vals)
{
	vals->count = 0;
	if (t->ref.def->extract == NULL) {
		return SK_OK;
	}
	return t->ref.def->extract(ctx, &t->ref, vals);
}

sk_err sk_fmt_render_text(const sk_fmt *fmt, struct sk_eval_ctx *ctx, sk_strbuf *out)
{
	sk_values vals;
	for (size_t k = 0; k < fmt->ntoks; k++) {
		const fmt_tok *t = &fmt->toks[k];
		if (!t->is_field) {
			sk_strbuf_append(out, t->text, t->len);
			continue;
		}
		sk_err err = extract(t, ctx, &vals);
		if (err != SK_OK) {
			return err;
		}
		if (vals.count == 0) {
			sk_strbuf_puts(out, "<NA>");
			continue;
		}
		if (vals.count > 1) {
			sk_strbuf_putc(out, '(');
		}
		for (uint32_t v = 0; v < vals.count; v++) {
			if (v > 0) {
				sk_strbuf_putc(out, ',');
			}
			sk_op_value_text(&vals.v[v], ctx->buffer_base64, out);
		}
		if (vals.count > 1) {
			sk_strbuf_putc(out, ')');
		}
	}
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

sk_err sk_fmt_render_json(const sk_fmt *fmt, struct sk_eval_ctx *ctx, sk_strbuf *out)
{
	sk_values vals;
	bool first = true;
	sk_strbuf_putc(out, '{');
	for (size_t k = 0; k < fmt->ntoks; k++) {
		const fmt_tok *t = &fmt->toks[k];
		if (!t->is_field || !t->first_use) {
			continue;
		}
		sk_err err = extract(t, ctx, &vals);
		if (err != SK_OK) {
			return err;
		}
		if (!first) {
			sk_strbuf_putc(out, ',');
		}
		first = false;
		sk_strbuf_json_string(out, t->text, t->len);
		sk_strbuf_putc(out, ':');
		if (vals.count == 0) {
			sk_strbuf_puts(out, "null");
		} else if (vals.count == 1) {
			sk_op_value_json(&vals.v[0], ctx->buffer_base64, out);
		} else {
			sk_strbuf_putc(out, '[');
			for (uint32_t v = 0; v < vals.count; v++) {
				if (v > 0) {
					sk_strbuf_putc(out, ',');
				}
				sk_op_value_json(&vals.v[v], ctx->buffer_base64, out);
			}
			sk_strbuf_putc(out, ']');
		}
	}
	sk_strbuf_putc(out, '}');
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

size_t sk_fmt_field_count(const sk_fmt *fmt)
{
	return fmt->nnames;
}

const char *sk_fmt_field_name(const sk_fmt *fmt, size_t i)
{
	return i < fmt->nnames ? fmt->names[i] : NULL;
}

void sk_fmt_free(sk_fmt *fmt)
{
	if (fmt == NULL) {
		return;
	}
	for (size_t k = 0; k < fmt->ntoks; k++) {
		free(fmt->toks[k].text);
		sk_fmt_field_release(&fmt->toks[k].ref);
	}
	free(fmt->toks);
	free(fmt->names);
	free(fmt);
}
