#include "webui_index.h"

#include <stdlib.h>
#include <string.h>

#include "alert.h"

#define SKWI_NPRIO 8
#define SKWI_OTHER "<other>"
#define SKWI_NONE UINT32_MAX

/* Interned strings: open addressing over ids into a string array. */
typedef struct skwi_strings {
	char **str;      /* id -> string */
	uint32_t *slots; /* hash slot -> id + 1 (0 = empty) */
	size_t count, cap, nslots, max;
	uint32_t other; /* id of "<other>" */
} skwi_strings;

/* A distinct, sorted set of tags (one per rule in practice). */
typedef struct skwi_tagset {
	uint32_t *tags; /* string ids */
	size_t ntags;
} skwi_tagset;

typedef struct skwi_entry {
	uint64_t seq;
	int64_t time_ns;
	uint32_t rule, source, hostname, container, tagset;
	uint8_t priority;
} skwi_entry;

struct skwi_index {
	skwi_strings strings;
	skwi_tagset *tagsets;
	uint32_t *tagset_key; /* tagset id -> string id of its joined form */
	size_t ntagsets, tagsets_cap;
	skwi_entry *ring;
	size_t head, count, cap, max_entries;
};

static uint64_t skwi_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s != '\0'; s++) {
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	}
	return h;
}

static sk_err skwi_strings_rehash(skwi_strings *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	if (slots == NULL) {
		return SK_ENOMEM;
	}
	for (size_t id = 0; id < t->count; id++) {
		size_t i = skwi_hash(t->str[id]) & (nslots - 1);
		while (slots[i] != 0) {
			i = (i + 1) & (nslots - 1);
		}
		slots[i] = (uint32_t)id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return SK_OK;
}

/* Finds or adds s; past the cap every new string maps to "<other>". */
static sk_err skwi_intern(skwi_strings *t, const char *s, uint32_t *id)
{
	size_t i;
	char *copy;
	sk_err err;

	if (t->nslots == 0 || (t->count + 1) * 2 > t->nslots) {
		err = skwi_strings_rehash(t, t->nslots ? t->nslots * 2 : 64);
		if (err != SK_OK) {
			return err;
		}
	}
	i = skwi_hash(s) & (t->nslots - 1);
	while (t->slots[i] != 0) {
		if (strcmp(t->str[t->slots[i] - 1], s) == 0) {
			*id = t->slots[i] - 1;
			return SK_OK;
		}
		i = (i + 1) & (t->nslots - 1);
	}
	if (t->count >= t->max && t->other != SKWI_NONE) {
		*id = t->other;
		return SK_OK;
	}
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **str = realloc(t->str, cap * sizeof(*str));
		if (str == NULL) {
			return SK_ENOMEM;
		}
		t->str = str;
		t->cap = cap;
	}
	copy = strdup(s);
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	t->str[t->count] = copy;
	t->slots[i] = (uint32_t)t->count + 1;
	*id = (uint32_t)t->count;
	t->count++;
	return SK_OK;
}

/* Returns the id of s if interned, SKWI_NONE otherwise. */
static uint32_t skwi_find(const skwi_strings *t, const char *s)
{
	size_t i;

	if (t->nslots == 0) {
		return SKWI_NONE;
	}
	i = skwi_hash(s) & (t->nslots - 1);
	while (t->slots[i] != 0) {
		if (strcmp(t->str[t->slots[i] - 1], s) == 0) {
			return t->slots[i] - 1;
		}
		i = (i + 1) & (t->nslots - 1);
	}
	return SKWI_NONE;
}

sk_err skwi_new(size_t max_entries, size_t max_strings, skwi_index **out)
{
	skwi_index *ix;
	sk_err err;

	*out = NULL;
	if (max_entries == 0 || max_strings < 2) {
		return SK_EINVAL;
	}
	ix = calloc(1, sizeof(*ix));
	if (ix == NULL) {
		return SK_ENOMEM;
	}
	ix->max_entries = max_entries;
	ix->strings.max = max_strings;
	ix->strings.other = SKWI_NONE;
	err = skwi_intern(&ix->strings, SKWI_OTHER, &ix->strings.other);
	if (err != SK_OK) {
		skwi_free(ix);
		return err;
	}
	*out = ix;
	return SK_OK;
}

