/* scap_out.c: scap block encoding (little-endian hosts). */
#include "scap_out.h"

#include <string.h>

void scap_put_u16(sk_strbuf *sb, uint16_t v)
{
	sk_strbuf_append(sb, &v, 2);
}

void scap_put_u32(sk_strbuf *sb, uint32_t v)
{
	sk_strbuf_append(sb, &v, 4);
}

void scap_put_u64(sk_strbuf *sb, uint64_t v)
{
	sk_strbuf_append(sb, &v, 8);
}

size_t scap_block_begin(sk_strbuf *sb, uint32_t type)
{
	size_t start = sb->len;
	scap_put_u32(sb, type);
	scap_put_u32(sb, 0);
	return start;
}

void scap_block_end(sk_strbuf *sb, size_t start)
{
	static const uint8_t pad[4];
	size_t body = sb->len - start;
	sk_strbuf_append(sb, pad, (4 - body % 4) % 4);
	uint32_t total = (uint32_t)(sb->len - start + 4);
	scap_put_u32(sb, total);
	if (!sk_strbuf_failed(sb)) {
		memcpy(sb->data + start + 4, &total, 4);
	}
}

void scap_put_shb(sk_strbuf *sb)
{
	size_t b = scap_block_begin(sb, SCAP_BLOCK_SHB);
	scap_put_u32(sb, 0x1A2B3C4Du);
	scap_put_u16(sb, 1);
	scap_put_u16(sb, 2);
	scap_put_u64(sb, UINT64_MAX);
	scap_block_end(sb, b);
}

void scap_put_event(sk_strbuf *sb, uint16_t cpu, const uint8_t *ev, size_t len)
{
	size_t b = scap_block_begin(sb, SCAP_BLOCK_EV_V2);
	scap_put_u16(sb, cpu);
	sk_strbuf_append(sb, ev, len);
	scap_block_end(sb, b);
}

void scap_put_stats(sk_strbuf *sb, const struct skc_counters *per_cpu, uint32_t ncpus)
{
	size_t b = scap_block_begin(sb, SCAP_BLOCK_SK_STATS);
	scap_put_u32(sb, 1);
	scap_put_u32(sb, ncpus);
	for (uint32_t i = 0; i < ncpus; i++) {
		scap_put_u64(sb, per_cpu[i].events);
		scap_put_u64(sb, per_cpu[i].drops_full);
		scap_put_u64(sb, per_cpu[i].drops_oversize);
	}
	scap_block_end(sb, b);
}
