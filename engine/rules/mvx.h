/* mvx: libsinsp's multi-argument transformers, compiled and evaluated.
 *
 * concat(a, b, ...) gives one string: the first value of every argument,
 * one after the other; join(sep, (a, b, ...)) or join(sep, list_field)
 * gives the values with sep between them. Arguments are quoted strings,
 * fields with their own transformers, or nested concat/join; every one must
 * give a string. An argument without a value leaves the whole expression
 * without one, as in libsinsp. Conditions (compile.c) and outputs
 * (format.c) share this code; each passes how it reads a field. A compiled
 * call keeps its value's bytes: one thread evaluates it, as one thread
 * evaluates a rule set (whose field cache is per event too). */
#ifndef SK_RULES_MVX_H
#define SK_RULES_MVX_H

#include <stdbool.h>
#include <stdint.h>

#include "cond.h"
#include "env.h"
#include "field.h"
#include "ops.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct sk_mvx sk_mvx;

typedef struct sk_mvx_arg {
	char *literal; /* a quoted string (owned), or NULL */
	uint32_t literal_len;
	sk_field_ref ref;  /* a field when ref.def != NULL */
	uint32_t slot;     /* the caller's cache slot for ref (compile.c), else UINT32_MAX */
	sk_mvx *inner;     /* a nested concat/join */
	uint32_t nxf;      /* transformers on the field or inner value, innermost first */
	sk_xform xf[SK_XF_MAX_CHAIN];
} sk_mvx_arg;

struct sk_mvx {
	bool join;
	bool list_field;  /* join's list is one field: every value of it */
	sk_mvx_arg *args; /* join: args[0] is the separator */
	uint32_t nargs;
	sk_strbuf out;    /* the value's bytes, rewritten at each evaluation */
	sk_strbuf sep;    /* join's separator, copied out of scratch */
	sk_strbuf scratch;
};

/* Reads the values of a field argument into vals. */
typedef sk_err (*sk_mvx_fetch_fn)(void *user, const sk_mvx_arg *arg, sk_values *vals);

/* Compiles field f (f->mv != NULL) against env's fields. On a bad
 * argument returns SK_EINVAL or SK_ENOENT (unknown field), with *err_pos
 * the argument's offset and why the reason. */
sk_err sk_mvx_compile(const sk_rules_env *env, const sk_ast_field *f, sk_mvx **out, uint32_t *err_pos,
		      sk_strbuf *why);
/* Calls fn for every field argument, nested ones included (to give them
 * cache slots). */
void sk_mvx_each_field(sk_mvx *m, void (*fn)(void *user, sk_mvx_arg *arg), void *user);
/* Evaluates m: *out gets one string value pointing into m, valid until the
 * next evaluation of m, or no value. */
sk_err sk_mvx_eval(sk_mvx *m, sk_mvx_fetch_fn fetch, void *user, sk_values *out);
/* Frees m and what it owns (NULL is fine). */
void sk_mvx_free(sk_mvx *m);

#endif
