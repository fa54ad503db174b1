#include "spl_template.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_util.h"

/* The alert's own members, what .Name means when the dot is the alert. */
typedef enum spl_alert_member {
	SPL_AM_RULE,
	SPL_AM_PRIORITY,
	SPL_AM_OUTPUT,
	SPL_AM_SOURCE,
	SPL_AM_HOSTNAME,
	SPL_AM_TIME,
	SPL_AM_UUID,
	SPL_AM_TAGS,
	SPL_AM_FIELDS,
	SPL_AM_NONE, /* not an alert member: a map key */
} spl_alert_member;

static const char *const spl_alert_members[] = {
	"Rule", "Priority", "Output", "Source", "Hostname", "Time", "UUID", "Tags", "OutputFields",
};

typedef enum spl_func {
	SPL_FN_INDEX,
	SPL_FN_OR,
	SPL_FN_AND,
	SPL_FN_NOT,
	SPL_FN_EQ,
	SPL_FN_NE,
	SPL_FN_COUNT,
} spl_func;

static const struct {
	const char *name;
	size_t min_args, max_args;
} spl_funcs[SPL_FN_COUNT] = {
	{"index", 2, 2}, {"or", 1, 64}, {"and", 1, 64}, {"not", 1, 1}, {"eq", 2, 64}, {"ne", 2, 2},
};

#define SPL_MAX_ARGS 64

typedef enum spl_expr_kind {
	SPL_E_DOT,
	SPL_E_FIELD,
	SPL_E_STRING,
	SPL_E_BOOL,
	SPL_E_NIL,
	SPL_E_CALL,
} spl_expr_kind;

typedef struct spl_expr {
	spl_expr_kind kind;
	spl_func func;             /* CALL */
	spl_alert_member member;   /* FIELD */
	char *text;                /* FIELD name, STRING literal */
	bool b;                    /* BOOL */
	struct spl_expr **args;    /* CALL */
	size_t nargs;
} spl_expr;

typedef enum spl_op_kind {
	SPL_OP_TEXT,
	SPL_OP_PRINT,
	SPL_OP_IF,   /* false: go to target */
	SPL_OP_WITH, /* true: push the value as the dot; false: go to target */
	SPL_OP_JUMP,
	SPL_OP_POP, /* end of a with body */
} spl_op_kind;

typedef struct spl_op {
	spl_op_kind kind;
	char *text; /* TEXT */
	size_t len;
	spl_expr *expr; /* PRINT, IF, WITH */
	size_t target;  /* IF, WITH, JUMP; while compiling a JUMP: next pending jump + 1 */
} spl_op;

struct spl_template {
	spl_op *ops;
	size_t n;
	bool fields_mode;
};

/* An open if/with block while compiling. */
typedef struct spl_block {
	bool is_with;
	bool has_else;
	size_t cond;       /* the IF/WITH op whose false branch is not placed yet */
	size_t jumps;      /* pending JUMP chain to the end, index + 1 (0: none) */
	size_t offset;     /* of the opening action, for "missing end" */
} spl_block;

typedef struct spl_parser {
	const char *p, *end;
	const char *why;
	bool fields_mode;
	int in_with; /* open with blocks: .Name may then be a map key */
	int depth;   /* parentheses */
} spl_parser;

static void spl_expr_free(spl_expr *e)
{
	if (e == NULL) {
		return;
	}
	for (size_t i = 0; i < e->nargs; i++) {
		spl_expr_free(e->args[i]);
	}
	free(e->args);
	free(e->text);
	free(e);
}

static spl_expr *spl_expr_new(spl_parser *ps, spl_expr_kind kind, const char *text, size_t len)
{
	spl_expr *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		ps->why = "out of memory";
		return NULL;
	}
	e->kind = kind;
	if (text != NULL) {
		/* text is a slice, not a C string: copy exactly len bytes (strndup
		 * may look for a NUL past them). */
		e->text = malloc(len + 1);
		if (e->text != NULL) {
			memcpy(e->text, text, len);
			e->text[len] = '\0';
		}
		if (e->text == NULL) {
			ps->why = "out of memory";
			free(e);
			return NULL;
		}
	}
	return e;
}

