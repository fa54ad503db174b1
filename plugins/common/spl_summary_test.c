/* The text message of an alert in its three styles, byte for byte, and the
 * escaping each style needs. */
#include "spl_summary.h"

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(plain_and_markdown_messages)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	spl_summary(&sb, &a.a, SPL_SUMMARY_PLAIN);
	SK_CHECK_STR(sk_strbuf_str(&sb), "[Falco] [Warning] Terminal shell in container\n\n" PH_OUTPUT0 "\n\n"
					 "- Priority: Warning\n- Rule: Terminal shell in container\n- Source: syscall\n"
					 "- Hostname: node-1\n- Tags: container, shell\n"
					 "- Time: 2026-11-29T22:00:00.000000789Z\n- Fields:\n"
					 "  - container.id: abc123\n  - proc.cmdline: bash -i #0\n  - user.name: root\n");
	sk_strbuf_reset(&sb);
	a.a.rule = "Read *secret* [x]";
	a.a.nfields = 0;
	a.a.ntags = 0;
	a.a.hostname = "";
	a.a.output = "a_b <c>";
	spl_summary(&sb, &a.a, SPL_SUMMARY_MARKDOWN);
	SK_CHECK_STR(sk_strbuf_str(&sb), "**\\[Falco\\] \\[Warning\\] Read \\*secret\\* \\[x\\]**\n\na\\_b \\<c\\>\n\n"
					 "- **Priority**: Warning\n- **Rule**: Read \\*secret\\* \\[x\\]\n"
					 "- **Source**: syscall\n- **Time**: 2026-11-29T22:00:00.000000789Z\n");
	sk_strbuf_free(&sb);
}

SK_TEST(markdownv2_escapes_every_special_character)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	a.a.nfields = 1;
	a.a.ntags = 0;
	a.a.hostname = "";
	a.a.output = "_*[]()~`>#+-=|{}.!\\";
	spl_summary(&sb, &a.a, SPL_SUMMARY_MARKDOWNV2);
	SK_CHECK_STR(sk_strbuf_str(&sb), "*\\[Falco\\] \\[Warning\\] Terminal shell in container*\n\n"
					 "\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\\n\n"
					 "• *Priority*: Warning\n• *Rule*: Terminal shell in container\n"
					 "• *Source*: syscall\n• *Time*: 2026\\-11\\-29T22:00:00\\.000000789Z\n"
					 "• *Fields*:\n  • *container\\.id*: abc123\n");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
