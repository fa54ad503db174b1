/* e2e_latency: syscall -> alert latency at saker-engine's output, live.
 *
 * Starts saker-engine (tests/e2e/e2e_rules.yaml) and saker-capture, listens
 * itself on the engine's nng_output (the link saker-sidekick reads), then
 * opens a file EVENTS times (default 200, 20 ms apart). Each open is one
 * "E2E open" alert; latency = time the alert arrives here - the event's
 * kernel timestamp (the alert's "time"). Prints p50/p90/p99/max and the
 * p99 against the 5 ms target.
 *
 *   sudo SAKER_BUILD_DIR=build build/bench/e2e_latency_bench [EVENTS]   (from the repo root) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <json-c/json.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e_stack.h"

#define TARGET_P99_MS 5.0
#define MAX_EVENTS 10000

static double now_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* "2026-11-30T00:03:13.617346895Z" -> ms since the epoch; false if malformed. */
static bool parse_time_ms(const char *iso, double *out)
{
	struct tm tm;
	const char *rest;
	char *end = NULL;

	memset(&tm, 0, sizeof(tm));
	rest = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	if (rest == NULL || *rest != '.') {
		return false;
	}
	long long ns = strtoll(rest + 1, &end, 10);
	if (end == NULL || *end != 'Z') {
		return false;
	}
	*out = (double)timegm(&tm) * 1e3 + (double)ns / 1e6;
	return true;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Receives one alert (up to timeout_ms); its latency in *ms when it is an
 * "E2E open" alert, else *ms < 0. False on timeout. */
static bool receive_one(nng_socket sock, double *ms)
{
	char *buf = NULL;
	size_t len = 0;
	double t_event = 0;

	*ms = -1;
	if (nng_recv(sock, &buf, &len, NNG_FLAG_ALLOC) != 0) {
		return false;
	}
	double t_rx = now_realtime_ms();
	json_tokener *tok = json_tokener_new();
	json_object *alert = tok != NULL ? json_tokener_parse_ex(tok, buf, (int)len) : NULL;
	json_object *rule = NULL, *when = NULL;
	if (alert != NULL && json_object_object_get_ex(alert, "rule", &rule) &&
	    strcmp(json_object_get_string(rule), "E2E open") == 0 && json_object_object_get_ex(alert, "time", &when) &&
	    parse_time_ms(json_object_get_string(when), &t_event)) {
		*ms = t_rx - t_event;
	}
	json_object_put(alert);
	if (tok != NULL) {
		json_tokener_free(tok);
	}
	nng_free(buf, len);
	return true;
}

/* Drains what is queued (the canary's alerts) until 300 ms of silence. */
static void drain(nng_socket sock)
{
	double ms;

	nng_socket_set_ms(sock, NNG_OPT_RECVTIMEO, 300);
	for (int i = 0; i < 100000 && receive_one(sock, &ms); i++) {
	}
	nng_socket_set_ms(sock, NNG_OPT_RECVTIMEO, 2000);
}

/* Opens the target `events` times, 20 ms apart; collects each latency. */
static int measure(nng_socket sock, const char *path, int events, double *lat)
{
	int got = 0;

	for (int i = 0; i < events; i++) {
		double ms = -1;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
		}
		for (int tries = 0; tries < 10 && ms < 0; tries++) {
			if (!receive_one(sock, &ms)) {
				break;
			}
		}
		if (ms >= 0) {
			lat[got++] = ms;
		}
		usleep(20000);
	}
	return got;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/sk_e2e_tools_lat_XXXXXX", url[128], target[128], canary[512];
	static double lat[MAX_EVENTS];
	int events = argc > 1 ? atoi(argv[1]) : 200, got = 0, ret = 1;
	char cmd[160];
	const char *why = NULL;
	nng_socket sock = NNG_SOCKET_INITIALIZER;
	e2e_stack s = {.dir = ""};

	if (events <= 0 || events > MAX_EVENTS) {
		fprintf(stderr, "e2e_latency: EVENTS must be 1..%d\n", MAX_EVENTS);
		return 2;
	}
	if (!e2e_can_run(&why)) {
		fprintf(stderr, "e2e_latency: %s\n", why);
		return 77;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(url, sizeof(url), "ipc://%s/alerts.sock", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(canary, sizeof(canary), "ln -sf /bin/cat '%1$s/e2e_cat' && touch '%2$s' && '%1$s/e2e_cat' '%2$s'", dir,
		 target);
	if (nng_pull0_open(&sock) != 0 || nng_listen(sock, url, NULL, 0) != 0) {
		fprintf(stderr, "e2e_latency: cannot listen on %s\n", url);
		goto cleanup;
	}
	/* This program's name starts with e2e_ too: its opens match "E2E open". */
	e2e_opts o = {.rules = {"tests/e2e/e2e_rules.yaml"},
		      .canary_cmd = canary,
		      .canary_rule = "E2E open",
		      .nng_output = url};
	if (e2e_stack_start(&s, &o) != SK_OK) {
		goto cleanup;
	}
	drain(sock);
	got = measure(sock, target, events, lat);
	e2e_stack_free(&s, false);
	if (got < events * 9 / 10) {
		fprintf(stderr, "e2e_latency: only %d of %d alerts arrived\n", got, events);
		goto cleanup;
	}
	qsort(lat, (size_t)got, sizeof(lat[0]), by_value);
	double p50 = lat[got / 2], p90 = lat[got * 9 / 10], p99 = lat[got * 99 / 100], max = lat[got - 1];
	printf("syscall -> alert at saker-engine's nng output, %d events: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, "
	       "max %.3f ms\n",
	       got, p50, p90, p99, max);
	printf("p99 / target (%.0f ms) = %.2f\n", TARGET_P99_MS, p99 / TARGET_P99_MS);
	ret = 0;
cleanup:
	if (s.dir[0] != '\0') {
		e2e_stack_free(&s, true);
	}
	nng_close(sock);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ret |= system(cmd) != 0;
	return ret;
}