static void spl_skip_space(spl_parser *ps)
{
	while (ps->p < ps->end && isspace((unsigned char)*ps->p)) {
		ps->p++;
	}
}

static bool spl_is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Length of the identifier at p (letters, digits, '_'). */
static size_t spl_ident_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && spl_is_ident(*q)) {
		q++;
	}
	return (size_t)(q - p);
}

static bool spl_word_is(const char *w, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(w, lit, len) == 0;
}

/* True when the pipeline continues (not at the end, '|' or ')'). */
static bool spl_more_operands(spl_parser *ps)
{
	spl_skip_space(ps);
	return ps->p < ps->end && *ps->p != '|' && *ps->p != ')';
}

static spl_expr *spl_parse_pipeline(spl_parser *ps);

/* A quoted Go string: "..." with \" \\ \n \t \r escapes, or `raw`. */
static spl_expr *spl_parse_string(spl_parser *ps)
{
	char quote = *ps->p++;
	char *buf = malloc((size_t)(ps->end - ps->p) + 1);
	size_t n = 0;
	spl_expr *e;

	if (buf == NULL) {
		ps->why = "out of memory";
		return NULL;
	}
	while (ps->p < ps->end && *ps->p != quote) {
		char c = *ps->p++;

		if (c == '\\' && quote == '"') {
			if (ps->p >= ps->end) {
				break;
			}
			c = *ps->p++;
			if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c == 'r') {
				c = '\r';
			} else if (c != '"' && c != '\\') {
				free(buf);
				ps->why = "unsupported escape in a string (want \\\" \\\\ \\n \\t \\r)";
				return NULL;
			}
		}
		buf[n++] = c;
	}
	if (ps->p >= ps->end) {
		free(buf);
		ps->why = "unterminated string";
		return NULL;
	}
	ps->p++;
	e = spl_expr_new(ps, SPL_E_STRING, buf, n);
	free(buf);
	return e;
}

/* ".", ".Name" (an alert member, or a map key). */
static spl_expr *spl_parse_field(spl_parser *ps)
{
	const char *name = ++ps->p;
	size_t len = spl_ident_len(name, ps->end);
	spl_expr *e;

	if (len == 0) {
		return spl_expr_new(ps, SPL_E_DOT, NULL, 0);
	}
	ps->p += len;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->why = "field chains (.a.b) are not supported; use index . \"a.b\"";
		return NULL;
	}
	e = spl_expr_new(ps, SPL_E_FIELD, name, len);
	if (e == NULL) {
		return NULL;
	}
	e->member = SPL_AM_NONE;
	for (size_t i = 0; !ps->fields_mode && i < sizeof(spl_alert_members) / sizeof(spl_alert_members[0]); i++) {
		if (spl_word_is(name, len, spl_alert_members[i])) {
			e->member = (spl_alert_member)i;
		}
	}
	if (!ps->fields_mode && e->member == SPL_AM_NONE && ps->in_with == 0) {
		spl_expr_free(e);
		ps->why = "unknown field (want .Rule, .Priority, .Output, .Source, .Hostname, .Time, .UUID, .Tags, "
			  ".OutputFields)";
		return NULL;
	}
	return e;
}

static int spl_find_func(const char *w, size_t len)
{
	for (int i = 0; i < SPL_FN_COUNT; i++) {
		if (spl_word_is(w, len, spl_funcs[i].name)) {
			return i;
		}
	}
	return -1;
}

