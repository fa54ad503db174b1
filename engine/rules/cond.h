/* cond: parser for Falco's condition language into an AST.
 *
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | '(' expr ')' | check
 *   check   := IDENT                                  (macro reference)
 *            | field 'exists'
 *            | field listop '(' [value (',' value)*] ')'
 *            | field op (value | 'val(' field ')')
 *            | field op ('oneof' | 'anyof' | 'allof') '(' [value (',' value)*] ')'
 *   field   := xform '(' field ')' | NAME ['[' ARG ']']
 *            | 'concat' '(' arg (',' arg)+ ')'
 *            | 'join' '(' arg ',' ('(' arg (',' arg)* ')' | field) ')'
 *   arg     := QUOTED | field
 *
 * Every node keeps the byte offset of its text so errors point into the
 * condition. Values are unescaped copies; list names inside '( … )' stay
 * plain values and are expanded by the compiler. Nesting is bounded. */
#ifndef SK_RULES_COND_H
#define SK_RULES_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SK_COND_MAX_DEPTH 200
#define SK_COND_MAX_XFORMS SK_XF_MAX_CHAIN

typedef enum sk_ast_kind {
	SK_AST_AND = 0,
	SK_AST_OR,
	SK_AST_NOT,
	SK_AST_CHECK, /* field op value(s) */
	SK_AST_MACRO, /* bare identifier */
} sk_ast_kind;

struct sk_ast_mv;

typedef struct sk_ast_field {
	char *name;     /* "proc.aname" (owned); with mv, the expression as Falco keys it */
	char *arg;      /* "2" for proc.aname[2]; NULL when none (owned) */
	uint32_t pos;   /* offset of the name */
	uint32_t nxf;   /* transformers, innermost first */
	sk_xform xf[SK_COND_MAX_XFORMS];
	struct sk_ast_mv *mv; /* concat(...) or join(...) in place of a field (owned) */
} sk_ast_field;

/* One argument of concat/join: a quoted string, or a field expression. */
typedef struct sk_ast_mv_arg {
	char *literal; /* unescaped (owned); NULL for a field */
	uint32_t literal_len;
	sk_ast_field field;
	uint32_t pos;
} sk_ast_mv_arg;

/* libsinsp's multi-argument transformers: concat(a, b, ...) joins its
 * arguments' values; join(sep, (a, b, ...)) or join(sep, list_field)
 * joins values with sep between them (args[0] is sep). */
typedef struct sk_ast_mv {
	bool join;
	bool list_field; /* join's list is one field, every value of it */
	sk_ast_mv_arg *args;
	uint32_t nargs;
} sk_ast_mv;

typedef struct sk_ast_value {
	char *text;   /* unescaped (owned, NUL-terminated) */
	uint32_t len;
	uint32_t pos; /* offset in the condition */
	bool quoted;  /* was a quoted string: never a list name */
} sk_ast_value;

typedef struct sk_ast {
	sk_ast_kind kind;
	uint32_t pos;
	uint32_t end;              /* offset just past the node's text */
	struct sk_ast **kids;      /* AND/OR: n >= 2; NOT: 1 */
	uint32_t nkids;
	char *ident;               /* MACRO (owned) */
	sk_ast_field lhs;          /* CHECK */
	sk_op op;
	uint32_t op_pos;
	bool rhs_is_field;         /* val(field) */
	bool rhs_is_list;          /* '( … )' */
	sk_op_mod mod;             /* op oneof/anyof/allof ( … ) */
	sk_ast_field rhs_field;
	sk_ast_value *values;
	uint32_t nvalues;
} sk_ast;

/* Parses text (len bytes) into *out. On a syntax error returns SK_EPARSE,
 * sets *err_pos to the offset of the problem and writes the reason to msg. */
sk_err sk_cond_parse(const char *text, size_t len, sk_ast **out, uint32_t *err_pos, sk_strbuf *msg);

/* Frees a tree (NULL is fine). */
void sk_ast_free(sk_ast *ast);

/* Parses one field expression of text (a field, transformers around one,
 * concat or join) starting at offset at; *end receives the offset past it.
 * Errors as sk_cond_parse. Free *out with sk_cond_field_free. */
sk_err sk_cond_parse_field(const char *text, size_t len, size_t at, sk_ast_field *out, size_t *end,
			   uint32_t *err_pos, sk_strbuf *msg);
void sk_cond_field_free(sk_ast_field *f);
/* Appends a field expression as Falco keys it in output_fields: no blanks,
 * literals bare: "toupper(join(->,(proc.name,fd.name)))". */
void sk_cond_field_text(const sk_ast_field *f, sk_strbuf *out);

/* Unquotes a list item written as a quoted string ('"a b"' in YAML): when
 * the whole item is one quoted string, *out receives the unescaped text
 * (owned) and true is returned. */
bool sk_cond_unquote(const char *item, size_t len, char **out, size_t *out_len);

/* Appends text quoted so that the parser reads it back as one value. */
void sk_cond_quote(sk_strbuf *sb, const char *text);

#endif
