/* compile: conditions to evaluable trees, event-type sets, evaluation.
 *
 * Macros expand by compiling their (once-parsed) AST in place; list names
 * inside '( … )' expand to their items. Constants are converted to the
 * field's type here, sets are sorted for binary search and regexes are
 * compiled once, so evaluation parses nothing. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mvx.h"
#include "ruleset_int.h"

/* CN_MEMO: a macro's tree, its result kept per event (memo slot = the
 * macro's index) so the rules sharing the macro evaluate it once. */
enum { CN_AND, CN_OR, CN_NOT, CN_CHECK, CN_EVTYPE, CN_MEMO };

typedef struct check {
	sk_field_ref lhs;
	sk_mvx *mv; /* concat/join in place of lhs */
	uint32_t nxf;
	sk_xform xf[SK_COND_MAX_XFORMS];
	sk_op op;
	sk_const *consts;
	uint32_t nconsts;
	bool sorted; /* consts sorted and unique: binary search */
	bool rhs_is_field;
	sk_field_ref rhs;
	uint32_t lhs_slot, rhs_slot; /* field cache slots, UINT32_MAX: none */
	pcre2_code *re;
	pcre2_match_data *md;
	sk_op_mod mod;          /* oneof/anyof/allof over consts */
	pcre2_code **res;       /* regex with a modifier: one per const */
	pcre2_match_data **mds;
} check;

struct sk_cnode {
	uint8_t kind;
	uint32_t nkids;
	sk_cnode **kids;
	check *chk;
	uint64_t *bits; /* CN_EVTYPE */
	uint16_t nbits;
	/* CN_EVTYPE naming syscalls that generic events carry: on a generic
	 * event the carried id must be one of sysids (unless the node names
	 * the generic type itself). */
	int *sysids;
	uint32_t nsysids;
	bool any_generic;
	int (*sysid_of)(const struct sk_eval_ctx *ctx);
	uint16_t generic[2];
	uint16_t ngeneric;
	uint32_t memo; /* CN_MEMO: slot */
};

typedef struct cc {
	sk_ruleset *rs;
	const sk_rule_def *rd;
	const sk_text *text; /* where offsets point: rule, macro or exception text */
	const char *macro;   /* macro being expanded, for messages */
	sk_loc fallback;     /* where generated text (exceptions) points */
	char item[300];
	bool skipped;
	bool too_big;
	uint32_t depth;
	uint32_t nodes;
	uint16_t ntypes;
} cc;

typedef struct strv {
	char **v;
	uint32_t n, cap;
} strv;

static void cc_report(cc *c, bool error, const char *code, uint32_t off, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void cc_report(cc *c, bool error, const char *code, uint32_t off, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sk_loc loc = c->text != NULL ? sk_text_loc(c->text, &c->rs->srcs, off) : c->fallback;
	if (c->macro != NULL) {
		sk_diag_add(&c->rs->diags, &c->rs->srcs, error, code, loc, c->item, "%s (in macro '%s')", msg,
			    c->macro);
	} else {
		sk_diag_add(&c->rs->diags, &c->rs->srcs, error, code, loc, c->item, "%s", msg);
	}
}

static uint32_t bitset_words(uint16_t ntypes)
{
	return ((uint32_t)ntypes + 63) / 64;
}

static void check_free(check *k)
{
	if (k == NULL) {
		return;
	}
	sk_fmt_field_release(&k->lhs);
	sk_fmt_field_release(&k->rhs);
	sk_mvx_free(k->mv);
	for (uint32_t i = 0; i < k->nconsts; i++) {
		sk_op_const_free(&k->consts[i]);
	}
	free(k->consts);
	if (k->md != NULL) {
		pcre2_match_data_free(k->md);
	}
	if (k->re != NULL) {
		pcre2_code_free(k->re);
	}
	for (uint32_t i = 0; k->res != NULL && i < k->nconsts; i++) {
		pcre2_match_data_free(k->mds[i]);
		pcre2_code_free(k->res[i]);
	}
	free(k->res);
	free(k->mds);
	free(k);
}

void sk_cc_free(sk_cnode *n)
{
	if (n == NULL) {
		return;
	}
	for (uint32_t i = 0; i < n->nkids; i++) {
		sk_cc_free(n->kids[i]);
	}
	free(n->kids);
	check_free(n->chk);
	free(n->bits);
	free(n->sysids);
	free(n);
}

static sk_cnode *node_new(uint8_t kind, uint32_t nkids)
{
	sk_cnode *n = calloc(1, sizeof(*n));
	if (n == NULL) {
		return NULL;
	}
	n->kind = kind;
	if (nkids > 0) {
		n->kids = calloc(nkids, sizeof(*n->kids));
		if (n->kids == NULL) {
			free(n);
			return NULL;
		}
		n->nkids = nkids;
	}
	return n;
}

static bool strv_push(strv *s, const char *text)
{
	if (s->n == s->cap) {
		uint32_t ncap = s->cap ? s->cap * 2 : 16;
		char **nv = realloc(s->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			return false;
		}
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n] = strdup(text);
	return s->v[s->n++] != NULL;
}

static void strv_free(strv *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		free(s->v[i]);
	}
	free(s->v);
}

/* Adds a value to out, expanding it when it names a list (recursively). */
static bool expand_value(cc *c, const char *text, bool quoted, uint32_t pos, strv *out)
{
	sk_list_def *l = quoted ? NULL : sk_rs_find_list(c->rs, text);
	if (l == NULL) {
		if (out->n >= SK_RULES_MAX_LIST_ITEMS) {
			cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", pos, "too many values in list");
			return false;
		}
		return strv_push(out, text);
	}
	if (l->visiting || c->depth >= SK_RULES_MAX_EXPANSION) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", pos, "list '%s' references itself", text);
		return false;
	}
	l->used = true;
	l->visiting = true;
	c->depth++;
	bool ok = true;
	for (uint32_t i = 0; ok && i < l->nitems; i++) {
		char *unq = NULL;
		size_t unq_len = 0;
		if (sk_cond_unquote(l->items[i], strlen(l->items[i]), &unq, &unq_len)) {
			ok = expand_value(c, unq, true, pos, out);
			free(unq);
		} else {
			ok = expand_value(c, l->items[i], false, pos, out);
		}
	}
	c->depth--;
	l->visiting = false;
	return ok;
}

