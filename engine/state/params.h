/* params.h: reading scap event parameters by position.
 *
 * Integers are little-endian and 1, 2, 4 or 8 bytes long; strings carry a
 * trailing NUL that the readers strip. A missing or oddly sized parameter
 * yields the caller's default, never a read past the event. */
#ifndef SK_PARAMS_H
#define SK_PARAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "event.h"

static inline bool sk_param_present(const sk_event *ev, uint32_t i)
{
	return i < ev->nparams && i < SK_EVENT_MAX_PARAMS && ev->param[i] != NULL;
}

/* Unsigned value of parameter i, or dflt. */
static inline uint64_t sk_param_u64(const sk_event *ev, uint32_t i, uint64_t dflt)
{
	if (!sk_param_present(ev, i)) {
		return dflt;
	}
	const uint8_t *p = ev->param[i];
	switch (ev->param_len[i]) {
	case 1:
		return p[0];
	case 2:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8;
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	case 8: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	default:
		return dflt;
	}
}

/* Signed value of parameter i (sign-extended from its width), or dflt. */
static inline int64_t sk_param_i64(const sk_event *ev, uint32_t i, int64_t dflt)
{
	if (!sk_param_present(ev, i)) {
		return dflt;
	}
	uint64_t u = sk_param_u64(ev, i, 0);
	switch (ev->param_len[i]) {
	case 1:
		return (int8_t)u;
	case 2:
		return (int16_t)u;
	case 4:
		return (int32_t)u;
	case 8:
		return (int64_t)u;
	default:
		return dflt;
	}
}

/* Text of parameter i without its trailing NUL; NULL when missing. */
static inline const char *sk_param_str(const sk_event *ev, uint32_t i, uint32_t *len)
{
	*len = 0;
	if (!sk_param_present(ev, i)) {
		return NULL;
	}
	const char *s = (const char *)ev->param[i];
	uint32_t n = ev->param_len[i];
	const char *nul = memchr(s, '\0', n);
	*len = nul != NULL ? (uint32_t)(nul - s) : n;
	return s;
}

/* Raw bytes of parameter i (NUL-separated lists keep their NULs). */
static inline const char *sk_param_bytes(const sk_event *ev, uint32_t i, uint32_t *len)
{
	*len = 0;
	if (!sk_param_present(ev, i)) {
		return NULL;
	}
	*len = ev->param_len[i];
	return (const char *)ev->param[i];
}

#endif
