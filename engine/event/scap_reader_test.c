/* scap_reader_test.c: the block reader on every shared capture, checked
 * against sysdig's own reading of the same files (the differential oracle),
 * plus the live-stream path, damaged input and record callbacks. */
#include "scap_reader.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "event_table.h"
#include "scap_format.h"
#include "sk_test.h"

#define SCAP_DIR "../shared/upstream/scap"
#define MAX_EVENTS 20000

typedef struct seen {
	uint64_t num, tid, ts;
	uint16_t type;
	uint8_t id_param[2]; /* generic events: the syscall id */
	uint32_t id_len;
} seen;

static void remember(seen *s, const sk_event *e)
{
	memset(s, 0, sizeof(*s));
	s->num = e->num;
	s->tid = e->tid;
	s->ts = e->ts;
	s->type = e->type;
	if (e->nparams > 0 && e->param_len[0] == 2) {
		memcpy(s->id_param, e->param[0], 2);
		s->id_len = 2;
	}
}

typedef struct records {
	int threads, fds, users, groups, ifaces, machines;
	bool saw_systemd, saw_root, saw_lo;
	uint32_t ncpus;
} records;

static sk_err on_machine(void *ctx, const sk_scap_machine *mi)
{
	records *rec = ctx;
	rec->machines++;
	rec->ncpus = mi->num_cpus;
	return SK_OK;
}

static sk_err on_thread(void *ctx, const sk_scap_thread *th)
{
	records *rec = ctx;
	rec->threads++;
	if (th->tid == 1 && strcmp(th->comm, "systemd") == 0) {
		rec->saw_systemd = true;
	}
	return SK_OK;
}

static sk_err on_fd(void *ctx, uint64_t tid, const sk_scap_fd *fd)
{
	records *rec = ctx;
	(void)tid;
	(void)fd;
	rec->fds++;
	return SK_OK;
}

static sk_err on_user(void *ctx, const sk_scap_user *u)
{
	records *rec = ctx;
	rec->users++;
	if (u->uid == 0 && strcmp(u->name, "root") == 0 && strcmp(u->home, "/root") == 0) {
		rec->saw_root = true;
	}
	return SK_OK;
}

static sk_err on_group(void *ctx, const sk_scap_group *g)
{
	records *rec = ctx;
	(void)g;
	rec->groups++;
	return SK_OK;
}

static sk_err on_iface(void *ctx, const sk_scap_iface *ifc)
{
	records *rec = ctx;
	static const uint8_t loopback[4] = {127, 0, 0, 1};
	rec->ifaces++;
	if (strcmp(ifc->name, "lo") == 0 && ifc->type == SK_SCAP_IF_IPV4 && memcmp(ifc->addr, loopback, 4) == 0) {
		rec->saw_lo = true;
	}
	return SK_OK;
}

static const sk_scap_callbacks callbacks = {
	on_machine, on_thread, on_fd, on_user, on_group, on_iface, NULL,
};

/* Reads a whole file with our reader; returns the event count or -1. */
static int read_all(const char *path, seen *out, int max, records *rec, sk_scap_stats *st)
{
	sk_scap_reader *r = NULL;
	sk_event e;
	int n = 0;
	sk_err err = sk_scap_reader_open_file(path, &callbacks, rec, &r);

	if (err != SK_OK) {
		fprintf(stderr, "%s: open: %s\n", path, sk_strerror(err));
		return -1;
	}
	while (n < max && (err = sk_scap_reader_next(r, &e)) == SK_OK) {
		remember(&out[n], &e);
		n++;
	}
	if (err != SK_ENOENT) {
		fprintf(stderr, "%s: %s (%s)\n", path, sk_strerror(err), sk_scap_reader_error(r));
		n = -1;
	}
	sk_scap_reader_stats(r, st);
	sk_scap_reader_close(r);
	return n;
}

/* sysdig 0.29 (the oracle) knows ids below 336 only: it skips later ones
 * without numbering them. */
#define SYSDIG_EVENT_MAX 336

/* Event types sysdig consumes without printing them. */
static bool sysdig_hides(uint16_t type)
{
	const sk_event_info *info = sk_event_info_get(type);
	return info->kind == SK_EK_META;
}

