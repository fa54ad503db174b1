/* imap: an open-addressing hash map from int64 keys to pointers.
 *
 * Used for threads by tid, fds by number, users by uid. Linear probing with
 * backward-shift deletion keeps lookups to one cache line in the common case
 * and needs no tombstones. The map does not own its values. */
#ifndef SK_IMAP_H
#define SK_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

typedef struct sk_imap_slot {
	int64_t key;
	void *value; /* NULL marks an empty slot */
} sk_imap_slot;

typedef struct sk_imap {
	sk_imap_slot *slots;
	size_t mask; /* capacity - 1 (capacity is a power of two) */
	size_t count;
} sk_imap;

#define SK_IMAP_INIT {NULL, 0, 0}

/* Returns the value stored under key, or NULL. */
void *sk_imap_get(const sk_imap *m, int64_t key);

/* Stores value (non-NULL) under key, replacing any previous value.
 * Returns SK_ENOMEM when growing fails (the map is unchanged). */
sk_err sk_imap_put(sk_imap *m, int64_t key, void *value);

/* Removes key; returns the value it had, or NULL. */
void *sk_imap_remove(sk_imap *m, int64_t key);

/* Frees the slot array; values are the caller's. */
void sk_imap_free(sk_imap *m);

/* Iteration: for (size_t i = 0; i < sk_imap_capacity(m); i++) if (m->slots[i].value) ... */
static inline size_t sk_imap_capacity(const sk_imap *m)
{
	return m->slots == NULL ? 0 : m->mask + 1;
}

#endif
