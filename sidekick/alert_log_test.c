#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert_log.h"
#include "sk_test.h"

static void tmpdir(char *buf, size_t n)
{
	snprintf(buf, n, "/tmp/sk_alert_log_XXXXXX");
	SK_CHECK(mkdtemp(buf) != NULL);
}

static void rmtree(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	SK_CHECK(system(cmd) == 0);
}

static void append_n(sal_log *log, int from, int n)
{
	for (int i = from; i < from + n; i++) {
		char rec[64];
		int len = snprintf(rec, sizeof(rec), "alert-%06d", i);
		SK_CHECK_INT(sal_append(log, (int64_t)i * 1000, rec, (size_t)len, NULL), SK_OK);
	}
}

/* Reads everything from seq on; returns how many, checks contiguity. */
static int read_all(sal_log *log, uint64_t seq, int first_index, uint64_t *skipped)
{
	sal_reader *r = NULL;
	sal_record rec;
	int n = 0;
	SK_CHECK_INT(sal_reader_open(log, seq, &r), SK_OK);
	for (int guard = 0; guard < 1000000; guard++) {
		uint64_t sk = 0;
		if (sal_reader_next(r, &rec, &sk) != SK_OK) {
			break;
		}
		*skipped += sk;
		char want[64];
		snprintf(want, sizeof(want), "alert-%06d", first_index + n + (int)*skipped);
		SK_CHECK(rec.len == strlen(want) && memcmp(rec.data, want, rec.len) == 0);
		n++;
	}
	sal_reader_close(r);
	return n;
}

SK_TEST(log_append_replay_across_segments_and_restart)
{
	char dir[64];
	sal_log *log = NULL;
	char err[256] = "";
	uint64_t skipped = 0;
	tmpdir(dir, sizeof(dir));
	sal_options o = {.dir = dir, .segment_bytes = 4096, .max_bytes = 1 << 30, .sync_ms = 50};
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	append_n(log, 0, 1000);
	sal_stats st;
	sal_get_stats(log, &st);
	SK_CHECK(st.segments > 5);
	SK_CHECK_INT(st.next_seq, 1001);
	SK_CHECK_INT(read_all(log, 0, 0, &skipped), 1000);
	SK_CHECK_INT(skipped, 0);
	/* A second process must not share the directory. */
	sal_log *other = NULL;
	SK_CHECK_INT(sal_open(&o, &other, err, sizeof(err)), SK_EEXIST);
	SK_CHECK_CONTAINS(err, "in use");
	sal_close(log);
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	append_n(log, 1000, 10);
	SK_CHECK_INT(read_all(log, 995, 994, &skipped), 16);
	sal_close(log);
	rmtree(dir);
}

SK_TEST(log_cursor_persists)
{
	char dir[64];
	sal_log *log = NULL;
	sal_cursor *c = NULL;
	char err[256] = "";
	tmpdir(dir, sizeof(dir));
	sal_options o = {.dir = dir, .sync_ms = 20};
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	append_n(log, 0, 5);
	SK_CHECK_INT(sal_cursor_open(log, "webhook", &c), SK_OK);
	SK_CHECK_INT(sal_cursor_get(c), 6); /* a new output starts at the end */
	sal_cursor_set(c, 3);               /* never moves backwards */
	SK_CHECK_INT(sal_cursor_get(c), 6);
	SK_CHECK_INT(sal_cursor_open(log, "bad/name", &c), SK_EINVAL);
	SK_CHECK_INT(sal_cursor_open(log, "../up", &c), SK_EINVAL);
	sal_close(log);
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	append_n(log, 5, 5);
	SK_CHECK_INT(sal_cursor_open(log, "webhook", &c), SK_OK);
	SK_CHECK_INT(sal_cursor_get(c), 6);
	sal_cursor_set(c, 9);
	usleep(200000); /* the flusher persists within sync_ms */
	char text[32] = "";
	char path[128];
	snprintf(path, sizeof(path), "%s/cursor.webhook", dir);
	FILE *f = fopen(path, "r");
	SK_CHECK(f != NULL);
	if (f != NULL) {
		SK_CHECK(fgets(text, sizeof(text), f) != NULL);
		fclose(f);
	}
	SK_CHECK_INT(strtoull(text, NULL, 10), 9);
	sal_close(log);
	rmtree(dir);
}

SK_TEST(log_recovers_torn_tail)
{
	char dir[64], path[128];
	sal_log *log = NULL;
	char err[256] = "";
	uint64_t skipped = 0;
	tmpdir(dir, sizeof(dir));
	sal_options o = {.dir = dir};
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	append_n(log, 0, 10);
	sal_close(log);
	/* A crash in the middle of a write leaves half a record. */
	snprintf(path, sizeof(path), "%s/0000000000000001.seg", dir);
	int fd = open(path, O_WRONLY | O_APPEND);
	SK_CHECK(fd >= 0);
	SK_CHECK(write(fd, "\x40\x00\x00\x00garbage", 11) == 11);
	close(fd);
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	append_n(log, 10, 2);
	SK_CHECK_INT(read_all(log, 0, 0, &skipped), 12);
	SK_CHECK_INT(skipped, 0);
	sal_close(log);
	rmtree(dir);
}

