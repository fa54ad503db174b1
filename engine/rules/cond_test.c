/* cond_test: the condition parser: grammar, precedence, quoting, values,
 * and the offset + message of syntax errors. */
#include "cond.h"

#include "sk_test.h"

/* Renders an AST compactly: and(...), or(...), not(...), macro, field op values. */
static void dump(const sk_ast *a, sk_strbuf *sb)
{
	switch (a->kind) {
	case SK_AST_AND:
	case SK_AST_OR:
		sk_strbuf_puts(sb, a->kind == SK_AST_AND ? "and(" : "or(");
		for (uint32_t i = 0; i < a->nkids; i++) {
			if (i > 0) {
				sk_strbuf_putc(sb, ' ');
			}
			dump(a->kids[i], sb);
		}
		sk_strbuf_putc(sb, ')');
		return;
	case SK_AST_NOT:
		sk_strbuf_puts(sb, "not(");
		dump(a->kids[0], sb);
		sk_strbuf_putc(sb, ')');
		return;
	case SK_AST_MACRO:
		sk_strbuf_puts(sb, a->ident);
		return;
	case SK_AST_CHECK:
		break;
	}
	for (uint32_t i = a->lhs.nxf; i > 0; i--) {
		sk_strbuf_printf(sb, "%s(", sk_xform_name(a->lhs.xf[i - 1]));
	}
	sk_strbuf_puts(sb, a->lhs.name);
	if (a->lhs.arg != NULL) {
		sk_strbuf_printf(sb, "[%s]", a->lhs.arg);
	}
	for (uint32_t i = 0; i < a->lhs.nxf; i++) {
		sk_strbuf_putc(sb, ')');
	}
	sk_strbuf_printf(sb, " %s", sk_op_name(a->op));
	if (a->mod != SK_MOD_NONE) {
		static const char *const mods[] = {"", "oneof", "anyof", "allof"};
		sk_strbuf_printf(sb, " %s", mods[a->mod]);
	}
	if (a->rhs_is_field) {
		sk_strbuf_printf(sb, " val(%s)", a->rhs_field.name);
	}
	if (a->rhs_is_list) {
		sk_strbuf_puts(sb, " (");
	}
	for (uint32_t i = 0; i < a->nvalues; i++) {
		sk_strbuf_printf(sb, "%s%s%s%s", i > 0 ? "," : a->rhs_is_list ? "" : " ", a->values[i].quoted ? "'" : "",
				 a->values[i].text, a->values[i].quoted ? "'" : "");
	}
	if (a->rhs_is_list) {
		sk_strbuf_putc(sb, ')');
	}
}

static char out[4096];

static const char *parse(const char *text)
{
	sk_ast *ast = NULL;
	uint32_t pos = 0;
	sk_strbuf msg = SK_STRBUF_INIT;
	sk_strbuf sb = SK_STRBUF_INIT;
	if (sk_cond_parse(text, strlen(text), &ast, &pos, &msg) != SK_OK) {
		snprintf(out, sizeof(out), "error@%u: %s", pos, sk_strbuf_str(&msg));
	} else {
		dump(ast, &sb);
		snprintf(out, sizeof(out), "%s", sk_strbuf_str(&sb));
	}
	sk_ast_free(ast);
	sk_strbuf_free(&msg);
	sk_strbuf_free(&sb);
	return out;
}

SK_TEST(precedence_and_binds_tighter_than_or)
{
	SK_CHECK_STR(parse("a or b and c"), "or(a and(b c))");
	SK_CHECK_STR(parse("a and b or c and d"), "or(and(a b) and(c d))");
	SK_CHECK_STR(parse("not a and b"), "and(not(a) b)");
	SK_CHECK_STR(parse("not (a and b)"), "not(and(a b))");
	SK_CHECK_STR(parse("not not a"), "not(not(a))");
	SK_CHECK_STR(parse("not(a)"), "not(a)");
	SK_CHECK_STR(parse("((a))"), "a");
	SK_CHECK_STR(parse("a or b or c"), "or(a b c)");
	SK_CHECK_STR(parse("nota and notb"), "and(nota notb)");
	SK_CHECK_STR(parse("android or order"), "or(android order)");
}

