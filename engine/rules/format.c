/* format: output format strings (see format.h). */
#include "format.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "mvx.h"
#include "ops.h"

typedef struct fmt_tok {
	char *text;      /* literal bytes, or the field as written ("proc.aname[2]") */
	size_t len;
	bool is_field;
	bool first_use;  /* first token naming this field: emitted in JSON */
	bool key_first_use;
	uint32_t width;  /* %Nfield: the text cut or space-padded to N bytes; 0: as it comes */
	uint32_t nxf;    /* transformers, innermost first */
	sk_xform xf[SK_XF_MAX_CHAIN];
	char *key;       /* with transformers: "toupper(proc.name)", an output_fields key of its own */
	bool hidden;     /* a concat/join argument's field: in output_fields only */
	sk_mvx *mv;      /* concat/join in place of ref; text is then its key */
	sk_field_ref ref;
} fmt_tok;

struct sk_fmt {
	fmt_tok *toks;
	size_t ntoks;
	char **names; /* output_fields keys, unique, in order */
	size_t nnames;
};

/* Falco's widths are small column sizes; a bound keeps a typo from padding megabytes. */
#define FMT_MAX_WIDTH 65535u

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
	t->text = malloc(len + 1); /* every byte: a YAML "\0" escape puts NULs in literal text */
	if (t->text == NULL) {
		return SK_ENOMEM;
	}
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	t->len = len;
	t->is_field = is_field;
	f->ntoks++;
	return SK_OK;
}

/* One field token after its '%' and width: a field (%name, %name[arg]) or
 * transformers around one (%toupper(basename(fd.name))), blanks allowed
 * inside the parentheses but not before them, as in Falco. */
typedef struct tok_scan {
	const char *s;
	size_t len;
	size_t i;        /* cursor */
	size_t name_at;  /* the field: name, then [arg] up to field_end */
	size_t name_len;
	size_t field_end;
	uint32_t nxf;    /* innermost first */
	sk_xform xf[SK_XF_MAX_CHAIN];
	bool mv;         /* the token holds concat or join: the condition parser reads it */
	size_t err_at;
} tok_scan;

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static void skip_blanks(tok_scan *sc)
{
	while (sc->i < sc->len && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t')) {
		sc->i++;
	}
}

/* Records where a token went wrong; the caller has written why. */
static sk_err fail_at(tok_scan *sc, size_t at)
{
	sc->err_at = at;
	return SK_EINVAL;
}

