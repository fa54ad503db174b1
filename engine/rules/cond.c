/* cond: recursive-descent parser for conditions (see cond.h). */
#include "cond.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
	const char *s;
	size_t len;
	size_t i;
	uint32_t depth;
	uint32_t err_pos;
	sk_strbuf *msg;
	sk_err err;
} parser;

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\b';
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static char peek(const parser *p)
{
	return p->i < p->len ? p->s[p->i] : '\0';
}

static void skip_blank(parser *p)
{
	while (p->i < p->len && is_blank(p->s[p->i])) {
		p->i++;
	}
}

/* Records the first error only; later ones are consequences. */
static sk_ast *fail(parser *p, size_t at, const char *what)
{
	if (p->err == SK_OK) {
		p->err = SK_EPARSE;
		p->err_pos = (uint32_t)at;
		sk_strbuf_puts(p->msg, what);
	}
	return NULL;
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* True when the word kw starts at the cursor and ends at a non-word char. */
static bool at_keyword(const parser *p, const char *kw)
{
	size_t n = strlen(kw);
	if (p->len - p->i < n || memcmp(p->s + p->i, kw, n) != 0) {
		return false;
	}
	return p->i + n == p->len || !is_word_char(p->s[p->i + n]);
}

/* "oneof (" and its kin after an operator, the cursor then at the '(';
 * "= oneof" alone is a value. */
static sk_op_mod read_modifier(parser *p)
{
	static const char *const words[] = {"oneof", "anyof", "allof"};
	static const sk_op_mod mods[] = {SK_MOD_ONEOF, SK_MOD_ANYOF, SK_MOD_ALLOF};
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		if (!at_keyword(p, words[w])) {
			continue;
		}
		size_t j = p->i + strlen(words[w]);
		while (j < p->len && is_blank(p->s[j])) {
			j++;
		}
		if (j < p->len && p->s[j] == '(') {
			p->i = j;
			return mods[w];
		}
		return SK_MOD_NONE;
	}
	return SK_MOD_NONE;
}

static size_t scan_name(const parser *p, size_t at, bool *dotted)
{
	size_t j = at;
	*dotted = false;
	if (j >= p->len || !isalpha((unsigned char)p->s[j])) {
		return 0;
	}
	while (j < p->len && (is_word_char(p->s[j]) || p->s[j] == '.')) {
		if (p->s[j] == '.') {
			*dotted = true;
		}
		j++;
	}
	return j - at;
}

static void field_free(sk_ast_field *f)
{
	free(f->name);
	free(f->arg);
	f->name = NULL;
	f->arg = NULL;
	if (f->mv != NULL) {
		for (uint32_t i = 0; i < f->mv->nargs; i++) {
			free(f->mv->args[i].literal);
			field_free(&f->mv->args[i].field);
		}
		free(f->mv->args);
		free(f->mv);
		f->mv = NULL;
	}
}

static sk_ast *node_new(parser *p, sk_ast_kind kind, size_t pos)
{
	sk_ast *n = calloc(1, sizeof(*n));
	if (n == NULL) {
		p->err = SK_ENOMEM;
		return NULL;
	}
	n->kind = kind;
	n->pos = (uint32_t)pos;
	return n;
}

void sk_ast_free(sk_ast *ast)
{
	if (ast == NULL) {
		return;
	}
	for (uint32_t i = 0; i < ast->nkids; i++) {
		sk_ast_free(ast->kids[i]);
	}
	free(ast->kids);
	free(ast->ident);
	field_free(&ast->lhs);
	field_free(&ast->rhs_field);
	for (uint32_t i = 0; i < ast->nvalues; i++) {
		free(ast->values[i].text);
	}
	free(ast->values);
	free(ast);
}

/* Reads a quoted string starting at the quote; unescapes \\ \" \' \n \t
 * \r \b \f, keeps any other backslash pair as written. */
