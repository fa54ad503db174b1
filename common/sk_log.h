/* sk_log: leveled logging to stderr (and syslog when asked), shared by
 * every process.
 *
 * Lines look like "saker-engine: warning: message". The program name is set
 * once at start-up; the minimum level and the sinks may change later (on a
 * reload) while other threads log. Logging is thread-safe (one fprintf or
 * syslog call per line). */
#ifndef SK_LOG_H
#define SK_LOG_H

#include <stdbool.h>

typedef enum sk_log_level {
	SK_LOG_DEBUG = 0,
	SK_LOG_INFO,
	SK_LOG_WARNING,
	SK_LOG_ERROR,
} sk_log_level;

/* Sets the prefix (program name, copied) and the minimum level printed. */
void sk_log_init(const char *progname, sk_log_level min_level);

/* Changes the minimum level printed. */
void sk_log_set_level(sk_log_level min_level);

/* Where lines go: stderr and/or syslog (facility user, the program name as
 * ident, the level as priority). Both false: nowhere. Default: stderr. */
void sk_log_set_sinks(bool to_stderr, bool to_syslog);

/* Prints one line at level if it is at or above the minimum. */
void sk_log(sk_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define sk_debug(...) sk_log(SK_LOG_DEBUG, __VA_ARGS__)
#define sk_info(...) sk_log(SK_LOG_INFO, __VA_ARGS__)
#define sk_warn(...) sk_log(SK_LOG_WARNING, __VA_ARGS__)
#define sk_error(...) sk_log(SK_LOG_ERROR, __VA_ARGS__)

#endif
