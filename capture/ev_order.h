/* ev_order: the capture's batch of scap event blocks, shipped in time order
 * and never ahead of an event that happened before them.
 *
 * Each CPU writes to its own ring and the reader drains the rings one after
 * the other, so a task that runs on CPU 0 (an execve), migrates and runs on
 * CPU 1 (its opens) can have its CPU 1 events read in a pass that read
 * CPU 0's ring just before the execve was committed. Sorting a batch by time
 * is not enough: the execve is not in it yet. The reader therefore notes the
 * clock before each pass (evo_release's upto): an event stamped at or before
 * that instant was preceded only by events committed before the pass began,
 * which the pass read (the rings are read to their end). Later-stamped
 * events wait for the next pass, which always releases them: they were in
 * the rings before it began.
 *
 * One ring shared by several CPUs (--cpus-per-ring) stops its reader at a
 * record still being written, so there an event can, rarely, still overtake
 * one behind such a record. */
#ifndef EV_ORDER_H
#define EV_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_strbuf.h"

/* Where one block sits in the batch. */
typedef struct evo_block {
	uint64_t ts;
	size_t off, len;
	bool counted; /* a captured event (not one the reader added) */
} evo_block;

typedef struct evo_batch {
	sk_strbuf data;     /* the blocks in arrival order; callers append here */
	evo_block *blocks;  /* one per indexed block */
	size_t n, cap;
	evo_block *scratch; /* cap of them, for merging */
	bool unindexed;     /* out of memory while indexing: ship in arrival order */
	sk_strbuf spare;    /* scratch for the blocks kept back */
} evo_batch;

#define EVO_BATCH_INIT {SK_STRBUF_INIT, NULL, 0, 0, NULL, false, SK_STRBUF_INIT}

/* Indexes the EV v2 blocks appended to b->data from offset start to its
 * end; the last of them is counted as one captured event (the others are
 * those the reader put before it: an enter event, container users). */
void evo_index(evo_batch *b, size_t start);

/* Moves into out (emptied first) the blocks stamped at or before upto, in
 * time order (arrival order between equal stamps), and keeps the others;
 * *events is the number of counted blocks moved. UINT64_MAX releases all.
 * When memory runs out, or a block was never indexed, the whole batch goes
 * in arrival order rather than none of it. */
void evo_release(evo_batch *b, uint64_t upto, sk_strbuf *out, uint32_t *events);

/* Frees the batch's memory; it is empty and reusable afterwards. */
void evo_free(evo_batch *b);

#endif