static bool read_quoted(parser *p, sk_strbuf *out)
{
	char q = p->s[p->i];
	size_t start = p->i++;
	while (p->i < p->len) {
		char c = p->s[p->i++];
		if (c == q) {
			return true;
		}
		if (c != '\\' || p->i >= p->len) {
			sk_strbuf_putc(out, c);
			continue;
		}
		char e = p->s[p->i++];
		switch (e) {
		case '\\':
		case '"':
		case '\'':
			sk_strbuf_putc(out, e);
			break;
		case 'n':
			sk_strbuf_putc(out, '\n');
			break;
		case 't':
			sk_strbuf_putc(out, '\t');
			break;
		case 'r':
			sk_strbuf_putc(out, '\r');
			break;
		case 'b':
			sk_strbuf_putc(out, '\b');
			break;
		case 'f':
			sk_strbuf_putc(out, '\f');
			break;
		default:
			sk_strbuf_putc(out, '\\');
			sk_strbuf_putc(out, e);
			break;
		}
	}
	fail(p, start, "unterminated quoted string");
	return false;
}

/* Hands sb's text to *text (owned, NUL-terminated; "" when sb never grew)
 * and its length to *len; false with p->err set when memory ran out. */
static bool take_text(parser *p, sk_strbuf *sb, char **text, uint32_t *len)
{
	if (sk_strbuf_failed(sb)) {
		sk_strbuf_free(sb);
		p->err = SK_ENOMEM;
		return false;
	}
	*len = (uint32_t)sb->len;
	*text = sb->data != NULL ? sb->data : dup_range("", 0);
	if (*text == NULL) {
		p->err = SK_ENOMEM;
		return false;
	}
	return true;
}

static bool is_bare_char(char c)
{
	return !(is_blank(c) || c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' ||
		 c == '\0');
}

static bool parse_value(parser *p, sk_ast_value *v)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	v->pos = (uint32_t)p->i;
	char c = peek(p);
	if (c == '"' || c == '\'') {
		v->quoted = true;
		if (!read_quoted(p, &sb)) {
			sk_strbuf_free(&sb);
			return false;
		}
	} else {
		size_t start = p->i;
		while (p->i < p->len && is_bare_char(p->s[p->i])) {
			p->i++;
		}
		if (p->i == start) {
			fail(p, start, "expected a value");
			return false;
		}
		sk_strbuf_append(&sb, p->s + start, p->i - start);
	}
	return take_text(p, &sb, &v->text, &v->len);
}

static bool parse_field(parser *p, sk_ast_field *f);

static bool is_mv_name(const char *s, size_t n)
{
	return (n == 6 && memcmp(s, "concat", 6) == 0) || (n == 4 && memcmp(s, "join", 4) == 0);
}

/* A field expression as Falco writes its output_fields key: no blanks,
 * literals bare ("join(->,(proc.name,toupper(fd.name)))"). */
static void field_text(const sk_ast_field *f, bool with_xforms, sk_strbuf *out)
{
	for (uint32_t x = with_xforms ? f->nxf : 0; x > 0; x--) {
		sk_strbuf_printf(out, "%s(", sk_xform_name(f->xf[x - 1]));
	}
	if (f->mv == NULL) {
		sk_strbuf_puts(out, f->name != NULL ? f->name : "");
		if (f->arg != NULL) {
			sk_strbuf_printf(out, "[%s]", f->arg);
		}
	} else {
		sk_strbuf_puts(out, f->mv->join ? "join(" : "concat(");
		for (uint32_t i = 0; i < f->mv->nargs; i++) {
			const sk_ast_mv_arg *a = &f->mv->args[i];
			bool list_open = f->mv->join && !f->mv->list_field && i == 1;
			sk_strbuf_puts(out, i == 0 ? "" : list_open ? ",(" : ",");
			if (a->literal != NULL) {
				sk_strbuf_append(out, a->literal, a->literal_len);
			} else {
				field_text(&a->field, true, out);
			}
		}
		sk_strbuf_puts(out, f->mv->join && !f->mv->list_field ? "))" : ")");
	}
	for (uint32_t x = with_xforms ? f->nxf : 0; x > 0; x--) {
		sk_strbuf_putc(out, ')');
	}
}

/* Names a concat/join field by its text, for messages and output keys. */
static bool mv_name(parser *p, sk_ast_field *f)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	field_text(f, false, &sb);
	f->name = sk_strbuf_failed(&sb) ? NULL : strdup(sk_strbuf_str(&sb));
	sk_strbuf_free(&sb);
	if (f->name == NULL) {
		p->err = SK_ENOMEM;
		return false;
	}
	return true;
}

