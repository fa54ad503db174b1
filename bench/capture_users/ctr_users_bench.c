/* ctr_users_bench: the user-space cost saker-capture adds to an exec event
 * for containers' users (capture/main.c add_container_users: decode the
 * re-encoded event, find the container id, look it up, read the files the
 * first time), against the re-encoding (sc_reencode) that every exec event
 * already gets, measured in the same run, interleaved.
 *
 *   build/bench/ctr_users_bench [ITERATIONS]   (default 200000)
 *
 * Cases: a host process (no container in its cgroups), a process of a
 * container whose users were sent (the common case: the first of few
 * containers, and the last of 4 096, the most the tracker holds), a uid the
 * container's files do not name (OpenShift-style random uids: each exec
 * with it checks whether the files changed, at most once a second; the
 * bench's rounds see the cached answer), and the first exec of a container (its passwd, 30 lines, and group, 50 lines,
 * read through a directory standing in for /proc/<pid>/root; the tracker
 * is reset each time). Prints ns per exec and the ratio to the
 * re-encoding. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_shared.h"
#include "ctr_users.h"
#include "event.h"
#include "event_table.h"
#include "sc_table.h"

#define ID "5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5a4e1c0de5"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A raw kernel exec record: 8-byte zeros up to the cgroups, which hold a
 * pod's unified cgroup names leaf first (or the host's), then an
 * environment of 1 KiB. */
static size_t make_exec(uint8_t *buf, const char *cgroups, size_t cg_len)
{
	static uint64_t zero;
	static char env[1024];
	memset(env, 'e', sizeof(env) - 1);
	uint32_t n = SC_PARAM_CGROUPS + 2;
	uint64_t ts = 42, tid = 7;
	memcpy(buf, &ts, 8);
	memcpy(buf + 8, &tid, 8);
	uint16_t type = SKC_EVT_EXECVE_19_X;
	memcpy(buf + 20, &type, 2);
	memcpy(buf + 22, &n, 4);
	size_t pos = SKC_HDR_LEN + 2 * n;
	for (uint32_t i = 0; i < n; i++) {
		const void *p = i == SC_PARAM_CGROUPS ? (const void *)cgroups : i == n - 1 ? (const void *)env : &zero;
		uint16_t len = i == SC_PARAM_CGROUPS ? (uint16_t)cg_len : i == n - 1 ? (uint16_t)sizeof(env) : 8;
		memcpy(buf + SKC_HDR_LEN + 2 * i, &len, 2);
		memcpy(buf + pos, p, len);
		pos += len;
	}
	uint32_t total = (uint32_t)pos;
	memcpy(buf + 16, &total, 4);
	return pos;
}

/* One exec through the re-encoder alone (baseline) or through it and the
 * containers' users step; returns the events the step added. */
static uint32_t one_exec(const uint8_t *raw, size_t len, sk_strbuf *out, struct ctr_users *cu, bool reset,
			 uint64_t pid, uint32_t uid, sk_strbuf *users)
{
	sk_strbuf_reset(out);
	if (sc_reencode(raw, len, out) != SK_OK) {
		fprintf(stderr, "re-encoding failed\n");
		exit(1);
	}
	if (cu == NULL) {
		return 0;
	}
	sk_event ev;
	uint32_t added = 0;
	if (sk_event_decode((const uint8_t *)out->data, out->len, &ev) != SK_OK) {
		fprintf(stderr, "decoding failed\n");
		exit(1);
	}
	if (reset) {
		ctr_users_reset(cu);
	}
	sk_strbuf_reset(users);
	ctr_users_note(cu, pid, 1, (const char *)ev.param[SC_PARAM_CGROUPS], ev.param_len[SC_PARAM_CGROUPS], uid,
		       ev.ts - 1, now_ns(), 0, users, &added);
	return added;
}

