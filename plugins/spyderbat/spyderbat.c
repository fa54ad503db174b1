#include "spyderbat.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_util.h"

/* An output field's text, "" when absent or null. */
static const char *sb_field(const saker_alert *a, const char *name)
{
	const char *v = spl_alert_field(a, name);
	return v != NULL && strcmp(v, "<NA>") != 0 ? v : "";
}

sk_err sb_record(sk_strbuf *b, const saker_alert *alert, int64_t now_ns, char *err, size_t errlen)
{
	/* Falcosidekick's levels by priority, emergency first */
	static const char *const levels[] = {"critical", "high", "critical", "high", "medium", "low", "info", "info"};
	const char *pid = sb_field(alert, "proc.pid"), *evt_time = sb_field(alert, "evt.time");
	char *end = NULL;
	long long pid_num = strtoll(pid, &end, 10);

	sk_strbuf_reset(b);
	if (pid[0] == '\0' || end == NULL || *end != '\0' || pid_num < 0 || pid_num > INT32_MAX) {
		snprintf(err, errlen, "rule %s: proc.pid is not among the output fields (Spyderbat needs it)", alert->rule);
		return SK_ENOENT;
	}
	/* evt.time (ns) when the rule outputs it, else the alert's own time */
	long long ns = strtoll(evt_time, &end, 10);
	if (evt_time[0] == '\0' || end == NULL || *end != '\0' || ns < 0) {
		ns = (long long)alert->time_ns;
	}
	unsigned p = alert->priority_num <= SAKER_PRIORITY_DEBUG ? (unsigned)alert->priority_num : SAKER_PRIORITY_DEBUG;
	sk_strbuf_puts(b, "{\"schema\":\"falco_alert::1.0.0\",\"id\":");
	spl_json_go_string(b, alert->uuid);
	sk_strbuf_printf(b, ",\"monotonic_time\":%lld,\"orc_time\":%lld.%09lld,\"time\":%lld.%09lld,\"pid\":%lld,\"level\":\"%s\","
			    "\"msg\":[",
			 (long long)(now_ns % 1000000000), (long long)(now_ns / 1000000000),
			 (long long)(now_ns % 1000000000), ns / 1000000000, ns % 1000000000, pid_num, levels[p]);
	/* the output line's words after its time and priority */
	const char *s = alert->output;
	int word = 0;
	bool first = true;
	while (*s != '\0') {
		size_t len = strcspn(s, " ");
		if (word >= 2) {
			sk_strbuf_puts(b, first ? "" : ",");
			spl_json_go_stringn(b, s, len);
			first = false;
		}
		word++;
		s += len;
		if (*s == ' ') {
			s++;
		}
	}
	sk_strbuf_puts(b, "],\"args\":");
	spl_json_go_string(b, sb_field(alert, "proc.cmdline"));
	sk_strbuf_puts(b, ",\"container\":");
	spl_json_go_string(b, sb_field(alert, "container.id"));
	sk_strbuf_puts(b, "}\n");
	if (sk_strbuf_failed(b)) {
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	return SK_OK;
}

bool sb_has_source(const char *answer, size_t len, const char *uid)
{
	json_tokener *tok = json_tokener_new();
	json_object *list = tok != NULL && len <= INT32_MAX ? json_tokener_parse_ex(tok, answer, (int)len) : NULL;
	bool found = false;

	for (size_t i = 0; list != NULL && json_object_is_type(list, json_type_array) && i < json_object_array_length(list);
	     i++) {
		json_object *v = NULL;
		if (json_object_object_get_ex(json_object_array_get_idx(list, i), "uid", &v) &&
		    json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), uid) == 0) {
			found = true;
		}
	}
	json_object_put(list);
	json_tokener_free(tok);
	return found;
}