static sk_err scan_token(tok_scan *sc, uint32_t depth, sk_strbuf *why)
{
	size_t start = sc->i;
	size_t j = start;
	while (j < sc->len && is_name_char(sc->s[j])) {
		j++;
	}
	int word_len = (int)(j - start);
	const char *word = sc->s + start;
	bool dotted = memchr(word, '.', (size_t)word_len) != NULL;
	sk_xform xf;
	bool is_xform = !dotted && word_len > 0 && sk_xform_parse(word, (size_t)word_len, &xf) == SK_OK;
	if (!dotted && j < sc->len && sc->s[j] == '(' &&
	    ((word_len == 6 && memcmp(word, "concat", 6) == 0) || (word_len == 4 && memcmp(word, "join", 4) == 0))) {
		sc->mv = true;
		return SK_OK;
	}
	if (!dotted && j < sc->len && sc->s[j] == '(') {
		if (word_len == 3 && memcmp(word, "val", 3) == 0) {
			sk_strbuf_puts(why, "val() compares fields in conditions; outputs print the field itself");
			return fail_at(sc, start);
		}
		if (!is_xform) {
			sk_strbuf_printf(why,
					 sk_xform_is_unsupported(word, (size_t)word_len)
						 ? "libsinsp's %.*s transformer is not supported"
						 : "unknown transformer '%.*s'",
					 word_len, word);
			return fail_at(sc, start);
		}
		if (depth >= SK_XF_MAX_CHAIN) {
			sk_strbuf_printf(why, "more than %d nested transformers", SK_XF_MAX_CHAIN);
			return fail_at(sc, start);
		}
		sc->i = j + 1;
		skip_blanks(sc);
		sk_err err = scan_token(sc, depth + 1, why);
		if (err != SK_OK || sc->mv) {
			return err; /* concat/join inside: the condition parser reads it all */
		}
		skip_blanks(sc);
		if (sc->i >= sc->len || sc->s[sc->i] != ')') {
			sk_strbuf_printf(why, "expected ')' to close transformer '%.*s'", word_len, word);
			return fail_at(sc, sc->i);
		}
		sc->i++;
		sc->xf[sc->nxf++] = xf; /* after the inner ones: applied after them */
		return SK_OK;
	}
	if (is_xform) {
		sk_strbuf_printf(why, "transformer '%.*s' takes its field in parentheses right after its name",
				 word_len, word);
		return fail_at(sc, start);
	}
	/* A field: its name ends before a trailing dot ("%proc.name." ends a sentence). */
	while (j > start && sc->s[j - 1] == '.') {
		j--;
	}
	if (j == start) {
		sk_strbuf_puts(why, "expected a field name");
		return fail_at(sc, start);
	}
	sc->name_at = start;
	sc->name_len = j - start;
	sc->field_end = j;
	if (j < sc->len && sc->s[j] == '[') {
		const char *close = memchr(sc->s + j, ']', sc->len - j);
		if (close != NULL) {
			sc->field_end = (size_t)(close - sc->s) + 1;
		}
	}
	sc->i = sc->field_end;
	return SK_OK;
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

/* Types the transformer chain and names the token's own output_fields key,
 * written without blanks: "tolower(toupper(proc.name))". */
static sk_err setup_xforms(fmt_tok *t, sk_strbuf *why)
{
	sk_ftype type;
	if (sk_xform_chain_type(t->xf, t->nxf, t->ref.def->type, t->text, &type, why) != SK_OK) {
		return SK_EINVAL;
	}
	sk_strbuf key = SK_STRBUF_INIT;
	for (uint32_t x = t->nxf; x > 0; x--) {
		sk_strbuf_printf(&key, "%s(", sk_xform_name(t->xf[x - 1]));
	}
	sk_strbuf_append(&key, t->text, t->len);
	for (uint32_t x = 0; x < t->nxf; x++) {
		sk_strbuf_putc(&key, ')');
	}
	t->key = sk_strbuf_failed(&key) ? NULL : strdup(sk_strbuf_str(&key));
	sk_strbuf_free(&key);
	return t->key != NULL ? SK_OK : SK_ENOMEM;
}

/* Reads "%12" before a field: the width, and where the field starts. */
static size_t scan_width(const char *text, size_t len, size_t at, uint32_t *width)
{
	*width = 0;
	while (at < len && isdigit((unsigned char)text[at])) {
		if (*width <= FMT_MAX_WIDTH) {
			*width = *width * 10 + (uint32_t)(text[at] - '0');
		}
		at++;
	}
	return at;
}

/* The arguments of a concat/join as hidden tokens, for output_fields as
 * Falco fills it: every field, a transformed field under its own key too,
 * and a nested concat/join under its text. */
static sk_err push_arg_fields(const sk_rules_env *env, sk_fmt *f, size_t *cap, const sk_ast_field *field,
			      sk_strbuf *why)
{
	sk_err err = SK_OK;
	for (uint32_t i = 0; field->mv != NULL && i < field->mv->nargs && err == SK_OK; i++) {
		const sk_ast_field *a = &field->mv->args[i].field;
		if (field->mv->args[i].literal != NULL) {
			continue;
		}
		sk_strbuf text = SK_STRBUF_INIT;
		sk_cond_field_text(a, &text);
		size_t base_len = text.len;
		if (a->mv == NULL) { /* the field as written, then its key when transformed */
			sk_strbuf_reset(&text);
			sk_strbuf_puts(&text, a->name);
			if (a->arg != NULL) {
				sk_strbuf_printf(&text, "[%s]", a->arg);
			}
			base_len = text.len;
			sk_strbuf_putc(&text, '\0');
			sk_cond_field_text(a, &text);
		}
		err = sk_strbuf_failed(&text) ? SK_ENOMEM : push_tok(f, cap, text.data, base_len, true);
		fmt_tok *t = err == SK_OK ? &f->toks[f->ntoks - 1] : NULL;
		if (t != NULL) {
			uint32_t pos = 0;
			t->hidden = true;
			t->nxf = a->nxf;
			memcpy(t->xf, a->xf, a->nxf * sizeof(a->xf[0]));
			err = a->mv != NULL ? sk_mvx_compile(env, a, &t->mv, &pos, why)
					    : sk_fmt_field_resolve(env, a->name, a->arg, &t->ref, why);
		}
		if (err == SK_OK && a->mv == NULL && a->nxf > 0) {
			t->key = strdup(text.data + base_len + 1);
			err = t->key != NULL ? SK_OK : SK_ENOMEM;
		}
		sk_strbuf_free(&text);
		if (err == SK_OK && a->mv != NULL) {
			err = push_arg_fields(env, f, cap, a, why);
		}
	}
	return err;
}

/* A token holding concat or join (%concat(proc.name, ":", fd.name),
 * %toupper(join("-", (a, b)))): the condition parser reads it up to its
 * end; output_fields gets its value under its text and its fields' own. */
static sk_err compile_mv_field(const sk_rules_env *env, sk_fmt *f, size_t *cap, tok_scan *sc, size_t at,
			       uint32_t width, sk_strbuf *why)
{
	sk_ast_field field;
	size_t end = at;
	uint32_t pos = 0;
	sk_err err = sk_cond_parse_field(sc->s, sc->len, at, &field, &end, &pos, why);
	if (err != SK_OK) {
		sc->err_at = pos;
		return err == SK_EPARSE ? SK_EINVAL : err;
	}
	sk_strbuf key = SK_STRBUF_INIT;
	sk_cond_field_text(&field, &key);
	err = sk_strbuf_failed(&key) ? SK_ENOMEM : push_tok(f, cap, key.data, key.len, true);
	sk_strbuf_free(&key);
	fmt_tok *t = err == SK_OK ? &f->toks[f->ntoks - 1] : NULL;
	if (t != NULL) {
		t->width = width;
		t->nxf = field.nxf;
		memcpy(t->xf, field.xf, field.nxf * sizeof(field.xf[0]));
		pos = (uint32_t)at;
		if (field.mv != NULL) {
			err = sk_mvx_compile(env, &field, &t->mv, &pos, why);
		} else {
			sk_strbuf_puts(why, "expected concat() or join()");
			err = SK_EINVAL;
		}
		sc->err_at = pos;
	}
	sk_ftype type;
	if (err == SK_OK && sk_xform_chain_type(t->xf, t->nxf, SK_FT_STRING, field.name, &type, why) != SK_OK) {
		err = SK_EINVAL;
		sc->err_at = at;
	}
	if (err == SK_OK) {
		err = push_arg_fields(env, f, cap, &field, why);
		sc->err_at = at;
	}
	sc->i = end;
	sk_cond_field_free(&field);
	return err;
}

/* Parses the field token whose width ends at 'at' into a new token. */
static sk_err compile_field(const sk_rules_env *env, sk_fmt *f, size_t *cap, tok_scan *sc, uint32_t width,
			    sk_strbuf *why)
{
	size_t at = sc->i;
	sk_err err = scan_token(sc, 0, why);
	if (err != SK_OK) {
		return err;
	}
	if (sc->mv) {
		return compile_mv_field(env, f, cap, sc, at, width, why);
	}
	if (memchr(sc->s + sc->name_at, '\0', sc->field_end - sc->name_at) != NULL) {
		sk_strbuf_puts(why, "a NUL byte inside a field's argument");
		sc->err_at = sc->name_at;
		return SK_EINVAL;
	}
	err = push_tok(f, cap, sc->s + sc->name_at, sc->field_end - sc->name_at, true);
	if (err != SK_OK) {
		return err;
	}
	fmt_tok *t = &f->toks[f->ntoks - 1];
	t->width = width;
	t->nxf = sc->nxf;
	memcpy(t->xf, sc->xf, sc->nxf * sizeof(sc->xf[0]));
	err = resolve_tok(env, t, sc->name_len, why);
	if (err != SK_OK) {
		sc->err_at = sc->name_at;
		return err;
	}
	if (t->nxf > 0) {
		err = setup_xforms(t, why);
		sc->err_at = at;
	}
	return err;
}

static bool name_seen(const sk_fmt *f, const char *name)
{
	for (size_t m = 0; m < f->nnames; m++) {
		if (strcmp(f->names[m], name) == 0) {
			return true;
		}
	}
	return false;
}

/* Every distinct field, and every distinct transformed field, is one
 * output_fields entry (Falco lists a transformed field under both names). */
static sk_err collect_names(sk_fmt *f)
{
	f->names = calloc(2 * f->ntoks + 1, sizeof(*f->names));
	if (f->names == NULL) {
		return SK_ENOMEM;
	}
	for (size_t k = 0; k < f->ntoks; k++) {
		fmt_tok *t = &f->toks[k];
		if (!t->is_field) {
			continue;
		}
		t->first_use = !name_seen(f, t->text);
		if (t->first_use) {
			f->names[f->nnames++] = t->text;
		}
		t->key_first_use = t->key != NULL && !name_seen(f, t->key);
		if (t->key_first_use) {
			f->names[f->nnames++] = t->key;
		}
	}
	return SK_OK;
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
		uint32_t width = 0;
		size_t at = text[i] == '%' ? scan_width(text, len, i + 1, &width) : i;
		if (text[i] != '%' || at >= len || !isalpha((unsigned char)text[at])) {
			i++; /* a lone '%', "100%", "%%": text */
			continue;
		}
		if (i > lit) {
			err = push_tok(f, &cap, text + lit, i - lit, false);
			if (err != SK_OK) {
				goto cleanup;
			}
		}
		if (width > FMT_MAX_WIDTH) {
			sk_strbuf_printf(why, "field width %.*s is over %u", (int)(at - i - 1), text + i + 1,
					 FMT_MAX_WIDTH);
			*err_pos = (uint32_t)i + 1;
			err = SK_EINVAL;
			goto cleanup;
		}
		tok_scan sc = {.s = text, .len = len, .i = at};
		err = compile_field(env, f, &cap, &sc, width, why);
		if (err != SK_OK) {
			*err_pos = (uint32_t)sc.err_at;
			goto cleanup;
		}
		i = sc.i;
		lit = i;
	}
	if (len > lit) {
		err = push_tok(f, &cap, text + lit, len - lit, false);
		if (err != SK_OK) {
			goto cleanup;
		}
	}
	err = collect_names(f);
	if (err != SK_OK) {
		goto cleanup;
	}
	*out = f;
	return SK_OK;
cleanup:
	sk_fmt_free(f);
	return err;
}

