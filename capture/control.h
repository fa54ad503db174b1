/* control: the capture side of the control link (docs/protocol.md).
 * The capture asks "SKCTL1 GET <generation>"; the engine answers
 * "SKCTL1 SET <generation> <n>", one space, then n little-endian u16 event
 * types (the space may be left out when n is 0), then zero or more options,
 * each " key=value" in ASCII. Unknown options are skipped, so an engine may
 * add some that an older capture ignores. */
#ifndef CONTROL_H
#define CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

#define CONTROL_MAX_TYPES 1024u

struct control_set {
	uint64_t generation;
	uint32_t ntypes;
	uint16_t types[CONTROL_MAX_TYPES];
	bool drop_failed_exit; /* option drop_failed_exit=1 (falco.yaml's) */
};

/* Writes the GET request for generation into buf (cap bytes); *len gets its
 * length. */
sk_err control_format_get(uint64_t generation, char *buf, size_t cap, size_t *len);

/* Parses a SET reply of len bytes into *out. SK_EPARSE names no position:
 * the reply is short and either well-formed or rejected whole. A known
 * option with a value other than 0 or 1 is SK_EPARSE. */
sk_err control_parse_set(const uint8_t *msg, size_t len, struct control_set *out);

#endif
