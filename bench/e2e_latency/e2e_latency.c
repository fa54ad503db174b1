/* e2e_latency: syscall -> alert latency at saker-engine's output, live.
 *
 * Starts saker-engine (tests/e2e/e2e_rules.yaml) and saker-capture, listens
 * itself on the engine's nng_output (the link saker-sidekick reads), then
 * opens a file EVENTS times (default 200, 20 ms apart). Each open is one
 * "E2E open" alert; latency = time the alert arrives here - the event's
 * kernel timestamp (the alert's "time"). A second run goes the production
 * way, engine -> nng -> saker-sidekick -> webhook -> this program's HTTP
 * receiver. Prints p50/p90/p99/max of both, the sidekick's share as a
 * ratio, and the engine-output p99 against the 5 ms target.
 *
 *   sudo SAKER_BUILD_DIR=build build/bench/e2e_latency_bench [EVENTS [GAP_MS [CAPTURE_ARGS]]]
 *   (from the repo root)
 *
 * GAP_MS (default 20) is the pause between opens: past 50 ms of silence
 * saker-capture stops polling and is woken by the kernel at the next event,
 * so e.g. 100 measures that path. CAPTURE_ARGS (one string) are extra
 * saker-capture options, e.g. "--poll-us 0". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <json-c/json.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e_stack.h"
#include "sk_http_recv.h"

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

/* One received alert: when its event happened (the alert's "time") and
 * when it arrived here, both ms since the epoch; t_event < 0 when it is
 * another rule's alert or has no parsable time. */
typedef struct sample {
	double t_event, t_rx;
} sample;

static sample sample_of(const char *buf, size_t len, double t_rx)
{
	json_tokener *tok = json_tokener_new();
	json_object *alert = tok != NULL ? json_tokener_parse_ex(tok, buf, (int)len) : NULL;
	json_object *rule = NULL, *when = NULL;
	sample out = {.t_event = -1, .t_rx = t_rx};
	double t_event = 0;

	if (alert != NULL && json_object_object_get_ex(alert, "rule", &rule) &&
	    strcmp(json_object_get_string(rule), "E2E open") == 0 && json_object_object_get_ex(alert, "time", &when) &&
	    parse_time_ms(json_object_get_string(when), &t_event)) {
		out.t_event = t_event;
	}
	json_object_put(alert);
	if (tok != NULL) {
		json_tokener_free(tok);
	}
	return out;
}

/* Where alerts arrive: next() gives the next alert; false after
 * timeout_ms without one. */
typedef struct source {
	bool (*next)(void *ctx, int timeout_ms, sample *out);
	void *ctx;
} source;

/* The engine's nng output: a message holds one alert or several, one per
 * line (docs/protocol.md, alert link v2); the rest of a message is kept
 * for the next calls. */
typedef struct nng_src {
	nng_socket sock;
	char *buf;
	size_t len, off;
	double t_rx;
} nng_src;

static bool nng_next(void *ctx, int timeout_ms, sample *out)
{
	nng_src *n = ctx;

	if (n->buf != NULL && n->off >= n->len) {
		nng_free(n->buf, n->len);
		n->buf = NULL;
	}
	if (n->buf == NULL) {
		nng_socket_set_ms(n->sock, NNG_OPT_RECVTIMEO, timeout_ms);
		if (nng_recv(n->sock, &n->buf, &n->len, NNG_FLAG_ALLOC) != 0) {
			n->buf = NULL;
			return false;
		}
		n->off = 0;
		n->t_rx = now_realtime_ms();
	}
	const char *line = n->buf + n->off;
	const char *nl = memchr(line, '\n', n->len - n->off);
	size_t line_len = nl != NULL ? (size_t)(nl - line) : n->len - n->off;
	*out = sample_of(line, line_len, n->t_rx);
	n->off += line_len + 1;
	return true;
}

/* The webhook receiver: latencies queue up as requests complete. */
#define HTTP_QUEUE 1024
typedef struct http_rx {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sample q[HTTP_QUEUE];
	unsigned head, tail;
} http_rx;

/* Each request's body is one alert (the webhook output posts them one by
 * one); queued with its arrival time. */
static void http_on_request(void *ctx, const sk_http_req *req, sk_http_reply *reply)
{
	http_rx *rx = ctx;
	sample got = sample_of(req->body, req->body_len, now_realtime_ms());

	pthread_mutex_lock(&rx->mu);
	if (rx->tail - rx->head < HTTP_QUEUE) {
		rx->q[rx->tail++ % HTTP_QUEUE] = got;
		pthread_cond_signal(&rx->cv);
	}
	pthread_mutex_unlock(&rx->mu);
}

static bool http_next(void *ctx, int timeout_ms, sample *out)
{
	http_rx *rx = ctx;
	struct timespec deadline;
	bool got = false;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&rx->mu);
	while (rx->head == rx->tail && pthread_cond_timedwait(&rx->cv, &rx->mu, &deadline) == 0) {
	}
	if (rx->head != rx->tail) {
		*out = rx->q[rx->head++ % HTTP_QUEUE];
		got = true;
	}
	pthread_mutex_unlock(&rx->mu);
	return got;
}

