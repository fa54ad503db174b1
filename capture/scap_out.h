/* scap_out: writes scap blocks (the .scap file format, section 1.2) into a
 * buffer. The same bytes go to a file or, as one nng message, to the engine
 * (docs/protocol.md). Every block is type, total length, body padded to 4
 * bytes, total length again. */
#ifndef SCAP_OUT_H
#define SCAP_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "capture_shared.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define SCAP_BLOCK_SHB       0x0A0D0D0Au
#define SCAP_BLOCK_MI        0x201u
#define SCAP_BLOCK_PL_V9     0x215u
#define SCAP_BLOCK_EV_V2     0x216u
#define SCAP_BLOCK_UL_V2     0x220u
#define SCAP_BLOCK_SK_STATS  0x53410001u /* Saker capture statistics */

/* Starts a block of type; returns its offset for scap_block_end(). */
size_t scap_block_begin(sk_strbuf *sb, uint32_t type);
/* Pads and closes the block begun at start. */
void scap_block_end(sk_strbuf *sb, size_t start);

/* Section header block, version 1.2, unknown section length. */
void scap_put_shb(sk_strbuf *sb);
/* Machine info block for this host (CPUs, memory, hostname). */
void scap_put_machine_info(sk_strbuf *sb);
/* One event block (EV v2): cpu then the event bytes as they are. */
void scap_put_event(sk_strbuf *sb, uint16_t cpu, const uint8_t *ev, size_t len);
/* Saker statistics block: per-CPU cumulative counters. */
void scap_put_stats(sk_strbuf *sb, const struct skc_counters *per_cpu, uint32_t ncpus);

/* Little helpers for block bodies (strings are u16 length + bytes, no NUL). */
void scap_put_u8(sk_strbuf *sb, uint8_t v);
void scap_put_u16(sk_strbuf *sb, uint16_t v);
void scap_put_u32(sk_strbuf *sb, uint32_t v);
void scap_put_u64(sk_strbuf *sb, uint64_t v);
void scap_put_lstr(sk_strbuf *sb, const char *s, size_t n);

#endif
