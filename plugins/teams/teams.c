/* teams.c: the MessageCard (teams.h). */
#include "teams.h"

#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

sk_err teams_parse_format(const char *text, teams_format *out)
{
	if (text[0] == '\0' || strcmp(text, "all") == 0) {
		*out = TEAMS_FORMAT_ALL;
	} else if (strcmp(text, "text") == 0) {
		*out = TEAMS_FORMAT_TEXT;
	} else if (strcmp(text, "facts") == 0) {
		*out = TEAMS_FORMAT_FACTS;
	} else {
		return SK_EINVAL;
	}
	return SK_OK;
}

static void fact(sk_strbuf *sb, bool *first, const char *name, const char *value)
{
	sk_strbuf_puts(sb, *first ? "{\"name\":" : ",{\"name\":");
	*first = false;
	spl_json_go_string(sb, name);
	sk_strbuf_puts(sb, ",\"value\":");
	spl_json_go_string(sb, value);
	sk_strbuf_putc(sb, '}');
}

sk_err teams_payload(sk_strbuf *sb, const teams_config *cfg, const saker_alert *alert)
{
	static const char *const colors[8] = {"e20b0b", "ff5400", "ff9000", "ffc700",
					      "ffff00", "5bffb5", "68c2ff", "ccfff2"};
	spl_strlist strings = {0};
	if (cfg->format != TEAMS_FORMAT_TEXT && spl_string_fields(alert, &strings) != SK_OK) {
		spl_strlist_free(&strings);
		return SK_ENOMEM;
	}
	sk_strbuf_puts(sb, "{\"@type\":\"MessageCard\"");
	if (alert->output[0] != '\0') {
		sk_strbuf_puts(sb, ",\"summary\":");
		spl_json_go_string(sb, alert->output);
	}
	if (alert->priority_num <= SAKER_PRIORITY_DEBUG) {
		sk_strbuf_printf(sb, ",\"themeColor\":\"%s\"", colors[alert->priority_num]);
	}
	sk_strbuf_puts(sb, ",\"sections\":[{\"activityTitle\":\"Falco Sidekick\",\"activitySubtitle\":\"");
	spl_go_time(sb, alert->time_ns);
	sk_strbuf_putc(sb, '"');
	if (cfg->activity_image[0] != '\0') {
		sk_strbuf_puts(sb, ",\"activityImage\":");
		spl_json_go_string(sb, cfg->activity_image);
	}
	sk_strbuf_puts(sb, ",\"text\":");
	spl_json_go_string(sb, cfg->format == TEAMS_FORMAT_FACTS ? "" : alert->output);
	if (cfg->format != TEAMS_FORMAT_TEXT) {
		bool first = true;
		sk_strbuf_puts(sb, ",\"facts\":[");
		fact(sb, &first, "rule", alert->rule);
		fact(sb, &first, "priority", alert->priority);
		fact(sb, &first, "source", alert->source);
		if (alert->hostname[0] != '\0') {
			fact(sb, &first, "hostname", alert->hostname);
		}
		for (size_t i = 0; i < strings.n; i++) {
			const char *value = spl_alert_field(alert, strings.items[i]);
			fact(sb, &first, strings.items[i], value != NULL ? value : "");
		}
		if (alert->ntags > 0) {
			sk_strbuf tags = SK_STRBUF_INIT;
			spl_join_tags(&tags, alert, ", ");
			fact(sb, &first, "tags", sk_strbuf_str(&tags));
			sk_strbuf_free(&tags);
		}
		sk_strbuf_putc(sb, ']');
	}
	sk_strbuf_puts(sb, "}]}");
	spl_strlist_free(&strings);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
