/* Go templates for messageformat (dot = the alert) and templatedfields
 * (dot = the output fields): the supported actions and functions render as
 * Go renders them, trimming works, and everything else is refused with the
 * offset. */
#include "spl_template.h"

#include "plugin_host.h"
#include "sk_test.h"

static const char *expand(const char *src, char *err, size_t errlen)
{
	static sk_strbuf sb;
	spl_template *t = NULL;
	ph_alert a;

	sk_strbuf_reset(&sb);
	if (spl_template_compile(src, strlen(src), &t, err, errlen) != SK_OK) {
		return NULL;
	}
	ph_alert_make(&a, 4);
	spl_template_render(t, &a.a, &sb);
	spl_template_free(t);
	return sk_strbuf_str(&sb);
}

SK_TEST(template_renders_fields)
{
	char err[128];

	SK_CHECK_STR(expand("{{.Priority}}: {{ .Rule }} on {{ .Hostname }} ({{ .Source }})", err, sizeof(err)),
		     "Warning: Terminal shell in container on node-1 (syscall)");
	SK_CHECK_STR(expand("{{ index .OutputFields \"proc.cmdline\" }}|{{ index .OutputFields \"x\" }}", err,
			    sizeof(err)),
		     "bash -i #4|<no value>");
	SK_CHECK_STR(expand("{{ .Tags }} {{ .UUID }}", err, sizeof(err)),
		     "[container shell] 6f1c2a50-0000-4000-8000-000000000004");
	SK_CHECK_STR(expand("{{ .Time }}", err, sizeof(err)), "2026-11-29 22:00:00.004000789 +0000 UTC");
	SK_CHECK_STR(expand("a   {{- .Source -}}   b", err, sizeof(err)), "asyscallb");
	SK_CHECK_STR(expand("no actions", err, sizeof(err)), "no actions");
	SK_CHECK_STR(expand("", err, sizeof(err)), "");
}

