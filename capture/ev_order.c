/* ev_order: time-ordered release of the capture's batch (ev_order.h). */
#include "ev_order.h"

#include <stdlib.h>
#include <string.h>

/* EV v2 block: type u32, length u32, cpu u16, then the event (ts first). */
#define BLOCK_LEN_OFF 4
#define BLOCK_TS_OFF 10
#define BLOCK_MIN 18

void evo_index(evo_batch *b, size_t start)
{
	size_t first = b->n;
	while (start + BLOCK_MIN <= b->data.len && !sk_strbuf_failed(&b->data)) {
		uint32_t blen;
		uint64_t ts;
		memcpy(&blen, b->data.data + start + BLOCK_LEN_OFF, sizeof(blen));
		memcpy(&ts, b->data.data + start + BLOCK_TS_OFF, sizeof(ts));
		if (blen < BLOCK_MIN || blen > b->data.len - start) {
			b->unindexed = true; /* not a block we wrote: keep arrival order */
			return;
		}
		if (b->n == b->cap) {
			size_t ncap = b->cap != 0 ? b->cap * 2 : 4096;
			evo_block *grown = realloc(b->blocks, ncap * sizeof(*grown));
			if (grown == NULL) {
				b->unindexed = true;
				return;
			}
			b->blocks = grown;
			b->cap = ncap;
		}
		b->blocks[b->n++] = (evo_block){.ts = ts, .off = start, .len = blen, .counted = false};
		start += blen;
	}
	if (b->n > first) {
		b->blocks[b->n - 1].counted = true;
	}
}

static int by_time_then_arrival(const void *a, const void *b)
{
	const evo_block *x = a, *y = b;
	if (x->ts != y->ts) {
		return x->ts < y->ts ? -1 : 1;
	}
	return x->off < y->off ? -1 : x->off > y->off;
}

static uint32_t counted_in(const evo_block *blocks, size_t n)
{
	uint32_t events = 0;
	for (size_t i = 0; i < n; i++) {
		events += blocks[i].counted ? 1u : 0u;
	}
	return events;
}

static void swap_bufs(sk_strbuf *x, sk_strbuf *y)
{
	sk_strbuf t = *x;
	*x = *y;
	*y = t;
}

/* Hands the whole batch over as it arrived (no copy, so no allocation). */
static void release_all_in_arrival_order(evo_batch *b, sk_strbuf *out, uint32_t *events)
{
	*events = counted_in(b->blocks, b->n);
	swap_bufs(out, &b->data);
	sk_strbuf_reset(&b->data);
	b->n = 0;
	b->unindexed = false;
}

void evo_release(evo_batch *b, uint64_t upto, sk_strbuf *out, uint32_t *events)
{
	sk_strbuf_reset(out);
	*events = 0;
	if (b->data.len == 0) {
		b->n = 0;
		b->unindexed = false;
		return;
	}
	size_t covered = 0;
	for (size_t i = 0; i < b->n; i++) {
		covered += b->blocks[i].len;
	}
	if (b->unindexed || sk_strbuf_failed(&b->data) || covered != b->data.len) {
		release_all_in_arrival_order(b, out, events);
		return;
	}
	qsort(b->blocks, b->n, sizeof(*b->blocks), by_time_then_arrival);
	size_t ready = 0;
	while (ready < b->n && b->blocks[ready].ts <= upto) {
		ready++;
	}
	for (size_t i = 0; i < ready; i++) {
		sk_strbuf_append(out, b->data.data + b->blocks[i].off, b->blocks[i].len);
	}
	sk_strbuf_reset(&b->spare);
	for (size_t i = ready; i < b->n; i++) {
		sk_strbuf_append(&b->spare, b->data.data + b->blocks[i].off, b->blocks[i].len);
	}
	if (sk_strbuf_failed(out) || sk_strbuf_failed(&b->spare)) {
		/* the blocks are sorted but b->data is untouched */
		release_all_in_arrival_order(b, out, events);
		return;
	}
	*events = counted_in(b->blocks, ready);
	size_t off = 0;
	for (size_t i = ready; i < b->n; i++) {
		evo_block kept = b->blocks[i];
		kept.off = off;
		off += kept.len;
		b->blocks[i - ready] = kept;
	}
	b->n -= ready;
	swap_bufs(&b->data, &b->spare);
}

void evo_free(evo_batch *b)
{
	sk_strbuf_free(&b->data);
	sk_strbuf_free(&b->spare);
	free(b->blocks);
	b->blocks = NULL;
	b->n = b->cap = 0;
	b->unindexed = false;
}