static int const_cmp(const void *a, const void *b)
{
	return sk_op_value_order(&((const sk_const *)a)->v, &((const sk_const *)b)->v);
}

/* Sorts and deduplicates set constants so membership is a binary search. */
static void sort_consts(check *k)
{
	if (k->nconsts == 0 || k->consts[0].v.type == SK_FT_IPADDR || k->consts[0].v.type == SK_FT_IPNET) {
		return;
	}
	qsort(k->consts, k->nconsts, sizeof(*k->consts), const_cmp);
	uint32_t w = 1;
	for (uint32_t r = 1; r < k->nconsts; r++) {
		if (const_cmp(&k->consts[r], &k->consts[w - 1]) == 0) {
			sk_op_const_free(&k->consts[r]);
		} else {
			k->consts[w++] = k->consts[r];
		}
	}
	k->nconsts = w;
	k->sorted = true;
}

/* Compiles pattern pat (whole-value match) into *re and its *md. */
static sk_err compile_pattern(cc *c, const sk_value *pat, uint32_t pos, pcre2_code **re, pcre2_match_data **md)
{
	int code = 0;
	PCRE2_SIZE at = 0;
	*re = pcre2_compile((PCRE2_SPTR)pat->u.str.ptr, pat->u.str.len, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &at,
			    NULL);
	if (*re == NULL) {
		PCRE2_UCHAR buf[256];
		pcre2_get_error_message(code, buf, sizeof(buf));
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", pos, "invalid regex '%s': %s", pat->u.str.ptr,
			  (const char *)buf);
		return SK_EPARSE;
	}
	pcre2_jit_compile(*re, PCRE2_JIT_COMPLETE);
	*md = pcre2_match_data_create_from_pattern(*re, NULL);
	return *md != NULL ? SK_OK : SK_ENOMEM;
}

/* regex: one pattern, or with a modifier one per list value. */
static sk_err compile_regex(cc *c, check *k, uint32_t pos)
{
	if (k->mod == SK_MOD_NONE) {
		return compile_pattern(c, &k->consts[0].v, pos, &k->re, &k->md);
	}
	k->res = calloc(k->nconsts + 1, sizeof(*k->res));
	k->mds = calloc(k->nconsts + 1, sizeof(*k->mds));
	if (k->res == NULL || k->mds == NULL) {
		return SK_ENOMEM;
	}
	for (uint32_t i = 0; i < k->nconsts; i++) {
		sk_err err = compile_pattern(c, &k->consts[i].v, pos, &k->res[i], &k->mds[i]);
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

/* Resolves a field written in a condition; unknown fields skip the rule
 * when it has skip-if-unknown-filter. */
static sk_err resolve(cc *c, const sk_ast_field *f, sk_field_ref *ref)
{
	sk_strbuf why = SK_STRBUF_INIT;
	sk_err err = sk_fmt_field_resolve(&c->rs->env, f->name, f->arg, ref, &why);
	if (err == SK_ENOENT && c->rd->skip_if_unknown) {
		cc_report(c, false, "LOAD_UNKNOWN_FILTER", f->pos, "%s: rule skipped (skip-if-unknown-filter)",
			  sk_strbuf_str(&why));
		c->skipped = true;
	} else if (err != SK_OK) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", f->pos, "%s", sk_strbuf_str(&why));
	}
	sk_strbuf_free(&why);
	return err == SK_OK ? SK_OK : SK_EPARSE;
}

/* concat/join in place of a field: its arguments resolved and typed. */
static sk_err resolve_mv(cc *c, const sk_ast_field *f, sk_mvx **out)
{
	sk_strbuf why = SK_STRBUF_INIT;
	uint32_t pos = f->pos;
	sk_err err = sk_mvx_compile(&c->rs->env, f, out, &pos, &why);
	if (err == SK_ENOENT && c->rd->skip_if_unknown) {
		cc_report(c, false, "LOAD_UNKNOWN_FILTER", pos, "%s: rule skipped (skip-if-unknown-filter)",
			  sk_strbuf_str(&why));
		c->skipped = true;
	} else if (err != SK_OK) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", pos, "%s",
			  err == SK_ENOMEM ? "out of memory" : sk_strbuf_str(&why));
	}
	sk_strbuf_free(&why);
	return err == SK_OK ? SK_OK : SK_EPARSE;
}

static void bit_set(uint64_t *bits, uint16_t nbits, uint16_t id)
{
	if (id < nbits) {
		bits[id / 64] |= 1ull << (id % 64);
	}
}

/* Records the syscall id generic events carry for name; false when out of
 * memory. */
static bool evtype_add_sysid(sk_cnode *n, const sk_rules_env *env, const char *name)
{
	int sid = env->syscall_id(name);
	if (sid <= 0) {
		return true;
	}
	int *nv = realloc(n->sysids, (n->nsysids + 1) * sizeof(*nv));
	if (nv == NULL) {
		return false;
	}
	n->sysids = nv;
	n->sysids[n->nsysids++] = sid;
	return true;
}

static sk_cnode *compile_evtype(cc *c, const sk_ast *a, const strv *names)
{
	const sk_rules_env *env = &c->rs->env;
	sk_cnode *n = node_new(CN_EVTYPE, 0);
	if (n == NULL || (n->bits = calloc(bitset_words(c->ntypes), sizeof(uint64_t))) == NULL) {
		sk_cc_free(n);
		return NULL;
	}
	n->nbits = c->ntypes;
	bool generic = env->syscall_id != NULL && env->event_syscall_id != NULL && env->ngeneric_types > 0;
	if (generic) {
		n->ngeneric = env->ngeneric_types < 2 ? env->ngeneric_types : 2;
		memcpy(n->generic, env->generic_types, n->ngeneric * sizeof(n->generic[0]));
		n->sysid_of = env->event_syscall_id;
	}
	uint16_t ids[64];
	for (uint32_t i = 0; i < names->n; i++) {
		size_t cnt = env->evtypes_by_name(names->v[i], ids, 64);
		for (size_t k = 0; k < cnt && k < 64; k++) {
			bit_set(n->bits, n->nbits, ids[k]);
			for (uint16_t g = 0; g < n->ngeneric; g++) {
				n->any_generic |= ids[k] == n->generic[g];
			}
		}
		/* Old captures carry even syscalls that now have events (mprotect)
		 * as generic events. */
		if (generic && !evtype_add_sysid(n, env, names->v[i])) {
			sk_cc_free(n);
			return NULL;
		}
	}
	for (uint16_t g = 0; g < n->ngeneric && n->nsysids > 0; g++) {
		bit_set(n->bits, n->nbits, n->generic[g]);
	}
	if (a->op != SK_OP_NE) {
		return n;
	}
	sk_cnode *neg = node_new(CN_NOT, 1);
	if (neg == NULL) {
		sk_cc_free(n);
		return NULL;
	}
	neg->kids[0] = n;
	return neg;
}

