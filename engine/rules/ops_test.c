/* ops_test: every operator, transformer and constant conversion on plain
 * sk_value inputs. */
#include "ops.h"

#include "sk_test.h"

static sk_value str(const char *s)
{
	sk_value v = {.type = SK_FT_STRING};
	v.u.str.ptr = s;
	v.u.str.len = (uint32_t)strlen(s);
	return v;
}

/* Parses text as a constant of type t and compares lhs with it. */
static bool cmp_const(sk_op op, sk_value lhs, const char *text)
{
	sk_const k;
	sk_op pop = sk_op_takes_list(op) ? SK_OP_EQ : op;
	sk_ftype t = lhs.type;
	if (sk_op_const_parse(pop, t, text, strlen(text), &k, NULL) != SK_OK) {
		return false;
	}
	bool r = sk_op_cmp(op, &lhs, &k.v);
	sk_op_const_free(&k);
	return r;
}

SK_TEST(op_names_roundtrip)
{
	for (int i = 0; i < SK_OP_COUNT; i++) {
		sk_op op;
		const char *n = sk_op_name((sk_op)i);
		SK_CHECK(sk_op_parse(n, strlen(n), &op) == SK_OK);
		SK_CHECK_INT(op, i);
	}
	sk_op op;
	SK_CHECK(sk_op_parse("==", 2, &op) == SK_OK && op == SK_OP_EQ);
	SK_CHECK(sk_op_parse("===", 3, &op) == SK_ENOENT);
	SK_CHECK(sk_op_parse("oneof", 5, &op) == SK_ENOENT);
	SK_CHECK(sk_op_takes_list(SK_OP_IN) && sk_op_takes_list(SK_OP_PMATCH) && sk_op_takes_list(SK_OP_INTERSECTS));
	SK_CHECK(!sk_op_takes_list(SK_OP_EQ));
}

SK_TEST(op_allowed_by_type)
{
	SK_CHECK(sk_op_allowed(SK_OP_CONTAINS, SK_FT_STRING));
	SK_CHECK(!sk_op_allowed(SK_OP_CONTAINS, SK_FT_INT64));
	SK_CHECK(!sk_op_allowed(SK_OP_GLOB, SK_FT_IPADDR));
	SK_CHECK(sk_op_allowed(SK_OP_GE, SK_FT_UINT64));
	SK_CHECK(!sk_op_allowed(SK_OP_LT, SK_FT_BOOL));
	SK_CHECK(sk_op_allowed(SK_OP_BCONTAINS, SK_FT_BYTES));
	SK_CHECK(!sk_op_allowed(SK_OP_PMATCH, SK_FT_INT64));
	SK_CHECK(sk_op_allowed(SK_OP_EXISTS, SK_FT_IPNET));
}

SK_TEST(string_equality_and_order)
{
	SK_CHECK(cmp_const(SK_OP_EQ, str("bash"), "bash"));
	SK_CHECK(!cmp_const(SK_OP_EQ, str("bash"), "bas"));
	SK_CHECK(!cmp_const(SK_OP_EQ, str("bash"), "Bash"));
	SK_CHECK(cmp_const(SK_OP_NE, str("bash"), "sh"));
	SK_CHECK(!cmp_const(SK_OP_NE, str("sh"), "sh"));
	SK_CHECK(cmp_const(SK_OP_LT, str("abc"), "abd"));
	SK_CHECK(cmp_const(SK_OP_LT, str("ab"), "abc"));
	SK_CHECK(cmp_const(SK_OP_LE, str("abc"), "abc"));
	SK_CHECK(cmp_const(SK_OP_GT, str("b"), "abc"));
	SK_CHECK(cmp_const(SK_OP_GE, str("b"), "b"));
	SK_CHECK(cmp_const(SK_OP_EQ, str(""), ""));
}

SK_TEST(string_search_operators)
{
	SK_CHECK(cmp_const(SK_OP_CONTAINS, str("/etc/shadow"), "shad"));
	SK_CHECK(!cmp_const(SK_OP_CONTAINS, str("/etc/shadow"), "SHAD"));
	SK_CHECK(cmp_const(SK_OP_CONTAINS, str("x"), ""));
	SK_CHECK(cmp_const(SK_OP_ICONTAINS, str("/etc/Shadow"), "sHAD"));
	SK_CHECK(!cmp_const(SK_OP_ICONTAINS, str("/etc/Shadow"), "shadowy"));
	SK_CHECK(cmp_const(SK_OP_STARTSWITH, str("/etc/shadow"), "/etc/"));
	SK_CHECK(!cmp_const(SK_OP_STARTSWITH, str("/et"), "/etc/"));
	SK_CHECK(cmp_const(SK_OP_ENDSWITH, str("/etc/shadow"), "dow"));
	SK_CHECK(!cmp_const(SK_OP_ENDSWITH, str("ow"), "dow"));
}

