/* testenv.h: a small field source for the rules unit tests.
 *
 * The rules compiler takes its fields through sk_rules_env (the way Falco
 * plugins add fields); these tests plug in fields of every type that read a
 * plain struct, so conditions can be evaluated without the engine's state.
 * The real registry is exercised by upstream_test.c. */
#ifndef SK_RULES_TESTENV_H
#define SK_RULES_TESTENV_H

#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "ruleset.h"

typedef struct tev {
	uint16_t type;
	const char *s;
	const char *s2;
	int64_t i;
	uint64_t u;
	bool b;
	double d;
	const char *ip;  /* text, parsed per extraction */
	const char *net;
	const char *buf;
	uint32_t buflen;
	const char *multi[4];
	uint32_t nmulti;
} tev;

static const char *const tev_names[] = {"open", "open", "openat", "openat", "execve", "execve", "connect",
					"connect"};
#define TEV_NTYPES 8

#define TEV(ctx) ((const tev *)(const void *)(ctx))

static void tev_str(sk_values *out, const char *s)
{
	if (s == NULL) {
		out->count = 0;
		return;
	}
	out->count = 1;
	out->v[0].type = SK_FT_STRING;
	out->v[0].u.str.ptr = s;
	out->v[0].u.str.len = (uint32_t)strlen(s);
}

static sk_err tx_type(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	tev_str(o, tev_names[TEV(c)->type]);
	return SK_OK;
}

static sk_err tx_s(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	tev_str(o, TEV(c)->s);
	return SK_OK;
}

static sk_err tx_s2(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	tev_str(o, TEV(c)->s2);
	return SK_OK;
}

/* t.i, t.u, t.b, t.d: the member matching the field's type. */
static sk_err tx_scalar(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	const tev *e = TEV(c);
	o->count = 1;
	o->v[0].type = r->def->type;
	switch (r->def->type) {
	case SK_FT_INT64:
		o->v[0].u.i64 = e->i;
		break;
	case SK_FT_BOOL:
		o->v[0].u.b = e->b;
		break;
	case SK_FT_DOUBLE:
		o->v[0].u.f64 = e->d;
		break;
	default:
		o->v[0].u.u64 = e->u;
		break;
	}
	return SK_OK;
}

static sk_err tx_ipnet(const char *text, sk_ftype t, sk_values *o)
{
	sk_const k;
	o->count = 0;
	if (text != NULL && sk_op_const_parse(SK_OP_EQ, t, text, strlen(text), &k, NULL) == SK_OK) {
		o->count = 1;
		o->v[0] = k.v;
		sk_op_const_free(&k);
	}
	return SK_OK;
}

static sk_err tx_ip(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	return tx_ipnet(TEV(c)->ip, SK_FT_IPADDR, o);
}

static sk_err tx_net(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	return tx_ipnet(TEV(c)->net, SK_FT_IPNET, o);
}

/* Extractions of t.buf (marked costly), for tests of evaluation order. */
static int tev_buf_extractions;

static sk_err tx_buf(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	tev_buf_extractions++;
	o->count = TEV(c)->buf != NULL;
	o->v[0].type = SK_FT_BYTES;
	o->v[0].u.str.ptr = TEV(c)->buf;
	o->v[0].u.str.len = TEV(c)->buflen;
	return SK_OK;
}

/* t.multi: every value; t.multi[N]: the N-th. */
static sk_err tx_multi(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	const tev *e = TEV(c);
	o->count = 0;
	for (uint32_t k = 0; k < e->nmulti; k++) {
		if (r->arg_index >= 0 && (uint32_t)r->arg_index != k) {
			continue;
		}
		o->v[o->count].type = SK_FT_STRING;
		o->v[o->count].u.str.ptr = e->multi[k];
		o->v[o->count].u.str.len = (uint32_t)strlen(e->multi[k]);
		o->count++;
	}
	return SK_OK;
}

/* t.key[k] and evt.arg.k yield the key itself: shows what was resolved. */
static sk_err tx_key(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	o->count = 1;
	o->v[0].type = SK_FT_STRING;
	o->v[0].u.str.ptr = r->arg_key != NULL ? r->arg_key : "";
	o->v[0].u.str.len = r->arg_key_len;
	if (r->arg_key == NULL) {
		static char idx[16];
		snprintf(idx, sizeof(idx), "#%d", r->arg_index);
		tev_str(o, idx);
	}
	return SK_OK;
}

static sk_err tx_none(struct sk_eval_ctx *c, const sk_field_ref *r, sk_values *o)
{
	o->count = 0;
	return SK_OK;
}

static const sk_field_def tev_fields[] = {
	{"evt.type", SK_FT_STRING, SK_FF_EVTTYPE, "event type", tx_type, 0},
	{"evt.arg", SK_FT_STRING, SK_FF_ARG_INDEX | SK_FF_ARG_KEY | SK_FF_ARG_REQUIRED, "argument", tx_key, 0},
	{"t.s", SK_FT_STRING, 0, "string", tx_s, 0},
	{"t.s2", SK_FT_STRING, 0, "second string", tx_s2, 0},
	{"t.i", SK_FT_INT64, 0, "int64", tx_scalar, 0},
	{"t.u", SK_FT_UINT64, 0, "uint64", tx_scalar, 0},
	{"t.b", SK_FT_BOOL, 0, "bool", tx_scalar, 0},
	{"t.d", SK_FT_DOUBLE, 0, "double", tx_scalar, 0},
	{"t.ip", SK_FT_IPADDR, 0, "ip", tx_ip, 0},
	{"t.net", SK_FT_IPNET, 0, "network", tx_net, 0},
	{"t.buf", SK_FT_BYTES, SK_FF_COSTLY, "buffer", tx_buf, 0},
	{"t.multi", SK_FT_STRING, SK_FF_ARG_INDEX | SK_FF_LIST, "several strings", tx_multi, 0},
	{"t.key", SK_FT_STRING, SK_FF_ARG_KEY | SK_FF_ARG_REQUIRED, "keyed", tx_key, 0},
	{"t.none", SK_FT_STRING, 0, "never has a value", tx_none, 0},
	{"t.later", SK_FT_STRING, 0, "known, no extractor yet", NULL, 0},
};

static const sk_field_def *tev_lookup(const char *name, size_t len)
{
	for (size_t k = 0; k < sizeof(tev_fields) / sizeof(tev_fields[0]); k++) {
		if (strlen(tev_fields[k].name) == len && memcmp(tev_fields[k].name, name, len) == 0) {
			return &tev_fields[k];
		}
	}
	return NULL;
}

static size_t tev_by_name(const char *name, uint16_t *out, size_t max)
{
	size_t n = 0;
	for (uint16_t t = 0; t < TEV_NTYPES; t++) {
		if (strcmp(tev_names[t], name) == 0 && n < max) {
			out[n++] = t;
		}
	}
	return n;
}

static uint16_t tev_count(void)
{
	return TEV_NTYPES;
}

static const char *tev_type_name(uint16_t t)
{
	return t < TEV_NTYPES ? tev_names[t] : "";
}

static const sk_rules_env tev_env = {
	.field_lookup = tev_lookup,
	.evtypes_by_name = tev_by_name,
	.evtype_count = tev_count,
	.evtype_name = tev_type_name,
};

#endif