/* The cache slot shared by every reference to the same field, index and
 * key in the rule set; UINT32_MAX (no caching) when memory runs out. */
static uint32_t slot_for(sk_ruleset *rs, const sk_field_ref *ref)
{
	for (uint32_t i = 0; i < rs->nslots; i++) {
		const sk_field_ref *s = &rs->slots[i];
		if (s->def == ref->def && s->arg_index == ref->arg_index &&
		    (s->arg_key == NULL ? ref->arg_key == NULL
					: ref->arg_key != NULL && strcmp(s->arg_key, ref->arg_key) == 0)) {
			return i;
		}
	}
	if (rs->nslots == rs->capslots) {
		uint32_t ncap = rs->capslots ? rs->capslots * 2 : 64;
		sk_field_ref *nv = realloc(rs->slots, ncap * sizeof(*nv));
		if (nv == NULL) {
			return UINT32_MAX;
		}
		rs->slots = nv;
		rs->capslots = ncap;
	}
	sk_field_ref *s = &rs->slots[rs->nslots];
	*s = *ref;
	if (ref->arg_key != NULL && (s->arg_key = strdup(ref->arg_key)) == NULL) {
		return UINT32_MAX;
	}
	return rs->nslots++;
}

/* Gives a concat/join field argument its cache slot. */
static void mv_slot(void *user, sk_mvx_arg *arg)
{
	arg->slot = slot_for(user, &arg->ref);
}

void sk_cc_slots_free(sk_ruleset *rs)
{
	for (uint32_t i = 0; i < rs->nslots; i++) {
		free((char *)rs->slots[i].arg_key);
	}
	free(rs->slots);
	free(rs->cache);
	free(rs->cache_gen);
	free(rs->memo_gen);
	free(rs->memo_val);
}

static sk_cnode *compile_check(cc *c, const sk_ast *a)
{
	strv vals = {0};
	sk_cnode *n = NULL;
	sk_strbuf why = SK_STRBUF_INIT;
	check *k = calloc(1, sizeof(*k));
	if (k == NULL || (a->lhs.mv == NULL && resolve(c, &a->lhs, &k->lhs) != SK_OK) ||
	    (a->lhs.mv != NULL && resolve_mv(c, &a->lhs, &k->mv) != SK_OK)) {
		goto bad;
	}
	sk_ftype t = k->mv != NULL ? SK_FT_STRING : k->lhs.def->type;
	k->nxf = a->lhs.nxf;
	memcpy(k->xf, a->lhs.xf, a->lhs.nxf * sizeof(a->lhs.xf[0]));
	if (sk_xform_chain_type(k->xf, k->nxf, t, a->lhs.name, &t, &why) != SK_OK) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", a->pos, "%s", sk_strbuf_str(&why));
		goto bad;
	}
	k->op = a->op;
	if (!sk_op_allowed(a->op, t)) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", a->op_pos,
			  "operator '%s' is not supported on '%s' (type %s)", sk_op_name(a->op), a->lhs.name,
			  sk_ftype_name(t));
		goto bad;
	}
	if (a->rhs_is_field) {
		if (a->rhs_field.mv != NULL) {
			cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", a->rhs_field.pos,
				  "val() takes a field, not concat() or join()");
			goto bad;
		}
		if (resolve(c, &a->rhs_field, &k->rhs) != SK_OK) {
			goto bad;
		}
		sk_ftype rt = k->rhs.def->type;
		bool text = (t == SK_FT_STRING || t == SK_FT_BYTES) && (rt == SK_FT_STRING || rt == SK_FT_BYTES);
		if ((rt != t && !text) || a->op == SK_OP_REGEX || a->op == SK_OP_BCONTAINS ||
		    a->op == SK_OP_BSTARTSWITH) {
			cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", a->rhs_field.pos,
				  "'%s' cannot be compared with val(%s) using '%s'", a->lhs.name, a->rhs_field.name,
				  sk_op_name(a->op));
			goto bad;
		}
		k->rhs_is_field = true;
	}
	for (uint32_t i = 0; i < a->nvalues; i++) {
		bool expand = a->rhs_is_list;
		if (!(expand ? expand_value(c, a->values[i].text, a->values[i].quoted, a->values[i].pos, &vals)
			     : strv_push(&vals, a->values[i].text))) {
			goto bad;
		}
	}
	k->mod = a->mod;
	bool evtype = k->mv == NULL && k->mod == SK_MOD_NONE && (k->lhs.def->flags & SK_FF_EVTTYPE) && k->nxf == 0 &&
		      !k->rhs_is_field &&
		      (a->op == SK_OP_EQ || a->op == SK_OP_NE || a->op == SK_OP_IN) &&
		      c->rs->env.evtypes_by_name != NULL && c->ntypes > 0;
	if (evtype) {
		n = compile_evtype(c, a, &vals);
		check_free(k);
		k = NULL;
		goto done;
	}
	if (vals.n > 0) {
		k->consts = calloc(vals.n, sizeof(*k->consts));
		if (k->consts == NULL) {
			goto bad;
		}
	}
	for (uint32_t i = 0; i < vals.n; i++) {
		sk_op pop = sk_op_takes_list(a->op) ? SK_OP_EQ : a->op;
		sk_ftype ct = a->op == SK_OP_REGEX || a->op == SK_OP_PMATCH ? SK_FT_STRING : t;
		sk_strbuf_reset(&why);
		if (sk_op_const_parse(pop, ct, vals.v[i], strlen(vals.v[i]), &k->consts[i], &why) != SK_OK) {
			uint32_t pos = a->rhs_is_list ? a->op_pos : a->values[0].pos;
			for (uint32_t j = 0; j < a->nvalues; j++) {
				if (strcmp(a->values[j].text, vals.v[i]) == 0) {
					pos = a->values[j].pos;
				}
			}
			cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", pos, "%s for '%s'", sk_strbuf_str(&why),
				  a->lhs.name);
			goto bad;
		}
		k->nconsts++;
	}
	if (a->op == SK_OP_REGEX && (k->nconsts > 0 || k->mod == SK_MOD_NONE) &&
	    compile_regex(c, k, a->nvalues > 0 ? a->values[0].pos : a->op_pos) != SK_OK) {
		goto bad;
	}
	if (a->op == SK_OP_IN || a->op == SK_OP_INTERSECTS) {
		sort_consts(k);
	}
	n = node_new(CN_CHECK, 0);
	if (n == NULL) {
		goto bad;
	}
	k->lhs_slot = k->mv == NULL ? slot_for(c->rs, &k->lhs) : UINT32_MAX;
	if (k->mv != NULL) {
		sk_mvx_each_field(k->mv, mv_slot, c->rs);
	}
	k->rhs_slot = k->rhs_is_field ? slot_for(c->rs, &k->rhs) : UINT32_MAX;
	n->chk = k;
	k = NULL;
	goto done;
