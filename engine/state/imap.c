/* imap.c: open-addressing int64 -> pointer map (see imap.h). */
#include "imap.h"

#include <stdlib.h>

static size_t slot_of(const sk_imap *m, int64_t key)
{
	/* Fibonacci hashing spreads sequential tids and fds. */
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 17) & m->mask;
}

void *sk_imap_get(const sk_imap *m, int64_t key)
{
	if (m->slots == NULL) {
		return NULL;
	}
	for (size_t i = slot_of(m, key);; i = (i + 1) & m->mask) {
		const sk_imap_slot *s = &m->slots[i];
		if (s->value == NULL) {
			return NULL;
		}
		if (s->key == key) {
			return s->value;
		}
	}
}

static sk_err grow(sk_imap *m)
{
	size_t old_cap = sk_imap_capacity(m);
	size_t new_cap = old_cap == 0 ? 16 : old_cap * 2;
	sk_imap_slot *slots = calloc(new_cap, sizeof(*slots));
	if (slots == NULL) {
		return SK_ENOMEM;
	}
	sk_imap_slot *old = m->slots;
	m->slots = slots;
	m->mask = new_cap - 1;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].value == NULL) {
			continue;
		}
		size_t j = slot_of(m, old[i].key);
		while (slots[j].value != NULL) {
			j = (j + 1) & m->mask;
		}
		slots[j] = old[i];
	}
	free(old);
	return SK_OK;
}

sk_err sk_imap_put(sk_imap *m, int64_t key, void *value)
{
	if (value == NULL) {
		return SK_EINVAL;
	}
	/* Keep the load at or below 1/2 so probe runs stay short. */
	if (m->slots == NULL || (m->count + 1) * 2 > sk_imap_capacity(m)) {
		sk_err err = grow(m);
		if (err != SK_OK) {
			return err;
		}
	}
	size_t i = slot_of(m, key);
	while (m->slots[i].value != NULL && m->slots[i].key != key) {
		i = (i + 1) & m->mask;
	}
	if (m->slots[i].value == NULL) {
		m->count++;
	}
	m->slots[i].key = key;
	m->slots[i].value = value;
	return SK_OK;
}

void *sk_imap_remove(sk_imap *m, int64_t key)
{
	if (m->slots == NULL) {
		return NULL;
	}
	size_t i = slot_of(m, key);
	while (m->slots[i].value != NULL && m->slots[i].key != key) {
		i = (i + 1) & m->mask;
	}
	void *value = m->slots[i].value;
	if (value == NULL) {
		return NULL;
	}
	/* Backward-shift: pull later members of the probe run into the hole. */
	size_t hole = i;
	for (size_t j = (i + 1) & m->mask; m->slots[j].value != NULL; j = (j + 1) & m->mask) {
		size_t home = slot_of(m, m->slots[j].key);
		int fits = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
		if (fits) {
			m->slots[hole] = m->slots[j];
			hole = j;
		}
	}
	m->slots[hole].value = NULL;
	m->count--;
	return value;
}

void sk_imap_free(sk_imap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}
