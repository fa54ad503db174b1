/* replay_bench: events per second of pure decoding with Saker's scap reader
 * versus sysdig reading the same file, measured in the same run.
 *
 * The input is a large capture built by repeating the events of a shared
 * capture (timestamps shifted so time keeps moving forward), written with
 * Saker's writer. sysdig is timed twice: with a filter that matches nothing
 * (it still parses every event and tracks state, but prints nothing) and
 * with its default output sent to /dev/null.
 *
 * Usage (from the repository root):
 *   build/bench/replay_bench [-s SRC.scap] [-r REPEAT] [-n RUNS] [-o OUT.scap] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scap_writer.h"

typedef struct build_ctx {
	sk_scap_writer *w;
} build_ctx;

static sk_err b_machine(void *ctx, const sk_scap_machine *mi)
{
	return sk_scap_writer_machine(((build_ctx *)ctx)->w, mi);
}

static sk_err b_thread(void *ctx, const sk_scap_thread *th)
{
	return sk_scap_writer_thread(((build_ctx *)ctx)->w, th);
}

static sk_err b_fd(void *ctx, uint64_t tid, const sk_scap_fd *fd)
{
	return sk_scap_writer_fd(((build_ctx *)ctx)->w, tid, fd);
}

static sk_err b_user(void *ctx, const sk_scap_user *u)
{
	return sk_scap_writer_user(((build_ctx *)ctx)->w, u);
}

static sk_err b_group(void *ctx, const sk_scap_group *g)
{
	return sk_scap_writer_group(((build_ctx *)ctx)->w, g);
}

static sk_err b_iface(void *ctx, const sk_scap_iface *ifc)
{
	return sk_scap_writer_iface(((build_ctx *)ctx)->w, ifc);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes src's records once and its events repeat times; returns events. */
static long build(const char *src, const char *out, int repeat)
{
	static const sk_scap_callbacks copy = {b_machine, b_thread, b_fd, b_user, b_group, b_iface, NULL};
	build_ctx bc = {NULL};
	uint64_t first = 0, last = 0;
	long events = 0;

	if (sk_scap_writer_open_file(out, false, &bc.w) != SK_OK) {
		fprintf(stderr, "replay_bench: cannot create %s\n", out);
		return -1;
	}
	for (int rep = 0; rep < repeat; rep++) {
		sk_scap_reader *r = NULL;
		sk_event e;
		sk_err err = sk_scap_reader_open_file(src, rep == 0 ? &copy : NULL, &bc, &r);
		uint64_t shift = (last - first + 1000) * (uint64_t)rep;
		if (err != SK_OK) {
			fprintf(stderr, "replay_bench: %s: %s\n", src, sk_strerror(err));
			sk_scap_writer_close(bc.w);
			return -1;
		}
		while ((err = sk_scap_reader_next(r, &e)) == SK_OK) {
			if (rep == 0) {
				first = first == 0 ? e.ts : first;
				last = e.ts;
			}
			e.ts += shift;
			if (sk_scap_writer_event(bc.w, &e) != SK_OK) {
				err = SK_EIO;
				break;
			}
			events++;
		}
		sk_scap_reader_close(r);
		if (err != SK_ENOENT) {
			fprintf(stderr, "replay_bench: %s: %s\n", src, sk_strerror(err));
			sk_scap_writer_close(bc.w);
			return -1;
		}
	}
	return sk_scap_writer_close(bc.w) == SK_OK ? events : -1;
}

/* One pass of pure decoding; touches every parameter so nothing is skipped. */
static double decode_pass(const char *path, long *events, uint64_t *checksum)
{
	sk_scap_reader *r = NULL;
	sk_event e;
	double t0 = now();
	*events = 0;
	if (sk_scap_reader_open_file(path, NULL, NULL, &r) != SK_OK) {
		return -1;
	}
	while (sk_scap_reader_next(r, &e) == SK_OK) {
		for (uint32_t i = 0; i < e.nparams; i++) {
			*checksum += e.param_len[i] > 0 ? e.param[i][0] : 0;
		}
		(*events)++;
	}
	sk_scap_reader_close(r);
	return now() - t0;
}

static double run_timed(const char *cmd)
{
	double t0 = now();
	if (system(cmd) != 0) {
		return -1;
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	const char *src = "../shared/upstream/scap/single_ipv6_conn.scap";
	const char *out = "/tmp/saker_replay_bench.scap";
	int repeat = 300, runs = 3, opt;
	double best = 1e9, sys_filter = 1e9, sys_print = 1e9;
	uint64_t checksum = 0;
	long events = 0, decoded = 0;
	char cmd[1024];

	while ((opt = getopt(argc, argv, "s:o:r:n:")) != -1) {
		switch (opt) {
		case 's':
			src = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			repeat = atoi(optarg);
			break;
		case 'n':
			runs = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SRC.scap] [-o OUT.scap] [-r REPEAT] [-n RUNS]\n", argv[0]);
			return 2;
		}
	}
	if (repeat < 1 || repeat > 100000 || runs < 1 || runs > 100) {
		fprintf(stderr, "replay_bench: REPEAT must be 1..100000 and RUNS 1..100\n");
		return 2;
	}
	events = build(src, out, repeat);
	if (events <= 0) {
		return 1;
	}
	for (int i = 0; i < runs; i++) {
		double t = decode_pass(out, &decoded, &checksum);
		if (t < 0 || decoded != events) {
			fprintf(stderr, "replay_bench: decode failed (%ld of %ld events)\n", decoded, events);
			return 1;
		}
		best = t < best ? t : best;
		snprintf(cmd, sizeof(cmd), "sysdig -r '%s' evt.num=0 >/dev/null 2>&1", out);
		double t1 = run_timed(cmd);
		snprintf(cmd, sizeof(cmd), "sysdig -r '%s' >/dev/null 2>&1", out);
		double t2 = run_timed(cmd);
		if (t1 < 0 || t2 < 0) {
			fprintf(stderr, "replay_bench: sysdig failed (is it installed?)\n");
			return 1;
		}
		sys_filter = t1 < sys_filter ? t1 : sys_filter;
		sys_print = t2 < sys_print ? t2 : sys_print;
	}
	printf("input: %s x %d = %ld events (%s)\n", src, repeat, events, out);
	printf("saker decode:          %8.3f s  %12.0f events/s\n", best, (double)events / best);
	printf("sysdig, no match:      %8.3f s  %12.0f events/s  (saker %.1fx)\n", sys_filter,
	       (double)events / sys_filter, sys_filter / best);
	printf("sysdig, print to null: %8.3f s  %12.0f events/s  (saker %.1fx)\n", sys_print,
	       (double)events / sys_print, sys_print / best);
	printf("checksum %llu (best of %d runs each)\n", (unsigned long long)checksum, runs);
	unlink(out);
	return 0;
}