/* The token's values, transformed when it has transformers (their bytes in
 * scratch). */
/* How concat/join read a field argument in an output. */
static sk_err mv_fetch(void *user, const sk_mvx_arg *arg, sk_values *vals)
{
	vals->count = 0;
	return arg->ref.def->extract != NULL ? arg->ref.def->extract(user, &arg->ref, vals) : SK_OK;
}

static sk_err extract(const fmt_tok *t, struct sk_eval_ctx *ctx, bool transformed, sk_values *vals,
		      sk_strbuf *scratch)
{
	vals->count = 0;
	if (t->mv != NULL) {
		sk_err err = sk_mvx_eval(t->mv, mv_fetch, ctx, vals);
		if (err != SK_OK || t->nxf == 0 || vals->count == 0) {
			return err;
		}
		return sk_xform_apply_chain(t->xf, t->nxf, vals, scratch);
	}
	if (t->ref.def->extract == NULL) {
		return SK_OK;
	}
	sk_err err = t->ref.def->extract(ctx, &t->ref, vals);
	if (err != SK_OK || !transformed || t->nxf == 0 || vals->count == 0) {
		return err;
	}
	return sk_xform_apply_chain(t->xf, t->nxf, vals, scratch);
}

static void put_text_values(const sk_values *vals, bool bytes_base64, sk_strbuf *out)
{
	if (vals->count == 0) {
		sk_strbuf_puts(out, "<NA>");
		return;
	}
	if (vals->count > 1) {
		sk_strbuf_putc(out, '(');
	}
	for (uint32_t v = 0; v < vals->count; v++) {
		if (v > 0) {
			sk_strbuf_putc(out, ',');
		}
		sk_op_value_text(&vals->v[v], bytes_base64, out);
	}
	if (vals->count > 1) {
		sk_strbuf_putc(out, ')');
	}
}