void skwi_free(skwi_index *ix)
{
	if (ix == NULL) {
		return;
	}
	for (size_t i = 0; i < ix->strings.count; i++) {
		free(ix->strings.str[i]);
	}
	free(ix->strings.str);
	free(ix->strings.slots);
	for (size_t i = 0; i < ix->ntagsets; i++) {
		free(ix->tagsets[i].tags);
	}
	free(ix->tagsets);
	free(ix->tagset_key);
	free(ix->ring);
	free(ix);
}

static int skwi_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Interns the alert's tag set (tags are already sorted by the parser). */
static sk_err skwi_tagset_of(skwi_index *ix, const saker_alert *a, uint32_t *out)
{
	char joined[4096];
	size_t used = 0;
	uint32_t key;
	skwi_tagset *ts;
	sk_err err;

	joined[0] = '\0';
	for (size_t i = 0; i < a->ntags && used < sizeof(joined) - 1; i++) {
		size_t n = strlen(a->tags[i]);
		if (used + n + 2 >= sizeof(joined)) {
			break;
		}
		memcpy(joined + used, a->tags[i], n);
		used += n;
		joined[used++] = '\x1f';
		joined[used] = '\0';
	}
	err = skwi_intern(&ix->strings, joined, &key);
	if (err != SK_OK) {
		return err;
	}
	for (size_t i = 0; i < ix->ntagsets; i++) {
		if (ix->tagset_key[i] == key) {
			*out = (uint32_t)i;
			return SK_OK;
		}
	}
	if (ix->ntagsets == ix->tagsets_cap) {
		size_t cap = ix->tagsets_cap ? ix->tagsets_cap * 2 : 16;
		skwi_tagset *sets = realloc(ix->tagsets, cap * sizeof(*sets));
		uint32_t *keys;
		if (sets == NULL) {
			return SK_ENOMEM;
		}
		ix->tagsets = sets;
		keys = realloc(ix->tagset_key, cap * sizeof(*keys));
		if (keys == NULL) {
			return SK_ENOMEM;
		}
		ix->tagset_key = keys;
		ix->tagsets_cap = cap;
	}
	ts = &ix->tagsets[ix->ntagsets];
	ts->ntags = 0;
	ts->tags = a->ntags ? calloc(a->ntags, sizeof(*ts->tags)) : NULL;
	if (a->ntags && ts->tags == NULL) {
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < a->ntags; i++) {
		err = skwi_intern(&ix->strings, a->tags[i], &ts->tags[ts->ntags]);
		if (err != SK_OK) {
			free(ts->tags);
			return err;
		}
		ts->ntags++;
	}
	if (ts->ntags > 1) {
		qsort(ts->tags, ts->ntags, sizeof(*ts->tags), skwi_cmp_u32);
	}
	ix->tagset_key[ix->ntagsets] = key;
	*out = (uint32_t)ix->ntagsets;
	ix->ntagsets++;
	return SK_OK;
}

static sk_err skwi_ring_push(skwi_index *ix, const skwi_entry *e)
{
	if (ix->count == ix->max_entries) {
		ix->head = (ix->head + 1) % ix->cap;
		ix->count--;
	}
	if (ix->count == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 1024;
		skwi_entry *ring;
		if (cap > ix->max_entries) {
			cap = ix->max_entries;
		}
		ring = malloc(cap * sizeof(*ring));
		if (ring == NULL) {
			return SK_ENOMEM;
		}
		for (size_t i = 0; i < ix->count; i++) {
			ring[i] = ix->ring[(ix->head + i) % ix->cap];
		}
		free(ix->ring);
		ix->ring = ring;
		ix->cap = cap;
		ix->head = 0;
	}
	ix->ring[(ix->head + ix->count) % ix->cap] = *e;
	ix->count++;
	return SK_OK;
}

static const char *skwi_container_of(const ska_alert *a)
{
	const char *id = ska_field(a, "container.id");
	return id != NULL ? id : "";
}