SK_TEST(log_bound_deletes_oldest_and_readers_count_losses)
{
	char dir[64];
	sal_log *log = NULL;
	char err[256] = "";
	uint64_t skipped = 0;
	tmpdir(dir, sizeof(dir));
	sal_options o = {.dir = dir, .segment_bytes = 64 << 10, .max_bytes = 256 << 10, .sync_ms = 1000};
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	sal_reader *slow = NULL;
	SK_CHECK_INT(sal_reader_open(log, 1, &slow), SK_OK);
	append_n(log, 0, 20000); /* ~700 KB */
	sal_enforce_bounds(log, 0);
	sal_stats st;
	sal_get_stats(log, &st);
	SK_CHECK(st.bytes <= (256 << 10));
	SK_CHECK(st.first_seq > 1);
	sal_record rec;
	uint64_t lost = 0;
	SK_CHECK_INT(sal_reader_next(slow, &rec, &lost), SK_OK);
	SK_CHECK_INT(lost, st.first_seq - 1);
	SK_CHECK_INT(rec.seq, st.first_seq);
	sal_reader_close(slow);
	int n = read_all(log, 0, (int)st.first_seq - 1, &skipped);
	SK_CHECK_INT(n + (int)st.first_seq - 1, 20000);
	sal_close(log);
	rmtree(dir);
}

SK_TEST(log_age_bound_keeps_the_active_segment)
{
	char dir[64];
	sal_log *log = NULL;
	char err[256] = "";
	tmpdir(dir, sizeof(dir));
	sal_options o = {.dir = dir, .segment_bytes = 4096, .max_age_s = 60};
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	append_n(log, 0, 600);
	sal_stats before, after;
	sal_get_stats(log, &before);
	SK_CHECK(before.segments > 3);
	sal_enforce_bounds(log, (int64_t)time(NULL)); /* nothing is a minute old yet */
	sal_get_stats(log, &after);
	SK_CHECK_INT(after.segments, before.segments);
	sal_enforce_bounds(log, (int64_t)time(NULL) + 3600); /* an hour later */
	sal_get_stats(log, &after);
	SK_CHECK_INT(after.segments, 1);
	SK_CHECK(after.first_seq > 1);
	SK_CHECK_INT(after.next_seq, 601);
	append_n(log, 600, 1);
	sal_close(log);
	rmtree(dir);
}

SK_TEST(log_seek_time_and_wait)
{
	char dir[64];
	sal_log *log = NULL;
	char err[256] = "";
	tmpdir(dir, sizeof(dir));
	sal_options o = {.dir = dir, .segment_bytes = 4096};
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	append_n(log, 0, 500); /* times 0, 1000, ... */
	sal_reader *r = NULL;
	sal_record rec;
	SK_CHECK_INT(sal_reader_open(log, 0, &r), SK_OK);
	SK_CHECK_INT(sal_reader_seek_time(r, 321500), SK_OK);
	SK_CHECK_INT(sal_reader_next(r, &rec, NULL), SK_OK);
	SK_CHECK_INT(rec.time_ns, 322000);
	SK_CHECK_INT(rec.seq, 323);
	sal_reader_close(r);
	SK_CHECK(sal_wait(log, 500, 10));
	SK_CHECK(!sal_wait(log, 501, 10));
	SK_CHECK_INT(sal_append(log, 0, "x", SAL_MAX_RECORD + 1, NULL), SK_ERANGE);
	sal_close(log);
	rmtree(dir);
}

struct writer {
	sal_log *log;
	int id;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < 5000; i++) {
		char rec[64];
		int len = snprintf(rec, sizeof(rec), "w%d-%d", w->id, i);
		/* Half the writers wait for the write (HTTP), half do not (nng). */
		sk_err e = w->id % 2 == 0 ? sal_append(w->log, i, rec, (size_t)len, NULL)
					  : sal_append_nowait(w->log, i, rec, (size_t)len, NULL);
		if (e != SK_OK) {
			return (void *)1;
		}
	}
	return NULL;
}

SK_TEST(log_concurrent_group_commit_keeps_every_record_in_order)
{
	char dir[64];
	sal_log *log = NULL;
	char err[256] = "";
	pthread_t t[4];
	struct writer w[4];
	tmpdir(dir, sizeof(dir));
	sal_options o = {.dir = dir, .segment_bytes = 64 << 10, .sync_ms = 20};
	SK_CHECK_INT(sal_open(&o, &log, err, sizeof(err)), SK_OK);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct writer){log, i};
		pthread_create(&t[i], NULL, writer_main, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		void *rc = NULL;
		pthread_join(t[i], &rc);
		SK_CHECK(rc == NULL);
	}
	SK_CHECK(sal_wait(log, 20000, 5000)); /* nowait records reach the file */
	sal_reader *r = NULL;
	sal_record rec;
	int next[4] = {0, 0, 0, 0};
	uint64_t expect = 1;
	SK_CHECK_INT(sal_reader_open(log, 0, &r), SK_OK);
	for (int i = 0; i < 20000; i++) {
		uint64_t skipped = 0;
		if (sal_reader_next(r, &rec, &skipped) != SK_OK) {
			break;
		}
		SK_CHECK_INT(skipped, 0);
		SK_CHECK_INT(rec.seq, expect);
		expect++;
		int id = rec.data[1] - '0';
		char want[64];
		snprintf(want, sizeof(want), "w%d-%d", id, next[id]);
		SK_CHECK(id >= 0 && id < 4 && rec.len == strlen(want) && memcmp(rec.data, want, rec.len) == 0);
		next[id < 4 && id >= 0 ? id : 0]++;
	}
	SK_CHECK_INT(expect, 20001);
	SK_CHECK_INT(sal_reader_next(r, &rec, NULL), SK_EAGAIN);
	sal_reader_close(r);
	sal_close(log);
	rmtree(dir);
}

SK_TEST_MAIN()
