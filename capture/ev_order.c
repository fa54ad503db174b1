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
			if (grown != NULL) {
				b->blocks = grown;
				grown = realloc(b->scratch, ncap * sizeof(*grown));
			}
			if (grown == NULL) {
				b->unindexed = true;
				return;
			}
			b->scratch = grown;
			b->cap = ncap;
		}
		b->blocks[b->n++] = (evo_block){.ts = ts, .off = start, .len = blen, .counted = false};
		start += blen;
	}
	if (b->n > first) {
		b->blocks[b->n - 1].counted = true;
	}
}

/* Merges the ascending runs [lo, mid) and [mid, hi) of from into to; on
 * equal stamps the left run's block goes first (arrival order). */
static void merge_runs(const evo_block *from, evo_block *to, size_t lo, size_t mid, size_t hi)
{
	size_t i = lo, j = mid, k = lo;
	while (i < mid && j < hi) {
		to[k++] = from[j].ts < from[i].ts ? from[j++] : from[i++];
	}
	while (i < mid) {
		to[k++] = from[i++];
	}
	while (j < hi) {
		to[k++] = from[j++];
	}
}

/* End of the ascending run that starts at lo. */
static size_t run_end(const evo_block *v, size_t lo, size_t n)
{
	size_t e = lo + 1;
	while (e < n && v[e].ts >= v[e - 1].ts) {
		e++;
	}
	return e;
}

/* Sorts the blocks by stamp, stably. They arrive as a few ascending runs
 * (the blocks kept back, then one per ring read): merging neighbouring runs
 * costs O(n log runs) where qsort made O(n log n) calls through a pointer. */
static void sort_blocks(evo_batch *b)
{
	if (b->n < 2 || run_end(b->blocks, 0, b->n) == b->n) {
		return;
	}
	for (;;) {
		size_t lo = 0, runs = 0;
		while (lo < b->n) {
			size_t mid = run_end(b->blocks, lo, b->n);
			size_t hi = mid < b->n ? run_end(b->blocks, mid, b->n) : mid;
			merge_runs(b->blocks, b->scratch, lo, mid, hi);
			runs++;
			lo = hi;
		}
		evo_block *t = b->blocks;
		b->blocks = b->scratch;
		b->scratch = t;
		if (runs <= 1) {
			return;
		}
	}
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
	sort_blocks(b);
	size_t ready = 0;
	while (ready < b->n && b->blocks[ready].ts <= upto) {
		ready++;
	}
	for (size_t i = 0; i < ready; i++) {
		sk_strbuf_append(out, b->data.data + b->blocks[i].off, b->blocks[i].len);
	}
	if (ready == b->n && !sk_strbuf_failed(out)) {
		*events = counted_in(b->blocks, ready);
		sk_strbuf_reset(&b->data);
		b->n = 0;
		return;
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
	free(b->scratch);
	b->blocks = NULL;
	b->scratch = NULL;
	b->n = b->cap = 0;
	b->unindexed = false;
}
