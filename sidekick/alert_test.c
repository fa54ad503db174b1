#include "alert.h"
#include "sk_test.h"

static const char falco[] =
	"{\"hostname\":\"node-1\",\"output\":\"Warning file opened\",\"output_fields\":{\"proc.name\":\"cat\","
	"\"evt.num\":42,\"fd.name\":null,\"k8s.ns.name\":\"default\"},\"priority\":\"Warning\","
	"\"rule\":\"Read sensitive file\",\"source\":\"syscall\",\"tags\":[\"mitre\",\"filesystem\"],"
	"\"time\":\"2024-05-01T10:00:00.123456789Z\"}";

SK_TEST(alert_parses_falco_json)
{
	ska_alert a;
	char err[256] = "";
	SK_CHECK_INT(ska_parse(falco, sizeof(falco) - 1, &a, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(a.view.rule, "Read sensitive file");
	SK_CHECK_STR(a.view.priority, "Warning");
	SK_CHECK_INT(a.view.priority_num, SAKER_PRIORITY_WARNING);
	SK_CHECK_STR(a.view.hostname, "node-1");
	SK_CHECK_INT(a.view.time_ns, 1714557600123456789LL);
	SK_CHECK_INT(a.view.ntags, 2);
	SK_CHECK_STR(a.view.tags[0], "filesystem");
	SK_CHECK_INT(a.view.nfields, 4);
	SK_CHECK_STR(a.view.field_names[0], "evt.num");
	SK_CHECK_STR(a.view.field_values[0], "42");
	SK_CHECK_STR(a.view.field_names[1], "fd.name");
	SK_CHECK_STR(a.view.field_values[1], "<NA>");
	SK_CHECK_STR(a.view.field_values[3], "cat");
	SK_CHECK_STR(ska_field(&a, "k8s.ns.name"), "default");
	ska_free(&a);
}

SK_TEST(alert_rejects_bad_input_with_reason)
{
	static const struct {
		const char *json, *reason;
	} cases[] = {
		{"{\"rule\":\"r\",\"priority\":\"Loud\",\"time\":\"2024-05-01T10:00:00Z\",\"output_fields\":{}}",
		 "unknown priority \"Loud\""},
		{"{\"priority\":\"Warning\",\"time\":\"2024-05-01T10:00:00Z\",\"output_fields\":{}}",
		 "missing \"rule\""},
		{"{\"rule\":\"r\",\"priority\":\"Warning\",\"output_fields\":{}}", "missing \"time\""},
		{"{\"rule\":\"r\",\"priority\":\"Warning\",\"time\":\"2024-05-01T10:00:00Z\"}",
		 "missing \"output_fields\""},
		{"{\"rule\":\"r\",\"priority\":\"Warning\",\"time\":\"yesterday\",\"output_fields\":{}}",
		 "not an RFC 3339 time"},
		{"{\"rule\":\"r\",", "invalid JSON"},
		{"{\"rule\":\"r\"} trailing", "data after the alert object"},
		{"[1,2]", "must be a JSON object"},
		{"{\"rule\":\"r\",\"priority\":\"Warning\",\"time\":\"2024-05-01T10:00:00Z\",\"output_fields\":{},"
		 "\"tags\":[1]}",
		 "array of strings"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ska_alert a;
		char err[256] = "";
		SK_CHECK(ska_parse(cases[i].json, strlen(cases[i].json), &a, err, sizeof(err)) != SK_OK);
		SK_CHECK_CONTAINS(err, cases[i].reason);
		ska_free(&a);
		err[0] = '\0';
		SK_CHECK(ska_check(cases[i].json, strlen(cases[i].json), &a, err, sizeof(err)) != SK_OK);
		SK_CHECK_CONTAINS(err, cases[i].reason);
		ska_free(&a);
	}
}

/* The thread's tokener is reused: a document cut short leaves it mid-way,
 * and the next parse must start clean. */
SK_TEST(alert_parse_after_truncated_document)
{
	ska_alert a;
	char err[256] = "";
	SK_CHECK_INT(ska_check(falco, 40, &a, err, sizeof(err)), SK_EPARSE);
	SK_CHECK_CONTAINS(err, "unexpected end of input");
	ska_free(&a);
	SK_CHECK_INT(ska_check(falco, sizeof(falco) - 1, &a, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(a.view.rule, "Read sensitive file");
	ska_free(&a);
}

SK_TEST(alert_enrich_adds_customfields_tags_uuid)
{
	static const char *const names[] = {"env", "proc.name"};
	static const char *const values[] = {"prod", "override"};
	static const char *const tags[] = {"custom", "mitre"};
	ska_extras x = {.field_names = names, .field_values = values, .nfields = 2, .tags = tags, .ntags = 2};
	ska_alert a, b;
	sk_strbuf out = SK_STRBUF_INIT;
	char err[256] = "";
	SK_CHECK_INT(ska_parse(falco, sizeof(falco) - 1, &a, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(ska_enrich(&a, &x, &out), SK_OK);
	SK_CHECK_INT(ska_parse(out.data, out.len, &b, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(ska_field(&b, "env"), "prod");
	SK_CHECK_STR(ska_field(&b, "proc.name"), "override");
	SK_CHECK_INT(b.view.ntags, 3); /* "mitre" not duplicated */
	SK_CHECK_INT(strlen(b.view.uuid), 36);
	SK_CHECK(b.view.uuid[14] == '4');
	ska_free(&a);
	ska_free(&b);
	sk_strbuf_free(&out);
}

SK_TEST(alert_enrich_without_extras_keeps_text_and_adds_uuid)
{
	static const char *const inputs[] = {
		"  {\"rule\":\"r\",\"priority\":\"Debug\",\"time\":\"2024-05-01T10:00:00Z\",\"output_fields\":{}} \n",
		"{\"uuid\":\"\",\"rule\":\"r\",\"priority\":\"Debug\",\"time\":\"2024-05-01T10:00:00Z\","
		"\"output_fields\":{}}",
		"{\"uuid\":\"keep-me\",\"rule\":\"r\",\"priority\":\"Debug\",\"time\":\"2024-05-01T10:00:00Z\","
		"\"output_fields\":{}}",
	};
	for (size_t i = 0; i < 3; i++) {
		ska_alert a, b;
		sk_strbuf out = SK_STRBUF_INIT;
		char err[256] = "";
		SK_CHECK_INT(ska_parse(inputs[i], strlen(inputs[i]), &a, err, sizeof(err)), SK_OK);
		SK_CHECK_INT(ska_enrich(&a, NULL, &out), SK_OK);
		SK_CHECK_INT(ska_parse(out.data, out.len, &b, err, sizeof(err)), SK_OK);
		SK_CHECK_INT(strlen(b.view.uuid), i == 2 ? 7 : 36);
		SK_CHECK(out.data[0] == '{' && out.data[out.len - 1] == '}');
		ska_free(&a);
		ska_free(&b);
		sk_strbuf_free(&out);
	}
}

SK_TEST(alert_bracket_replacer_renames_indexed_fields)
{
	static const char in[] = "{\"rule\":\"r\",\"priority\":\"Debug\",\"time\":\"2024-05-01T10:00:00Z\","
				 "\"output_fields\":{\"proc.aname[2]\":\"bash\",\"proc.name\":\"sh\","
				 "\"evt.arg[0]\":1}}";
	ska_extras x = {.bracket_replacer = "_"};
	ska_alert a, b;
	sk_strbuf out = SK_STRBUF_INIT;
	char err[256] = "";
	SK_CHECK_INT(ska_parse(in, sizeof(in) - 1, &a, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(ska_enrich(&a, &x, &out), SK_OK);
	SK_CHECK_INT(ska_parse(out.data, out.len, &b, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(ska_field(&b, "proc.aname_2"), "bash");
	SK_CHECK_STR(ska_field(&b, "evt.arg_0"), "1");
	SK_CHECK_STR(ska_field(&b, "proc.name"), "sh");
	SK_CHECK(ska_field(&b, "proc.aname[2]") == NULL);
	SK_CHECK_INT(b.view.nfields, 3);
	ska_free(&a);
	ska_free(&b);
	sk_strbuf_free(&out);
}

/* Enriches in (which carries a uuid, so the result is exact) with x. */
static const char *enrich_text(const char *in, const ska_extras *x)
{
	static sk_strbuf out;
	ska_alert a;
	char err[256] = "";

	sk_strbuf_reset(&out);
	if (ska_check(in, strlen(in), &a, err, sizeof(err)) != SK_OK || ska_enrich(&a, x, &out) != SK_OK) {
		fprintf(stderr, "enrich failed: %s\n", err);
		ska_free(&a);
		return NULL;
	}
	ska_free(&a);
	return sk_strbuf_str(&out);
}

static const char shadow[] =
	"{\"uuid\":\"u-1\",\"output\":\"10:20:05.408091526: Warning Sensitive file opened (user=root "
	"file=/etc/shadow)\",\"priority\":\"warning\",\"rule\":\"Read sensitive file\","
	"\"time\":\"2024-05-01T10:20:05.408091526Z\",\"output_fields\":{\"user.name\":\"root\","
	"\"k8s.ns.name\":\"prod\",\"evt.num\":42,\"fd.is_server\":false},\"tags\":[\"mitre\",\"filesystem\"]}";

SK_TEST(alert_templatedfields_and_output_format_exact_json)
{
	static const char *const names[] = {"env", "team"};
	static const char *const values[] = {"prod-eu", "sec"};
	static const char *const tags[] = {"custom"};
	static const char *const tnames[] = {"ns", "who", "n", "srv"};
	static const char *const tsrc[] = {
		"{{ or (index . \"k8s.ns.labels.foo\") \"bar\" }}",
		"{{ index . \"user.name\" }}@{{ .env }}",
		"{{ index . \"evt.num\" }}",
		"{{ if index . \"fd.is_server\" }}yes{{ else }}no{{ end }}",
	};
	spl_template *t[4] = {NULL};
	char err[256];
	for (size_t i = 0; i < 4; i++) {
		SK_CHECK_INT(spl_template_compile_fields(tsrc[i], strlen(tsrc[i]), &t[i], err, sizeof(err)), SK_OK);
	}
	ska_extras x = {
		.field_names = names,
		.field_values = values,
		.nfields = 2,
		.tags = tags,
		.ntags = 1,
		.template_names = tnames,
		.templates = (const spl_template *const *)t,
		.ntemplates = 4,
		.output_format = "<timestamp>: <priority> <output> <custom_fields> <templated_fields> <tags>",
	};
	SK_CHECK_STR(enrich_text(shadow, &x),
		     "{\"uuid\":\"u-1\",\"output\":\"10:20:05.408091526: Warning Sensitive file opened (user=root "
		     "file=/etc/shadow) env=prod-eu team=sec ns=bar who=root@prod-eu n=42 srv=no "
		     "custom,filesystem,mitre\",\"priority\":\"warning\",\"rule\":\"Read sensitive file\","
		     "\"time\":\"2024-05-01T10:20:05.408091526Z\",\"output_fields\":{\"user.name\":\"root\","
		     "\"k8s.ns.name\":\"prod\",\"evt.num\":42,\"fd.is_server\":false,\"env\":\"prod-eu\","
		     "\"team\":\"sec\",\"ns\":\"bar\",\"who\":\"root@prod-eu\",\"n\":\"42\",\"srv\":\"no\"},"
		     "\"tags\":[\"mitre\",\"filesystem\",\"custom\"]}");
	for (size_t i = 0; i < 4; i++) {
		spl_template_free(t[i]);
	}
}

SK_TEST(alert_output_format_rules)
{
	ska_extras x = {.output_format = "<priority> <output> (<custom_fields>)"};
	const char *got = enrich_text(shadow, &x);
	/* Empty custom fields: the "()" left at the end is trimmed. */
	SK_CHECK_CONTAINS(got, "\"output\":\"Warning Sensitive file opened (user=root file=/etc/shadow)\",");
	x.output_format = "[<timestamp>] <output> <tags>";
	SK_CHECK_CONTAINS(enrich_text(shadow, &x),
			  "\"output\":\"[10:20:05.408091526] Sensitive file opened (user=root file=/etc/shadow) "
			  "filesystem,mitre\"");
	/* Only Falco-shaped outputs are rewritten. */
	static const char plain[] = "{\"uuid\":\"u\",\"output\":\"custom text here\",\"priority\":\"Error\","
				    "\"rule\":\"r\",\"time\":\"2024-05-01T10:00:00Z\",\"output_fields\":{}}";
	SK_CHECK_STR(enrich_text(plain, &x),
		     "{\"uuid\":\"u\",\"output\":\"custom text here\",\"priority\":\"Error\",\"rule\":\"r\","
		     "\"time\":\"2024-05-01T10:00:00Z\",\"output_fields\":{}}");
	static const char loud[] = "{\"uuid\":\"u\",\"output\":\"12:00:00.5: LOUD thing happened\","
				   "\"priority\":\"Error\",\"rule\":\"r\",\"time\":\"2024-05-01T10:00:00Z\","
				   "\"output_fields\":{}}";
	SK_CHECK_CONTAINS(enrich_text(loud, &x), "\"output\":\"12:00:00.5: LOUD thing happened\"");
	/* The priority is the alert's, title-cased, not the output's word. */
	static const char lower[] = "{\"uuid\":\"u\",\"output\":\"12:00:00.5: error disk gone\","
				    "\"priority\":\"CRITICAL\",\"rule\":\"r\",\"time\":\"2024-05-01T10:00:00Z\","
				    "\"output_fields\":{}}";
	x.output_format = "<timestamp> <priority>: <output>";
	SK_CHECK_CONTAINS(enrich_text(lower, &x), "\"output\":\"12:00:00.5 Critical: disk gone\"");
	/* The view's output follows the rewrite (the old text is freed). */
	ska_alert a;
	sk_strbuf out = SK_STRBUF_INIT;
	char err[256] = "";
	SK_CHECK_INT(ska_check(lower, sizeof(lower) - 1, &a, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(ska_enrich(&a, &x, &out), SK_OK);
	SK_CHECK_STR(a.view.output, "12:00:00.5 Critical: disk gone");
	ska_free(&a);
	sk_strbuf_free(&out);
}

SK_TEST(alert_time_and_priority_forms)
{
	int64_t ns = 0;
	saker_priority p;
	SK_CHECK_INT(ska_parse_time("1970-01-01T00:00:01Z", &ns), SK_OK);
	SK_CHECK_INT(ns, 1000000000);
	SK_CHECK_INT(ska_parse_time("1970-01-01T02:00:01.5+02:00", &ns), SK_OK);
	SK_CHECK_INT(ns, 1500000000);
	SK_CHECK(ska_parse_time("1970-13-01T00:00:00Z", &ns) != SK_OK);
	SK_CHECK(ska_parse_time("1970-01-01T00:00:00", &ns) != SK_OK);
	SK_CHECK_INT(ska_priority_parse("informational", &p), SK_OK);
	SK_CHECK_INT(p, SAKER_PRIORITY_INFORMATIONAL);
	SK_CHECK_INT(ska_priority_parse("CRITICAL", &p), SK_OK);
	SK_CHECK_INT(p, SAKER_PRIORITY_CRITICAL);
	SK_CHECK_STR(ska_priority_name(SAKER_PRIORITY_NOTICE), "Notice");
	char a[37], b[37];
	ska_uuid(a);
	ska_uuid(b);
	SK_CHECK(strcmp(a, b) != 0);
}

SK_TEST_MAIN()