/* One operand: a field, a literal, or a parenthesized pipeline. */
static spl_expr *spl_parse_operand(spl_parser *ps)
{
	const char *w = ps->p;
	size_t len;

	spl_skip_space(ps);
	w = ps->p;
	if (w >= ps->end) {
		ps->why = "missing value";
		return NULL;
	}
	if (*w == '.') {
		return spl_parse_field(ps);
	}
	if (*w == '"' || *w == '`') {
		return spl_parse_string(ps);
	}
	if (*w == '(') {
		spl_expr *e;

		if (++ps->depth > SPL_TEMPLATE_MAX_DEPTH) {
			ps->why = "parentheses nested too deep";
			return NULL;
		}
		ps->p++;
		e = spl_parse_pipeline(ps);
		spl_skip_space(ps);
		if (e != NULL && (ps->p >= ps->end || *ps->p != ')')) {
			spl_expr_free(e);
			ps->why = "missing )";
			return NULL;
		}
		ps->p++;
		ps->depth--;
		return e;
	}
	if (*w == '$') {
		ps->why = "variables are not supported";
		return NULL;
	}
	len = spl_ident_len(w, ps->end);
	if (len == 0 || isdigit((unsigned char)*w)) {
		ps->why = isdigit((unsigned char)*w) || *w == '-' ? "numbers are not supported" : "unexpected character";
		return NULL;
	}
	ps->p += len;
	if (spl_word_is(w, len, "true") || spl_word_is(w, len, "false")) {
		spl_expr *e = spl_expr_new(ps, SPL_E_BOOL, NULL, 0);

		if (e != NULL) {
			e->b = *w == 't';
		}
		return e;
	}
	if (spl_word_is(w, len, "nil")) {
		return spl_expr_new(ps, SPL_E_NIL, NULL, 0);
	}
	ps->why = spl_find_func(w, len) >= 0 ? "a function used as a value needs (parentheses)"
					      : "unknown function (index, or, and, not, eq, ne); field names are \"quoted\"";
	return NULL;
}

static bool spl_add_arg(spl_parser *ps, spl_expr *call, spl_expr *arg)
{
	spl_expr **grown;

	if (call->nargs >= SPL_MAX_ARGS) {
		ps->why = "too many arguments";
		return false;
	}
	grown = realloc(call->args, (call->nargs + 1) * sizeof(*grown));
	if (grown == NULL) {
		ps->why = "out of memory";
		return false;
	}
	call->args = grown;
	call->args[call->nargs++] = arg;
	return true;
}

/* A command: a function and its arguments, or one operand. */
static spl_expr *spl_parse_command(spl_parser *ps)
{
	const char *w;
	size_t len;
	int fn;
	spl_expr *e;

	spl_skip_space(ps);
	w = ps->p;
	len = spl_ident_len(w, ps->end);
	fn = len > 0 && !isdigit((unsigned char)*w) ? spl_find_func(w, len) : -1;
	if (fn < 0) {
		e = spl_parse_operand(ps);
		if (e != NULL && spl_more_operands(ps)) {
			spl_expr_free(e);
			ps->why = "a value cannot take arguments";
			return NULL;
		}
		return e;
	}
	ps->p += len;
	e = spl_expr_new(ps, SPL_E_CALL, NULL, 0);
	if (e == NULL) {
		return NULL;
	}
	e->func = (spl_func)fn;
	while (spl_more_operands(ps)) {
		spl_expr *arg = spl_parse_operand(ps);

		if (arg == NULL || !spl_add_arg(ps, e, arg)) {
			spl_expr_free(arg);
			spl_expr_free(e);
			return NULL;
		}
	}
	return e;
}

static bool spl_check_arity(spl_parser *ps, const spl_expr *e)
{
	if (e->kind != SPL_E_CALL) {
		return true;
	}
	if (e->nargs < spl_funcs[e->func].min_args || e->nargs > spl_funcs[e->func].max_args) {
		ps->why = e->func == SPL_FN_INDEX ? "index wants a map and one key: index . \"field.name\""
						 : "wrong number of arguments for a function";
		return false;
	}
	return true;
}

