/* The web UI's store (alert log + index) stays within its bounds under a
 * 1 M-alert burst: disk within spool.maxbytes (plus one segment being
 * written), the index within its entry cap, and the index never refers to
 * records the log deleted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert_log.h"
#include "sk_test.h"
#include "webui_index.h"

#define BURST 1000000
#define MAX_BYTES (32u << 20)
#define SEGMENT_BYTES (2u << 20)
#define MAX_ENTRIES 200000

static void rm_rf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	SK_CHECK(system(cmd) == 0);
}

SK_TEST(burst_of_one_million_stays_bounded)
{
	char dir[] = "/tmp/saker-webui-store-XXXXXX";
	sal_options opt = {0};
	sal_log *log = NULL;
	sal_reader *r = NULL;
	skwi_index *ix = NULL;
	sal_stats st;
	sal_record rec;
	char err[256], json[512];
	uint64_t indexed = 0, max_disk = 0;
	size_t max_index = 0;

	SK_CHECK(mkdtemp(dir) != NULL);
	opt.dir = dir;
	opt.segment_bytes = SEGMENT_BYTES;
	opt.max_bytes = MAX_BYTES;
	opt.sync_ms = 1000;
	SK_CHECK_INT(sal_open(&opt, &log, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(skwi_new(MAX_ENTRIES, 1000, &ix), SK_OK);
	SK_CHECK_INT(sal_reader_open(log, 0, &r), SK_OK);
	if (log == NULL || ix == NULL || r == NULL) {
		return;
	}
	for (int i = 0; i < BURST; i++) {
		int n = snprintf(json, sizeof(json),
				 "{\"hostname\":\"h%d\",\"output\":\"burst %d\",\"output_fields\":{\"n\":%d},"
				 "\"priority\":\"%s\",\"rule\":\"rule %d\",\"source\":\"syscall\",\"tags\":[\"T%d\"],"
				 "\"time\":\"2026-01-01T00:00:00.000000000Z\"}",
				 i % 7, i, i, i % 3 ? "Notice" : "Critical", i % 50, i % 11);
		SK_CHECK_INT(sal_append(log, 1000 + i, json, (size_t)n, NULL), SK_OK);
		if (i % 50000 == 49999) {
			/* What the web UI's tail thread does: index, then follow the bounds. */
			while (sal_reader_next(r, &rec, NULL) == SK_OK) {
				SK_CHECK_INT(skwi_add(ix, rec.seq, rec.time_ns, rec.data, rec.len), SK_OK);
				indexed++;
			}
			sal_enforce_bounds(log, (int64_t)time(NULL));
			sal_get_stats(log, &st);
			skwi_evict_below(ix, st.first_seq);
			max_disk = st.bytes > max_disk ? st.bytes : max_disk;
			max_index = skwi_size(ix) > max_index ? skwi_size(ix) : max_index;
		}
	}
	sal_get_stats(log, &st);
	printf("burst: %d alerts, indexed %llu, peak disk %llu bytes (bound %u), peak index %zu (bound %d), "
	       "oldest kept seq %llu\n",
	       BURST, (unsigned long long)indexed, (unsigned long long)max_disk, MAX_BYTES, max_index, MAX_ENTRIES,
	       (unsigned long long)st.first_seq);
	SK_CHECK(max_disk <= MAX_BYTES + SEGMENT_BYTES);
	SK_CHECK(max_index <= MAX_ENTRIES);
	SK_CHECK(st.first_seq > 1);         /* the bound really deleted something */
	SK_CHECK(indexed > 0);
	SK_CHECK_INT(st.next_seq, BURST + 1); /* every alert was appended */
	sal_reader_close(r);
	skwi_free(ix);
	sal_close(log);
	rm_rf(dir);
}

SK_TEST_MAIN()