/* Drains what is queued (the canary's alerts) until 300 ms of silence. */
static void drain(const source *src)
{
	sample x;

	for (int i = 0; i < 100000 && src->next(src->ctx, 300, &x); i++) {
	}
}

/* An alert whose event is this much older than the open it is waited for
 * belongs to an earlier event (a late canary alert): skipped, so one stale
 * alert cannot shift every later pairing by an event (opens are 20 ms
 * apart). */
#define STALE_MS 5.0

/* Opens the target `events` times, gap_ms apart; collects each latency. */
static int measure(const source *src, const char *path, int events, int gap_ms, double *lat, int *stale)
{
	int got = 0;

	*stale = 0;
	for (int i = 0; i < events; i++) {
		double ms = -1;
		double t_open = now_realtime_ms();
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
		}
		for (int tries = 0; tries < 50 && ms < 0; tries++) {
			sample x;
			if (!src->next(src->ctx, 2000, &x)) {
				break;
			}
			if (x.t_event >= 0 && x.t_event < t_open - STALE_MS) {
				(*stale)++;
			} else if (x.t_event >= 0) {
				ms = x.t_rx - x.t_event;
			}
		}
		if (ms >= 0) {
			lat[got++] = ms;
		}
		usleep((useconds_t)gap_ms * 1000u);
	}
	return got;
}

/* One run through a fresh stack; prints the percentiles; p99 in *p99. */
static bool run_once(const char *what, const e2e_opts *o, const source *src, const char *target, int events,
		     int gap_ms, double *p99)
{
	static double lat[MAX_EVENTS];
	e2e_stack s = {.dir = ""};
	int got, stale;

	if (e2e_stack_start(&s, o) != SK_OK) {
		return false;
	}
	drain(src);
	got = measure(src, target, events, gap_ms, lat, &stale);
	e2e_stack_free(&s, false);
	if (got < events * 9 / 10) {
		fprintf(stderr, "e2e_latency: %s: only %d of %d alerts arrived\n", what, got, events);
		return false;
	}
	qsort(lat, (size_t)got, sizeof(lat[0]), by_value);
	*p99 = lat[got * 99 / 100];
	printf("syscall -> alert at %s, %d events %d ms apart: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms "
	       "(%d stale alerts skipped)\n",
	       what, got, gap_ms, lat[got / 2], lat[got * 9 / 10], *p99, lat[got - 1], stale);
	return true;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/sk_e2e_tools_lat_XXXXXX", url[128], target[128], canary[512], webhook[64], cmd[160];
	int events = argc > 1 ? atoi(argv[1]) : 200, gap_ms = argc > 2 ? atoi(argv[2]) : 20, ret = 1;
	const char *why = NULL;
	nng_src from_engine = {.sock = NNG_SOCKET_INITIALIZER};
	sk_http_recv *httpd = NULL;
	http_rx rx = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	sk_http_recv_opts httpd_opts = {.handle = http_on_request, .ctx = &rx};
	double p99_engine = 0, p99_sidekick = 0;

	if (events <= 0 || events > MAX_EVENTS || gap_ms < 1 || gap_ms > 10000) {
		fprintf(stderr, "e2e_latency: EVENTS must be 1..%d, GAP_MS 1..10000\n", MAX_EVENTS);
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
	if (nng_pull0_open(&from_engine.sock) != 0 || nng_listen(from_engine.sock, url, NULL, 0) != 0 ||
	    sk_http_recv_start(&httpd_opts, &httpd) != SK_OK ||
	    sk_http_recv_url(httpd, "/", webhook, sizeof(webhook)) != SK_OK) {
		fprintf(stderr, "e2e_latency: cannot listen on %s or on loopback HTTP\n", url);
		goto cleanup;
	}
	/* This program's name starts with e2e_ too: its opens match "E2E open". */
	e2e_opts direct = {.rules = {"tests/e2e/e2e_rules.yaml"},
			   .canary_cmd = canary,
			   .canary_rule = "E2E open",
			   .nng_output = url,
			   .capture_extra = argc > 3 ? argv[3] : NULL};
	e2e_opts via_sidekick = direct;
	via_sidekick.nng_output = NULL;
	via_sidekick.webhook = webhook;
	source from_nng = {nng_next, &from_engine}, from_http = {http_next, &rx};
	if (!run_once("saker-engine's nng output", &direct, &from_nng, target, events, gap_ms, &p99_engine) ||
	    !run_once("saker-sidekick's webhook output", &via_sidekick, &from_http, target, events, gap_ms,
		      &p99_sidekick)) {
		goto cleanup;
	}
	printf("p99 sidekick / engine = %.2f; engine p99 / target (%.0f ms) = %.2f\n",
	       p99_engine > 0 ? p99_sidekick / p99_engine : 0.0, TARGET_P99_MS, p99_engine / TARGET_P99_MS);
	ret = 0;
cleanup:
	sk_http_recv_stop(httpd);
	if (from_engine.buf != NULL) {
		nng_free(from_engine.buf, from_engine.len);
	}
	nng_close(from_engine.sock);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ret |= system(cmd) != 0;
	return ret;
}
