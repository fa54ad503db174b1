/* scap_out.c: scap block encoding (little-endian hosts). */
#include "scap_out.h"

#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

void scap_put_u8(sk_strbuf *sb, uint8_t v)
{
	sk_strbuf_append(sb, &v, 1);
}

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

void scap_put_lstr(sk_strbuf *sb, const char *s, size_t n)
{
	if (n > UINT16_MAX) {
		n = UINT16_MAX;
	}
	scap_put_u16(sb, (uint16_t)n);
	sk_strbuf_append(sb, s, n);
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

void scap_put_machine_info(sk_strbuf *sb)
{
	struct sysinfo si;
	char host[128] = {0};
	uint64_t mem = 0;
	if (sysinfo(&si) == 0) {
		mem = (uint64_t)si.totalram * si.mem_unit;
	}
	gethostname(host, sizeof(host) - 1);
	size_t b = scap_block_begin(sb, SCAP_BLOCK_MI);
	scap_put_u32(sb, (uint32_t)sysconf(_SC_NPROCESSORS_ONLN));
	scap_put_u64(sb, mem);
	scap_put_u64(sb, 4194304); /* max pid */
	sk_strbuf_append(sb, host, sizeof(host));
	for (int i = 0; i < 4; i++) {
		scap_put_u64(sb, 0); /* reserved */
	}
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