sk_err skwi_add(skwi_index *ix, uint64_t seq, int64_t time_ns, const char *json, size_t len)
{
	ska_alert a;
	char why[256];
	skwi_entry e;
	sk_err err;

	memset(&e, 0, sizeof(e));
	err = ska_parse(json, len, &a, why, sizeof(why));
	if (err != SK_OK) {
		ska_free(&a);
		return SK_EINVAL;
	}
	e.seq = seq;
	e.time_ns = time_ns;
	e.priority = (uint8_t)a.view.priority_num;
	err = skwi_intern(&ix->strings, a.view.rule, &e.rule);
	if (err == SK_OK) {
		err = skwi_intern(&ix->strings, a.view.source ? a.view.source : "", &e.source);
	}
	if (err == SK_OK) {
		err = skwi_intern(&ix->strings, a.view.hostname ? a.view.hostname : "", &e.hostname);
	}
	if (err == SK_OK) {
		err = skwi_intern(&ix->strings, skwi_container_of(&a), &e.container);
	}
	if (err == SK_OK) {
		err = skwi_tagset_of(ix, &a.view, &e.tagset);
	}
	if (err == SK_OK) {
		err = skwi_ring_push(ix, &e);
	}
	ska_free(&a);
	return err;
}

void skwi_evict_below(skwi_index *ix, uint64_t first_seq)
{
	while (ix->count > 0 && ix->ring[ix->head].seq < first_seq) {
		ix->head = (ix->head + 1) % ix->cap;
		ix->count--;
	}
}

size_t skwi_size(const skwi_index *ix)
{
	return ix->count;
}

/* A filter with its strings resolved to ids once per query. */
typedef struct skwi_compiled {
	const skwi_filter *f;
	uint32_t rule, source, hostname, container, tag;
	bool impossible; /* a named string was never seen: nothing matches */
} skwi_compiled;

static uint32_t skwi_resolve(const skwi_index *ix, const char *s, bool *impossible)
{
	uint32_t id;

	if (s == NULL) {
		return SKWI_NONE;
	}
	id = skwi_find(&ix->strings, s);
	if (id == SKWI_NONE) {
		*impossible = true;
	}
	return id;
}

static void skwi_compile(const skwi_index *ix, const skwi_filter *f, skwi_compiled *c)
{
	c->f = f;
	c->impossible = false;
	c->rule = skwi_resolve(ix, f->rule, &c->impossible);
	c->source = skwi_resolve(ix, f->source, &c->impossible);
	c->hostname = skwi_resolve(ix, f->hostname, &c->impossible);
	c->container = skwi_resolve(ix, f->container, &c->impossible);
	c->tag = skwi_resolve(ix, f->tag, &c->impossible);
}

static bool skwi_tagset_has(const skwi_tagset *ts, uint32_t tag)
{
	if (ts->ntags == 0) {
		return false;
	}
	return bsearch(&tag, ts->tags, ts->ntags, sizeof(*ts->tags), skwi_cmp_u32) != NULL;
}

static bool skwi_match(const skwi_index *ix, const skwi_compiled *c, const skwi_entry *e)
{
	const skwi_filter *f = c->f;

	if (f->since_ns != 0 && e->time_ns < f->since_ns) {
		return false;
	}
	if (f->until_ns != 0 && e->time_ns >= f->until_ns) {
		return false;
	}
	if (f->min_priority >= 0 && e->priority > f->min_priority) {
		return false;
	}
	if ((c->rule != SKWI_NONE && e->rule != c->rule) || (c->source != SKWI_NONE && e->source != c->source) ||
	    (c->hostname != SKWI_NONE && e->hostname != c->hostname) ||
	    (c->container != SKWI_NONE && e->container != c->container)) {
		return false;
	}
	return c->tag == SKWI_NONE || skwi_tagset_has(&ix->tagsets[e->tagset], c->tag);
}

size_t skwi_scan(const skwi_index *ix, const skwi_filter *f, bool (*fn)(void *user, uint64_t seq), void *user)
{
	skwi_compiled c;
	size_t calls = 0;

	skwi_compile(ix, f, &c);
	if (c.impossible) {
		return 0;
	}
	for (size_t i = ix->count; i > 0; i--) {
		const skwi_entry *e = &ix->ring[(ix->head + i - 1) % ix->cap];
		if (!skwi_match(ix, &c, e)) {
			continue;
		}
		calls++;
		if (!fn(user, e->seq)) {
			break;
		}
	}
	return calls;
}