/* %Nfield: cuts or pads what the field printed (from start) to N bytes. */
static void fit_width(sk_strbuf *out, size_t start, uint32_t width)
{
	if (width == 0 || sk_strbuf_failed(out)) {
		return;
	}
	size_t n = out->len - start;
	if (n > width) {
		out->len = start + width;
		out->data[out->len] = '\0';
	}
	for (; n < width; n++) {
		sk_strbuf_putc(out, ' ');
	}
}

sk_err sk_fmt_render_text(const sk_fmt *fmt, struct sk_eval_ctx *ctx, bool bytes_base64, sk_strbuf *out)
{
	sk_values vals;
	sk_strbuf scratch = SK_STRBUF_INIT;
	sk_err err = SK_OK;
	for (size_t k = 0; k < fmt->ntoks && err == SK_OK; k++) {
		const fmt_tok *t = &fmt->toks[k];
		if (!t->is_field) {
			sk_strbuf_append(out, t->text, t->len);
			continue;
		}
		if (t->hidden) {
			continue;
		}
		err = extract(t, ctx, true, &vals, &scratch);
		if (err == SK_OK) {
			size_t start = out->len;
			put_text_values(&vals, bytes_base64, out);
			fit_width(out, start, t->width);
		}
	}
	sk_strbuf_free(&scratch);
	if (err != SK_OK) {
		return err;
	}
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

static void put_json_entry(const char *key, const sk_values *vals, bool bytes_base64, bool *first,
			   sk_strbuf *out)
{
	if (!*first) {
		sk_strbuf_putc(out, ',');
	}
	*first = false;
	sk_strbuf_json_string(out, key, strlen(key));
	sk_strbuf_putc(out, ':');
	if (vals->count == 0) {
		sk_strbuf_puts(out, "null");
	} else if (vals->count == 1) {
		sk_op_value_json(&vals->v[0], bytes_base64, out);
	} else {
		sk_strbuf_putc(out, '[');
		for (uint32_t v = 0; v < vals->count; v++) {
			if (v > 0) {
				sk_strbuf_putc(out, ',');
			}
			sk_op_value_json(&vals->v[v], bytes_base64, out);
		}
		sk_strbuf_putc(out, ']');
	}
}

sk_err sk_fmt_render_json(const sk_fmt *fmt, struct sk_eval_ctx *ctx, bool bytes_base64, sk_strbuf *out)
{
	sk_values vals;
	sk_strbuf scratch = SK_STRBUF_INIT;
	sk_err err = SK_OK;
	bool first = true;
	sk_strbuf_putc(out, '{');
	for (size_t k = 0; k < fmt->ntoks && err == SK_OK; k++) {
		const fmt_tok *t = &fmt->toks[k];
		if (t->is_field && t->first_use) {
			err = extract(t, ctx, false, &vals, &scratch);
			if (err == SK_OK) {
				put_json_entry(t->text, &vals, bytes_base64, &first, out);
			}
		}
		if (err == SK_OK && t->is_field && t->key_first_use) {
			err = extract(t, ctx, true, &vals, &scratch);
			if (err == SK_OK) {
				put_json_entry(t->key, &vals, bytes_base64, &first, out);
			}
		}
	}
	sk_strbuf_free(&scratch);
	if (err != SK_OK) {
		return err;
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
		free(fmt->toks[k].key);
		sk_mvx_free(fmt->toks[k].mv);
		sk_fmt_field_release(&fmt->toks[k].ref);
	}
	free(fmt->toks);
	free(fmt->names);
	free(fmt);
}
