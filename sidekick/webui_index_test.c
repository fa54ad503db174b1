#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sk_test.h"
#include "webui_index.h"

static void add(skwi_index *ix, uint64_t seq, int64_t t, const char *rule, const char *prio, const char *host,
		const char *container, const char *tags)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"hostname\":\"%s\",\"output\":\"o\",\"output_fields\":{\"container.id\":\"%s\"},"
		 "\"priority\":\"%s\",\"rule\":\"%s\",\"source\":\"syscall\",\"tags\":[%s],"
		 "\"time\":\"2026-01-01T00:00:00.000000000Z\"}",
		 host, container, prio, rule, tags);
	SK_CHECK_INT(skwi_add(ix, seq, t, json, strlen(json)), SK_OK);
}

static bool collect(void *user, uint64_t seq)
{
	uint64_t *out = user;
	out[++out[0]] = seq;
	return out[0] < 15;
}

static uint64_t count_of(const skwi_count *c, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(c[i].key, key) == 0) {
			return c[i].count;
		}
	}
	return 0;
}

static skwi_index *fixture(void)
{
	skwi_index *ix = NULL;
	SK_CHECK_INT(skwi_new(100, 1000, &ix), SK_OK);
	add(ix, 1, 100, "Read sensitive file", "Warning", "h1", "host", "\"T1003\",\"filesystem\"");
	add(ix, 2, 200, "Shell in container", "Notice", "h1", "abc123", "\"T1059\",\"container\"");
	add(ix, 3, 300, "Shell in container", "Notice", "h2", "abc123", "\"T1059\",\"container\"");
	add(ix, 4, 400, "Kernel module load", "Critical", "h2", "host", "\"T1547\"");
	return ix;
}

SK_TEST(counts_by_each_dimension)
{
	skwi_index *ix = fixture();
	skwi_filter all = {0, 0, -1, NULL, NULL, NULL, NULL, NULL};
	skwi_count *c = NULL;
	size_t n = 0;
	uint64_t total = 0;

	SK_CHECK_INT(skwi_counts(ix, &all, SKWI_DIM_RULE, &c, &n, &total), SK_OK);
	SK_CHECK_INT(total, 4);
	SK_CHECK_INT(n, 3);
	SK_CHECK_STR(c[0].key, "Shell in container"); /* most frequent first */
	SK_CHECK_INT(c[0].count, 2);
	free(c);
	SK_CHECK_INT(skwi_counts(ix, &all, SKWI_DIM_PRIORITY, &c, &n, &total), SK_OK);
	SK_CHECK_INT(count_of(c, n, "Notice"), 2);
	SK_CHECK_INT(count_of(c, n, "Critical"), 1);
	free(c);
	SK_CHECK_INT(skwi_counts(ix, &all, SKWI_DIM_TAGS, &c, &n, &total), SK_OK);
	SK_CHECK_INT(total, 4); /* an alert with two tags counts once in total */
	SK_CHECK_INT(count_of(c, n, "T1059"), 2);
	SK_CHECK_INT(count_of(c, n, "container"), 2);
	free(c);
	SK_CHECK_INT(skwi_counts(ix, &all, SKWI_DIM_CONTAINER, &c, &n, &total), SK_OK);
	SK_CHECK_INT(count_of(c, n, "abc123"), 2);
	SK_CHECK_INT(count_of(c, n, "host"), 2);
	free(c);
	skwi_free(ix);
}

SK_TEST(filters_narrow_scans)
{
	skwi_index *ix = fixture();
	skwi_filter f = {0, 0, -1, NULL, NULL, NULL, NULL, NULL};
	uint64_t got[16] = {0};

	f.min_priority = SAKER_PRIORITY_WARNING; /* Warning and more severe */
	SK_CHECK_INT(skwi_scan(ix, &f, collect, got), 2);
	SK_CHECK_INT(got[1], 4); /* newest first */
	SK_CHECK_INT(got[2], 1);
	memset(got, 0, sizeof(got));
	f.min_priority = -1;
	f.tag = "container";
	f.hostname = "h2";
	SK_CHECK_INT(skwi_scan(ix, &f, collect, got), 1);
	SK_CHECK_INT(got[1], 3);
	f.hostname = "never-seen";
	SK_CHECK_INT(skwi_scan(ix, &f, collect, got), 0);
	f.hostname = NULL;
	f.tag = NULL;
	f.since_ns = 200;
	f.until_ns = 400;
	memset(got, 0, sizeof(got));
	SK_CHECK_INT(skwi_scan(ix, &f, collect, got), 2);
	skwi_free(ix);
}

SK_TEST(timeline_buckets_by_priority)
{
	skwi_index *ix = fixture();
	skwi_filter f = {0, 0, -1, NULL, NULL, NULL, NULL, NULL};
	uint64_t series[8 * 4];

	skwi_timeline(ix, &f, 100, 100, 4, series);
	SK_CHECK_INT(series[SAKER_PRIORITY_WARNING * 4 + 0], 1);
	SK_CHECK_INT(series[SAKER_PRIORITY_NOTICE * 4 + 1], 1);
	SK_CHECK_INT(series[SAKER_PRIORITY_NOTICE * 4 + 2], 1);
	SK_CHECK_INT(series[SAKER_PRIORITY_CRITICAL * 4 + 3], 1);
	skwi_free(ix);
}

SK_TEST(bounds_hold)
{
	skwi_index *ix = NULL;
	skwi_filter all = {0, 0, -1, NULL, NULL, NULL, NULL, NULL};
	skwi_count *c = NULL;
	size_t n = 0;
	uint64_t total = 0;
	char rule[64];

	SK_CHECK_INT(skwi_new(50, 20, &ix), SK_OK);
	for (int i = 1; i <= 200; i++) {
		snprintf(rule, sizeof(rule), "rule %d", i); /* unique names beyond the string cap */
		add(ix, (uint64_t)i, i, rule, "Error", "h", "host", "");
	}
	SK_CHECK_INT(skwi_size(ix), 50);
	SK_CHECK_INT(skwi_counts(ix, &all, SKWI_DIM_RULE, &c, &n, &total), SK_OK);
	SK_CHECK_INT(total, 50);
	SK_CHECK(count_of(c, n, "<other>") > 0);
	free(c);
	skwi_evict_below(ix, 190);
	SK_CHECK_INT(skwi_size(ix), 11);
	SK_CHECK_INT(skwi_add(ix, 201, 201, "not json", 8), SK_EINVAL);
	SK_CHECK_INT(skwi_size(ix), 11);
	skwi_free(ix);
}

SK_TEST(dimension_names)
{
	skwi_dim d;
	SK_CHECK_INT(skwi_dim_parse("rule", &d), SK_OK);
	SK_CHECK_INT(d, SKWI_DIM_RULE);
	SK_CHECK_INT(skwi_dim_parse("tags", &d), SK_OK);
	SK_CHECK_INT(skwi_dim_parse("color", &d), SK_EINVAL);
}

SK_TEST_MAIN()
