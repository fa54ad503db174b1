/* ev_order: blocks leave in time order and never before an event a later
 * pass of the rings can still bring (the execve a migrated task's opens
 * overtook in a CI run). */
#include <stdint.h>
#include <string.h>

#include "ev_order.h"
#include "scap_out.h"
#include "sk_test.h"

#define EV_HEADER 26 /* ts, tid, len, type, nparams */

/* Appends one event block stamped ts; tid tells the blocks apart. */
static size_t put_event(evo_batch *b, uint16_t cpu, uint64_t ts, uint64_t tid)
{
	uint8_t ev[EV_HEADER] = {0};
	uint32_t len = EV_HEADER;
	memcpy(ev, &ts, 8);
	memcpy(ev + 8, &tid, 8);
	memcpy(ev + 16, &len, 4);
	size_t at = b->data.len;
	scap_put_event(&b->data, cpu, ev, sizeof(ev));
	return at;
}

/* The tids of the blocks in out, in order; returns how many. */
static size_t tids(const sk_strbuf *out, uint64_t *v, size_t max)
{
	size_t off = 0, n = 0;
	while (off + 18 <= out->len && n < max) {
		uint32_t blen;
		memcpy(&blen, out->data + off + 4, 4);
		memcpy(&v[n++], out->data + off + 18, 8);
		off += blen;
	}
	return off == out->len ? n : (size_t)-1;
}

SK_TEST(a_task_that_migrates_keeps_its_order_across_passes)
{
	evo_batch b = EVO_BATCH_INIT;
	sk_strbuf out = SK_STRBUF_INIT;
	uint32_t events = 0;
	uint64_t got[8];

	/* Pass 1 starts at 100. CPU 0's ring is read first: one old event.
	 * The task then commits its execve on CPU 0 (stamped 120), migrates,
	 * and opens files on CPU 1 (150, 160), read by the same pass. */
	evo_index(&b, put_event(&b, 0, 90, 1));
	evo_index(&b, put_event(&b, 1, 150, 3));
	evo_index(&b, put_event(&b, 1, 160, 4));
	evo_index(&b, put_event(&b, 1, 95, 9));
	evo_release(&b, 100, &out, &events);
	SK_CHECK_INT(events, 2);
	SK_CHECK_INT(tids(&out, got, 8), 2);
	SK_CHECK_INT(got[0], 1);
	SK_CHECK_INT(got[1], 9);
	SK_CHECK_INT(b.n, 2); /* the opens wait */

	/* Pass 2 starts at 200 and finds the execve: it goes first. */
	evo_index(&b, put_event(&b, 0, 120, 2));
	evo_release(&b, 200, &out, &events);
	SK_CHECK_INT(events, 3);
	SK_CHECK_INT(tids(&out, got, 8), 3);
	SK_CHECK_INT(got[0], 2);
	SK_CHECK_INT(got[1], 3);
	SK_CHECK_INT(got[2], 4);
	SK_CHECK_INT(b.n, 0);
	SK_CHECK_INT(b.data.len, 0);

	evo_free(&b);
	sk_strbuf_free(&out);
}

SK_TEST(equal_stamps_keep_arrival_order_and_added_blocks_are_not_counted)
{
	evo_batch b = EVO_BATCH_INIT;
	sk_strbuf out = SK_STRBUF_INIT;
	uint32_t events = 0;
	uint64_t got[8];

	/* a user event (ts - 1) and an enter event put before their exit */
	size_t start = put_event(&b, 0, 49, 10);
	put_event(&b, 0, 50, 11);
	put_event(&b, 0, 50, 12);
	evo_index(&b, start);
	evo_index(&b, put_event(&b, 1, 50, 13));
	evo_release(&b, UINT64_MAX, &out, &events);
	SK_CHECK_INT(events, 2);
	SK_CHECK_INT(tids(&out, got, 8), 4);
	for (int i = 0; i < 4; i++) {
		SK_CHECK_INT(got[i], 10 + i);
	}

	/* equal stamps in different runs: still arrival order */
	evo_index(&b, put_event(&b, 0, 60, 21));
	evo_index(&b, put_event(&b, 1, 50, 20));
	evo_index(&b, put_event(&b, 1, 60, 22));
	evo_release(&b, UINT64_MAX, &out, &events);
	SK_CHECK_INT(tids(&out, got, 8), 3);
	for (int i = 0; i < 3; i++) {
		SK_CHECK_INT(got[i], 20 + i);
	}

	evo_release(&b, UINT64_MAX, &out, &events); /* nothing left */
	SK_CHECK_INT(out.len, 0);
	SK_CHECK_INT(events, 0);
	evo_free(&b);
	sk_strbuf_free(&out);
}

