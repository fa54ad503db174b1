#include "sk_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char sk_log_prog[64] = "saker";
static sk_log_level sk_log_min = SK_LOG_INFO;

void sk_log_init(const char *progname, sk_log_level min_level)
{
	if (progname != NULL) {
		snprintf(sk_log_prog, sizeof(sk_log_prog), "%s", progname);
	}
	sk_log_min = min_level;
}

void sk_log_set_level(sk_log_level min_level)
{
	sk_log_min = min_level;
}

void sk_log(sk_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "warning", "error"};
	char msg[2048];
	va_list ap;

	if (level < sk_log_min) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One call per line so concurrent threads never interleave inside a line. */
	fprintf(stderr, "%s: %s: %s\n", sk_log_prog, names[level], msg);
}