bad:
	check_free(k);
	n = NULL;
done:
	strv_free(&vals);
	sk_strbuf_free(&why);
	return n;
}

static sk_cnode *compile_ast(cc *c, const sk_ast *a);

static sk_cnode *compile_macro(cc *c, const sk_ast *a)
{
	sk_macro_def *m = sk_rs_find_macro(c->rs, a->ident);
	if (m == NULL) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", a->pos, "undefined macro '%s'", a->ident);
		return NULL;
	}
	m->used = true;
	if (m->expanding || c->depth >= SK_RULES_MAX_EXPANSION) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", a->pos, "macro '%s' references itself", a->ident);
		return NULL;
	}
	if (sk_cc_macro_parse(c->rs, m) != SK_OK) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", a->pos, "macro '%s' has an invalid condition",
			  a->ident);
		return NULL;
	}
	const sk_text *saved_text = c->text;
	const char *saved_macro = c->macro;
	c->text = &m->cond;
	c->macro = m->name;
	m->expanding = true;
	c->depth++;
	sk_cnode *n = compile_ast(c, m->ast);
	c->depth--;
	m->expanding = false;
	c->text = saved_text;
	c->macro = saved_macro;
	if (n == NULL || n->kind == CN_CHECK || n->kind == CN_EVTYPE) {
		return n; /* one test: the field cache already makes a repeat cheap */
	}
	sk_cnode *memo = node_new(CN_MEMO, 1);
	if (memo == NULL) {
		sk_cc_free(n);
		return NULL;
	}
	memo->kids[0] = n;
	memo->memo = (uint32_t)(m - c->rs->macros);
	return memo;
}

static sk_cnode *compile_ast(cc *c, const sk_ast *a)
{
	/* Macros used twice per level grow exponentially: bound the tree. */
	if (++c->nodes > SK_RULES_MAX_NODES) {
		if (!c->too_big) {
			cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", a->pos,
				  "condition expands to more than %u nodes", SK_RULES_MAX_NODES);
		}
		c->too_big = true;
		return NULL;
	}
	switch (a->kind) {
	case SK_AST_MACRO:
		return compile_macro(c, a);
	case SK_AST_CHECK:
		return compile_check(c, a);
	default:
		break;
	}
	uint8_t kind = a->kind == SK_AST_AND ? CN_AND : a->kind == SK_AST_OR ? CN_OR : CN_NOT;
	sk_cnode *n = node_new(kind, a->nkids);
	if (n == NULL) {
		return NULL;
	}
	for (uint32_t i = 0; i < a->nkids; i++) {
		n->kids[i] = compile_ast(c, a->kids[i]);
		if (n->kids[i] == NULL) {
			sk_cc_free(n);
			return NULL;
		}
	}
	return n;
}

sk_err sk_cc_macro_parse(sk_ruleset *rs, sk_macro_def *m)
{
	if (m->ast != NULL) {
		return SK_OK;
	}
	if (m->parse_failed) {
		return SK_EPARSE;
	}
	uint32_t pos = 0;
	sk_strbuf msg = SK_STRBUF_INIT;
	sk_err err = sk_cond_parse(sk_strbuf_str(&m->cond.s), m->cond.s.len, &m->ast, &pos, &msg);
	if (err != SK_OK) {
		char item[300];
		snprintf(item, sizeof(item), "macro \"%s\"", m->name);
		sk_diag_add(&rs->diags, &rs->srcs, true, "LOAD_ERR_COMPILE_CONDITION",
			    sk_text_loc(&m->cond, &rs->srcs, pos), item, "%s",
			    err == SK_ENOMEM ? "out of memory" : sk_strbuf_str(&msg));
		m->parse_failed = true;
	}
	sk_strbuf_free(&msg);
	return err;
}

/* True when generic events match n only for some carried syscall ids. */
static bool evtype_by_sysid(const sk_cnode *n)
{
	return n->nsysids > 0 && !n->any_generic;
}

/* Event types a tree can match: NULL for all. Negation is pushed down so
 * `not evt.type in (a)` yields every type but a. */
static uint64_t *evtypes_of(const sk_cnode *n, bool neg, uint32_t words, bool *oom)
{
	uint64_t *acc = NULL;
	switch (n->kind) {
	case CN_EVTYPE:
		acc = malloc(words * sizeof(uint64_t));
		if (acc == NULL) {
			*oom = true;
			return NULL;
		}
		for (uint32_t w = 0; w < words; w++) {
			acc[w] = neg ? ~n->bits[w] : n->bits[w];
		}
		/* Generic types match by carried syscall: either way they may. */
		for (uint16_t g = 0; neg && g < n->ngeneric && evtype_by_sysid(n); g++) {
			bit_set(acc, n->nbits, n->generic[g]);
		}
		return acc;
	case CN_NOT:
		return evtypes_of(n->kids[0], !neg, words, oom);
	case CN_MEMO:
		return evtypes_of(n->kids[0], neg, words, oom);
	case CN_AND:
	case CN_OR: {
		bool intersect = (n->kind == CN_AND) != neg;
		bool all = !intersect; /* union: any "all" kid makes all */
		for (uint32_t i = 0; i < n->nkids; i++) {
			uint64_t *k = evtypes_of(n->kids[i], neg, words, oom);
			if (k == NULL) {
				if (!intersect) {
					free(acc);
					return NULL;
				}
				continue;
			}
			if (acc == NULL) {
				acc = k;
				all = false;
				continue;
			}
			for (uint32_t w = 0; w < words; w++) {
				acc[w] = intersect ? (acc[w] & k[w]) : (acc[w] | k[w]);
			}
			free(k);
		}
		if (all) {
			free(acc);
			return NULL;
		}
		return acc;
	}
	default:
		return NULL;
	}
}