/* command ( "|" command )*: the value on the left becomes the last argument. */
static spl_expr *spl_parse_pipeline(spl_parser *ps)
{
	spl_expr *e = spl_parse_command(ps);

	while (e != NULL) {
		spl_expr *next;

		spl_skip_space(ps);
		if (ps->p >= ps->end || *ps->p != '|') {
			break;
		}
		ps->p++;
		next = spl_parse_command(ps);
		if (next == NULL) {
			spl_expr_free(e);
			return NULL;
		}
		if (next->kind != SPL_E_CALL) {
			spl_expr_free(next);
			spl_expr_free(e);
			ps->why = "| must be followed by a function";
			return NULL;
		}
		if (!spl_check_arity(ps, e) || !spl_add_arg(ps, next, e)) {
			spl_expr_free(next);
			spl_expr_free(e);
			return NULL;
		}
		e = next;
	}
	if (e != NULL && !spl_check_arity(ps, e)) {
		spl_expr_free(e);
		return NULL;
	}
	return e;
}

/* Parses a whole pipeline from the action text [p, end). */
static spl_expr *spl_parse_action_expr(spl_parser *ps)
{
	spl_expr *e = spl_parse_pipeline(ps);

	spl_skip_space(ps);
	if (e != NULL && ps->p < ps->end) {
		spl_expr_free(e);
		ps->why = *ps->p == ')' ? "unexpected )" : "unexpected text after the value";
		return NULL;
	}
	return e;
}

/* ---- compiling actions into ops ---- */

typedef struct spl_compiler {
	spl_template *t;
	spl_block blocks[SPL_TEMPLATE_MAX_DEPTH];
	int nblocks;
	spl_parser ps;
} spl_compiler;

static sk_err spl_emit(spl_compiler *c, spl_op_kind kind, size_t *index)
{
	spl_template *t = c->t;

	if (t->n >= SPL_TEMPLATE_MAX_PARTS) {
		c->ps.why = "too many actions";
		return SK_ERANGE;
	}
	memset(&t->ops[t->n], 0, sizeof(t->ops[t->n]));
	t->ops[t->n].kind = kind;
	if (index != NULL) {
		*index = t->n;
	}
	t->n++;
	return SK_OK;
}

static sk_err spl_emit_text(spl_compiler *c, const char *text, size_t len)
{
	size_t i;
	sk_err rc;

	if (len == 0) {
		return SK_OK;
	}
	rc = spl_emit(c, SPL_OP_TEXT, &i);
	if (rc != SK_OK) {
		return rc;
	}
	/* memcpy, not strndup: the text may hold NUL bytes. */
	c->t->ops[i].text = malloc(len + 1);
	if (c->t->ops[i].text == NULL) {
		c->ps.why = "out of memory";
		return SK_ENOMEM;
	}
	memcpy(c->t->ops[i].text, text, len);
	c->t->ops[i].text[len] = '\0';
	c->t->ops[i].len = len;
	return SK_OK;
}

static sk_err spl_emit_expr(spl_compiler *c, spl_op_kind kind, size_t *index)
{
	spl_expr *e = spl_parse_action_expr(&c->ps);
	sk_err rc;

	if (e == NULL) {
		return SK_EPARSE;
	}
	/* A bare dot would print the whole alert or field map. */
	if (kind == SPL_OP_PRINT && e->kind == SPL_E_DOT && c->ps.in_with == 0) {
		spl_expr_free(e);
		c->ps.why = c->ps.fields_mode ? "printing the whole field map is not supported; use index . \"f\""
					      : "printing the whole alert is not supported";
		return SK_EPARSE;
	}
	rc = spl_emit(c, kind, index);
	if (rc != SK_OK) {
		spl_expr_free(e);
		return rc;
	}
	c->t->ops[*index].expr = e;
	return SK_OK;
}

/* Adds a JUMP to the end of block b (patched by end). */
static sk_err spl_emit_jump(spl_compiler *c, spl_block *b)
{
	size_t i;
	sk_err rc = spl_emit(c, SPL_OP_JUMP, &i);

	if (rc == SK_OK) {
		c->t->ops[i].target = b->jumps;
		b->jumps = i + 1;
	}
	return rc;
}

