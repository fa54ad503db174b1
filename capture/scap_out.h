/* scap_out: the hot-path scap blocks (section header, event, statistics)
 * written straight into a batch buffer; the same bytes go to a file or, as
 * one nng message, to the engine (docs/protocol.md). Block ids come from the
 * engine's scap_format.h; the snapshot records go through its writer. */
#ifndef SCAP_OUT_H
#define SCAP_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "capture_shared.h"
#include "scap_format.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SCAP_BLOCK_SHB      SK_SCAP_SHB
#define SCAP_BLOCK_EV_V2    SK_SCAP_EV_V2
#define SCAP_BLOCK_SK_STATS SK_SCAP_SAKER_STATS

/* Starts a block of type; returns its offset for scap_block_end(). */
size_t scap_block_begin(sk_strbuf *sb, uint32_t type);
/* Pads and closes the block begun at start. */
void scap_block_end(sk_strbuf *sb, size_t start);

/* Section header block, version 1.2, unknown section length. */
void scap_put_shb(sk_strbuf *sb);
/* One event block (EV v2): cpu then the event bytes as they are. */
void scap_put_event(sk_strbuf *sb, uint16_t cpu, const uint8_t *ev, size_t len);
/* Saker statistics block: per-CPU cumulative counters. */
void scap_put_stats(sk_strbuf *sb, const struct skc_counters *per_cpu, uint32_t ncpus);

/* Little-endian integers for block bodies. */
void scap_put_u16(sk_strbuf *sb, uint16_t v);
void scap_put_u32(sk_strbuf *sb, uint32_t v);
void scap_put_u64(sk_strbuf *sb, uint64_t v);

#endif
