/* evbuild.h: builds decoded events parameter by parameter, for tests and
 * benchmarks that drive the state without a capture file. */
#ifndef SK_EVBUILD_H
#define SK_EVBUILD_H

#include <stdint.h>
#include <string.h>

#include "event.h"

typedef struct sk_evbuild {
	sk_event ev;
	uint8_t buf[8192];
	uint32_t used;
} sk_evbuild;

static inline void sk_evb_start(sk_evbuild *b, uint16_t type, uint64_t tid, uint64_t ts)
{
	memset(&b->ev, 0, sizeof(b->ev));
	b->used = 0;
	b->ev.type = type;
	b->ev.tid = tid;
	b->ev.ts = ts;
	b->ev.num = ts;
}

static inline void sk_evb_raw(sk_evbuild *b, const void *p, uint32_t len)
{
	if (b->ev.nparams >= SK_EVENT_MAX_PARAMS || b->used + len > sizeof(b->buf)) {
		return;
	}
	memcpy(b->buf + b->used, p, len);
	b->ev.param[b->ev.nparams] = b->buf + b->used;
	b->ev.param_len[b->ev.nparams] = len;
	b->ev.nparams++;
	b->used += len;
}

static inline void sk_evb_i64(sk_evbuild *b, int64_t v)
{
	sk_evb_raw(b, &v, 8);
}

static inline void sk_evb_u32(sk_evbuild *b, uint32_t v)
{
	sk_evb_raw(b, &v, 4);
}

/* A string parameter with its trailing NUL, as the format stores it. */
static inline void sk_evb_str(sk_evbuild *b, const char *s)
{
	sk_evb_raw(b, s, (uint32_t)strlen(s) + 1);
}

#endif
