/* syslog_out.c: the CEF line and the syslog framing (syslog_out.h). */
#include "syslog_out.h"

#include <stdio.h>
#include <string.h>

#include "spl_util.h"

void syslog_cef(sk_strbuf *sb, const saker_alert *alert)
{
	/* CEF severity of each Falco priority, Emergency first */
	static const char *const severity[8] = {"10", "9", "8", "7", "6", "4", "3", "0"};
	size_t from = sb->len;
	sk_strbuf_printf(sb, "CEF:0|Falcosecurity|Falco|1.0|Falco Event|%s|%s|uuid=%s start=", alert->rule,
			 alert->priority_num <= SAKER_PRIORITY_DEBUG ? severity[alert->priority_num] : "Uknown",
			 alert->uuid);
	spl_go_rfc3339(sb, alert->time_ns, false);
	sk_strbuf_printf(sb, " msg=%s source=%s", alert->output, alert->source);
	if (alert->hostname[0] != '\0') {
		sk_strbuf_printf(sb, " hostname=%s", alert->hostname);
	}
	sk_strbuf_puts(sb, " outputfields=");
	for (size_t i = 0; i < alert->nfields; i++) {
		sk_strbuf_printf(sb, "%s:%s ", alert->field_names[i], alert->field_values[i]);
	}
	if (alert->ntags > 0) {
		sk_strbuf_puts(sb, "tags=");
		spl_join_tags(sb, alert, ",");
	}
	/* Falcosidekick trims one trailing blank (left by the last field) */
	if (sb->len > from && sb->data[sb->len - 1] == ' ') {
		sb->data[--sb->len] = '\0';
	}
}

void syslog_frame(sk_strbuf *sb, int severity, time_t now, const char *host, pid_t pid, const char *msg,
		  size_t len)
{
	struct tm tm;
	char stamp[40];
	localtime_r(&now, &tm);
	/* Go's time.RFC3339: "Z" in UTC, else the offset as +hh:mm */
	size_t n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (tm.tm_gmtoff == 0) {
		snprintf(stamp + n, sizeof(stamp) - n, "Z");
	} else {
		long off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
		snprintf(stamp + n, sizeof(stamp) - n, "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+', off / 3600,
			 (off % 3600) / 60);
	}
	sk_strbuf_printf(sb, "<%d>%s %s falco[%ld]: ", severity & 7, stamp, host, (long)pid);
	sk_strbuf_append(sb, msg, len);
	if (len == 0 || msg[len - 1] != '\n') {
		sk_strbuf_putc(sb, '\n');
	}
}