/* ---- trees specialised per event type ----
 *
 * Rules test evt.type inside their macros again and again (open_read,
 * spawned_process...), though the index already picked the rules by type.
 * For one event type those tests are constants: folding them away (and the
 * and/or nodes they leave with one kid, and and-inside-and) leaves a tree
 * that visits about half the nodes. Only the inner nodes are copied; the
 * leaves (field checks, evt.type tests a generic event still needs) stay
 * the rule's own. */

enum { FOLD_FALSE = 0, FOLD_TRUE = 1, FOLD_KEEP = 2 };

typedef struct sk_cspec {
	uint8_t *outcome; /* FOLD_* of each evt.type leaf (evleaves order) */
	sk_cnode *root;   /* NULL: the rule never matches these types */
} sk_cspec;

static bool is_inner(const sk_cnode *n)
{
	return n->kind == CN_AND || n->kind == CN_OR || n->kind == CN_NOT || n->kind == CN_MEMO;
}

/* Frees a specialised tree: its inner nodes only. */
static void spec_tree_free(sk_cnode *n)
{
	if (n == NULL || !is_inner(n)) {
		return;
	}
	for (uint32_t i = 0; i < n->nkids; i++) {
		spec_tree_free(n->kids[i]);
	}
	free(n->kids);
	free(n);
}

/* What an evt.type leaf says about every event of type t; for a generic
 * type, sysid is the syscall its events carry (-1: left to each event). */
static uint8_t evtype_outcome(const sk_cnode *n, uint16_t t, int sysid)
{
	if (t >= n->nbits || ((n->bits[t / 64] >> (t % 64)) & 1) == 0) {
		return FOLD_FALSE;
	}
	for (uint16_t g = 0; g < n->ngeneric && evtype_by_sysid(n); g++) {
		if (n->generic[g] != t) {
			continue;
		}
		if (sysid < 0) {
			return FOLD_KEEP; /* decided by the syscall each event carries */
		}
		for (uint32_t i = 0; i < n->nsysids; i++) {
			if (n->sysids[i] == sysid) {
				return FOLD_TRUE;
			}
		}
		return FOLD_FALSE;
	}
	return FOLD_TRUE;
}

/* Appends node to a growable array of nodes (kids being gathered for a
 * new and/or node, a rule's evt.type leaves). */
static bool nodes_push(sk_cnode ***v, uint32_t *len, uint32_t *cap, sk_cnode *node)
{
	if (*len == *cap) {
		uint32_t ncap = *cap != 0 ? *cap * 2 : 4;
		sk_cnode **nv = realloc(*v, ncap * sizeof(*nv));
		if (nv == NULL) {
			return false;
		}
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*len)++] = node;
	return true;
}