static sk_err spl_open_block(spl_compiler *c, bool is_with, size_t offset)
{
	spl_block *b;
	size_t i;
	sk_err rc;

	if (c->nblocks >= SPL_TEMPLATE_MAX_DEPTH) {
		c->ps.why = "if/with nested too deep";
		return SK_ERANGE;
	}
	rc = spl_emit_expr(c, is_with ? SPL_OP_WITH : SPL_OP_IF, &i);
	if (rc != SK_OK) {
		return rc;
	}
	b = &c->blocks[c->nblocks++];
	memset(b, 0, sizeof(*b));
	b->is_with = is_with;
	b->cond = i;
	b->offset = offset;
	c->ps.in_with += is_with;
	return SK_OK;
}

/* {{ else }} and {{ else if p }}. */
static sk_err spl_else(spl_compiler *c)
{
	spl_block *b = c->nblocks > 0 ? &c->blocks[c->nblocks - 1] : NULL;
	size_t len, i;
	sk_err rc;

	if (b == NULL || b->has_else) {
		c->ps.why = b == NULL ? "else outside if/with" : "else after else";
		return SK_EPARSE;
	}
	if (b->is_with) {
		rc = spl_emit(c, SPL_OP_POP, NULL);
		if (rc != SK_OK) {
			return rc;
		}
		c->ps.in_with--;
	}
	rc = spl_emit_jump(c, b);
	if (rc != SK_OK) {
		return rc;
	}
	c->t->ops[b->cond].target = c->t->n;
	spl_skip_space(&c->ps);
	len = spl_ident_len(c->ps.p, c->ps.end);
	if (len == 0) {
		b->has_else = true;
		return SK_OK;
	}
	if (!spl_word_is(c->ps.p, len, "if") || b->is_with) {
		c->ps.why = b->is_with ? "else if inside with is not supported" : "else takes nothing or if";
		return SK_EPARSE;
	}
	c->ps.p += len;
	rc = spl_emit_expr(c, SPL_OP_IF, &i);
	if (rc == SK_OK) {
		b->cond = i;
	}
	return rc;
}

static sk_err spl_end(spl_compiler *c)
{
	spl_block *b = c->nblocks > 0 ? &c->blocks[c->nblocks - 1] : NULL;
	sk_err rc;

	spl_skip_space(&c->ps);
	if (b == NULL || c->ps.p != c->ps.end) {
		c->ps.why = b == NULL ? "end without if/with" : "end takes nothing";
		return SK_EPARSE;
	}
	if (b->is_with && !b->has_else) {
		rc = spl_emit(c, SPL_OP_POP, NULL);
		if (rc != SK_OK) {
			return rc;
		}
	}
	if (!b->has_else) {
		c->t->ops[b->cond].target = c->t->n;
	}
	if (b->is_with && !b->has_else) {
		c->ps.in_with--;
	}
	for (size_t j = b->jumps; j != 0;) {
		size_t next = c->t->ops[j - 1].target;

		c->t->ops[j - 1].target = c->t->n;
		j = next;
	}
	c->nblocks--;
	return SK_OK;
}

/* Compiles the inside of one {{ }} action [p, end). */
static sk_err spl_action(spl_compiler *c, const char *p, const char *end, size_t offset)
{
	static const char *const refused[] = {"range", "define", "template", "block", "break", "continue"};
	spl_parser *ps = &c->ps;
	size_t len, i;

	ps->p = p;
	ps->end = end;
	ps->depth = 0;
	spl_skip_space(ps);
	if (end - ps->p >= 2 && memcmp(ps->p, "/*", 2) == 0) {
		const char *q = end;

		while (q > ps->p && isspace((unsigned char)q[-1])) {
			q--;
		}
		if (q - ps->p < 4 || memcmp(q - 2, "*/", 2) != 0) {
			ps->why = "unclosed comment";
			return SK_EPARSE;
		}
		return SK_OK;
	}
	len = spl_ident_len(ps->p, end);
	if (spl_word_is(ps->p, len, "if") || spl_word_is(ps->p, len, "with")) {
		bool is_with = *ps->p == 'w';

		ps->p += len;
		return spl_open_block(c, is_with, offset);
	}
	if (spl_word_is(ps->p, len, "else")) {
		ps->p += len;
		return spl_else(c);
	}
	if (spl_word_is(ps->p, len, "end")) {
		ps->p += len;
		return spl_end(c);
	}
	for (size_t k = 0; k < sizeof(refused) / sizeof(refused[0]); k++) {
		if (spl_word_is(ps->p, len, refused[k])) {
			ps->why = "unsupported action (if, else, with, end and values only)";
			return SK_EPARSE;
		}
	}
	return spl_emit_expr(c, SPL_OP_PRINT, &i);
}