SK_TEST(glob_is_fnmatch_without_pathname)
{
	/* Without FNM_PATHNAME, '*' also matches '/'. */
	SK_CHECK(cmp_const(SK_OP_GLOB, str("/home/bob/.ssh/id_rsa"), "/home/*/.ssh/*"));
	SK_CHECK(cmp_const(SK_OP_GLOB, str("/home/a/b/.ssh/x"), "/home/*/.ssh/*"));
	SK_CHECK(cmp_const(SK_OP_GLOB, str("../x/../y"), "*../*../*"));
	SK_CHECK(!cmp_const(SK_OP_GLOB, str("/HOME/a/.ssh/x"), "/home/*/.ssh/*"));
	SK_CHECK(cmp_const(SK_OP_IGLOB, str("/HOME/a/.SSH/x"), "/home/*/.ssh/*"));
	SK_CHECK(cmp_const(SK_OP_GLOB, str("file1"), "file[0-9]"));
	SK_CHECK(cmp_const(SK_OP_GLOB, str("a"), "?"));
	SK_CHECK(!cmp_const(SK_OP_GLOB, str("ab"), "?"));
}

SK_TEST(bytes_operators_take_hex)
{
	sk_value buf = {.type = SK_FT_BYTES};
	buf.u.str.ptr = "\x7f" "ELF\x02\x01";
	buf.u.str.len = 6;
	SK_CHECK(cmp_const(SK_OP_BSTARTSWITH, buf, "7f454c46"));
	SK_CHECK(cmp_const(SK_OP_BCONTAINS, buf, "4C4602"));
	SK_CHECK(!cmp_const(SK_OP_BCONTAINS, buf, "4c4603"));
	SK_CHECK(!cmp_const(SK_OP_BSTARTSWITH, buf, "454c"));
	sk_const k;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK(sk_op_const_parse(SK_OP_BCONTAINS, SK_FT_BYTES, "abc", 3, &k, &why) == SK_EINVAL);
	SK_CHECK_STR(sk_strbuf_str(&why), "'abc' is not a valid hex string");
	sk_strbuf_reset(&why);
	SK_CHECK(sk_op_const_parse(SK_OP_BCONTAINS, SK_FT_BYTES, "zz", 2, &k, &why) == SK_EINVAL);
	sk_strbuf_free(&why);
}

SK_TEST(numbers_parse_and_compare)
{
	sk_value i = {.type = SK_FT_INT64, .u.i64 = -5};
	SK_CHECK(cmp_const(SK_OP_EQ, i, "-5"));
	SK_CHECK(cmp_const(SK_OP_LT, i, "0"));
	SK_CHECK(cmp_const(SK_OP_GE, i, "-5"));
	SK_CHECK(!cmp_const(SK_OP_GT, i, "-5"));
	sk_value u = {.type = SK_FT_UINT64, .u.u64 = 255};
	SK_CHECK(cmp_const(SK_OP_EQ, u, "0xff"));
	SK_CHECK(cmp_const(SK_OP_LE, u, "255"));
	SK_CHECK(cmp_const(SK_OP_NE, u, "254"));
	sk_value d = {.type = SK_FT_DOUBLE, .u.f64 = 1.5};
	SK_CHECK(cmp_const(SK_OP_GT, d, "1.25"));
	sk_value b = {.type = SK_FT_BOOL, .u.b = true};
	SK_CHECK(cmp_const(SK_OP_EQ, b, "true"));
	SK_CHECK(cmp_const(SK_OP_NE, b, "false"));
	sk_const k;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_INT64, "12x", 3, &k, &why) == SK_EINVAL);
	SK_CHECK_STR(sk_strbuf_str(&why), "'12x' is not a valid integer");
	sk_strbuf_reset(&why);
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_UINT64, "-1", 2, &k, &why) == SK_EINVAL);
	SK_CHECK_STR(sk_strbuf_str(&why), "'-1' is not a valid unsigned integer");
	sk_strbuf_reset(&why);
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_UINT64, "99999999999999999999", 20, &k, &why) == SK_EINVAL);
	sk_strbuf_reset(&why);
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_BOOL, "yes", 3, &k, &why) == SK_EINVAL);
	SK_CHECK_STR(sk_strbuf_str(&why), "'yes' is not a valid bool (true/false)");
	sk_strbuf_reset(&why);
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_INT64, "", 0, &k, &why) == SK_EINVAL);
	sk_strbuf_free(&why);
}