static sk_ast_mv_arg *mv_push(parser *p, sk_ast_mv *mv, uint32_t *cap)
{
	if (mv->nargs == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 4;
		sk_ast_mv_arg *na = realloc(mv->args, ncap * sizeof(*na));
		if (na == NULL) {
			p->err = SK_ENOMEM;
			return NULL;
		}
		mv->args = na;
		*cap = ncap;
	}
	sk_ast_mv_arg *a = &mv->args[mv->nargs++];
	memset(a, 0, sizeof(*a));
	a->pos = (uint32_t)p->i;
	return a;
}

/* One argument: a quoted string or a field expression. */
static bool parse_mv_arg(parser *p, sk_ast_mv *mv, uint32_t *cap)
{
	skip_blank(p);
	sk_ast_mv_arg *a = mv_push(p, mv, cap);
	if (a == NULL) {
		return false;
	}
	char c = peek(p);
	if (c != '"' && c != '\'') {
		return parse_field(p, &a->field);
	}
	sk_strbuf sb = SK_STRBUF_INIT;
	if (!read_quoted(p, &sb)) {
		sk_strbuf_free(&sb);
		return false;
	}
	return take_text(p, &sb, &a->literal, &a->literal_len);
}

/* Arguments up to the closing ')', separated by ','; at least min. */
static bool parse_mv_args(parser *p, sk_ast_mv *mv, uint32_t *cap, uint32_t min, const char *what)
{
	uint32_t first = mv->nargs;
	for (;;) {
		if (!parse_mv_arg(p, mv, cap)) {
			return false;
		}
		skip_blank(p);
		if (peek(p) == ')') {
			p->i++;
			break;
		}
		if (peek(p) != ',') {
			fail(p, p->i, "expected ',' or ')' in the arguments");
			return false;
		}
		p->i++;
	}
	if (mv->nargs - first < min) {
		fail(p, p->i - 1, what);
		return false;
	}
	return true;
}

/* concat(...) or join(...) after its name, at the '('. */
static bool parse_mv(parser *p, sk_ast_field *f, size_t start, bool join)
{
	uint32_t cap = 0;
	if (++p->depth > SK_COND_MAX_DEPTH) {
		fail(p, start, "condition nested too deeply");
		return false;
	}
	f->mv = calloc(1, sizeof(*f->mv));
	if (f->mv == NULL) {
		p->err = SK_ENOMEM;
		return false;
	}
	f->mv->join = join;
	f->pos = (uint32_t)start;
	p->i++; /* '(' */
	bool ok;
	if (!join) {
		ok = parse_mv_args(p, f->mv, &cap, 2, "concat() takes at least 2 arguments");
	} else {
		ok = parse_mv_arg(p, f->mv, &cap);
		skip_blank(p);
		if (ok && peek(p) != ',') {
			fail(p, p->i, "join() takes a separator, then a list: join(\",\", (a, b))");
			ok = false;
		}
		if (ok) {
			p->i++;
			skip_blank(p);
		}
		if (ok && peek(p) == '(') {
			p->i++;
			ok = parse_mv_args(p, f->mv, &cap, 1, "join() takes a list of at least one value");
		} else if (ok) {
			f->mv->list_field = true;
			ok = parse_mv_arg(p, f->mv, &cap);
		}
		skip_blank(p);
		if (ok && peek(p) != ')') {
			fail(p, p->i, "expected ')' closing join(");
			ok = false;
		}
		p->i += ok;
	}
	p->depth--;
	return ok;
}

#define UNSUPPORTED_XFORM "libsinsp's getopt transformer is not supported"