/* Compares our events with `sysdig -r path`; returns mismatches. */
static int compare_with_sysdig(const char *path, const seen *ev, int n)
{
	char cmd[1024], line[512];
	int mismatches = 0, i = 0;
	uint64_t skipped = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sysdig -r '%s' -p '*%%evt.num %%evt.type %%thread.tid %%evt.dir' 2>/dev/null",
		 path);
	p = popen(cmd, "r");
	if (p == NULL) {
		return 1;
	}
	while (fgets(line, sizeof(line), p) != NULL) {
		unsigned long long num, tid;
		char type[64], dir[4];
		if (sscanf(line, "%llu %63s %llu %3s", &num, type, &tid, dir) != 4) {
			continue;
		}
		while (i < n && ev[i].type >= SYSDIG_EVENT_MAX) {
			i++;
			skipped++;
		}
		while (i < n && ev[i].num - skipped < num) {
			if (!sysdig_hides(ev[i].type) && mismatches++ < 5) {
				fprintf(stderr, "%s: event %llu (%s) not shown by sysdig\n", path,
					(unsigned long long)ev[i].num, sk_event_info_get(ev[i].type)->name);
			}
			i++;
		}
		while (i < n && ev[i].type >= SYSDIG_EVENT_MAX) {
			i++;
			skipped++;
		}
		if (i >= n || ev[i].num - skipped != num) {
			if (mismatches++ < 5) {
				fprintf(stderr, "%s: sysdig event %llu missing here\n", path, num);
			}
			continue;
		}
		const char *name = sk_event_type_name(ev[i].type, ev[i].id_param, ev[i].id_len);
		const char *want_dir = sk_event_is_exit(ev[i].type) ? "<" : ">";
		if (strcmp(name, type) != 0 || ev[i].tid != tid || strcmp(dir, want_dir) != 0) {
			if (mismatches++ < 5) {
				fprintf(stderr, "%s: event %llu: sysdig %s %llu %s, saker %s %llu %s\n", path, num,
					type, tid, dir, name, (unsigned long long)ev[i].tid, want_dir);
			}
		}
		i++;
	}
	pclose(p);
	for (; i < n; i++) {
		if (!sysdig_hides(ev[i].type) && mismatches++ < 5) {
			fprintf(stderr, "%s: trailing event %llu not shown by sysdig\n", path,
				(unsigned long long)ev[i].num);
		}
	}
	return mismatches;
}

static seen events[MAX_EVENTS], events2[MAX_EVENTS];

SK_TEST(every_shared_capture_matches_sysdig)
{
	DIR *d = opendir(SCAP_DIR);
	struct dirent *de;
	int files = 0;

	SK_CHECK(d != NULL);
	if (d == NULL) {
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char path[512];
		records rec = {0};
		sk_scap_stats st;
		size_t nl = strlen(de->d_name);
		if (nl < 5 || strcmp(de->d_name + nl - 5, ".scap") != 0) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", SCAP_DIR, de->d_name);
		int n = read_all(path, events, MAX_EVENTS, &rec, &st);
		SK_CHECK(n >= 0);
		if (n < 0) {
			continue;
		}
		files++;
		SK_CHECK_INT(st.malformed, 0);
		SK_CHECK_INT(st.major, 1);
		SK_CHECK(st.minor <= 2);
		SK_CHECK_INT(rec.machines, 1);
		SK_CHECK(rec.threads > 0);
		SK_CHECK(rec.fds > 0);
		SK_CHECK(rec.users > 0);
		SK_CHECK(rec.saw_root);
		SK_CHECK(rec.saw_lo);
		SK_CHECK(st.unknown_blocks == 0);
		int bad = compare_with_sysdig(path, events, n);
		if (bad != 0) {
			fprintf(stderr, "%s: %d differences from sysdig\n", path, bad);
		}
		SK_CHECK_INT(bad, 0);
	}
	closedir(d);
	SK_CHECK(files >= 6);
}

