/* event.h: Saker's event model, which is the public scap event format.
 *
 * An event on the wire and in .scap files is: a header (u64 ts, u64 tid,
 * u32 len, u16 type, u32 nparams; little-endian, packed = 26 bytes), then
 * nparams u16 parameter lengths, then the parameters back to back. `len`
 * covers the whole event. Event types and parameter layouts are those of the
 * public format (event_table.c holds Saker's own table of them).
 *
 * sk_event is the decoded view: pointers into the raw bytes, no copies. */
#ifndef SK_EVENT_H
#define SK_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

#define SK_EVENT_HEADER_LEN 26u
#define SK_EVENT_MAX_PARAMS 32u

struct sk_event_info; /* event_table.h */

typedef struct sk_event {
	uint64_t ts;      /* ns since the epoch */
	uint64_t tid;     /* thread id (host pid namespace) */
	uint16_t type;    /* event type id (scap numbering) */
	uint16_t cpu;     /* CPU the event came from (0 when unknown) */
	uint32_t nparams; /* parameters present (may be fewer than the table's) */
	uint32_t len;     /* total length of raw */
	uint64_t num;     /* event number, assigned by the reader (evt.num) */
	const struct sk_event_info *info; /* table entry, never NULL for a decoded event */
	const uint8_t *raw;               /* the whole event */
	const uint8_t *param[SK_EVENT_MAX_PARAMS]; /* parameter i's bytes */
	uint32_t param_len[SK_EVENT_MAX_PARAMS];   /* parameter i's length */
} sk_event;

/* Decodes the event at raw (len bytes available) into *out, checking every
 * length against len. Unknown types decode with a placeholder info entry.
 * Returns SK_ETRUNC or SK_EINVAL (never crashes) on malformed input. */
sk_err sk_event_decode(const uint8_t *raw, size_t len, sk_event *out);

/* Decoding variants for sk_event_decode_as(). */
#define SK_EVENT_F_LEGACY 1u /* header without nparams (see below) */
#define SK_EVENT_F_LARGE 2u  /* u32 parameter lengths for every type */

/* Decodes with the layout given by flags (0 = the wire format, like
 * sk_event_decode()). Events whose type has large payloads always use u32
 * parameter lengths. Same errors as sk_event_decode(). */
sk_err sk_event_decode_as(const uint8_t *raw, size_t len, unsigned flags, sk_event *out);

/* Length of the header of events from scap files older than section 1.2's
 * nparams blocks: u64 ts, u64 tid, u32 len, u16 type (no nparams). */
#define SK_EVENT_LEGACY_HEADER_LEN 22u

/* Decodes an event written without the nparams field (EV/EVF block types
 * 0x204/0x208). The parameter count is the largest n <= the table's count
 * whose n lengths add up exactly to the event's length, so captures made
 * before a parameter was appended to a layout still decode. Same errors as
 * sk_event_decode(). */
sk_err sk_event_decode_legacy(const uint8_t *raw, size_t len, sk_event *out);

/* Reads parameter i as an unsigned/signed integer of its stored width (1, 2,
 * 4 or 8 bytes, little-endian). Returns SK_ENOENT when the parameter is
 * absent, SK_EINVAL when its length is not an integer width. */
sk_err sk_event_param_u64(const sk_event *evt, uint32_t i, uint64_t *out);
sk_err sk_event_param_i64(const sk_event *evt, uint32_t i, int64_t *out);

/* Returns parameter name's index in evt (by the table), or -1. */
int sk_event_param_by_name(const sk_event *evt, const char *name);

#endif