SK_TEST(template_refuses_unsupported_with_offset)
{
	char err[128];

	SK_CHECK(expand("ok {{ .Rul }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 3: unknown field");
	SK_CHECK(expand("{{ .Rule }} {{ range .Tags }}{{ end }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 12: unsupported action");
	SK_CHECK(expand("{{ .Rule }} {{ if .Rule }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 12: missing {{ end }}");
	SK_CHECK(expand("{{ .Rule ", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 0: unclosed action");
	SK_CHECK(expand("{{ index .OutputFields user.name }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "quoted");
	SK_CHECK(expand("{{ index .Foo \"a\" }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 0: unknown field");
	SK_CHECK(expand("{{ index .OutputFields }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "index wants a map and one key");
	SK_CHECK(expand("x{{ end }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 1: end without if/with");
	SK_CHECK(expand("{{ if .Rule }}a{{ else }}b{{ else }}c{{ end }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "else after else");
	SK_CHECK(expand("{{ $x := .Rule }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "variables are not supported");
	SK_CHECK(expand("{{ .OutputFields.proc }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "field chains");
	SK_CHECK(expand("{{ printf \"%s\" .Rule }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "unknown function");
	SK_CHECK(expand("{{ .Rule \"x\" }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "cannot take arguments");
	SK_CHECK(expand("{{ .Rule | \"x\" }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "| must be followed by a function");
	SK_CHECK(expand("{{ (or .Rule }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "missing )");
	SK_CHECK(expand("{{ \"open }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "unterminated string");
	SK_CHECK(expand("{{ . }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "whole alert");
	SK_CHECK(expand("{{/* open }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "unclosed comment");
}

SK_TEST(template_control_flow_and_functions)
{
	char err[128];

	SK_CHECK_STR(expand("{{ if eq .Priority \"Warning\" }}W{{ else if .Rule }}R{{ else }}-{{ end }}", err,
			    sizeof(err)),
		     "W");
	SK_CHECK_STR(expand("{{ if eq .Priority \"Error\" }}E{{ else if .Rule }}R{{ else }}-{{ end }}", err,
			    sizeof(err)),
		     "R");
	SK_CHECK_STR(expand("{{ if index .OutputFields \"nope\" }}yes{{ else }}no{{ end }}", err, sizeof(err)),
		     "no");
	SK_CHECK_STR(expand("{{ with index .OutputFields \"proc.cmdline\" }}cmd={{ . }}{{ end }}", err,
			    sizeof(err)),
		     "cmd=bash -i #4");
	SK_CHECK_STR(expand("{{ with index .OutputFields \"nope\" }}x{{ else }}none {{ .Source }}{{ end }}", err,
			    sizeof(err)),
		     "none syscall");
	SK_CHECK_STR(expand("{{ or (index .OutputFields \"nope\") \"dflt\" }}", err, sizeof(err)), "dflt");
	SK_CHECK_STR(expand("{{ and .Rule \"\" .Source }}|{{ and .Rule .Source }}", err, sizeof(err)),
		     "|syscall");
	SK_CHECK_STR(expand("{{ not .Rule }} {{ ne .Source `syscall` }} {{ eq .Source \"a\" \"syscall\" }}", err,
			    sizeof(err)),
		     "false false true");
	SK_CHECK_STR(expand("{{ .OutputFields | index .OutputFields | not }}", err, sizeof(err)), "true");
	SK_CHECK_STR(expand("{{ \"q\\\"\\n\" }}{{/* note */}}{{ nil }} {{ true }}", err, sizeof(err)),
		     "q\"\n<no value> true");
	SK_CHECK_STR(expand("{{ with .OutputFields }}{{ .x }}{{ end }}", err, sizeof(err)), "<no value>");
}

static void field_lookup(const void *user, const char *name, spl_tpl_value *out)
{
	(void)user;
	out->kind = SPL_TV_NIL;
	if (strcmp(name, "k8s.ns.name") == 0) {
		out->kind = SPL_TV_STRING;
		out->s = "prod";
	} else if (strcmp(name, "evt_num") == 0) {
		out->kind = SPL_TV_STRING;
		out->s = "42";
	} else if (strcmp(name, "fd.is_server") == 0) {
		out->kind = SPL_TV_BOOL;
		out->b = false;
	}
}

static const char *expand_fields(const char *src, char *err, size_t errlen)
{
	static sk_strbuf sb;
	spl_template *t = NULL;

	sk_strbuf_reset(&sb);
	if (spl_template_compile_fields(src, strlen(src), &t, err, errlen) != SK_OK) {
		return NULL;
	}
	spl_template_render_fields(t, field_lookup, NULL, &sb);
	spl_template_free(t);
	return sk_strbuf_str(&sb);
}

SK_TEST(template_fields_dot_is_the_field_map)
{
	char err[128];

	/* Falcosidekick's config_example.yaml templatedfields example. */
	SK_CHECK_STR(expand_fields("{{ or (index . \"k8s.ns.labels.foo\") \"bar\" }}", err, sizeof(err)), "bar");
	SK_CHECK_STR(expand_fields("{{ or (index . \"k8s.ns.name\") \"bar\" }}", err, sizeof(err)), "prod");
	SK_CHECK_STR(expand_fields("{{ .evt_num }}/{{ .Rule }}/{{ index . \"fd.is_server\" }}", err, sizeof(err)),
		     "42/<no value>/false");
	SK_CHECK_STR(expand_fields("{{ with index . \"k8s.ns.name\" }}ns-{{ . }}{{ end }}", err, sizeof(err)),
		     "ns-prod");
	SK_CHECK_STR(expand_fields("{{ if index . \"fd.is_server\" }}srv{{ else }}cli{{ end }}", err, sizeof(err)),
		     "cli");
	SK_CHECK(expand_fields("{{ . }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "whole field map");
	SK_CHECK(expand_fields("{{ index . }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 0: index wants");
}

SK_TEST(template_limits_size_and_actions)
{
	char err[128];
	static char big[SPL_TEMPLATE_MAX_LEN + 2];
	/* Text + action pairs: more parts than the limit, well under the size. */
	static char many[SPL_TEMPLATE_MAX_PARTS / 2 * 12 + 13];

	memset(big, 'x', sizeof(big) - 1);
	SK_CHECK(expand(big, err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "limit");
	for (size_t i = 0; i + 12 < sizeof(many); i += 12) {
		memcpy(many + i, "x{{ .Rule }}", 12);
	}
	SK_CHECK(expand(many, err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "too many actions");
}

SK_TEST_MAIN()