static int skwi_cmp_count(const void *a, const void *b)
{
	const skwi_count *x = a, *y = b;
	if (x->count != y->count) {
		return x->count < y->count ? 1 : -1;
	}
	return strcmp(x->key, y->key);
}

static void skwi_bump(const skwi_index *ix, const skwi_entry *e, skwi_dim dim, uint64_t *by_id)
{
	const skwi_tagset *ts;

	switch (dim) {
	case SKWI_DIM_PRIORITY: by_id[e->priority]++; break;
	case SKWI_DIM_RULE: by_id[e->rule]++; break;
	case SKWI_DIM_SOURCE: by_id[e->source]++; break;
	case SKWI_DIM_HOSTNAME: by_id[e->hostname]++; break;
	case SKWI_DIM_CONTAINER: by_id[e->container]++; break;
	case SKWI_DIM_TAGS:
		ts = &ix->tagsets[e->tagset];
		for (size_t t = 0; t < ts->ntags; t++) {
			by_id[ts->tags[t]]++;
		}
		break;
	default: break;
	}
}

sk_err skwi_counts(const skwi_index *ix, const skwi_filter *f, skwi_dim dim, skwi_count **out, size_t *n,
		   uint64_t *total)
{
	size_t nkeys = dim == SKWI_DIM_PRIORITY ? SKWI_NPRIO : ix->strings.count;
	uint64_t *by_id;
	skwi_count *items;
	skwi_compiled c;
	size_t used = 0;

	*out = NULL;
	*n = 0;
	*total = 0;
	by_id = calloc(nkeys ? nkeys : 1, sizeof(*by_id));
	if (by_id == NULL) {
		return SK_ENOMEM;
	}
	skwi_compile(ix, f, &c);
	for (size_t i = 0; i < ix->count && !c.impossible; i++) {
		const skwi_entry *e = &ix->ring[(ix->head + i) % ix->cap];
		if (skwi_match(ix, &c, e)) {
			(*total)++;
			skwi_bump(ix, e, dim, by_id);
		}
	}
	items = calloc(nkeys ? nkeys : 1, sizeof(*items));
	if (items == NULL) {
		free(by_id);
		return SK_ENOMEM;
	}
	for (size_t id = 0; id < nkeys; id++) {
		if (by_id[id] == 0) {
			continue;
		}
		items[used].key = dim == SKWI_DIM_PRIORITY ? ska_priority_name((saker_priority)id) : ix->strings.str[id];
		items[used].count = by_id[id];
		used++;
	}
	free(by_id);
	qsort(items, used, sizeof(*items), skwi_cmp_count);
	*out = items;
	*n = used;
	return SK_OK;
}

void skwi_timeline(const skwi_index *ix, const skwi_filter *f, int64_t start_ns, int64_t bucket_ns,
		   size_t nbuckets, uint64_t *series)
{
	skwi_compiled c;

	memset(series, 0, SKWI_NPRIO * nbuckets * sizeof(*series));
	if (bucket_ns <= 0 || nbuckets == 0) {
		return;
	}
	skwi_compile(ix, f, &c);
	for (size_t i = 0; i < ix->count && !c.impossible; i++) {
		const skwi_entry *e = &ix->ring[(ix->head + i) % ix->cap];
		int64_t b;
		if (e->time_ns < start_ns || !skwi_match(ix, &c, e)) {
			continue;
		}
		b = (e->time_ns - start_ns) / bucket_ns;
		if ((uint64_t)b < nbuckets && e->priority < SKWI_NPRIO) {
			series[(size_t)e->priority * nbuckets + (size_t)b]++;
		}
	}
}

sk_err skwi_dim_parse(const char *s, skwi_dim *out)
{
	static const struct {
		const char *name;
		skwi_dim dim;
	} names[] = {
		{"priority", SKWI_DIM_PRIORITY}, {"rule", SKWI_DIM_RULE},         {"source", SKWI_DIM_SOURCE},
		{"tags", SKWI_DIM_TAGS},         {"tag", SKWI_DIM_TAGS},           {"hostname", SKWI_DIM_HOSTNAME},
		{"container", SKWI_DIM_CONTAINER},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].dim;
			return SK_OK;
		}
	}
	return SK_EINVAL;
}
