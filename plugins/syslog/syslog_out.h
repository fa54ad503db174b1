/* syslog_out: Falcosidekick's syslog output, one message per alert to a
 * remote syslog server over TCP or UDP, as Go's log/syslog writes it:
 * "<severity>RFC3339-time host falco[pid]: MESSAGE\n", the message being
 * the Falco JSON alert (format json) or a CEF line (format cef). */
#ifndef SYSLOG_OUT_H
#define SYSLOG_OUT_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* Appends the CEF line for alert (output fields sorted by name). */
void syslog_cef(sk_strbuf *sb, const saker_alert *alert);

/* Appends one syslog message: priority (the severity; facility kern, as
 * Falcosidekick dials), now as RFC 3339 local time, host, "falco[pid]: ",
 * msg, and a newline unless msg ends with one. */
void syslog_frame(sk_strbuf *sb, int severity, time_t now, const char *host, pid_t pid, const char *msg,
		  size_t len);

#endif
