#include "sk_log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static char sk_log_prog[64] = "saker";
static atomic_int sk_log_min = SK_LOG_INFO;
static atomic_bool sk_log_stderr = true;
static atomic_bool sk_log_syslog = false;

void sk_log_init(const char *progname, sk_log_level min_level)
{
	if (progname != NULL) {
		snprintf(sk_log_prog, sizeof(sk_log_prog), "%s", progname);
	}
	atomic_store(&sk_log_min, (int)min_level);
}

void sk_log_set_level(sk_log_level min_level)
{
	atomic_store(&sk_log_min, (int)min_level);
}

void sk_log_set_sinks(bool to_stderr, bool to_syslog)
{
	static atomic_bool opened;
	if (to_syslog && !atomic_exchange(&opened, true)) {
		/* connects on the first line, so a missing /dev/log costs nothing */
		openlog(sk_log_prog, LOG_PID, LOG_USER);
	}
	atomic_store(&sk_log_stderr, to_stderr);
	atomic_store(&sk_log_syslog, to_syslog);
}

void sk_log(sk_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "warning", "error"};
	static const int priorities[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
	char msg[2048];
	va_list ap;

	if ((int)level < atomic_load(&sk_log_min)) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One call per line so concurrent threads never interleave inside a line. */
	if (atomic_load(&sk_log_stderr)) {
		fprintf(stderr, "%s: %s: %s\n", sk_log_prog, names[level], msg);
	}
	if (atomic_load(&sk_log_syslog)) {
		syslog(priorities[level], "%s", msg);
	}
}