SK_TEST(checks_values_and_operators)
{
	SK_CHECK_STR(parse("proc.name=bash"), "proc.name = bash");
	SK_CHECK_STR(parse("proc.name == 'ba sh'"), "proc.name = 'ba sh'");
	SK_CHECK_STR(parse("fd.num>=0"), "fd.num >= 0");
	SK_CHECK_STR(parse("fd.num != -1"), "fd.num != -1");
	SK_CHECK_STR(parse("evt.res startswith E"), "evt.res startswith E");
	SK_CHECK_STR(parse("proc.pname exists"), "proc.pname exists");
	SK_CHECK_STR(parse("fd.name glob /proc/*/environ"), "fd.name glob /proc/*/environ");
	SK_CHECK_STR(parse("evt.type in (open, openat,openat2)"), "evt.type in (open,openat,openat2)");
	SK_CHECK_STR(parse("proc.pname in (runc:[0:PARENT], \"a b\")"), "proc.pname in (runc:[0:PARENT],'a b')");
	SK_CHECK_STR(parse("fd.name pmatch (/etc, /var/lib)"), "fd.name pmatch (/etc,/var/lib)");
	SK_CHECK_STR(parse("proc.args intersects ()"), "proc.args intersects ()");
	SK_CHECK_STR(parse("proc.name=val(proc.pname)"), "proc.name = val(proc.pname)");
	SK_CHECK_STR(parse("proc.aname[2]=sh"), "proc.aname[2] = sh");
	SK_CHECK_STR(parse("proc.env[HOME] contains /root"), "proc.env[HOME] contains /root");
	SK_CHECK_STR(parse("evt.arg.flags contains O_CREAT"), "evt.arg.flags contains O_CREAT");
	SK_CHECK_STR(parse("container.label['io.k8s ns'] = x"), "container.label[io.k8s ns] = x");
	SK_CHECK_STR(parse("tolower(proc.name) = bash"), "tolower(proc.name) = bash");
	SK_CHECK_STR(parse("len(basename(fd.name)) > 3"), "len(basename(fd.name)) > 3");
	SK_CHECK_STR(parse("toupper( proc.name )=X"), "toupper(proc.name) = X");
	SK_CHECK_STR(parse("proc.cmdline regex '^a.*b$'"), "proc.cmdline regex '^a.*b$'");
	SK_CHECK_STR(parse("evt.buffer bcontains 7f454c46"), "evt.buffer bcontains 7f454c46");
}

SK_TEST(quoting_and_escapes)
{
	SK_CHECK_STR(parse("a.b = \"x\\\"y\""), "a.b = 'x\"y'");
	SK_CHECK_STR(parse("a.b = 'it\\'s'"), "a.b = 'it's'");
	SK_CHECK_STR(parse("a.b = \"back\\\\slash\""), "a.b = 'back\\slash'");
	SK_CHECK_STR(parse("a.b = \"t\\tab\""), "a.b = 't\tab'");
	SK_CHECK_STR(parse("a.b = \"keep\\d\""), "a.b = 'keep\\d'");
	SK_CHECK_STR(parse("a.b = ''"), "a.b = ''");
	char *u = NULL;
	size_t n = 0;
	SK_CHECK(sk_cond_unquote("\"10.0.0.0/8\"", 12, &u, &n));
	SK_CHECK_STR(u, "10.0.0.0/8");
	free(u);
	SK_CHECK(!sk_cond_unquote("\"a\"b", 4, &u, &n));
	SK_CHECK(!sk_cond_unquote("plain", 5, &u, &n));
	sk_strbuf sb = SK_STRBUF_INIT;
	sk_cond_quote(&sb, "a\"b\\c");
	SK_CHECK_STR(sk_strbuf_str(&sb), "\"a\\\"b\\\\c\"");
	sk_strbuf_free(&sb);
}

