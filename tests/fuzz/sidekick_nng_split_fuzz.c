/* Fuzzes the alert link's message splitter (sidekick/nng_in.c) with the
 * real alert parser behind it. The first two bytes pick the per-message
 * alert limit and the per-alert byte limit; the rest is the message. Every
 * non-blank line must reach the parser or be counted rejected, exactly
 * once, in order, within the limits. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alert.h"
#include "nng_in.h"

typedef struct seen {
	const char *msg, *end;
	const char *last; /* end of the previous line handed over */
	size_t max_line;
	size_t parsed, accepted, null_calls;
} seen;

static sk_err fuzz_ingest(void *user, skm_source src, const char *body, size_t len, char *err, size_t errlen)
{
	seen *s = user;
	ska_alert a;

	if (src != SKM_SOURCE_NNG) {
		__builtin_trap();
	}
	if (body == NULL) {
		s->null_calls++;
		return SK_EINVAL;
	}
	/* A line lies inside the message, after the previous one, holds no
	 * '\n' and respects the per-alert limit. */
	if (body < s->last || body + len > s->end || len == 0 || len > s->max_line || memchr(body, '\n', len) != NULL) {
		__builtin_trap();
	}
	s->last = body + len;
	s->parsed++;
	sk_err e = ska_check(body, len, &a, err, errlen);
	if (e == SK_OK) {
		s->accepted++;
		ska_free(&a);
	}
	return e;
}

/* Lines with something other than ' ', '\t', '\r'. */
static size_t count_alerts(const char *p, const char *end)
{
	size_t n = 0;
	bool blank = true;
	for (; p <= end; p++) {
		if (p == end || *p == '\n') {
			n += !blank;
			blank = true;
		} else if (*p != ' ' && *p != '\t' && *p != '\r') {
			blank = false;
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2) {
		return 0;
	}
	size_t max_alerts = (size_t)data[0] % 16 + 1;
	size_t max_line = (size_t)data[1] * 8 + 1;
	const char *msg = (const char *)data + 2;
	size_t len = size - 2;
	seen s = {msg, msg + len, msg, max_line, 0, 0, 0};
	skn_counts c;
	char err[600];

	sk_err e = skn_split(msg, len, max_line, max_alerts, fuzz_ingest, &s, &c, err, sizeof(err));
	size_t alerts = count_alerts(msg, msg + len);
	size_t want = alerts > 0 ? alerts : 1;
	if (c.accepted != s.accepted || c.accepted + c.rejected != want || s.parsed + s.null_calls != want ||
	    s.parsed > max_alerts || (e == SK_OK) != (c.rejected == 0) || (c.rejected > 0 && err[0] == '\0')) {
		__builtin_trap();
	}
	return 0;
}
