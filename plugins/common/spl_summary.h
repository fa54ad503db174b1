/* spl_summary: an alert as a short message for the chat and push outputs
 * that take text rather than cards (webex, gotify, telegram): a title line,
 * the output line, then one line per attribute and output field. The
 * wording is Saker's; the outputs' payloads around it are Falcosidekick's. */
#ifndef SPL_SUMMARY_H
#define SPL_SUMMARY_H

#include "saker/output_plugin.h"
#include "sk_strbuf.h"

typedef enum spl_summary_style {
	SPL_SUMMARY_PLAIN,      /* text as it is */
	SPL_SUMMARY_MARKDOWN,   /* CommonMark: bold labels, list items */
	SPL_SUMMARY_MARKDOWNV2, /* Telegram's MarkdownV2: every special character escaped */
} spl_summary_style;

/* Appends "[Falco] [<priority>] <rule>" (escaped for style). */
void spl_summary_title(sk_strbuf *sb, const saker_alert *alert, spl_summary_style style);

/* Appends the whole message: the title (bold in the Markdown styles), the
 * output line, then priority, rule, source, hostname, tags, time and each
 * output field on its own line. */
void spl_summary(sk_strbuf *sb, const saker_alert *alert, spl_summary_style style);

#endif
