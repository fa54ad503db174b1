/* grafana.c: the annotation and the OnCall alert (grafana.h). */
#include "grafana.h"

#include "spl_util.h"

static void tag(sk_strbuf *sb, bool *first, const char *value)
{
	sk_strbuf_puts(sb, *first ? "" : ",");
	*first = false;
	spl_json_go_string(sb, value);
}

sk_err grafana_annotation(sk_strbuf *sb, const grafana_config *cfg, const saker_alert *alert)
{
	int64_t ms = alert->time_ns / 1000000;
	bool first = true;

	sk_strbuf_putc(sb, '{');
	if (cfg->dashboard_id != 0) {
		sk_strbuf_printf(sb, "\"dashboardId\":%lld,", (long long)cfg->dashboard_id);
	}
	if (cfg->panel_id != 0) {
		sk_strbuf_printf(sb, "\"panelId\":%lld,", (long long)cfg->panel_id);
	}
	sk_strbuf_printf(sb, "\"time\":%lld,\"timeEnd\":%lld,\"tags\":[", (long long)ms, (long long)ms);
	tag(sb, &first, "falco");
	tag(sb, &first, alert->priority);
	tag(sb, &first, alert->rule);
	tag(sb, &first, alert->source);
	if (alert->hostname[0] != '\0') {
		tag(sb, &first, alert->hostname);
	}
	if (cfg->all_fields_as_tags) {
		for (size_t i = 0; i < alert->nfields; i++) {
			tag(sb, &first, alert->field_values[i]);
		}
		for (size_t i = 0; i < alert->ntags; i++) {
			tag(sb, &first, alert->tags[i]);
		}
	}
	sk_strbuf_puts(sb, "],\"text\":");
	spl_json_go_string(sb, alert->output);
	sk_strbuf_putc(sb, '}');
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

sk_err grafana_oncall_alert(sk_strbuf *sb, const saker_alert *alert)
{
	sk_strbuf title = SK_STRBUF_INIT;

	sk_strbuf_printf(&title, "[%s] %s", alert->priority, alert->rule);
	sk_strbuf_puts(sb, "{\"alert_uid\":");
	spl_json_go_string(sb, alert->uuid);
	sk_strbuf_puts(sb, ",\"state\":\"alerting\",\"title\":");
	spl_json_go_string(sb, sk_strbuf_str(&title));
	sk_strbuf_puts(sb, ",\"message\":");
	spl_json_go_string(sb, alert->output);
	sk_strbuf_putc(sb, '}');
	sk_err rc = sk_strbuf_failed(sb) || sk_strbuf_failed(&title) ? SK_ENOMEM : SK_OK;
	sk_strbuf_free(&title);
	return rc;
}