static bool parse_field(parser *p, sk_ast_field *f)
{
	bool dotted = false;
	size_t start = p->i;
	size_t n = scan_name(p, start, &dotted);
	if (n == 0) {
		fail(p, start, "expected a field name");
		return false;
	}
	sk_xform xf;
	bool call = !dotted && start + n < p->len && p->s[start + n] == '(';
	if (call && is_mv_name(p->s + start, n)) {
		p->i = start + n;
		return parse_mv(p, f, start, n == 4) && mv_name(p, f);
	}
	if (call && sk_xform_is_unsupported(p->s + start, n)) {
		fail(p, start, UNSUPPORTED_XFORM);
		return false;
	}
	if (!dotted && sk_xform_parse(p->s + start, n, &xf) == SK_OK) {
		p->i = start + n;
		skip_blank(p);
		if (peek(p) != '(') {
			fail(p, p->i, "expected '(' after transformer");
			return false;
		}
		p->i++;
		skip_blank(p);
		if (!parse_field(p, f)) {
			return false;
		}
		skip_blank(p);
		if (peek(p) != ')') {
			fail(p, p->i, "expected ')' after transformer argument");
			return false;
		}
		p->i++;
		if (f->nxf >= SK_COND_MAX_XFORMS) {
			fail(p, start, "too many nested transformers");
			return false;
		}
		/* Inner transformers were recorded first: they apply first. */
		f->xf[f->nxf++] = xf;
		return true;
	}
	if (!dotted) {
		fail(p, start, "expected a field name (like proc.name)");
		return false;
	}
	f->pos = (uint32_t)start;
	f->name = dup_range(p->s + start, n);
	p->i = start + n;
	if (peek(p) == '[') {
		size_t astart = ++p->i;
		char c = peek(p);
		if (c == '"' || c == '\'') {
			sk_strbuf sb = SK_STRBUF_INIT;
			if (!read_quoted(p, &sb)) {
				sk_strbuf_free(&sb);
				return false;
			}
			f->arg = sb.data != NULL ? sb.data : dup_range("", 0);
		} else {
			while (p->i < p->len && p->s[p->i] != ']' && p->s[p->i] != '[' && !is_blank(p->s[p->i]) &&
			       p->s[p->i] != '"' && p->s[p->i] != '\'') {
				p->i++;
			}
			f->arg = dup_range(p->s + astart, p->i - astart);
		}
		if (peek(p) != ']') {
			fail(p, p->i, "expected ']' closing the field argument");
			return false;
		}
		p->i++;
	}
	if (f->name == NULL) {
		p->err = SK_ENOMEM;
		return false;
	}
	return true;
}

static bool parse_operator(parser *p, sk_ast *n)
{
	static const char *const symbols[] = {"==", "!=", "<=", ">=", "=", "<", ">"};
	n->op_pos = (uint32_t)p->i;
	for (size_t k = 0; k < sizeof(symbols) / sizeof(symbols[0]); k++) {
		size_t sl = strlen(symbols[k]);
		if (p->len - p->i >= sl && memcmp(p->s + p->i, symbols[k], sl) == 0) {
			sk_op_parse(symbols[k], sl, &n->op);
			p->i += sl;
			return true;
		}
	}
	size_t start = p->i;
	while (p->i < p->len && is_word_char(p->s[p->i])) {
		p->i++;
	}
	if (p->i > start && sk_op_parse(p->s + start, p->i - start, &n->op) == SK_OK) {
		return true;
	}
	p->i = start;
	fail(p, start, "expected an operator (=, !=, contains, in, exists, ...) after the field");
	return false;
}

static bool push_value(parser *p, sk_ast *n, uint32_t *cap)
{
	if (n->nvalues == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		sk_ast_value *nv = realloc(n->values, ncap * sizeof(*nv));
		if (nv == NULL) {
			p->err = SK_ENOMEM;
			return false;
		}
		n->values = nv;
		*cap = ncap;
	}
	sk_ast_value *v = &n->values[n->nvalues];
	memset(v, 0, sizeof(*v));
	if (!parse_value(p, v)) {
		return false;
	}
	n->nvalues++;
	return true;
}

static bool parse_list(parser *p, sk_ast *n)
{
	uint32_t cap = 0;
	if (peek(p) != '(') {
		fail(p, p->i, "expected '(' starting the value list");
		return false;
	}
	p->i++;
	n->rhs_is_list = true;
	skip_blank(p);
	if (peek(p) == ')') {
		p->i++;
		return true;
	}
	for (;;) {
		skip_blank(p);
		if (!push_value(p, n, &cap)) {
			return false;
		}
		skip_blank(p);
		char c = peek(p);
		p->i++;
		if (c == ')') {
			return true;
		}
		if (c != ',') {
			p->i--;
			fail(p, p->i, "expected ',' or ')' in the value list");
			return false;
		}
	}
}

