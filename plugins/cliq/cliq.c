/* cliq.c: the message (cliq.h). */
#include "cliq.h"

#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

sk_err cliq_parse_format(const char *name, cliq_format *out)
{
	if (name[0] == '\0' || strcmp(name, "all") == 0) {
		*out = CLIQ_ALL;
	} else if (strcmp(name, "text") == 0) {
		*out = CLIQ_TEXT;
	} else if (strcmp(name, "fields") == 0) {
		*out = CLIQ_FIELDS;
	} else {
		return SK_EINVAL;
	}
	return SK_OK;
}

static void row(sk_strbuf *sb, bool *first, const char *field, const char *value)
{
	sk_strbuf_puts(sb, *first ? "{\"field\":" : ",{\"field\":");
	*first = false;
	spl_json_go_string(sb, field);
	sk_strbuf_puts(sb, ",\"value\":");
	spl_json_go_string(sb, value);
	sk_strbuf_putc(sb, '}');
}

/* The sign useemoji puts before the text, per priority (Falcosidekick's
 * choice, Error sharing Emergency's). */
static const char *emoji(saker_priority p)
{
	static const char *const signs[8] = {
		"\xF0\x9F\x9A\xA8", /* emergency: rotating light */
		"\xF0\x9F\x9F\xA0", /* alert: orange circle */
		"\xF0\x9F\x9F\xA0", /* critical */
		"\xF0\x9F\x9A\xA8", /* error */
		"\xF0\x9F\x9F\xA1", /* warning: yellow circle */
		"\xF0\x9F\x94\xB5", /* notice: blue circle */
		"\xF0\x9F\x9F\xA2", /* informational: green circle */
		"\xE2\x9A\xAA",	    /* debug: white circle */
	};
	return (unsigned)p < 8 ? signs[p] : "?";
}

sk_err cliq_payload(sk_strbuf *sb, const cliq_config *cfg, const saker_alert *alert)
{
	spl_strlist strings = {0};
	sk_strbuf text = SK_STRBUF_INIT;
	bool first = true;
	bool text_slide = false;

	if (spl_string_fields(alert, &strings) != SK_OK) {
		spl_strlist_free(&strings);
		return SK_ENOMEM;
	}
	if (cfg->use_emoji) {
		sk_strbuf_printf(&text, "%s ", emoji(alert->priority_num));
	}
	if (cfg->message != NULL) {
		spl_template_render(cfg->message, alert, &text);
		text_slide = cfg->format != CLIQ_FIELDS;
	} else {
		sk_strbuf_puts(&text, alert->output);
	}
	sk_strbuf_puts(sb, "{\"text\":");
	spl_json_go_string(sb, sk_strbuf_str(&text));
	sk_strbuf_puts(sb, ",\"bot\":{\"name\":\"Falco Sidekick\",\"image\":");
	spl_json_go_string(sb, cfg->icon[0] != '\0' ? cfg->icon : CLIQ_DEFAULT_ICON);
	sk_strbuf_putc(sb, '}');
	if (text_slide || cfg->format != CLIQ_TEXT) {
		sk_strbuf_puts(sb, ",\"slides\":[");
		if (text_slide) {
			sk_strbuf_puts(sb, "{\"type\":\"text\",\"data\":");
			spl_json_go_string(sb, alert->output);
			sk_strbuf_putc(sb, '}');
		}
		if (cfg->format != CLIQ_TEXT) {
			sk_strbuf_puts(sb, text_slide ? "," : "");
			sk_strbuf_puts(sb, "{\"type\":\"table\",\"data\":{\"headers\":[\"field\",\"value\"],\"rows\":[");
			row(sb, &first, "rule", alert->rule);
			row(sb, &first, "priority", alert->priority);
			if (alert->hostname[0] != '\0') {
				row(sb, &first, "hostname", alert->hostname);
			}
			for (size_t i = 0; i < strings.n; i++) {
				const char *value = spl_alert_field(alert, strings.items[i]);
				row(sb, &first, strings.items[i], value != NULL ? value : "");
			}
			sk_strbuf_reset(&text);
			spl_go_time(&text, alert->time_ns);
			row(sb, &first, "time", sk_strbuf_str(&text));
			sk_strbuf_puts(sb, "]}}");
		}
		sk_strbuf_putc(sb, ']');
	}
	sk_strbuf_putc(sb, '}');
	sk_err rc = sk_strbuf_failed(sb) || sk_strbuf_failed(&text) ? SK_ENOMEM : SK_OK;
	sk_strbuf_free(&text);
	spl_strlist_free(&strings);
	return rc;
}
