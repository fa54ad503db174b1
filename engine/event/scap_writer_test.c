/* scap_writer_test.c: rewrite the shared captures with the writer, then
 * check that sysdig prints the rewritten file exactly as the original
 * (events, process names, fd names, arguments), that our reader gets the
 * same events and records back, and that the buffer writer feeds the
 * stream reader. */
#include "scap_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scap_format.h"
#include "sk_strbuf.h"
#include "sk_test.h"

#define SCAP_DIR "../shared/upstream/scap"

typedef struct copy_ctx {
	sk_scap_writer *w;
	int records;
} copy_ctx;

static sk_err copy_machine(void *ctx, const sk_scap_machine *mi)
{
	copy_ctx *c = ctx;
	c->records++;
	return sk_scap_writer_machine(c->w, mi);
}

static sk_err copy_thread(void *ctx, const sk_scap_thread *th)
{
	copy_ctx *c = ctx;
	c->records++;
	return sk_scap_writer_thread(c->w, th);
}

static sk_err copy_fd(void *ctx, uint64_t tid, const sk_scap_fd *fd)
{
	copy_ctx *c = ctx;
	c->records++;
	return sk_scap_writer_fd(c->w, tid, fd);
}

static sk_err copy_user(void *ctx, const sk_scap_user *u)
{
	copy_ctx *c = ctx;
	c->records++;
	return sk_scap_writer_user(c->w, u);
}

static sk_err copy_group(void *ctx, const sk_scap_group *g)
{
	copy_ctx *c = ctx;
	c->records++;
	return sk_scap_writer_group(c->w, g);
}

static sk_err copy_iface(void *ctx, const sk_scap_iface *ifc)
{
	copy_ctx *c = ctx;
	c->records++;
	return sk_scap_writer_iface(c->w, ifc);
}

static const sk_scap_callbacks copy_cb = {
	copy_machine, copy_thread, copy_fd, copy_user, copy_group, copy_iface, NULL,
};

/* Replays src into w; returns the number of events or -1. */
static int replay(const char *src, sk_scap_writer *w, int *records)
{
	copy_ctx c = {w, 0};
	sk_scap_reader *r = NULL;
	sk_event e;
	sk_err err;
	int n = 0;

	if (sk_scap_reader_open_file(src, &copy_cb, &c, &r) != SK_OK) {
		return -1;
	}
	while ((err = sk_scap_reader_next(r, &e)) == SK_OK) {
		if (sk_scap_writer_event(w, &e) != SK_OK) {
			err = SK_EIO;
			break;
		}
		n++;
	}
	sk_scap_reader_close(r);
	*records = c.records;
	return err == SK_ENOENT ? n : -1;
}

/* Runs sysdig on path and returns its whole output (malloc'ed). */
static char *sysdig_print(const char *path)
{
	char cmd[1024];
	sk_strbuf sb = SK_STRBUF_INIT;
	char line[4096];
	FILE *p;
	snprintf(cmd, sizeof(cmd),
		 "sysdig -r '%s' -p '*%%evt.num %%evt.time %%evt.type %%thread.tid %%evt.dir %%proc.name "
		 "%%proc.exe %%user.name %%fd.name %%evt.args' 2>&1",
		 path);
	p = popen(cmd, "r");
	if (p == NULL) {
		return NULL;
	}
	while (fgets(line, sizeof(line), p) != NULL) {
		sk_strbuf_puts(&sb, line);
	}
	pclose(p);
	char *out = strdup(sk_strbuf_str(&sb));
	sk_strbuf_free(&sb);
	return out;
}

/* Reports the first differing line of two texts. */
static int first_diff(const char *a, const char *b)
{
	int line = 1;
	while (*a != '\0' && *a == *b) {
		if (*a == '\n') {
			line++;
		}
		a++;
		b++;
	}
	if (*a == *b) {
		return 0;
	}
	fprintf(stderr, "first difference on line %d:\n  original: %.160s\n  rewritten: %.160s\n", line, a, b);
	return line;
}

static void check_rewrite(const char *name, bool gzip)
{
	char src[256], dst[128];
	int records = 0, n;
	sk_scap_writer *w = NULL;

	snprintf(src, sizeof(src), "%s/%s", SCAP_DIR, name);
	snprintf(dst, sizeof(dst), "/tmp/sk_writer_test_%d_%s", (int)getpid(), name);
	SK_CHECK_INT(sk_scap_writer_open_file(dst, gzip, &w), SK_OK);
	if (w == NULL) {
		return;
	}
	n = replay(src, w, &records);
	SK_CHECK(n > 0);
	SK_CHECK(records > 0);
	SK_CHECK_INT(sk_scap_writer_close(w), SK_OK);

	char *want = sysdig_print(src), *got = sysdig_print(dst);
	SK_CHECK(want != NULL && got != NULL);
	if (want != NULL && got != NULL) {
		SK_CHECK(strlen(want) > 200);
		if (first_diff(want, got) != 0) {
			fprintf(stderr, "%s: sysdig reads the rewritten file differently\n", name);
			SK_CHECK(0);
		}
	}
	free(want);
	free(got);

	/* Our reader: same events, same records; a second rewrite is byte-identical. */
	char dst2[160];
	snprintf(dst2, sizeof(dst2), "%s.again", dst);
	sk_scap_writer *w2 = NULL;
	int records2 = 0;
	SK_CHECK_INT(sk_scap_writer_open_file(dst2, false, &w2), SK_OK);
	if (w2 != NULL) {
		SK_CHECK_INT(replay(dst, w2, &records2), n);
		SK_CHECK_INT(records2, records);
		SK_CHECK_INT(sk_scap_writer_close(w2), SK_OK);
	}
	if (!gzip) {
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", dst, dst2);
		SK_CHECK_INT(system(cmd), 0);
	}
	unlink(dst);
	unlink(dst2);
}