static sk_ast *parse_check(parser *p)
{
	size_t start = p->i;
	bool dotted = false;
	size_t n = scan_name(p, start, &dotted);
	if (n == 0) {
		return fail(p, start, p->i >= p->len ? "unexpected end of condition" : "expected a field, macro or '('");
	}
	sk_xform xf;
	bool call = !dotted && start + n < p->len && p->s[start + n] == '(';
	bool mv = call && is_mv_name(p->s + start, n);
	if (call && !mv && sk_xform_is_unsupported(p->s + start, n)) {
		return fail(p, start, UNSUPPORTED_XFORM);
	}
	if (!dotted && !mv && sk_xform_parse(p->s + start, n, &xf) != SK_OK) {
		sk_ast *m = node_new(p, SK_AST_MACRO, start);
		if (m == NULL) {
			return NULL;
		}
		m->ident = dup_range(p->s + start, n);
		p->i = start + n;
		m->end = (uint32_t)p->i;
		if (m->ident == NULL) {
			p->err = SK_ENOMEM;
			sk_ast_free(m);
			return NULL;
		}
		return m;
	}
	sk_ast *c = node_new(p, SK_AST_CHECK, start);
	if (c == NULL) {
		return NULL;
	}
	if (!parse_field(p, &c->lhs)) {
		goto bad;
	}
	skip_blank(p);
	if (!parse_operator(p, c)) {
		goto bad;
	}
	if (c->op == SK_OP_EXISTS) {
		c->end = (uint32_t)p->i;
		return c;
	}
	skip_blank(p);
	size_t mod_at = p->i;
	c->mod = read_modifier(p);
	if (c->mod != SK_MOD_NONE && sk_op_takes_list(c->op)) {
		fail(p, mod_at, "oneof, anyof and allof go with a comparison (=, contains, glob, ...), not a list "
				"operator");
		goto bad;
	}
	if (sk_op_takes_list(c->op) || c->mod != SK_MOD_NONE) {
		if (!parse_list(p, c)) {
			goto bad;
		}
	} else if (at_keyword(p, "val") && p->i + 3 < p->len && p->s[p->i + 3] == '(') {
		p->i += 4;
		skip_blank(p);
		if (!parse_field(p, &c->rhs_field)) {
			goto bad;
		}
		skip_blank(p);
		if (peek(p) != ')') {
			fail(p, p->i, "expected ')' closing val(");
			goto bad;
		}
		p->i++;
		c->rhs_is_field = true;
	} else {
		uint32_t cap = 0;
		if (!push_value(p, c, &cap)) {
			goto bad;
		}
	}
	c->end = (uint32_t)p->i;
	return c;
bad:
	sk_ast_free(c);
	return NULL;
}

static sk_ast *parse_or(parser *p);

static sk_ast *parse_not(parser *p)
{
	skip_blank(p);
	if (++p->depth > SK_COND_MAX_DEPTH) {
		return fail(p, p->i, "condition nested too deeply");
	}
	size_t start = p->i;
	sk_ast *res = NULL;
	if (at_keyword(p, "not") && (p->i + 3 < p->len) && (is_blank(p->s[p->i + 3]) || p->s[p->i + 3] == '(')) {
		p->i += 3;
		sk_ast *kid = parse_not(p);
		if (kid == NULL) {
			goto done;
		}
		res = node_new(p, SK_AST_NOT, start);
		if (res == NULL) {
			sk_ast_free(kid);
			goto done;
		}
		res->kids = malloc(sizeof(*res->kids));
		if (res->kids == NULL) {
			p->err = SK_ENOMEM;
			sk_ast_free(kid);
			sk_ast_free(res);
			res = NULL;
			goto done;
		}
		res->kids[0] = kid;
		res->nkids = 1;
		res->end = kid->end;
	} else if (peek(p) == '(') {
		p->i++;
		res = parse_or(p);
		if (res == NULL) {
			goto done;
		}
		skip_blank(p);
		if (peek(p) != ')') {
			sk_ast_free(res);
			res = fail(p, p->i, "expected ')'");
			goto done;
		}
		p->i++;
		res->end = (uint32_t)p->i;
	} else {
		res = parse_check(p);
	}
done:
	p->depth--;
	return res;
}

