/* ops: the operator and transformer layer of the rules language.
 *
 * Pure functions on sk_value: constants are converted to a field's type once
 * at compile time (sk_op_const_parse), comparisons run on extracted values
 * without parsing or allocating. The evaluator (compile.c) and the unit tests
 * call these directly. */
#ifndef SK_RULES_OPS_H
#define SK_RULES_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef enum sk_op {
	SK_OP_EQ = 0,
	SK_OP_NE,
	SK_OP_LT,
	SK_OP_LE,
	SK_OP_GT,
	SK_OP_GE,
	SK_OP_CONTAINS,
	SK_OP_ICONTAINS,
	SK_OP_BCONTAINS,
	SK_OP_STARTSWITH,
	SK_OP_BSTARTSWITH,
	SK_OP_ENDSWITH,
	SK_OP_GLOB,
	SK_OP_IGLOB,
	SK_OP_REGEX,
	SK_OP_IN,
	SK_OP_INTERSECTS,
	SK_OP_PMATCH,
	SK_OP_EXISTS,
	SK_OP_COUNT
} sk_op;

/* libsinsp's operator modifiers: "proc.name startswith oneof (a, b)" is
 * true when exactly one (oneof), at least one (anyof) or every (allof)
 * value of the list satisfies the operator; an empty list never does. */
typedef enum sk_op_mod {
	SK_MOD_NONE = 0,
	SK_MOD_ONEOF,
	SK_MOD_ANYOF,
	SK_MOD_ALLOF,
} sk_op_mod;

/* Transformers nested on one field, as in toupper(basename(fd.name)). */
#define SK_XF_MAX_CHAIN 4

typedef enum sk_xform {
	SK_XF_TOLOWER = 0,
	SK_XF_TOUPPER,
	SK_XF_B64,
	SK_XF_BASENAME,
	SK_XF_LEN,
	SK_XF_COUNT
} sk_xform;

/* Parses an operator word ("=", "==", "contains", ...). Returns SK_ENOENT
 * when the text is no operator. */
sk_err sk_op_parse(const char *s, size_t len, sk_op *out);
/* Returns the operator's canonical spelling. */
const char *sk_op_name(sk_op op);
/* True for operators whose right-hand side is a parenthesised list. */
bool sk_op_takes_list(sk_op op);
/* True when op may be applied to values of type t. */
bool sk_op_allowed(sk_op op, sk_ftype t);

/* Parses a transformer name; SK_ENOENT when unknown. */
sk_err sk_xform_parse(const char *s, size_t len, sk_xform *out);
/* True for the transformers of newer libsinsp Saker does not support
 * (getopt): callers name them in their error. */
bool sk_xform_is_unsupported(const char *s, size_t len);
/* Returns the transformer's name as written in conditions. */
const char *sk_xform_name(sk_xform xf);
/* Type a transformer yields for input type in; SK_EINVAL if it does not
 * accept that type. */
sk_err sk_xform_type(sk_xform xf, sk_ftype in, sk_ftype *out);
/* Applies xf to v, writing any new bytes to scratch (the caller re-points
 * string values after the buffer stops growing: *off receives the offset of
 * the new bytes, or UINT32_MAX when v was changed in place/numerically).
 * Returns SK_EINVAL for undecodable base64 (the value is then dropped). */
sk_err sk_xform_apply(sk_xform xf, sk_value *v, sk_strbuf *scratch, uint32_t *off);
/* Types the chain xf[0..nxf) (innermost first) over a value of type in:
 * *out the final type; SK_EINVAL when one does not take its input, with
 * why naming the transformer, field_name and the type. */
sk_err sk_xform_chain_type(const sk_xform *xf, uint32_t nxf, sk_ftype in, const char *field_name, sk_ftype *out,
			   sk_strbuf *why);
/* Applies the chain xf[0..nxf) (innermost first) to every value of vals,
 * in place; values base64 cannot decode drop out. New bytes live in scratch,
 * which is reset first: vals stays valid until scratch's next use. */
sk_err sk_xform_apply_chain(const sk_xform *xf, uint32_t nxf, sk_values *vals, sk_strbuf *scratch);

/* A constant of a condition, converted to the compared field's type. String
 * and bytes constants own their memory (NUL-terminated). */
typedef struct sk_const {
	sk_value v;
	char *owned;
} sk_const;

/* Converts text (len bytes) to a constant of type t for operator op:
 * numbers (decimal, 0x hex; errors for junk or overflow), bools, IPs or
 * CIDRs, hex for bcontains/bstartswith. On error writes a one-line reason to
 * why (if not NULL) and returns SK_EINVAL. */
sk_err sk_op_const_parse(sk_op op, sk_ftype t, const char *text, size_t len, sk_const *out, sk_strbuf *why);
/* Frees what a constant owns. */
void sk_op_const_free(sk_const *c);

/* Applies a scalar operator (not regex/in/intersects/pmatch/exists) to one
 * extracted value and one constant of the same type family. */
bool sk_op_cmp(sk_op op, const sk_value *lhs, const sk_value *rhs);

/* Path-prefix match of pmatch: true when path equals prefix or lies below it
 * (component-wise: "/etc" matches "/etc/x", not "/etcx"). */
bool sk_op_path_prefix(const char *path, size_t path_len, const char *prefix, size_t prefix_len);

/* Three-way comparison for sorting/searching constants of one type. */
int sk_op_value_order(const sk_value *a, const sk_value *b);

/* Renders a value as Falco prints it in text output; byte buffers as
 * base64 when bytes_base64 (falco.yaml's buffer_format_base64), otherwise
 * with '.' for each unprintable byte. */
void sk_op_value_text(const sk_value *v, bool bytes_base64, sk_strbuf *out);
/* Renders a value as typed JSON (numbers unquoted, bools bare). */
void sk_op_value_json(const sk_value *v, bool bytes_base64, sk_strbuf *out);

#endif
