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

#include "event_table.h"
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

/* Builds events parameter by parameter in a small arena. */
typedef struct evb {
	sk_event e;
	uint8_t arena[2048];
	size_t used;
} evb;

static void evb_start(evb *b, uint16_t type, uint64_t ts, uint64_t tid)
{
	memset(&b->e, 0, sizeof(b->e));
	b->e.type = type;
	b->e.ts = ts;
	b->e.tid = tid;
	b->used = 0;
}

static void evb_raw(evb *b, const void *p, size_t n)
{
	if (b->used + n > sizeof(b->arena) || b->e.nparams >= SK_EVENT_MAX_PARAMS) {
		SK_CHECK(0);
		return;
	}
	memcpy(b->arena + b->used, p, n);
	b->e.param[b->e.nparams] = b->arena + b->used;
	b->e.param_len[b->e.nparams] = (uint32_t)n;
	b->e.nparams++;
	b->used += n;
}

static void evb_int(evb *b, uint64_t v, size_t width)
{
	uint8_t tmp[8];
	for (size_t i = 0; i < width; i++) {
		tmp[i] = (uint8_t)(v >> (8 * i));
	}
	evb_raw(b, tmp, width);
}

static void evb_str(evb *b, const char *s)
{
	evb_raw(b, s, strlen(s) + 1);
}

/* AF_INET socket address or tuple in scap's encoding (family 2). */
static void evb_inet(evb *b, const uint8_t *sip, uint16_t sport, const uint8_t *dip, uint16_t dport)
{
	uint8_t tmp[13];
	size_t n = 0;
	tmp[n++] = 2;
	memcpy(tmp + n, sip, 4);
	n += 4;
	tmp[n++] = (uint8_t)sport;
	tmp[n++] = (uint8_t)(sport >> 8);
	if (dip != NULL) {
		memcpy(tmp + n, dip, 4);
		n += 4;
		tmp[n++] = (uint8_t)dport;
		tmp[n++] = (uint8_t)(dport >> 8);
	}
	evb_raw(b, tmp, n);
}

/* Writes a synthetic capture: a shell's child execs cat, which opens, reads
 * and closes a file, connects to a local port and calls a generic syscall. */
static sk_err write_synthetic(sk_scap_writer *w)
{
	static const uint8_t lo[4] = {127, 0, 0, 1};
	sk_scap_machine mi = {4, 8ull << 30, 3000, "saker-synth", 0};
	sk_scap_thread init = {0}, sh = {0};
	sk_scap_fd tty = {0};
	sk_scap_user root = {0, 0, "root", "/root", "/bin/sh"};
	sk_scap_group wheel = {0, "root"};
	sk_scap_iface ifc = {SK_SCAP_IF_IPV4, "lo", {127, 0, 0, 1}, {255, 0, 0, 0}, {127, 255, 255, 255}, 0};
	uint64_t ts = 1700000000000000000ull;
	evb b;
	sk_err err = SK_OK;

	init.tid = init.pid = 1;
	init.comm = "init";
	init.exe = "/sbin/init";
	init.exepath = "/sbin/init";
	init.cwd = "/";
	init.args = "";
	sh = init;
	sh.tid = sh.pid = 100;
	sh.ptid = 1;
	sh.comm = "sh";
	sh.exe = "sh";
	sh.exepath = "/bin/sh";
	sh.args = "-c\0cat /etc/hosts";
	sh.args_len = 18;
	sh.cwd = "/root";
	sh.loginuid = 0;
	tty.fd = 0;
	tty.type = SK_SCAP_FD_FILE_V2;
	tty.name = "/dev/pts/0";
	tty.open_flags = 3;

	sk_scap_writer_machine(w, &mi);
	sk_scap_writer_iface(w, &ifc);
	sk_scap_writer_user(w, &root);
	sk_scap_writer_group(w, &wheel);
	sk_scap_writer_thread(w, &init);
	sk_scap_writer_thread(w, &sh);
	sk_scap_writer_fd(w, 100, &tty);

	evb_start(&b, 292, ts++, 100); /* execve enter */
	evb_str(&b, "/bin/cat");
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 293, ts++, 100); /* execve exit, 28 parameters */
	evb_int(&b, 0, 8);
	evb_str(&b, "cat");
	evb_raw(&b, "/etc/hosts", 11);
	evb_int(&b, 100, 8);
	evb_int(&b, 100, 8);
	evb_int(&b, 1, 8);
	evb_str(&b, "/root");
	evb_int(&b, 1024, 8);
	evb_int(&b, 0, 8);
	evb_int(&b, 0, 8);
	evb_int(&b, 1000, 4);
	evb_int(&b, 100, 4);
	evb_int(&b, 0, 4);
	evb_str(&b, "cat");
	evb_raw(&b, "cpu=/\0", 7);
	evb_raw(&b, "HOME=/root", 11);
	evb_int(&b, 34816, 4);
	evb_int(&b, 100, 8);
	evb_int(&b, 0, 4);
	evb_int(&b, 0, 4);
	for (int i = 0; i < 3; i++) {
		evb_int(&b, 0x1ffffffffffull, 8);
	}
	evb_int(&b, 4242, 8);
	evb_int(&b, ts, 8);
	evb_int(&b, ts, 8);
	evb_int(&b, 0, 4);
	evb_str(&b, "/usr/bin/cat");
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);

	evb_start(&b, 306, ts++, 100); /* openat enter */
	evb_int(&b, (uint64_t)-100, 8);
	evb_str(&b, "/etc/hosts");
	evb_int(&b, 4097, 4);
	evb_int(&b, 0, 4);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 307, ts++, 100); /* openat exit */
	evb_int(&b, 3, 8);
	evb_int(&b, (uint64_t)-100, 8);
	evb_str(&b, "/etc/hosts");
	evb_int(&b, 4097, 4);
	evb_int(&b, 0, 4);
	evb_int(&b, 2049, 4);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 6, ts++, 100); /* read */
	evb_int(&b, 3, 8);
	evb_int(&b, 4096, 4);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 7, ts++, 100);
	evb_int(&b, 5, 8);
	evb_raw(&b, "hello", 5);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 4, ts++, 100); /* close */
	evb_int(&b, 3, 8);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 5, ts++, 100);
	evb_int(&b, 0, 8);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);

	evb_start(&b, 18, ts++, 100); /* socket(AF_INET, SOCK_STREAM) */
	evb_int(&b, 2, 4);
	evb_int(&b, 1, 4);
	evb_int(&b, 0, 4);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 19, ts++, 100);
	evb_int(&b, 4, 8);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 22, ts++, 100); /* connect */
	evb_int(&b, 4, 8);
	evb_inet(&b, lo, 8080, NULL, 0);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 23, ts++, 100);
	evb_int(&b, 0, 8);
	evb_inet(&b, lo, 40000, lo, 8080);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);

	evb_start(&b, 0, ts++, 100); /* a generic syscall: mprotect */
	evb_int(&b, (uint64_t)sk_syscall_id("mprotect"), 2);
	evb_int(&b, 10, 2);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	evb_start(&b, 1, ts++, 100);
	evb_int(&b, (uint64_t)sk_syscall_id("mprotect"), 2);
	err = err != SK_OK ? err : sk_scap_writer_event(w, &b.e);
	return err;
}