SK_TEST(ip_addresses_compare_with_cidrs)
{
	sk_const ip;
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_IPADDR, "10.1.2.3", 8, &ip, NULL) == SK_OK);
	SK_CHECK(cmp_const(SK_OP_EQ, ip.v, "10.1.2.3"));
	SK_CHECK(cmp_const(SK_OP_EQ, ip.v, "10.0.0.0/8"));
	SK_CHECK(!cmp_const(SK_OP_EQ, ip.v, "10.0.0.0/16"));
	SK_CHECK(cmp_const(SK_OP_NE, ip.v, "192.168.0.0/16"));
	SK_CHECK(cmp_const(SK_OP_EQ, ip.v, "10.1.2.0/23"));
	SK_CHECK(!cmp_const(SK_OP_EQ, ip.v, "::1"));
	sk_const ip6;
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_IPADDR, "fd00::5", 7, &ip6, NULL) == SK_OK);
	SK_CHECK(cmp_const(SK_OP_EQ, ip6.v, "fd00::/8"));
	SK_CHECK(!cmp_const(SK_OP_EQ, ip6.v, "fe80::/10"));
	sk_const net;
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_IPNET, "172.16.0.0/12", 13, &net, NULL) == SK_OK);
	SK_CHECK(cmp_const(SK_OP_EQ, net.v, "172.16.0.0/12"));
	SK_CHECK(cmp_const(SK_OP_EQ, net.v, "172.20.1.1"));
	sk_strbuf why = SK_STRBUF_INIT;
	sk_const bad;
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_IPADDR, "10.0.0.0/33", 11, &bad, &why) == SK_EINVAL);
	SK_CHECK_STR(sk_strbuf_str(&why), "'10.0.0.0/33' is not a valid IP address or CIDR");
	SK_CHECK(sk_op_const_parse(SK_OP_EQ, SK_FT_IPADDR, "300.1.1.1", 9, &bad, NULL) == SK_EINVAL);
	sk_strbuf_free(&why);
}

SK_TEST(pmatch_is_by_path_component)
{
	SK_CHECK(sk_op_path_prefix("/etc/passwd", 11, "/etc", 4));
	SK_CHECK(sk_op_path_prefix("/etc", 4, "/etc", 4));
	SK_CHECK(sk_op_path_prefix("/etc/x", 6, "/etc/", 5));
	SK_CHECK(!sk_op_path_prefix("/etcx/passwd", 12, "/etc", 4));
	SK_CHECK(!sk_op_path_prefix("/et", 3, "/etc", 4));
	SK_CHECK(sk_op_path_prefix("/anything", 9, "/", 1));
}

static const char *xform(sk_xform xf, const char *in, sk_strbuf *scratch, sk_value *v)
{
	*v = str(in);
	uint32_t off = 0;
	if (sk_xform_apply(xf, v, scratch, &off) != SK_OK) {
		return NULL;
	}
	if (off != UINT32_MAX) {
		v->u.str.ptr = scratch->data + off;
	}
	static char out[256];
	if (v->type != SK_FT_STRING) {
		return "";
	}
	snprintf(out, sizeof(out), "%.*s", (int)v->u.str.len, v->u.str.ptr);
	return out;
}

SK_TEST(transformers)
{
	sk_strbuf sc = SK_STRBUF_INIT;
	sk_value v;
	SK_CHECK_STR(xform(SK_XF_TOLOWER, "NgInX", &sc, &v), "nginx");
	SK_CHECK_STR(xform(SK_XF_TOUPPER, "NgInX", &sc, &v), "NGINX");
	SK_CHECK_STR(xform(SK_XF_BASENAME, "/usr/bin/cat", &sc, &v), "cat");
	SK_CHECK_STR(xform(SK_XF_BASENAME, "cat", &sc, &v), "cat");
	SK_CHECK_STR(xform(SK_XF_BASENAME, "/usr/", &sc, &v), "");
	SK_CHECK_STR(xform(SK_XF_B64, "aGVsbG8=", &sc, &v), "hello");
	SK_CHECK_STR(xform(SK_XF_B64, "aGk", &sc, &v), "hi");
	SK_CHECK(xform(SK_XF_B64, "a*b=", &sc, &v) == NULL);
	SK_CHECK(xform(SK_XF_B64, "a=b", &sc, &v) == NULL);
	xform(SK_XF_LEN, "hello", &sc, &v);
	SK_CHECK(v.type == SK_FT_UINT64 && v.u.u64 == 5);
	sk_ftype t;
	SK_CHECK(sk_xform_type(SK_XF_LEN, SK_FT_STRING, &t) == SK_OK && t == SK_FT_UINT64);
	SK_CHECK(sk_xform_type(SK_XF_TOLOWER, SK_FT_INT64, &t) == SK_EINVAL);
	SK_CHECK(sk_xform_type(SK_XF_B64, SK_FT_BYTES, &t) == SK_OK && t == SK_FT_BYTES);
	sk_xform xf;
	SK_CHECK(sk_xform_parse("basename", 8, &xf) == SK_OK && xf == SK_XF_BASENAME);
	SK_CHECK(sk_xform_parse("join", 4, &xf) == SK_ENOENT);
	sk_strbuf_free(&sc);
}