/* Parses one level of a left-associative chain joined by keyword kw. */
static sk_ast *parse_chain(parser *p, const char *kw, sk_ast_kind kind, sk_ast *(*sub)(parser *))
{
	sk_ast *first = sub(p);
	if (first == NULL) {
		return NULL;
	}
	skip_blank(p);
	if (!at_keyword(p, kw)) {
		return first;
	}
	sk_ast *n = node_new(p, kind, first->pos);
	uint32_t cap = 4;
	if (n == NULL || (n->kids = malloc(cap * sizeof(*n->kids))) == NULL) {
		p->err = SK_ENOMEM;
		sk_ast_free(first);
		sk_ast_free(n);
		return NULL;
	}
	n->kids[n->nkids++] = first;
	while (at_keyword(p, kw)) {
		p->i += strlen(kw);
		sk_ast *kid = sub(p);
		if (kid == NULL) {
			sk_ast_free(n);
			return NULL;
		}
		if (n->nkids == cap) {
			cap *= 2;
			sk_ast **nk = realloc(n->kids, cap * sizeof(*nk));
			if (nk == NULL) {
				p->err = SK_ENOMEM;
				sk_ast_free(kid);
				sk_ast_free(n);
				return NULL;
			}
			n->kids = nk;
		}
		n->kids[n->nkids++] = kid;
		n->end = kid->end;
		skip_blank(p);
	}
	return n;
}

static sk_ast *parse_and(parser *p)
{
	return parse_chain(p, "and", SK_AST_AND, parse_not);
}

static sk_ast *parse_or(parser *p)
{
	return parse_chain(p, "or", SK_AST_OR, parse_and);
}

sk_err sk_cond_parse(const char *text, size_t len, sk_ast **out, uint32_t *err_pos, sk_strbuf *msg)
{
	parser p = {.s = text, .len = len, .msg = msg};
	*out = NULL;
	*err_pos = 0;
	if (memchr(text, '\0', len) != NULL) {
		fail(&p, (size_t)((const char *)memchr(text, '\0', len) - text), "NUL byte in condition");
		*err_pos = p.err_pos;
		return SK_EPARSE;
	}
	sk_ast *ast = parse_or(&p);
	if (ast != NULL) {
		skip_blank(&p);
		if (p.i < p.len) {
			fail(&p, p.i, "unexpected text after the end of the expression");
		}
	}
	if (p.err != SK_OK) {
		sk_ast_free(ast);
		*err_pos = p.err_pos;
		return p.err;
	}
	*out = ast;
	return SK_OK;
}

sk_err sk_cond_parse_field(const char *text, size_t len, size_t at, sk_ast_field *out, size_t *end,
			   uint32_t *err_pos, sk_strbuf *msg)
{
	parser p = {.s = text, .len = len, .i = at, .msg = msg};
	memset(out, 0, sizeof(*out));
	*err_pos = 0;
	if (!parse_field(&p, out) || p.err != SK_OK) {
		field_free(out);
		*err_pos = p.err_pos;
		return p.err != SK_OK ? p.err : SK_EPARSE;
	}
	*end = p.i;
	return SK_OK;
}

void sk_cond_field_free(sk_ast_field *f)
{
	field_free(f);
}

void sk_cond_field_text(const sk_ast_field *f, sk_strbuf *out)
{
	field_text(f, true, out);
}

bool sk_cond_unquote(const char *item, size_t len, char **out, size_t *out_len)
{
	if (len < 2 || (item[0] != '"' && item[0] != '\'')) {
		return false;
	}
	sk_strbuf dummy = SK_STRBUF_INIT;
	parser p = {.s = item, .len = len, .msg = &dummy};
	sk_strbuf sb = SK_STRBUF_INIT;
	bool ok = read_quoted(&p, &sb) && p.i == len && !sk_strbuf_failed(&sb);
	sk_strbuf_free(&dummy);
	if (!ok) {
		sk_strbuf_free(&sb);
		return false;
	}
	*out_len = sb.len;
	*out = sb.data != NULL ? sb.data : dup_range("", 0);
	return *out != NULL;
}

void sk_cond_quote(sk_strbuf *sb, const char *text)
{
	sk_strbuf_putc(sb, '"');
	for (const char *c = text; *c; c++) {
		if (*c == '"' || *c == '\\') {
			sk_strbuf_putc(sb, '\\');
		}
		sk_strbuf_putc(sb, *c);
	}
	sk_strbuf_putc(sb, '"');
}