SK_TEST(syntax_errors_point_at_the_problem)
{
	SK_CHECK_STR(parse(""), "error@0: unexpected end of condition");
	SK_CHECK_STR(parse("a and"), "error@5: unexpected end of condition");
	SK_CHECK_STR(parse("(a or b"), "error@7: expected ')'");
	SK_CHECK_STR(parse("a b"), "error@2: unexpected text after the end of the expression");
	SK_CHECK_STR(parse("proc.name"), "error@9: expected an operator (=, !=, contains, in, exists, ...) after the field");
	SK_CHECK_STR(parse("proc.name foo bar"), "error@10: expected an operator (=, !=, contains, in, exists, ...) after the field");
	SK_CHECK_STR(parse("proc.name ="), "error@11: expected a value");
	SK_CHECK_STR(parse("proc.name = 'abc"), "error@12: unterminated quoted string");
	SK_CHECK_STR(parse("proc.name in a, b"), "error@13: expected '(' starting the value list");
	SK_CHECK_STR(parse("proc.name in (a b)"), "error@16: expected ',' or ')' in the value list");
	SK_CHECK_STR(parse("proc.name in (a,"), "error@16: expected a value");
	SK_CHECK_STR(parse("proc.aname[2 = x"), "error@12: expected ']' closing the field argument");
	SK_CHECK_STR(parse("tolower proc.name = x"), "error@8: expected '(' after transformer");
	SK_CHECK_STR(parse("tolower(proc.name = x"), "error@18: expected ')' after transformer argument");
	SK_CHECK_STR(parse("tolower(x) = y"), "error@8: expected a field name (like proc.name)");
	SK_CHECK_STR(parse("proc.name = val(proc.pname"), "error@26: expected ')' closing val(");
	SK_CHECK_STR(parse("= x"), "error@0: expected a field, macro or '('");
	SK_CHECK_STR(parse("a and )"), "error@6: expected a field, macro or '('");
	SK_CHECK_STR(parse("tolower(tolower(tolower(tolower(tolower(a.b))))) = x"), "error@0: too many nested transformers");
	/* getopt is named, not mistaken for a macro; concat/join errors point in */
	SK_CHECK_STR(parse("getopt(a.b, \"ab:\") = x"), "error@0: libsinsp's getopt transformer is not supported");
	SK_CHECK_STR(parse("a and getopt"), "and(a getopt)"); /* a macro of that name */
	SK_CHECK_STR(parse("concat(a.b) = x"), "error@10: concat() takes at least 2 arguments");
	SK_CHECK_STR(parse("concat(a.b c.d) = x"), "error@11: expected ',' or ')' in the arguments");
	SK_CHECK_STR(parse("join(\",\") = x"), "error@8: join() takes a separator, then a list: join(\",\", (a, b))");
	SK_CHECK_STR(parse("join(\",\", a.b, c.d) = x"), "error@13: expected ')' closing join(");
	SK_CHECK_STR(parse("concat(a.b, 'x) = y"), "error@12: unterminated quoted string");
	/* operator modifiers take a list; without one the word is a value */
	SK_CHECK_STR(parse("a.b = oneof (x, y)"), "a.b = oneof (x,y)");
	SK_CHECK_STR(parse("a.b contains allof(x)"), "a.b contains allof (x)");
	SK_CHECK_STR(parse("a.b = anyof"), "a.b = anyof"); /* a value of that name */
	SK_CHECK_STR(parse("a.b in anyof (x)"), "error@7: oneof, anyof and allof go with a comparison (=, contains, "
						"glob, ...), not a list operator");
	SK_CHECK_STR(parse("a.b = allof (x"), "error@14: expected ',' or ')' in the value list");
}

/* concat(...) and join(...) parse into a field named as Falco keys it:
 * no blanks, literals bare, transformers around stay on the field. */
SK_TEST(concat_and_join_parse)
{
	SK_CHECK_STR(parse("concat(a.b, \":\", c.d[1]) = x"), "concat(a.b,:,c.d[1]) = x");
	SK_CHECK_STR(parse("toupper(join( \"->\" , (a.b, tolower(c.d), concat(e.f, 'g')) )) in (X)"),
		     "toupper(join(->,(a.b,tolower(c.d),concat(e.f,g)))) in (X)");
	SK_CHECK_STR(parse("len(join(\",\", a.b)) > 2"), "len(join(,,a.b)) > 2");
	SK_CHECK_STR(parse("concat(a.b, c.d) exists and x"), "and(concat(a.b,c.d) exists x)");
}

SK_TEST(nesting_is_bounded)
{
	char deep[2 * SK_COND_MAX_DEPTH + 64];
	size_t n = 0;
	for (int i = 0; i < SK_COND_MAX_DEPTH + 5; i++) {
		deep[n++] = '(';
	}
	deep[n++] = 'a';
	for (int i = 0; i < SK_COND_MAX_DEPTH + 5; i++) {
		deep[n++] = ')';
	}
	deep[n] = '\0';
	SK_CHECK_CONTAINS(parse(deep), "condition nested too deeply");
}

SK_TEST(positions_are_recorded)
{
	sk_ast *ast = NULL;
	uint32_t pos = 0;
	sk_strbuf msg = SK_STRBUF_INIT;
	const char *text = "a and  proc.name  contains  x";
	SK_CHECK(sk_cond_parse(text, strlen(text), &ast, &pos, &msg) == SK_OK);
	SK_CHECK_INT(ast->kids[1]->pos, 7);
	SK_CHECK_INT(ast->kids[1]->lhs.pos, 7);
	SK_CHECK_INT(ast->kids[1]->op_pos, 18);
	SK_CHECK_INT(ast->kids[1]->values[0].pos, 28);
	sk_ast_free(ast);
	sk_strbuf_free(&msg);
}

SK_TEST_MAIN()
