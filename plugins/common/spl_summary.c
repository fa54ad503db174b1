/* spl_summary: an alert as a text message (spl_summary.h). */
#include "spl_summary.h"

#include <string.h>

#include "spl_util.h"

/* Appends s with what style treats as markup escaped: MarkdownV2 wants a
 * backslash before each of its special characters; CommonMark before the
 * ones that start emphasis, code or links; plain text nothing. */
static void put_text(sk_strbuf *sb, const char *s, spl_summary_style style)
{
	const char *specials = style == SPL_SUMMARY_MARKDOWNV2 ? "_*[]()~`>#+-=|{}.!\\"
			       : style == SPL_SUMMARY_MARKDOWN ? "\\`*_[]<>#|"
							       : "";

	for (const char *p = s; *p != '\0'; p++) {
		if (strchr(specials, *p) != NULL) {
			sk_strbuf_putc(sb, '\\');
		}
		sk_strbuf_putc(sb, *p);
	}
}

void spl_summary_title(sk_strbuf *sb, const saker_alert *alert, spl_summary_style style)
{
	sk_strbuf raw = SK_STRBUF_INIT;

	sk_strbuf_printf(&raw, "[Falco] [%s] %s", alert->priority, alert->rule);
	put_text(sb, sk_strbuf_str(&raw), style);
	sk_strbuf_free(&raw);
}

/* One "label: value" line, the label bold in the Markdown styles. */
static void line(sk_strbuf *sb, const char *indent, const char *label, const char *value, spl_summary_style style)
{
	const char *bold = style == SPL_SUMMARY_PLAIN ? "" : style == SPL_SUMMARY_MARKDOWN ? "**" : "*";
	const char *bullet = style == SPL_SUMMARY_MARKDOWNV2 ? "• " : "- ";

	sk_strbuf_printf(sb, "%s%s%s", indent, bullet, bold);
	put_text(sb, label, style);
	sk_strbuf_printf(sb, "%s:%s", bold, value[0] != '\0' ? " " : "");
	put_text(sb, value, style);
	sk_strbuf_putc(sb, '\n');
}

void spl_summary(sk_strbuf *sb, const saker_alert *alert, spl_summary_style style)
{
	const char *bold = style == SPL_SUMMARY_PLAIN ? "" : style == SPL_SUMMARY_MARKDOWN ? "**" : "*";
	sk_strbuf text = SK_STRBUF_INIT;

	sk_strbuf_puts(sb, bold);
	spl_summary_title(sb, alert, style);
	sk_strbuf_printf(sb, "%s\n\n", bold);
	put_text(sb, alert->output, style);
	sk_strbuf_puts(sb, "\n\n");
	line(sb, "", "Priority", alert->priority, style);
	line(sb, "", "Rule", alert->rule, style);
	line(sb, "", "Source", alert->source, style);
	if (alert->hostname[0] != '\0') {
		line(sb, "", "Hostname", alert->hostname, style);
	}
	if (alert->ntags > 0) {
		spl_join_tags(&text, alert, ", ");
		line(sb, "", "Tags", sk_strbuf_str(&text), style);
	}
	sk_strbuf_reset(&text);
	spl_go_rfc3339(&text, alert->time_ns, true);
	line(sb, "", "Time", sk_strbuf_str(&text), style);
	if (alert->nfields > 0) {
		line(sb, "", "Fields", "", style);
		for (size_t i = 0; i < alert->nfields; i++) {
			line(sb, "  ", alert->field_names[i], alert->field_values[i], style);
		}
	}
	sk_strbuf_free(&text);
}
