/* webui_index: an in-memory summary of the alert log for the web UI's
 * searches and counts.
 *
 * One small entry per alert (sequence, time, priority, interned rule,
 * source, hostname, container and tag set) in arrival order, so filters and
 * counts never parse JSON; only a free-text search and the returned page read
 * the log. The index mirrors the log's bounds: entries whose records the log
 * deleted are dropped, and the entry count has its own cap. Not thread-safe:
 * the web UI guards it with one mutex. */
#ifndef SK_WEBUI_INDEX_H
#define SK_WEBUI_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"

/* Dimensions alerts are counted by. */
typedef enum skwi_dim {
	SKWI_DIM_PRIORITY = 0,
	SKWI_DIM_RULE,
	SKWI_DIM_SOURCE,
	SKWI_DIM_TAGS,
	SKWI_DIM_HOSTNAME,
	SKWI_DIM_CONTAINER,
	SKWI_DIM_COUNT
} skwi_dim;

/* A query's filters. Strings are exact matches (NULL: any); tag matches
 * alerts carrying that tag; priority keeps alerts at least that severe. */
typedef struct skwi_filter {
	int64_t since_ns; /* inclusive; 0: from the oldest */
	int64_t until_ns; /* exclusive; 0: to the newest */
	int min_priority; /* saker_priority; -1: any */
	const char *rule;
	const char *source;
	const char *hostname;
	const char *container;
	const char *tag;
} skwi_filter;

typedef struct skwi_count {
	const char *key; /* valid until the index changes */
	uint64_t count;
} skwi_count;

typedef struct skwi_index skwi_index;

/* Creates an index holding at most max_entries alerts (oldest dropped
 * first) and at most max_strings distinct strings (later ones count as
 * "<other>", so a flood of unique names cannot grow memory). */
sk_err skwi_new(size_t max_entries, size_t max_strings, skwi_index **out);

/* Frees the index. NULL is allowed. */
void skwi_free(skwi_index *ix);

/* Adds the alert stored in the log under seq (seqs must increase). json is
 * the record's payload; a record that is not a valid alert is skipped and
 * SK_EINVAL returned. */
sk_err skwi_add(skwi_index *ix, uint64_t seq, int64_t time_ns, const char *json, size_t len);

/* Drops entries whose sequence is below first_seq (deleted from the log). */
void skwi_evict_below(skwi_index *ix, uint64_t first_seq);

/* Number of entries held. */
size_t skwi_size(const skwi_index *ix);

/* Calls fn with the sequence of each entry matching f, newest first, until
 * fn returns false. Returns the number of calls. */
size_t skwi_scan(const skwi_index *ix, const skwi_filter *f, bool (*fn)(void *user, uint64_t seq), void *user);

/* Counts entries matching f by dim, sorted by count (descending) then key.
 * *out (malloc'd, caller frees) gets *n items; *total gets the number of
 * matching alerts (an alert with several tags counts once in *total). */
sk_err skwi_counts(const skwi_index *ix, const skwi_filter *f, skwi_dim dim, skwi_count **out, size_t *n,
		   uint64_t *total);

/* Fills series[p * nbuckets + b] with the number of alerts of priority p in
 * bucket b of [start_ns, start_ns + nbuckets * bucket_ns). series has
 * 8 * nbuckets slots; other filters of f apply too. */
void skwi_timeline(const skwi_index *ix, const skwi_filter *f, int64_t start_ns, int64_t bucket_ns,
		   size_t nbuckets, uint64_t *series);

/* Parses a dimension name ("priority", "rule", "source", "tags", "tag",
 * "hostname", "container"). */
sk_err skwi_dim_parse(const char *s, skwi_dim *out);

#endif
