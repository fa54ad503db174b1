/* messageformat templates: the supported Go actions render, trimming works,
 * and everything else is refused with the offset. */
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
	SK_CHECK(expand("{{ .Rule }} {{ if .Rule }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 12: unsupported action");
	SK_CHECK(expand("{{ .Rule ", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "offset 0: unclosed action");
	SK_CHECK(expand("{{ index .OutputFields user.name }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "quoted");
	SK_CHECK(expand("{{ index .Foo \"a\" }}", err, sizeof(err)) == NULL);
	SK_CHECK_CONTAINS(err, "index takes .OutputFields");
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