/* Writes text to path, or exits. */
static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	if (iters <= 0) {
		fprintf(stderr, "usage: %s [ITERATIONS]\n", argv[0]);
		return 2;
	}
	char dir[] = "/tmp/sk_cubench_XXXXXX", path[256];
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	const char *const subdirs[] = {"proc", "proc/4242", "proc/4242/root", "proc/4242/root/etc"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		mkdir(path, 0755);
	}
	snprintf(path, sizeof(path), "%s/proc/4242/cgroup", dir);
	write_text(path, "0::/kubepods.slice/kubepods-burstable.slice/docker-" ID ".scope\n");
	static char passwd[30 * 64], group[50 * 64];
	size_t plen = 0, glen = 0;
	for (int i = 0; i < 30; i++) {
		plen += (size_t)snprintf(passwd + plen, sizeof(passwd) - plen, "user%d:x:%d:%d:User:/home/u:/bin/sh\n", i,
					 i, i);
	}
	for (int i = 0; i < 50; i++) {
		glen += (size_t)snprintf(group + glen, sizeof(group) - glen, "group%d:x:%d:user%d\n", i, i, i);
	}
	snprintf(path, sizeof(path), "%s/proc/4242/root/etc/passwd", dir);
	write_text(path, passwd);
	snprintf(path, sizeof(path), "%s/proc/4242/root/etc/group", dir);
	write_text(path, group);

	static const char pod_cg[] = "docker-" ID ".scope\0kubepods-burstable.slice\0kubepods.slice\0";
	static const char host_cg[] = "session-3.scope\0user-1000.slice\0user.slice\0";
	static uint8_t raw_pod[4096], raw_host[4096];
	size_t pod_len = make_exec(raw_pod, pod_cg, sizeof(pod_cg));
	size_t host_len = make_exec(raw_host, host_cg, sizeof(host_cg));
	snprintf(path, sizeof(path), "%s/proc", dir);
	struct ctr_users *cu = NULL;
	if (ctr_users_new(path, 4096, &cu) != SK_OK) {
		return 1;
	}
	sk_strbuf out = SK_STRBUF_INIT, users = SK_STRBUF_INIT;
	if (one_exec(raw_pod, pod_len, &out, cu, true, 4242, 0, &users) != 80) {
		fprintf(stderr, "the container's 30 users and 50 groups were not read\n");
		return 1;
	}
	/* A second tracker full of containers: pids 10000.. each in one of its
	 * own (their roots lead to pid 4242's files), the exec's the last. */
	struct ctr_users *full = NULL;
	if (ctr_users_new(path, 4096, &full) != SK_OK) {
		return 1;
	}
	static uint8_t raw_last[4096];
	size_t last_len = 0;
	for (int i = 0; i < 4096; i++) {
		char id[65], cg[128], file[300], link[300];
		snprintf(id, sizeof(id), "%012x%052d", i + 1, 0);
		snprintf(file, sizeof(file), "%s/proc/%d", dir, 10000 + i);
		mkdir(file, 0755);
		snprintf(link, sizeof(link), "%s/proc/%d/root", dir, 10000 + i);
		snprintf(file, sizeof(file), "%s/proc/4242/root", dir);
		if (symlink(file, link) != 0) {
			perror(link);
			return 1;
		}
		snprintf(cg, sizeof(cg), "0::/kubepods.slice/docker-%s.scope\n", id);
		snprintf(file, sizeof(file), "%s/proc/%d/cgroup", dir, 10000 + i);
		write_text(file, cg);
		int n = snprintf(cg, sizeof(cg), "docker-%s.scope%ckubepods.slice%c", id, 0, 0);
		last_len = make_exec(raw_last, cg, (size_t)n + 1);
		if (one_exec(raw_last, last_len, &out, full, false, (uint64_t)(10000 + i), 0, &users) != 80) {
			fprintf(stderr, "container %d's users were not read\n", i);
			return 1;
		}
	}
	/* Rounds interleave the cases so drift on a noisy machine hits all. */
	enum { BASE, HOST, KNOWN, LAST, UNNAMED, FIRST, NCASES };
	static const char *const names[NCASES] = {
		"re-encoding alone (baseline)",	    "+ users step, host process",
		"+ users step, container already sent", "+ users step, the last of 4096 sent",
		"+ users step, a uid its files lack",   "+ users step, first exec of a container"};
	double best[NCASES] = {1e30, 1e30, 1e30, 1e30, 1e30, 1e30};
	long per_round = iters / 10 > 0 ? iters / 10 : 1;
	for (int round = 0; round < 10; round++) {
		for (int c = 0; c < NCASES; c++) {
			long n = c == FIRST ? (per_round / 20 > 0 ? per_round / 20 : 1) : per_round;
			uint64_t t0 = now_ns();
			for (long i = 0; i < n; i++) {
				if (c == LAST) {
					one_exec(raw_last, last_len, &out, full, false, 10000 + 4095, 0, &users);
					continue;
				}
				bool pod = c == KNOWN || c == UNNAMED || c == FIRST;
				one_exec(pod ? raw_pod : raw_host, pod ? pod_len : host_len, &out, c == BASE ? NULL : cu,
					 c == FIRST, 4242, c == UNNAMED ? 4242 : 0, &users);
			}
			double ns = (double)(now_ns() - t0) / (double)n;
			best[c] = ns < best[c] ? ns : best[c];
		}
	}
	printf("ctr_users_bench: %ld iterations, best of 10 interleaved rounds, ns per exec event\n", iters);
	for (int c = 0; c < NCASES; c++) {
		printf("  %-42s %9.0f ns  x%.2f\n", names[c], best[c], best[c] / best[BASE]);
	}
	ctr_users_free(cu);
	ctr_users_free(full);
	sk_strbuf_free(&out);
	sk_strbuf_free(&users);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
