/* mvx: concat and join (see mvx.h). */
#include "mvx.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"

static sk_err arg_fail(uint32_t *err_pos, uint32_t pos, sk_err err)
{
	*err_pos = pos;
	return err;
}

static sk_err compile_arg(const sk_rules_env *env, const sk_ast_mv_arg *a, sk_mvx_arg *out, uint32_t *err_pos,
			  sk_strbuf *why)
{
	out->slot = UINT32_MAX;
	if (a->literal != NULL) {
		out->literal = malloc(a->literal_len + 1);
		if (out->literal == NULL) {
			return SK_ENOMEM;
		}
		memcpy(out->literal, a->literal, a->literal_len + 1);
		out->literal_len = a->literal_len;
		return SK_OK;
	}
	const sk_ast_field *f = &a->field;
	sk_ftype t = SK_FT_STRING;
	sk_err err;
	if (f->mv != NULL) {
		err = sk_mvx_compile(env, f, &out->inner, err_pos, why);
		if (err != SK_OK) {
			return err;
		}
	} else {
		err = sk_fmt_field_resolve(env, f->name, f->arg, &out->ref, why);
		if (err != SK_OK) {
			return arg_fail(err_pos, f->pos, err);
		}
		t = out->ref.def->type;
	}
	out->nxf = f->nxf;
	memcpy(out->xf, f->xf, f->nxf * sizeof(f->xf[0]));
	if (sk_xform_chain_type(f->xf, f->nxf, t, f->name, &t, why) != SK_OK) {
		return arg_fail(err_pos, f->pos, SK_EINVAL);
	}
	if (t != SK_FT_STRING) {
		sk_strbuf text = SK_STRBUF_INIT;
		sk_cond_field_text(f, &text); /* "len(proc.name)", not only its field */
		sk_strbuf_printf(why, "concat() and join() take strings: '%s' is %s", sk_strbuf_str(&text),
				 sk_ftype_name(t));
		sk_strbuf_free(&text);
		return arg_fail(err_pos, f->pos, SK_EINVAL);
	}
	return SK_OK;
}

sk_err sk_mvx_compile(const sk_rules_env *env, const sk_ast_field *f, sk_mvx **out, uint32_t *err_pos,
		      sk_strbuf *why)
{
	const sk_ast_mv *mv = f->mv;
	*out = NULL;
	sk_mvx *m = calloc(1, sizeof(*m));
	if (m == NULL) {
		return SK_ENOMEM;
	}
	m->join = mv->join;
	m->list_field = mv->list_field;
	m->args = calloc(mv->nargs, sizeof(*m->args));
	sk_err err = m->args != NULL ? SK_OK : SK_ENOMEM;
	for (uint32_t i = 0; i < mv->nargs && err == SK_OK; i++) {
		m->nargs++;
		err = compile_arg(env, &mv->args[i], &m->args[i], err_pos, why);
	}
	/* join(sep, field): the field must give several values, as a list does */
	const sk_field_ref *list = m->nargs > 1 ? &m->args[1].ref : NULL;
	if (err == SK_OK && m->list_field &&
	    (list == NULL || list->def == NULL || (list->def->flags & SK_FF_LIST) == 0 || list->arg_index >= 0)) {
		sk_strbuf_printf(why, "join() takes a list: '(a, b, ...)' or a field with several values, not '%s'",
				 mv->args[1].literal != NULL ? mv->args[1].literal : mv->args[1].field.name);
		err = arg_fail(err_pos, mv->args[1].pos, SK_EINVAL);
	}
	if (err != SK_OK) {
		sk_mvx_free(m);
		return err;
	}
	*out = m;
	return SK_OK;
}

void sk_mvx_each_field(sk_mvx *m, void (*fn)(void *user, sk_mvx_arg *arg), void *user)
{
	for (uint32_t i = 0; i < m->nargs; i++) {
		if (m->args[i].inner != NULL) {
			sk_mvx_each_field(m->args[i].inner, fn, user);
		} else if (m->args[i].ref.def != NULL) {
			fn(user, &m->args[i]);
		}
	}
}

/* An argument's values, transformed (transformed bytes in m->scratch,
 * valid until the next argument). */
static sk_err arg_values(sk_mvx *m, const sk_mvx_arg *a, sk_mvx_fetch_fn fetch, void *user, sk_values *vals)
{
	sk_err err = SK_OK;
	vals->count = 0;
	if (a->literal != NULL) {
		vals->count = 1;
		vals->v[0].type = SK_FT_STRING;
		vals->v[0].u.str.ptr = a->literal;
		vals->v[0].u.str.len = a->literal_len;
	} else if (a->inner != NULL) {
		err = sk_mvx_eval(a->inner, fetch, user, vals);
	} else {
		err = fetch(user, a, vals);
	}
	if (err != SK_OK || vals->count == 0 || a->nxf == 0) {
		return err;
	}
	return sk_xform_apply_chain(a->xf, a->nxf, vals, &m->scratch);
}

sk_err sk_mvx_eval(sk_mvx *m, sk_mvx_fetch_fn fetch, void *user, sk_values *out)
{
	sk_values vals;
	uint32_t first = m->join ? 1 : 0;
	out->count = 0;
	sk_strbuf_reset(&m->out);
	sk_strbuf_putc(&m->out, '\0'); /* a buffer to point at, even for "" */
	sk_strbuf_reset(&m->out);
	if (m->join) {
		sk_err err = arg_values(m, &m->args[0], fetch, user, &vals);
		if (err != SK_OK || vals.count == 0) {
			return err;
		}
		sk_strbuf_reset(&m->sep);
		if (vals.v[0].u.str.len > 0) {
			sk_strbuf_append(&m->sep, vals.v[0].u.str.ptr, vals.v[0].u.str.len);
		}
	}
	bool any = false;
	for (uint32_t i = first; i < m->nargs; i++) {
		sk_err err = arg_values(m, &m->args[i], fetch, user, &vals);
		if (err != SK_OK) {
			return err;
		}
		if (vals.count == 0 && !m->list_field) {
			return SK_OK; /* an argument without a value: none for the whole */
		}
		uint32_t take = m->list_field ? vals.count : 1;
		for (uint32_t j = 0; j < take; j++) {
			if (any && m->join && m->sep.len > 0) {
				sk_strbuf_append(&m->out, m->sep.data, m->sep.len);
			}
			if (vals.v[j].u.str.len > 0) {
				sk_strbuf_append(&m->out, vals.v[j].u.str.ptr, vals.v[j].u.str.len);
			}
			any = true;
		}
	}
	if (sk_strbuf_failed(&m->out) || sk_strbuf_failed(&m->sep)) {
		return SK_ENOMEM;
	}
	out->count = 1;
	out->v[0].type = SK_FT_STRING;
	out->v[0].u.str.ptr = m->out.data;
	out->v[0].u.str.len = (uint32_t)m->out.len;
	return SK_OK;
}

void sk_mvx_free(sk_mvx *m)
{
	if (m == NULL) {
		return;
	}
	for (uint32_t i = 0; i < m->nargs; i++) {
		free(m->args[i].literal);
		sk_fmt_field_release(&m->args[i].ref);
		sk_mvx_free(m->args[i].inner);
	}
	free(m->args);
	sk_strbuf_free(&m->out);
	sk_strbuf_free(&m->sep);
	sk_strbuf_free(&m->scratch);
	free(m);
}