SK_TEST(rewritten_captures_read_the_same_in_sysdig)
{
	check_rewrite("sample.scap", false);
	check_rewrite("cat_write.scap", true);
	check_rewrite("connect_localhost.scap", false);
	check_rewrite("single_ipv6_conn.scap", true);
}

static sk_err count_thread(void *ctx, const sk_scap_thread *th)
{
	int *n = ctx;
	(void)th;
	(*n)++;
	return SK_OK;
}

SK_TEST(buffer_writer_feeds_the_stream_reader)
{
	sk_scap_writer *w = NULL;
	sk_scap_reader *r = NULL;
	sk_scap_callbacks cb = {0};
	uint8_t *data = NULL;
	size_t len = 0;
	int threads = 0, records = 0;
	cb.on_thread = count_thread;

	SK_CHECK_INT(sk_scap_writer_open_buffer(&w), SK_OK);
	int n = replay(SCAP_DIR "/sample.scap", w, &records);
	SK_CHECK(n > 500);
	uint64_t stats[6] = {10, 1, 0, 20, 2, 0};
	SK_CHECK_INT(sk_scap_writer_capture_stats(w, 2, stats), SK_OK);
	SK_CHECK_INT(sk_scap_writer_take(w, &data, &len), SK_OK);
	SK_CHECK(data != NULL && len > 10000);
	SK_CHECK_INT(sk_scap_reader_open_stream(&cb, &threads, &r), SK_OK);
	SK_CHECK_INT(sk_scap_reader_feed(r, data, len), SK_OK);
	sk_event e;
	int m = 0;
	while (sk_scap_reader_next(r, &e) == SK_OK) {
		m++;
	}
	SK_CHECK_INT(m, n);
	SK_CHECK(threads > 50);
	sk_scap_stats st;
	sk_scap_reader_stats(r, &st);
	SK_CHECK_INT(st.malformed, 0);
	SK_CHECK_INT(st.unknown_blocks, 0);
	/* Nothing new: an empty take. */
	uint8_t *none = (uint8_t *)1;
	size_t nlen = 5;
	SK_CHECK_INT(sk_scap_writer_take(w, &none, &nlen), SK_OK);
	SK_CHECK(none == NULL && nlen == 0);
	sk_scap_reader_close(r);
	SK_CHECK_INT(sk_scap_writer_close(w), SK_OK);
	free(data);
}

SK_TEST(writer_rejects_what_it_cannot_encode)
{
	sk_scap_writer *w = NULL;
	sk_event e;
	static uint8_t big[70000];
	memset(&e, 0, sizeof(e));
	SK_CHECK_INT(sk_scap_writer_open_buffer(&w), SK_OK);
	e.type = 3;
	e.nparams = 1;
	e.param[0] = big;
	e.param_len[0] = sizeof(big); /* over u16 for a normal event */
	SK_CHECK_INT(sk_scap_writer_event(w, &e), SK_ERANGE);
	SK_CHECK_INT(sk_scap_writer_close(w), SK_ERANGE);
	SK_CHECK_INT(sk_scap_writer_open_file("/nonexistent-dir/x.scap", false, &w), SK_EIO);
	SK_CHECK_INT(sk_scap_writer_take(NULL, NULL, NULL), SK_EINVAL);
}

SK_TEST(large_payload_events_use_wide_lengths)
{
	sk_scap_writer *w = NULL;
	sk_scap_reader *r = NULL;
	static uint8_t big[70000];
	uint8_t *data = NULL;
	size_t len = 0;
	uint32_t plugin = 7;
	sk_event e, back;
	memset(&e, 0, sizeof(e));
	memset(big, 'x', sizeof(big));
	e.type = 322; /* pluginevent: large payload */
	e.ts = 5;
	e.tid = 6;
	e.nparams = 2;
	e.param[0] = (const uint8_t *)&plugin;
	e.param_len[0] = 4;
	e.param[1] = big;
	e.param_len[1] = sizeof(big);
	SK_CHECK_INT(sk_scap_writer_open_buffer(&w), SK_OK);
	SK_CHECK_INT(sk_scap_writer_event(w, &e), SK_OK);
	SK_CHECK_INT(sk_scap_writer_take(w, &data, &len), SK_OK);
	SK_CHECK_INT(sk_scap_reader_open_stream(NULL, NULL, &r), SK_OK);
	SK_CHECK_INT(sk_scap_reader_feed(r, data, len), SK_OK);
	SK_CHECK_INT(sk_scap_reader_next(r, &back), SK_OK);
	SK_CHECK_INT(back.type, 322);
	SK_CHECK_INT(back.param_len[1], sizeof(big));
	SK_CHECK(memcmp(back.param[1], big, sizeof(big)) == 0);
	sk_scap_reader_close(r);
	SK_CHECK_INT(sk_scap_writer_close(w), SK_OK);
	free(data);
}

SK_TEST_MAIN()
