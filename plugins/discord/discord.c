/* discord.c: the embed (discord.h). */
#include "discord.h"

#include <stdio.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

static void field(sk_strbuf *sb, bool *first, const char *name, const char *value, bool code)
{
	sk_strbuf_puts(sb, *first ? "{\"name\":" : ",{\"name\":");
	*first = false;
	spl_json_go_string(sb, name);
	sk_strbuf_puts(sb, ",\"value\":");
	if (code) {
		sk_strbuf tmp = SK_STRBUF_INIT;
		sk_strbuf_printf(&tmp, "```%s```", value);
		spl_json_go_string(sb, sk_strbuf_str(&tmp));
		sk_strbuf_free(&tmp);
	} else {
		spl_json_go_string(sb, value);
	}
	sk_strbuf_puts(sb, ",\"inline\":true}");
}

sk_err discord_payload(sk_strbuf *sb, const char *icon, const saker_alert *alert)
{
	static const char *const colors[8] = {"15158332", "11027200", "15105570", "15844367",
					      "12745742", "3066993",  "3447003",  "12370112"};
	spl_strlist strings = {0};
	bool first = true;
	if (spl_string_fields(alert, &strings) != SK_OK) {
		spl_strlist_free(&strings);
		return SK_ENOMEM;
	}
	sk_strbuf_puts(sb, "{\"content\":\"\"");
	if (icon[0] != '\0') {
		sk_strbuf_puts(sb, ",\"avatar_url\":");
		spl_json_go_string(sb, icon);
	}
	sk_strbuf_puts(sb, ",\"embeds\":[{\"title\":\"\",\"url\":\"\",\"description\":");
	spl_json_go_string(sb, alert->output);
	sk_strbuf_printf(sb, ",\"color\":\"%s\",\"fields\":[",
			 alert->priority_num <= SAKER_PRIORITY_DEBUG ? colors[alert->priority_num] : "");
	field(sb, &first, "rule", alert->rule, false);
	field(sb, &first, "priority", alert->priority, false);
	field(sb, &first, "source", alert->source, false);
	if (alert->hostname[0] != '\0') {
		field(sb, &first, "hostname", alert->hostname, false);
	}
	for (size_t i = 0; i < strings.n; i++) {
		const char *value = spl_alert_field(alert, strings.items[i]);
		field(sb, &first, strings.items[i], value != NULL ? value : "", true);
	}
	if (alert->ntags > 0) {
		sk_strbuf tags = SK_STRBUF_INIT;
		spl_join_tags(&tags, alert, ", ");
		field(sb, &first, "tags", sk_strbuf_str(&tags), false);
		sk_strbuf_free(&tags);
	}
	sk_strbuf time = SK_STRBUF_INIT;
	spl_go_time(&time, alert->time_ns);
	field(sb, &first, "time", sk_strbuf_str(&time), false);
	sk_strbuf_free(&time);
	sk_strbuf_puts(sb, "]}]}");
	spl_strlist_free(&strings);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