static sk_err spl_compile(const char *src, size_t len, bool fields_mode, spl_template **out, char *err,
			  size_t errlen)
{
	spl_compiler c;
	sk_err rc = SK_OK;
	const char *p = src, *end = src + len;
	size_t offset = 0;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.ps.why = "out of memory";
	c.ps.fields_mode = fields_mode;
	if (len > SPL_TEMPLATE_MAX_LEN) {
		snprintf(err, errlen, "template is %zu bytes, limit %d", len, SPL_TEMPLATE_MAX_LEN);
		return SK_ERANGE;
	}
	c.t = calloc(1, sizeof(*c.t));
	if (c.t != NULL) {
		c.t->ops = calloc(SPL_TEMPLATE_MAX_PARTS, sizeof(*c.t->ops));
		c.t->fields_mode = fields_mode;
	}
	if (c.t == NULL || c.t->ops == NULL) {
		rc = SK_ENOMEM;
		goto cleanup;
	}
	while (p < end && rc == SK_OK) {
		const char *open = memmem(p, (size_t)(end - p), "{{", 2);
		const char *text_end = open != NULL ? open : end;
		const char *inner, *close, *inner_end, *next;

		if (open == NULL) {
			rc = spl_emit_text(&c, p, (size_t)(end - p));
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
		rc = spl_emit_text(&c, p, (size_t)(text_end - p));
		if (rc != SK_OK) {
			break;
		}
		close = memmem(inner, (size_t)(end - inner), "}}", 2);
		if (close == NULL) {
			c.ps.why = "unclosed action";
			rc = SK_EPARSE;
			break;
		}
		inner_end = close;
		next = close + 2;
		/* " -}}" trims the whitespace after it. */
		if (inner_end - inner >= 2 && inner_end[-1] == '-' && isspace((unsigned char)inner_end[-2])) {
			inner_end--;
			while (next < end && isspace((unsigned char)*next)) {
				next++;
			}
		}
		rc = spl_action(&c, inner, inner_end, offset);
		p = next;
	}
	if (rc == SK_OK && c.nblocks > 0) {
		offset = c.blocks[c.nblocks - 1].offset;
		c.ps.why = "missing {{ end }}";
		rc = SK_EPARSE;
	}
	if (rc != SK_OK) {
		goto cleanup;
	}
	*out = c.t;
	c.t = NULL;
cleanup:
	if (rc != SK_OK) {
		snprintf(err, errlen, "offset %zu: %s", offset, c.ps.why);
	}
	spl_template_free(c.t);
	return rc;
}

sk_err spl_template_compile(const char *src, size_t len, spl_template **out, char *err, size_t errlen)
{
	return spl_compile(src, len, false, out, err, errlen);
}

sk_err spl_template_compile_fields(const char *src, size_t len, spl_template **out, char *err, size_t errlen)
{
	return spl_compile(src, len, true, out, err, errlen);
}

/* ---- rendering ---- */

#define SPL_TV_ALERT ((spl_tpl_kind)(SPL_TV_TIME + 1)) /* messageformat's dot */

typedef struct spl_run {
	const saker_alert *alert; /* NULL for templatedfields */
	spl_tpl_field_fn field;
	const void *user;
	spl_tpl_value dots[SPL_TEMPLATE_MAX_DEPTH + 1];
	int ndots;
} spl_run;

static void spl_alert_lookup(const void *user, const char *name, spl_tpl_value *out)
{
	const char *v = spl_alert_field(user, name);

	out->kind = v != NULL ? SPL_TV_STRING : SPL_TV_NIL;
	out->s = v;
}

static bool spl_truthy(const spl_run *r, const spl_tpl_value *v)
{
	switch (v->kind) {
	case SPL_TV_STRING:
		return v->s[0] != '\0';
	case SPL_TV_BOOL:
		return v->b;
	case SPL_TV_TAGS:
		return r->alert != NULL && r->alert->ntags > 0;
	case SPL_TV_MAP:
		return r->alert == NULL || r->alert->nfields > 0;
	case SPL_TV_NIL:
		return false;
	default:
		return true;
	}
}

static bool spl_equal(const spl_tpl_value *a, const spl_tpl_value *b)
{
	if (a->kind != b->kind) {
		return false;
	}
	switch (a->kind) {
	case SPL_TV_NIL:
		return true;
	case SPL_TV_STRING:
		return strcmp(a->s, b->s) == 0;
	case SPL_TV_BOOL:
		return a->b == b->b;
	default:
		return false;
	}
}

static spl_tpl_value spl_member(const spl_run *r, spl_alert_member m)
{
	const saker_alert *a = r->alert;
	spl_tpl_value v = {SPL_TV_STRING, NULL, false};

	switch (m) {
	case SPL_AM_RULE:
		v.s = a->rule;
		break;
	case SPL_AM_PRIORITY:
		v.s = a->priority;
		break;
	case SPL_AM_OUTPUT:
		v.s = a->output;
		break;
	case SPL_AM_SOURCE:
		v.s = a->source;
		break;
	case SPL_AM_HOSTNAME:
		v.s = a->hostname;
		break;
	case SPL_AM_UUID:
		v.s = a->uuid;
		break;
	case SPL_AM_TIME:
		v.kind = SPL_TV_TIME;
		break;
	case SPL_AM_TAGS:
		v.kind = SPL_TV_TAGS;
		break;
	case SPL_AM_FIELDS:
		v.kind = SPL_TV_MAP;
		break;
	default:
		v.kind = SPL_TV_NIL;
		break;
	}
	if (v.kind == SPL_TV_STRING && v.s == NULL) {
		v.kind = SPL_TV_NIL;
	}
	return v;
}

static spl_tpl_value spl_eval(const spl_run *r, const spl_expr *e)
{
	const spl_tpl_value *dot = &r->dots[r->ndots - 1];
	spl_tpl_value v = {SPL_TV_NIL, NULL, false};

	switch (e->kind) {
	case SPL_E_DOT:
		return *dot;
	case SPL_E_STRING:
		v.kind = SPL_TV_STRING;
		v.s = e->text;
		return v;
	case SPL_E_BOOL:
		v.kind = SPL_TV_BOOL;
		v.b = e->b;
		return v;
	case SPL_E_NIL:
		return v;
	case SPL_E_FIELD:
		if (dot->kind == SPL_TV_ALERT) {
			return spl_member(r, e->member);
		}
		if (dot->kind == SPL_TV_MAP) {
			r->field(r->user, e->text, &v);
		}
		return v;
	case SPL_E_CALL:
		break;
	}
	switch (e->func) {
	case SPL_FN_INDEX: {
		spl_tpl_value map = spl_eval(r, e->args[0]);
		spl_tpl_value key = spl_eval(r, e->args[1]);

		if (map.kind == SPL_TV_MAP && key.kind == SPL_TV_STRING) {
			r->field(r->user, key.s, &v);
		}
		return v;
	}
	case SPL_FN_OR:
	case SPL_FN_AND:
		/* Go returns the first argument that decides, else the last. */
		for (size_t i = 0; i < e->nargs; i++) {
			v = spl_eval(r, e->args[i]);
			if (spl_truthy(r, &v) == (e->func == SPL_FN_OR)) {
				break;
			}
		}
		return v;
	case SPL_FN_NOT:
		v = spl_eval(r, e->args[0]);
		v.b = !spl_truthy(r, &v);
		v.kind = SPL_TV_BOOL;
		return v;
	case SPL_FN_EQ:
	case SPL_FN_NE: {
		spl_tpl_value first = spl_eval(r, e->args[0]);
		bool eq = false;

		for (size_t i = 1; i < e->nargs && !eq; i++) {
			spl_tpl_value other = spl_eval(r, e->args[i]);

			eq = spl_equal(&first, &other);
		}
		v.kind = SPL_TV_BOOL;
		v.b = e->func == SPL_FN_EQ ? eq : !eq;
		return v;
	}
	default:
		return v;
	}
}

static void spl_print(const spl_run *r, const spl_tpl_value *v, sk_strbuf *sb)
{
	switch (v->kind) {
	case SPL_TV_STRING:
		sk_strbuf_puts(sb, v->s);
		break;
	case SPL_TV_BOOL:
		sk_strbuf_puts(sb, v->b ? "true" : "false");
		break;
	case SPL_TV_NIL:
		sk_strbuf_puts(sb, "<no value>");
		break;
	case SPL_TV_TAGS:
		/* Go prints a []string as "[a b]". */
		sk_strbuf_putc(sb, '[');
		spl_join_tags(sb, r->alert, " ");
		sk_strbuf_putc(sb, ']');
		break;
	case SPL_TV_TIME:
		spl_go_time(sb, r->alert->time_ns);
		break;
	case SPL_TV_MAP:
		/* Go's map[k:v ...], keys sorted; only the alert can list them. */
		sk_strbuf_puts(sb, "map[");
		for (size_t i = 0; r->alert != NULL && i < r->alert->nfields; i++) {
			sk_strbuf_printf(sb, "%s%s:%s", i > 0 ? " " : "", r->alert->field_names[i],
					 r->alert->field_values[i]);
		}
		sk_strbuf_putc(sb, ']');
		break;
	default:
		break;
	}
}

static void spl_exec(spl_run *r, const spl_template *t, sk_strbuf *sb)
{
	size_t pc = 0;

	while (pc < t->n) {
		const spl_op *op = &t->ops[pc];
		spl_tpl_value v;

		pc++;
		switch (op->kind) {
		case SPL_OP_TEXT:
			sk_strbuf_append(sb, op->text, op->len);
			break;
		case SPL_OP_PRINT:
			v = spl_eval(r, op->expr);
			spl_print(r, &v, sb);
			break;
		case SPL_OP_IF:
		case SPL_OP_WITH:
			v = spl_eval(r, op->expr);
			if (!spl_truthy(r, &v)) {
				pc = op->target;
			} else if (op->kind == SPL_OP_WITH && r->ndots <= SPL_TEMPLATE_MAX_DEPTH) {
				r->dots[r->ndots++] = v;
			}
			break;
		case SPL_OP_POP:
			if (r->ndots > 1) {
				r->ndots--;
			}
			break;
		case SPL_OP_JUMP:
			pc = op->target;
			break;
		}
	}
}

void spl_template_render(const spl_template *t, const saker_alert *alert, sk_strbuf *sb)
{
	spl_run r = {.alert = alert, .field = spl_alert_lookup, .user = alert, .ndots = 1};

	r.dots[0].kind = t->fields_mode ? SPL_TV_MAP : SPL_TV_ALERT;
	spl_exec(&r, t, sb);
}

void spl_template_render_fields(const spl_template *t, spl_tpl_field_fn field, const void *user, sk_strbuf *sb)
{
	spl_run r = {.alert = NULL, .field = field, .user = user, .ndots = 1};

	r.dots[0].kind = SPL_TV_MAP;
	spl_exec(&r, t, sb);
}

void spl_template_free(spl_template *t)
{
	if (t == NULL) {
		return;
	}
	if (t->ops != NULL) {
		for (size_t i = 0; i < t->n; i++) {
			free(t->ops[i].text);
			spl_expr_free(t->ops[i].expr);
		}
		free(t->ops);
	}
	free(t);
}