SK_TEST(a_block_it_cannot_index_ships_the_batch_in_arrival_order)
{
	evo_batch b = EVO_BATCH_INIT;
	sk_strbuf out = SK_STRBUF_INIT;
	uint32_t events = 0;
	uint64_t got[8];

	evo_index(&b, put_event(&b, 0, 300, 1));
	size_t bad = put_event(&b, 0, 200, 2);
	size_t both = b.data.len;
	uint32_t huge = 1u << 30;
	memcpy(b.data.data + bad + 4, &huge, 4);
	evo_index(&b, bad);
	SK_CHECK(b.unindexed);
	evo_release(&b, 100, &out, &events);
	SK_CHECK_INT(out.len, both); /* both blocks, nothing held */
	SK_CHECK_INT(b.data.len, 0);
	SK_CHECK_INT(events, 1);
	uint64_t first;
	memcpy(&first, out.data + 18, 8);
	SK_CHECK_INT(first, 1);

	/* the batch is usable again */
	evo_index(&b, put_event(&b, 0, 5, 7));
	evo_release(&b, 10, &out, &events);
	SK_CHECK_INT(tids(&out, got, 8), 1);
	SK_CHECK(!b.unindexed);
	evo_free(&b);
	sk_strbuf_free(&out);
}

/* Many blocks from two rings, stamps interleaved, released by a rising
 * watermark: every block leaves once, in order, and only when due. */
SK_TEST(rising_watermarks_release_every_block_once_in_order)
{
	enum { BLOCKS = 10000, PASSES = 50 };
	evo_batch b = EVO_BATCH_INIT;
	sk_strbuf out = SK_STRBUF_INIT;
	static uint64_t got[BLOCKS];
	static uint8_t seen[BLOCKS];
	uint64_t last_ts = 0, released = 0, counted = 0, rng = 88172645463325252ull;
	int next = 0, bad_order = 0, early = 0;

	memset(seen, 0, sizeof(seen));
	for (int pass = 1; pass <= PASSES; pass++) {
		uint64_t upto = (uint64_t)pass * 1000;
		for (int i = 0; i < BLOCKS / PASSES; i++, next++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			/* stamped up to 300 after the pass started (read late) */
			uint64_t ts = upto - 1000 + rng % 1300;
			evo_index(&b, put_event(&b, (uint16_t)(next & 1), ts, (uint64_t)next));
		}
		uint32_t events = 0;
		evo_release(&b, pass == PASSES ? UINT64_MAX : upto, &out, &events);
		counted += events;
		size_t n = tids(&out, got, BLOCKS);
		SK_CHECK(n != (size_t)-1);
		size_t off = 0;
		for (size_t i = 0; i < n && n != (size_t)-1; i++) {
			uint64_t ts;
			memcpy(&ts, out.data + off + 10, 8);
			uint32_t blen;
			memcpy(&blen, out.data + off + 4, 4);
			off += blen;
			bad_order += ts < last_ts;
			early += pass < PASSES && ts > upto;
			last_ts = ts;
			if (got[i] < BLOCKS) {
				seen[got[i]]++;
			}
			released++;
		}
	}
	SK_CHECK_INT(bad_order, 0);
	SK_CHECK_INT(early, 0);
	SK_CHECK_INT(released, BLOCKS);
	SK_CHECK_INT(counted, BLOCKS);
	int once = 0;
	for (int i = 0; i < BLOCKS; i++) {
		once += seen[i] == 1;
	}
	SK_CHECK_INT(once, BLOCKS);
	SK_CHECK_INT(b.n, 0);
	evo_free(&b);
	sk_strbuf_free(&out);
}

SK_TEST_MAIN()
