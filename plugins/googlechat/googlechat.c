/* googlechat.c: the card (googlechat.h). */
#include "googlechat.h"

#include <stdio.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

static void widget(sk_strbuf *sb, bool *first, const char *label, const char *content)
{
	sk_strbuf_puts(sb, *first ? "{\"keyValue\":{\"topLabel\":" : ",{\"keyValue\":{\"topLabel\":");
	*first = false;
	spl_json_go_string(sb, label);
	sk_strbuf_puts(sb, ",\"content\":");
	spl_json_go_string(sb, content);
	sk_strbuf_puts(sb, "}}");
}

sk_err googlechat_payload(sk_strbuf *sb, const googlechat_config *cfg, const saker_alert *alert)
{
	sk_strbuf text = SK_STRBUF_INIT;
	spl_strlist strings = {0};
	bool first = true;
	if (cfg->message != NULL) {
		spl_template_render(cfg->message, alert, &text);
	}
	if (!cfg->text_only && spl_string_fields(alert, &strings) != SK_OK) {
		sk_strbuf_free(&text);
		spl_strlist_free(&strings);
		return SK_ENOMEM;
	}
	sk_strbuf_putc(sb, '{');
	if (text.len > 0) { /* omitted when empty, as Go's omitempty */
		sk_strbuf_puts(sb, "\"text\":");
		spl_json_go_string(sb, sk_strbuf_str(&text));
	}
	if (!cfg->text_only) {
		sk_strbuf_puts(sb, text.len > 0 ? "," : "");
		sk_strbuf_puts(sb, "\"cards\":[{\"header\":{\"title\":\"\",\"subtitle\":\"\"},\"sections\":[{\"widgets\":[");
		widget(sb, &first, "rule", alert->rule);
		widget(sb, &first, "priority", alert->priority);
		widget(sb, &first, "source", alert->source);
		if (alert->hostname[0] != '\0') {
			widget(sb, &first, "hostname", alert->hostname);
		}
		for (size_t i = 0; i < strings.n; i++) {
			const char *value = spl_alert_field(alert, strings.items[i]);
			widget(sb, &first, strings.items[i], value != NULL ? value : "");
		}
		if (alert->ntags > 0) {
			sk_strbuf tags = SK_STRBUF_INIT;
			spl_join_tags(&tags, alert, ", ");
			widget(sb, &first, "tags", sk_strbuf_str(&tags));
			sk_strbuf_free(&tags);
		}
		sk_strbuf time = SK_STRBUF_INIT;
		spl_go_time(&time, alert->time_ns);
		widget(sb, &first, "time", sk_strbuf_str(&time));
		sk_strbuf_free(&time);
		sk_strbuf_puts(sb, "]}]}]");
	}
	sk_strbuf_putc(sb, '}');
	bool failed = sk_strbuf_failed(&text);
	sk_strbuf_free(&text);
	spl_strlist_free(&strings);
	return failed || sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