SK_TEST(chained_transformers_survive_scratch_growth)
{
	/* tolower then toupper reads its input from the scratch it appends to. */
	sk_strbuf sc = SK_STRBUF_INIT;
	char big[200];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sk_value v = str(big);
	uint32_t off = 0;
	SK_CHECK(sk_xform_apply(SK_XF_TOLOWER, &v, &sc, &off) == SK_OK);
	v.u.str.ptr = sc.data + off;
	SK_CHECK(sk_xform_apply(SK_XF_TOUPPER, &v, &sc, &off) == SK_OK);
	v.u.str.ptr = sc.data + off;
	SK_CHECK(v.u.str.len == 199 && memcmp(v.u.str.ptr, big, 199) == 0);
	sk_strbuf_free(&sc);
}

/* A chain over empty strings with a scratch never written before: the
 * values still point at memory (UBSan caught NULL + 0 here). */
SK_TEST(transformer_chain_over_empty_values)
{
	static const sk_xform chain[] = {SK_XF_B64, SK_XF_TOUPPER};
	sk_strbuf sc = SK_STRBUF_INIT;
	sk_values vals = {.count = 2};
	vals.v[0] = str("");
	vals.v[1] = str("aGk"); /* "hi", unpadded */
	SK_CHECK(sk_xform_apply_chain(chain, 2, &vals, &sc) == SK_OK);
	SK_CHECK_INT(vals.count, 2);
	SK_CHECK(vals.v[0].u.str.ptr != NULL && vals.v[0].u.str.len == 0);
	SK_CHECK(vals.v[1].u.str.len == 2 && memcmp(vals.v[1].u.str.ptr, "HI", 2) == 0);
	/* undecodable base64 drops the value */
	vals.count = 1;
	vals.v[0] = str("!!");
	SK_CHECK(sk_xform_apply_chain(chain, 2, &vals, &sc) == SK_OK);
	SK_CHECK_INT(vals.count, 0);
	sk_strbuf_free(&sc);
}

SK_TEST(value_rendering)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	sk_value i = {.type = SK_FT_INT64, .u.i64 = -3};
	sk_op_value_json(&i, false, &sb);
	sk_strbuf_putc(&sb, ' ');
	sk_value s = str("a\"b");
	sk_op_value_json(&s, false, &sb);
	sk_strbuf_putc(&sb, ' ');
	sk_value b = {.type = SK_FT_BOOL, .u.b = false};
	sk_op_value_json(&b, false, &sb);
	sk_strbuf_putc(&sb, ' ');
	sk_const ip;
	sk_op_const_parse(SK_OP_EQ, SK_FT_IPADDR, "192.168.1.0/24", 14, &ip, NULL);
	sk_op_value_json(&ip.v, false, &sb);
	SK_CHECK_STR(sk_strbuf_str(&sb), "-3 \"a\\\"b\" false \"192.168.1.0/24\"");
	sk_strbuf_reset(&sb);
	sk_value buf = {.type = SK_FT_BYTES};
	buf.u.str.ptr = "a\x01z";
	buf.u.str.len = 3;
	sk_op_value_text(&buf, false, &sb);
	SK_CHECK_STR(sk_strbuf_str(&sb), "a.z");
	sk_strbuf_reset(&sb);
	sk_op_value_text(&buf, true, &sb); /* buffer_format_base64 */
	sk_strbuf_putc(&sb, ' ');
	sk_op_value_json(&buf, true, &sb);
	SK_CHECK_STR(sk_strbuf_str(&sb), "YQF6 \"YQF6\"");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