static sk_err collect_evleaves(sk_cnode *n, sk_cnode ***v, uint32_t *len, uint32_t *cap)
{
	if (n->kind == CN_EVTYPE) {
		return nodes_push(v, len, cap, n) ? SK_OK : SK_ENOMEM;
	}
	for (uint32_t i = 0; i < n->nkids; i++) {
		sk_err err = collect_evleaves(n->kids[i], v, len, cap);
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

/* A check that renders text, walks the state or runs a regex. */
static bool costly(const sk_cnode *n)
{
	if (n->kind != CN_CHECK) {
		return false;
	}
	const check *k = n->chk;
	return k->mv != NULL || (k->lhs.def->flags & SK_FF_COSTLY) != 0 || k->re != NULL ||
	       (k->rhs_is_field && (k->rhs.def->flags & SK_FF_COSTLY) != 0);
}

/* Moves the costly checks of an and/or behind the others, keeping each
 * group's order: the operands have no side effects, so the result is the
 * same, and "fd.directory = /dev" then spares most events the rendering of
 * "evt.arg.flags contains O_CREAT". */
static void costly_last(sk_cnode **kids, uint32_t len)
{
	uint32_t at = 0;
	for (uint32_t i = 0; i < len; i++) {
		if (costly(kids[i])) {
			continue;
		}
		sk_cnode *cheap = kids[i];
		memmove(&kids[at + 1], &kids[at], (i - at) * sizeof(*kids));
		kids[at++] = cheap;
	}
}

/* Folds n with its evt.type leaves decided by outcome (*next: the next
 * leaf's index). Returns FOLD_TRUE/FOLD_FALSE for a constant, FOLD_KEEP
 * with *out set to the specialised tree, or -1 when out of memory. */
static int fold(const sk_cnode *n, const uint8_t *outcome, uint32_t *next, sk_cnode **out)
{
	*out = NULL;
	if (n->kind == CN_EVTYPE) {
		uint8_t o = outcome[(*next)++];
		if (o == FOLD_KEEP) {
			*out = (sk_cnode *)n;
		}
		return o;
	}
	if (n->kind == CN_CHECK) {
		*out = (sk_cnode *)n;
		return FOLD_KEEP;
	}
	if (n->kind == CN_NOT || n->kind == CN_MEMO) {
		sk_cnode *kid = NULL;
		int r = fold(n->kids[0], outcome, next, &kid);
		if (r != FOLD_KEEP) {
			return r < 0 || n->kind == CN_MEMO ? r : !r;
		}
		if (n->kind == CN_MEMO && !is_inner(kid)) {
			*out = kid; /* folded to one test: nothing left to remember */
			return FOLD_KEEP;
		}
		/* One macro folds alike wherever it is used for one type, so the
		 * memo slot stays valid across the rules of an event. */
		sk_cnode *wrap = node_new(n->kind, 1);
		if (wrap == NULL) {
			spec_tree_free(kid);
			return -1;
		}
		wrap->kids[0] = kid;
		wrap->memo = n->memo;
		*out = wrap;
		return FOLD_KEEP;
	}
	/* and/or: a kid equal to the short-circuit value decides the node;
	 * kids equal to the other value drop out. The rest of the leaves are
	 * still walked so *next stays in step. */
	int decides = n->kind == CN_OR ? FOLD_TRUE : FOLD_FALSE;
	bool decided = false;
	sk_cnode **kids = NULL;
	uint32_t len = 0, cap = 0;
	for (uint32_t i = 0; i < n->nkids; i++) {
		sk_cnode *kid = NULL;
		int r = fold(n->kids[i], outcome, next, &kid);
		if (r < 0) {
			goto oom;
		}
		if (r == decides) {
			decided = true;
		}
		if (r != FOLD_KEEP || decided) {
			spec_tree_free(kid);
			continue;
		}
		if (kid->kind == n->kind) {
			/* (a and b) and c: one node with three kids */
			bool ok = true;
			for (uint32_t k = 0; k < kid->nkids && ok; k++) {
				ok = nodes_push(&kids, &len, &cap, kid->kids[k]);
			}
			if (!ok) {
				spec_tree_free(kid);
				goto oom;
			}
			free(kid->kids);
			free(kid);
		} else if (!nodes_push(&kids, &len, &cap, kid)) {
			spec_tree_free(kid);
			goto oom;
		}
	}
	if (decided || len == 0) {
		for (uint32_t i = 0; i < len; i++) {
			spec_tree_free(kids[i]);
		}
		free(kids);
		return decided ? decides : !decides;
	}
	if (len == 1) {
		*out = kids[0];
		free(kids);
		return FOLD_KEEP;
	}
	costly_last(kids, len);
	sk_cnode *node = node_new(n->kind, 0);
	if (node == NULL) {
		goto oom;
	}
	node->kids = kids;
	node->nkids = len;
	*out = node;
	return FOLD_KEEP;
oom:
	for (uint32_t i = 0; i < len; i++) {
		spec_tree_free(kids[i]);
	}
	free(kids);
	return -1;
}

static sk_err know_evleaves(sk_crule *cr)
{
	if (cr->evleaves_known) {
		return SK_OK;
	}
	uint32_t cap = 0;
	sk_err err = collect_evleaves(cr->root, &cr->evleaves, &cr->nevleaves, &cap);
	if (err != SK_OK) {
		free(cr->evleaves);
		cr->evleaves = NULL;
		cr->nevleaves = 0;
		return err;
	}
	cr->evleaves_known = true;
	return SK_OK;
}

sk_err sk_cc_max_sysid(sk_crule *cr, int *max)
{
	sk_err err = know_evleaves(cr);
	for (uint32_t i = 0; err == SK_OK && i < cr->nevleaves; i++) {
		const sk_cnode *n = cr->evleaves[i];
		for (uint32_t k = 0; k < n->nsysids; k++) {
			*max = n->sysids[k] > *max ? n->sysids[k] : *max;
		}
	}
	return err;
}

void sk_cc_mark_sysids(const sk_crule *cr, uint8_t *named, uint32_t n)
{
	for (uint32_t i = 0; i < cr->nevleaves; i++) {
		const sk_cnode *leaf = cr->evleaves[i];
		for (uint32_t k = 0; k < leaf->nsysids; k++) {
			if (leaf->sysids[k] >= 0 && (uint32_t)leaf->sysids[k] < n) {
				named[leaf->sysids[k]] = 1;
			}
		}
	}
}

sk_err sk_cc_for_type(sk_crule *cr, uint16_t t, int sysid, const sk_cnode **root)
{
	*root = NULL;
	sk_err err = know_evleaves(cr);
	if (err != SK_OK) {
		return err;
	}
	uint32_t nleaves = cr->nevleaves;
	uint8_t *outcome = malloc(nleaves > 0 ? nleaves : 1);
	if (outcome == NULL) {
		return SK_ENOMEM;
	}
	for (uint32_t i = 0; i < nleaves; i++) {
		outcome[i] = evtype_outcome(cr->evleaves[i], t, sysid);
	}
	for (uint32_t s = 0; s < cr->nspecs; s++) {
		if (memcmp(cr->specs[s].outcome, outcome, nleaves) == 0) {
			free(outcome);
			*root = cr->specs[s].root;
			return SK_OK;
		}
	}
	sk_cspec *nv = realloc(cr->specs, (cr->nspecs + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(outcome);
		return SK_ENOMEM;
	}
	cr->specs = nv;
	uint32_t next = 0;
	sk_cnode *tree = NULL;
	int r = fold(cr->root, outcome, &next, &tree);
	if (r == FOLD_TRUE) {
		tree = node_new(CN_AND, 0); /* an empty "and" is true */
		r = tree != NULL ? FOLD_KEEP : -1;
	}
	if (r < 0) {
		free(outcome);
		return SK_ENOMEM;
	}
	cr->specs[cr->nspecs].outcome = outcome;
	cr->specs[cr->nspecs].root = tree;
	cr->nspecs++;
	*root = tree;
	return SK_OK;
}

void sk_cc_specs_free(sk_crule *cr)
{
	for (uint32_t s = 0; s < cr->nspecs; s++) {
		free(cr->specs[s].outcome);
		spec_tree_free(cr->specs[s].root);
	}
	free(cr->specs);
	free(cr->evleaves);
	cr->specs = NULL;
	cr->nspecs = 0;
	cr->evleaves = NULL;
	cr->nevleaves = 0;
	cr->evleaves_known = false;
}

/* Builds "f1 c1 v1 and f2 c2 v2" for one exception row. */
static void exc_row_text(const sk_ruleset *rs, const sk_exc_def *e, uint32_t row, sk_strbuf *sb)
{
	uint32_t ncells = e->single ? 1 : e->nfields;
	sk_exc_cell *cells = &e->cells[row * ncells];
	if (e->single) {
		sk_strbuf_printf(sb, "%s %s (", e->fields[0], e->ncomps ? e->comps[0] : "in");
		for (uint32_t r = 0; r < e->nvalues; r++) {
			sk_exc_cell *cell = &e->cells[r];
			if (r > 0) {
				sk_strbuf_puts(sb, ", ");
			}
			bool is_list = cell->text != NULL && sk_rs_find_list((sk_ruleset *)rs, cell->text) != NULL;
			if (is_list) {
				sk_strbuf_puts(sb, cell->text);
			} else {
				sk_cond_quote(sb, cell->text != NULL ? cell->text : "");
			}
		}
		sk_strbuf_putc(sb, ')');
		return;
	}
	sk_strbuf_putc(sb, '(');
	for (uint32_t f = 0; f < e->nfields; f++) {
		const char *comp = f < e->ncomps ? e->comps[f] : "=";
		sk_op op = SK_OP_EQ;
		sk_op_parse(comp, strlen(comp), &op);
		if (f > 0) {
			sk_strbuf_puts(sb, " and ");
		}
		sk_strbuf_printf(sb, "%s %s ", e->fields[f], comp);
		const sk_exc_cell *cell = &cells[f];
		bool is_list = cell->text != NULL && sk_rs_find_list((sk_ruleset *)rs, cell->text) != NULL;
		if (sk_op_takes_list(op)) {
			sk_strbuf_putc(sb, '(');
			if (cell->text != NULL && is_list) {
				sk_strbuf_puts(sb, cell->text);
			} else if (cell->text != NULL) {
				sk_cond_quote(sb, cell->text);
			}
			for (uint32_t i = 0; i < cell->nitems; i++) {
				if (i > 0) {
					sk_strbuf_puts(sb, ", ");
				}
				sk_cond_quote(sb, cell->items[i]);
			}
			sk_strbuf_putc(sb, ')');
		} else if (cell->text != NULL) {
			sk_cond_quote(sb, cell->text);
		} else {
			/* A list under a scalar operator: left for the parser to reject. */
			sk_strbuf_puts(sb, "(...)");
		}
	}
	sk_strbuf_putc(sb, ')');
}

/* Compiles "not (row1 or row2 ...)" of one exception, positions at the
 * exception's YAML node. */
static sk_cnode *compile_exception(cc *c, const sk_exc_def *e)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	uint32_t rows = e->single ? (e->nvalues > 0) : e->nvalues;
	for (uint32_t r = 0; r < rows; r++) {
		if (r > 0) {
			sk_strbuf_puts(&sb, " or ");
		}
		exc_row_text(c->rs, e, r, &sb);
	}
	if (sb.len == 0) {
		return NULL;
	}
	sk_ast *ast = NULL;
	uint32_t pos = 0;
	sk_strbuf msg = SK_STRBUF_INIT;
	sk_cnode *n = NULL;
	const sk_text *saved = c->text;
	c->text = NULL;
	c->fallback = e->loc;
	if (sk_cond_parse(sk_strbuf_str(&sb), sb.len, &ast, &pos, &msg) != SK_OK) {
		cc_report(c, true, "LOAD_ERR_COMPILE_CONDITION", 0, "exception '%s': %s", e->name,
			  sk_strbuf_str(&msg));
	} else {
		sk_cnode *kid = compile_ast(c, ast);
		n = kid != NULL ? node_new(CN_NOT, 1) : NULL;
		if (n != NULL) {
			n->kids[0] = kid;
		} else {
			sk_cc_free(kid);
		}
	}
	c->text = saved;
	sk_ast_free(ast);
	sk_strbuf_free(&msg);
	sk_strbuf_free(&sb);
	return n;
}

sk_err sk_cc_rule(sk_ruleset *rs, const sk_rule_def *rd, sk_cnode **root, uint64_t **evtypes)
{
	cc c = {.rs = rs, .rd = rd, .text = &rd->cond, .fallback = rd->loc};
	c.ntypes = rs->ntypes;
	snprintf(c.item, sizeof(c.item), "rule \"%s\"", rd->name);
	*root = NULL;
	*evtypes = NULL;
	sk_ast *ast = NULL;
	uint32_t pos = 0;
	sk_strbuf msg = SK_STRBUF_INIT;
	sk_err err = sk_cond_parse(sk_strbuf_str(&rd->cond.s), rd->cond.s.len, &ast, &pos, &msg);
	if (err != SK_OK) {
		cc_report(&c, true, "LOAD_ERR_COMPILE_CONDITION", pos, "%s",
			  err == SK_ENOMEM ? "out of memory" : sk_strbuf_str(&msg));
		sk_strbuf_free(&msg);
		return SK_EPARSE;
	}
	sk_strbuf_free(&msg);
	sk_cnode *cond = compile_ast(&c, ast);
	sk_ast_free(ast);
	if (cond == NULL) {
		return c.skipped ? SK_ENOENT : SK_EPARSE;
	}
	sk_cnode *top = cond;
	uint32_t nexc = 0;
	for (uint32_t i = 0; i < rd->nexcs; i++) {
		nexc += rd->excs[i].nvalues > 0;
	}
	if (nexc > 0) {
		/* (cond) and not (exc1) and not (exc2) ... */
		top = node_new(CN_AND, 1 + nexc);
		if (top == NULL) {
			sk_cc_free(cond);
			return SK_ENOMEM;
		}
		top->kids[0] = cond;
		uint32_t k = 1;
		for (uint32_t i = 0; i < rd->nexcs; i++) {
			if (rd->excs[i].nvalues == 0) {
				continue;
			}
			top->kids[k] = compile_exception(&c, &rd->excs[i]);
			if (top->kids[k] == NULL) {
				sk_cc_free(top);
				return c.skipped ? SK_ENOENT : SK_EPARSE;
			}
			k++;
		}
	}
	bool oom = false;
	if (rs->ntypes > 0) {
		*evtypes = evtypes_of(top, false, bitset_words(rs->ntypes), &oom);
	}
	if (oom) {
		sk_cc_free(top);
		return SK_ENOMEM;
	}
	*root = top;
	return SK_OK;
}

static bool in_set(const check *k, const sk_value *v)
{
	if (!k->sorted) {
		for (uint32_t i = 0; i < k->nconsts; i++) {
			if (sk_op_cmp(SK_OP_EQ, v, &k->consts[i].v)) {
				return true;
			}
		}
		return false;
	}
	uint32_t lo = 0, hi = k->nconsts;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = sk_op_value_order(v, &k->consts[mid].v);
		if (c == 0) {
			return true;
		}
		if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return false;
}

/* v against every list value of a oneof/anyof/allof. */
static bool match_modifier(const check *k, const sk_value *v)
{
	uint32_t hits = 0;
	for (uint32_t i = 0; i < k->nconsts; i++) {
		bool hit = k->op == SK_OP_REGEX ? pcre2_match(k->res[i], (PCRE2_SPTR)v->u.str.ptr, v->u.str.len, 0, 0,
							      k->mds[i], NULL) >= 0
						: sk_op_cmp(k->op, v, &k->consts[i].v);
		hits += hit;
	}
	switch (k->mod) {
	case SK_MOD_ONEOF:
		return hits == 1;
	case SK_MOD_ANYOF:
		return hits > 0;
	default:
		return k->nconsts > 0 && hits == k->nconsts;
	}
}

static bool match_one(const check *k, const sk_value *v, const sk_values *rhs)
{
	if (k->mod != SK_MOD_NONE) {
		return match_modifier(k, v);
	}
	switch (k->op) {
	case SK_OP_REGEX:
		return pcre2_match(k->re, (PCRE2_SPTR)v->u.str.ptr, v->u.str.len, 0, 0, k->md, NULL) >= 0;
	case SK_OP_IN:
	case SK_OP_INTERSECTS:
		return in_set(k, v);
	case SK_OP_PMATCH:
		for (uint32_t i = 0; i < k->nconsts; i++) {
			const sk_value *p = &k->consts[i].v;
			if (sk_op_path_prefix(v->u.str.ptr, v->u.str.len, p->u.str.ptr, p->u.str.len)) {
				return true;
			}
		}
		return false;
	default:
		break;
	}
	if (rhs != NULL) {
		for (uint32_t i = 0; i < rhs->count; i++) {
			if (sk_op_cmp(k->op, v, &rhs->v[i])) {
				return true;
			}
		}
		return false;
	}
	return k->nconsts > 0 && sk_op_cmp(k->op, v, &k->consts[0].v);
}

/* Extracts a field once per event: later checks of the same field read
 * the cached values. */
static sk_err fetch(sk_cc_state *st, const sk_field_ref *ref, uint32_t slot, sk_values *local,
		    const sk_values **out)
{
	sk_values *dst = local;
	if (slot != UINT32_MAX && st->cache != NULL) {
		dst = &st->cache[slot];
		if (st->cache_gen[slot] == st->gen) {
			*out = dst;
			return SK_OK;
		}
	}
	dst->count = 0;
	if (ref->def->extract != NULL) {
		sk_err err = ref->def->extract(st->ctx, ref, dst);
		if (err != SK_OK) {
			return err;
		}
	}
	if (dst->count > SK_VALUES_INLINE) {
		dst->count = SK_VALUES_INLINE;
	}
	if (dst != local) {
		st->cache_gen[slot] = st->gen;
	}
	*out = dst;
	return SK_OK;
}

/* How concat/join read a field argument: through the event's cache. */
static sk_err mv_fetch(void *user, const sk_mvx_arg *arg, sk_values *vals)
{
	const sk_values *vp = NULL;
	sk_err err = fetch(user, &arg->ref, arg->slot, vals, &vp);
	if (err == SK_OK && vp != vals) {
		vals->count = vp->count;
		memcpy(vals->v, vp->v, vp->count * sizeof(vp->v[0]));
	}
	return err;
}

static sk_err eval_check(const check *k, sk_cc_state *st, bool *out)
{
	sk_values lv;
	sk_values rv;
	const sk_values *lvp = &lv;
	const sk_values *rhs = NULL;
	*out = false;
	sk_err err = k->mv != NULL ? sk_mvx_eval(k->mv, mv_fetch, st, &lv)
				   : fetch(st, &k->lhs, k->lhs_slot, &lv, &lvp);
	if (err != SK_OK) {
		return err;
	}
	if (k->op == SK_OP_EXISTS || lvp->count == 0) {
		*out = k->op == SK_OP_EXISTS && lvp->count > 0;
		return SK_OK;
	}
	if (k->nxf > 0) {
		/* Transformers rewrite values: work on a copy of cached ones. */
		if (lvp != &lv) {
			lv.count = lvp->count;
			memcpy(lv.v, lvp->v, lvp->count * sizeof(lv.v[0]));
			lvp = &lv;
		}
		err = sk_xform_apply_chain(k->xf, k->nxf, &lv, st->scratch);
		if (err != SK_OK) {
			return err;
		}
	}
	if (k->rhs_is_field) {
		err = fetch(st, &k->rhs, k->rhs_slot, &rv, &rhs);
		if (err != SK_OK || rhs->count == 0) {
			return err;
		}
	}
	for (uint32_t i = 0; i < lvp->count && !*out; i++) {
		*out = match_one(k, &lvp->v[i], rhs);
	}
	return SK_OK;
}

/* A generic event matches an evt.type node by the syscall it carries. */
static bool sysid_matches(const sk_cnode *n, const struct sk_eval_ctx *ctx)
{
	int sid = n->sysid_of(ctx);
	if (sid < 0) {
		return true; /* not a generic event: its type bit decided */
	}
	for (uint32_t i = 0; i < n->nsysids; i++) {
		if (n->sysids[i] == sid) {
			return true;
		}
	}
	return false;
}

/* Whether memo node n's result for this event is already kept. */
static bool memo_known(const sk_cnode *n, const sk_cc_state *st)
{
	return st->memo_gen != NULL && st->memo_gen[n->memo] == st->gen;
}

sk_err sk_cc_eval(const sk_cnode *n, sk_cc_state *st, bool *out)
{
	sk_err err = SK_OK;
	switch (n->kind) {
	case CN_EVTYPE:
		*out = st->evtype < n->nbits && ((n->bits[st->evtype / 64] >> (st->evtype % 64)) & 1);
		if (*out && evtype_by_sysid(n)) {
			*out = sysid_matches(n, st->ctx);
		}
		return SK_OK;
	case CN_CHECK:
		return eval_check(n->chk, st, out);
	case CN_NOT:
		err = sk_cc_eval(n->kids[0], st, out);
		*out = !*out;
		return err;
	case CN_MEMO:
		if (memo_known(n, st)) {
			*out = st->memo_val[n->memo];
			return SK_OK;
		}
		err = sk_cc_eval(n->kids[0], st, out);
		if (err == SK_OK && st->memo_gen != NULL) {
			st->memo_gen[n->memo] = st->gen;
			st->memo_val[n->memo] = *out;
		}
		return err;
	default:
		break;
	}
	bool want = n->kind == CN_OR; /* the value that short-circuits */
	for (uint32_t i = 0; i < n->nkids; i++) {
		/* The common kids, a field check or a macro already decided this
		 * event, are handled here: a call less per kid. */
		const sk_cnode *kid = n->kids[i];
		if (kid->kind == CN_CHECK) {
			err = eval_check(kid->chk, st, out);
		} else if (kid->kind == CN_MEMO && memo_known(kid, st)) {
			*out = st->memo_val[kid->memo];
		} else {
			err = sk_cc_eval(kid, st, out);
		}
		if (err != SK_OK || *out == want) {
			return err;
		}
	}
	*out = !want;
	return SK_OK;
}