SK_TEST(records_reach_callbacks)
{
	records rec = {0};
	sk_scap_stats st;
	int n = read_all(SCAP_DIR "/sample.scap", events, MAX_EVENTS, &rec, &st);
	SK_CHECK(n > 0);
	SK_CHECK(rec.saw_systemd);
	SK_CHECK(rec.groups > 0);
	SK_CHECK(rec.ncpus > 0);
	SK_CHECK_INT(st.events, (uint64_t)n);
	SK_CHECK_INT(st.threads, (uint64_t)rec.threads);
}

/* Decompresses a capture into memory. */
static uint8_t *load(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf = malloc(cap);
	int got;
	if (gz == NULL || buf == NULL) {
		free(buf);
		if (gz != NULL) {
			gzclose(gz);
		}
		return NULL;
	}
	while ((got = gzread(gz, buf + n, (unsigned)(cap - n))) > 0) {
		n += (size_t)got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	gzclose(gz);
	*len = n;
	return buf;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

SK_TEST(stream_path_yields_the_same_events)
{
	const char *files[] = {SCAP_DIR "/sample.scap", SCAP_DIR "/cat_write.scap"};
	for (size_t f = 0; f < 2; f++) {
		records rec = {0}, rec2 = {0};
		sk_scap_stats st;
		size_t len = 0;
		int n = read_all(files[f], events, MAX_EVENTS, &rec, &st);
		uint8_t *buf = load(files[f], &len);
		sk_scap_reader *r = NULL;
		int m = 0;
		SK_CHECK(buf != NULL && n > 0);
		if (buf == NULL) {
			continue;
		}
		SK_CHECK_INT(sk_scap_reader_open_stream(&callbacks, &rec2, &r), SK_OK);
		/* Messages of 5 blocks each, after the section header. */
		size_t pos = le32(buf + 4);
		while (pos < len) {
			size_t end = pos;
			for (int b = 0; b < 5 && end < len; b++) {
				end += le32(buf + end + 4);
			}
			SK_CHECK_INT(sk_scap_reader_feed(r, buf + pos, end - pos), SK_OK);
			sk_event e;
			sk_err err;
			while ((err = sk_scap_reader_next(r, &e)) == SK_OK && m < MAX_EVENTS) {
				remember(&events2[m], &e);
				m++;
			}
			SK_CHECK_INT(err, SK_ENOENT);
			pos = end;
		}
		SK_CHECK_INT(m, n);
		SK_CHECK(memcmp(events, events2, sizeof(seen) * (size_t)(m < n ? m : n)) == 0);
		SK_CHECK_INT(rec2.threads, rec.threads);
		SK_CHECK_INT(rec2.fds, rec.fds);
		/* A message cut inside a block is reported, and the next one still works. */
		size_t first = le32(buf + 4);
		size_t blk = le32(buf + first + 4);
		SK_CHECK_INT(sk_scap_reader_feed(r, buf + first, blk - 1), SK_OK);
		sk_event e;
		SK_CHECK_INT(sk_scap_reader_next(r, &e), SK_ETRUNC);
		SK_CHECK_CONTAINS(sk_scap_reader_error(r), "offset 0");
		SK_CHECK_INT(sk_scap_reader_feed(r, buf + first, blk), SK_OK);
		SK_CHECK(sk_scap_reader_next(r, &e) == SK_ENOENT);
		sk_scap_reader_close(r);
		free(buf);
	}
}

/* Writes n bytes to a fresh temporary file; returns its path. */
static void write_tmp(char *path, size_t cap, const uint8_t *data, size_t n)
{
	snprintf(path, cap, "/tmp/sk_reader_test_%d_XXXXXX", (int)getpid());
	int fd = mkstemp(path);
	SK_CHECK(fd >= 0);
	if (fd < 0) {
		return;
	}
	SK_CHECK(write(fd, data, n) == (ssize_t)n);
	close(fd);
}

SK_TEST(damaged_files_fail_with_offsets)
{
	size_t len = 0;
	uint8_t *buf = load(SCAP_DIR "/cat_write.scap", &len);
	char path[128];
	records rec = {0};
	sk_scap_stats st;
	SK_CHECK(buf != NULL && len > 10000);
	if (buf == NULL) {
		return;
	}
	/* Plain (uncompressed) copy reads like the gzip one. */
	write_tmp(path, sizeof(path), buf, len);
	int n = read_all(path, events, MAX_EVENTS, &rec, &st);
	SK_CHECK_INT(n, 345);
	unlink(path);

	/* Cut in the middle of the events. */
	write_tmp(path, sizeof(path), buf, len - 100);
	sk_scap_reader *r = NULL;
	sk_event e;
	sk_err err;
	SK_CHECK_INT(sk_scap_reader_open_file(path, NULL, NULL, &r), SK_OK);
	n = 0;
	while ((err = sk_scap_reader_next(r, &e)) == SK_OK) {
		n++;
	}
	SK_CHECK_INT(err, SK_ETRUNC);
	SK_CHECK(n > 300 && n < 345);
	SK_CHECK_CONTAINS(sk_scap_reader_error(r), "ends inside a block");
	SK_CHECK_INT(sk_scap_reader_next(r, &e), SK_ENOENT);
	sk_scap_reader_close(r);
	unlink(path);

	/* A block length of 3 (after the section header). */
	uint8_t *bad = malloc(len);
	memcpy(bad, buf, len);
	uint32_t three = 3;
	memcpy(bad + 28 + 4, &three, 4);
	write_tmp(path, sizeof(path), bad, len);
	SK_CHECK_INT(sk_scap_reader_open_file(path, NULL, NULL, &r), SK_OK);
	SK_CHECK_INT(sk_scap_reader_next(r, &e), SK_EINVAL);
	SK_CHECK_CONTAINS(sk_scap_reader_error(r), "offset 28: block length");
	sk_scap_reader_close(r);
	unlink(path);

	/* An unknown block type is skipped by length, the rest still decodes. */
	memcpy(bad, buf, len);
	uint32_t unknown = 0x7777;
	memcpy(bad + 28, &unknown, 4); /* the machine-info block */
	write_tmp(path, sizeof(path), bad, len);
	records rec2 = {0};
	n = read_all(path, events, MAX_EVENTS, &rec2, &st);
	SK_CHECK_INT(n, 345);
	SK_CHECK_INT(st.unknown_blocks, 1);
	SK_CHECK_INT(rec2.machines, 0);
	unlink(path);

	/* Not a capture at all; a missing file; a wrong byte order. */
	write_tmp(path, sizeof(path), (const uint8_t *)"hello world, not a capture", 26);
	SK_CHECK_INT(sk_scap_reader_open_file(path, NULL, NULL, &r), SK_EINVAL);
	unlink(path);
	SK_CHECK_INT(sk_scap_reader_open_file("/nonexistent/x.scap", NULL, NULL, &r), SK_ENOENT);
	memcpy(bad, buf, len);
	bad[8] = 0x1a;
	bad[11] = 0x4d;
	write_tmp(path, sizeof(path), bad, len);
	SK_CHECK_INT(sk_scap_reader_open_file(path, NULL, NULL, &r), SK_EVERSION);
	unlink(path);
	free(bad);
	free(buf);
}

SK_TEST(stream_rejects_misuse)
{
	sk_scap_reader *r = NULL;
	sk_event e;
	uint8_t junk[64];
	memset(junk, 0xff, sizeof(junk));
	SK_CHECK_INT(sk_scap_reader_open_stream(NULL, NULL, &r), SK_OK);
	SK_CHECK_INT(sk_scap_reader_next(r, &e), SK_ENOENT);
	SK_CHECK_INT(sk_scap_reader_feed(r, junk, sizeof(junk)), SK_OK);
	SK_CHECK_INT(sk_scap_reader_feed(r, junk, sizeof(junk)), SK_EAGAIN);
	SK_CHECK_INT(sk_scap_reader_next(r, &e), SK_EINVAL);
	SK_CHECK_INT(sk_scap_reader_feed(r, NULL, 0), SK_OK);
	SK_CHECK_INT(sk_scap_reader_next(r, &e), SK_ENOENT);
	sk_scap_reader_close(r);
}

SK_TEST_MAIN()