SK_TEST(synthetic_events_read_back_in_sysdig)
{
	char path[128];
	const char *seed = getenv("SK_WRITE_SYNTHETIC");
	sk_scap_writer *w = NULL;

	snprintf(path, sizeof(path), "%s", seed != NULL ? seed : "/tmp/sk_writer_synth.scap");
	if (seed == NULL) {
		snprintf(path, sizeof(path), "/tmp/sk_writer_synth_%d.scap", (int)getpid());
	}
	SK_CHECK_INT(sk_scap_writer_open_file(path, false, &w), SK_OK);
	if (w == NULL) {
		return;
	}
	SK_CHECK_INT(write_synthetic(w), SK_OK);
	SK_CHECK_INT(sk_scap_writer_close(w), SK_OK);
	char *out = sysdig_print(path);
	SK_CHECK(out != NULL);
	/* sysdig followed the exec, resolved fd 3 and the socket, and named the generic event. */
	SK_CHECK_CONTAINS(out, "\n2 22:13:20.000000001 execve 100 < cat cat root <NA> res=0 exe=cat args=/etc/hosts. ");
	SK_CHECK_CONTAINS(out, "\n4 22:13:20.000000003 openat 100 < cat cat root /etc/hosts fd=3(<f>/etc/hosts) "
			       "dirfd=-100(AT_FDCWD) name=/etc/hosts flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=801");
	SK_CHECK_CONTAINS(out, "\n6 22:13:20.000000005 read 100 < cat cat root /etc/hosts res=5 data=hello");
	SK_CHECK_CONTAINS(out, "\n12 22:13:20.000000011 connect 100 < cat cat root 127.0.0.1:40000->127.0.0.1:8080 ");
	SK_CHECK_CONTAINS(out, "\n14 22:13:20.000000013 mprotect 100 < ");
	free(out);

	/* Our reader gets the same back. */
	sk_scap_reader *r = NULL;
	sk_event e;
	int n = 0;
	SK_CHECK_INT(sk_scap_reader_open_file(path, NULL, NULL, &r), SK_OK);
	while (r != NULL && sk_scap_reader_next(r, &e) == SK_OK) {
		n++;
		if (e.num == 2) {
			SK_CHECK_INT(e.nparams, 28);
			int idx = sk_event_param_by_name(&e, "trusted_exepath");
			SK_CHECK(idx == 27 && strcmp((const char *)e.param[idx], "/usr/bin/cat") == 0);
		}
		if (e.num == 14) {
			SK_CHECK_STR(sk_event_type_name(e.type, e.param[0], e.param_len[0]), "mprotect");
		}
	}
	SK_CHECK_INT(n, 14);
	sk_scap_reader_close(r);
	if (seed == NULL) {
		unlink(path);
	}
}

SK_TEST_MAIN()
