/* capture_stream: real saker-capture streaming to this test acting as the
 * engine's two sockets (events PULL, control REP), decoded with the engine's
 * own stream reader (engine/event). Proves: the snapshot arrives first after
 * connecting, events follow the interest set the control link sets, a new
 * generation changes it live, capture-statistics blocks arrive, and every
 * block decodes without damage.
 *
 * Needs root and kernel BTF; exits 77 (ctest SKIP) otherwise. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scap_reader.h"
#include "capture_live.h"
#include "sk_test.h"

#define EVT_OPENAT_X 307
#define EVT_CLOSE_X  5

static char dir[64] = "/tmp/sk_stream_XXXXXX";
static char events_url[128], control_url[128];
static atomic_int generation = 1;
static atomic_bool control_stop;
static atomic_int control_requests;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The engine side of the control link: generation 1 wants openat, 2 close. */
static void *control_main(void *arg)
{
	nng_socket *rep = arg;
	while (!atomic_load(&control_stop)) {
		nng_msg *req;
		if (nng_recvmsg(*rep, &req, 0) != 0) {
			continue;
		}
		nng_msg_free(req);
		atomic_fetch_add(&control_requests, 1);
		int gen = atomic_load(&generation);
		uint16_t type = gen == 1 ? EVT_OPENAT_X : EVT_CLOSE_X;
		char head[64];
		int n = snprintf(head, sizeof(head), "SKCTL1 SET %d 1 ", gen);
		uint8_t reply[80];
		memcpy(reply, head, (size_t)n);
		memcpy(reply + n, &type, 2);
		nng_send(*rep, reply, (size_t)n + 2, 0);
	}
	return NULL;
}

struct seen {
	uint64_t threads, users, stats_blocks;
	bool self_in_snapshot;
	uint64_t opens_marked, closes, events, malformed;
	bool event_before_snapshot;
};

static sk_err on_thread(void *ctx, const sk_scap_thread *th)
{
	struct seen *s = ctx;
	s->threads++;
	if (th->tid == (uint64_t)getpid()) {
		s->self_in_snapshot = true;
	}
	return SK_OK;
}

static sk_err on_user(void *ctx, const sk_scap_user *u)
{
	struct seen *s = ctx;
	s->users++;
	return SK_OK;
}

static sk_err on_stats(void *ctx, const sk_scap_capture_stats *st)
{
	struct seen *s = ctx;
	s->stats_blocks++;
	return SK_OK;
}

/* Receives for up to secs (or, with until_snapshot, until the snapshot has
 * arrived), opening the marker file on every turn. */
static void pump(nng_socket pull, sk_scap_reader *r, struct seen *s, const char *marker, double secs,
		 bool until_snapshot)
{
	double end = now_s() + secs;
	while (now_s() < end && !(until_snapshot && s->threads > 0)) {
		int fd = open(marker, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
		}
		nng_msg *m;
		if (nng_recvmsg(pull, &m, 0) != 0) {
			continue;
		}
		if (sk_scap_reader_feed(r, nng_msg_body(m), nng_msg_len(m)) == SK_OK) {
			sk_event ev;
			while (sk_scap_reader_next(r, &ev) == SK_OK) {
				s->events++;
				if (s->threads == 0) {
					s->event_before_snapshot = true;
				}
				if (ev.type == EVT_OPENAT_X && ev.nparams > 2 && ev.param_len[2] > 0 &&
				    memmem(ev.param[2], ev.param_len[2], "sk_stream_marker", 16) != NULL) {
					s->opens_marked++;
				}
				if (ev.type == EVT_CLOSE_X) {
					s->closes++;
				}
			}
		}
		nng_msg_free(m);
	}
	sk_scap_stats st;
	sk_scap_reader_stats(r, &st);
	s->malformed = st.malformed;
}

static pid_t capture_pid = -1;

SK_TEST(stream_follows_the_control_link)
{
	nng_socket pull, rep;
	SK_CHECK(nng_pull0_open(&pull) == 0 && nng_listen(pull, events_url, NULL, 0) == 0);
	SK_CHECK(nng_rep0_open(&rep) == 0 && nng_listen(rep, control_url, NULL, 0) == 0);
	nng_socket_set_ms(pull, NNG_OPT_RECVTIMEO, 100);
	nng_socket_set_ms(rep, NNG_OPT_RECVTIMEO, 100);
	pthread_t ctl;
	pthread_create(&ctl, NULL, control_main, &rep);

	char exe[512], marker[128];
	capture_exe(exe, sizeof(exe));
	snprintf(marker, sizeof(marker), "%s/sk_stream_marker", dir);
	close(open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	capture_pid = fork();
	if (capture_pid == 0) {
		char *argv[] = {exe, "--events", events_url, "--control", control_url, "--duration", "30", NULL};
		execv(exe, argv);
		_exit(127);
	}

	sk_scap_callbacks cb = {.on_thread = on_thread, .on_user = on_user, .on_capture_stats = on_stats};
	struct seen s1 = {0}, s2 = {0};
	sk_scap_reader *r = NULL;
	SK_CHECK_INT(sk_scap_reader_open_stream(&cb, &s1, &r), SK_OK);
	pump(pull, r, &s1, marker, 20.0, true); /* loading takes a moment under ASan */
	pump(pull, r, &s1, marker, 4.0, false);
	sk_scap_reader_close(r);
	SK_CHECK(s1.threads > 10);
	SK_CHECK(s1.self_in_snapshot);
	SK_CHECK(s1.users > 0);
	SK_CHECK(!s1.event_before_snapshot);
	SK_CHECK(s1.opens_marked > 10);
	SK_CHECK_INT(s1.closes, 0); /* generation 1 does not want close */
	SK_CHECK(s1.stats_blocks >= 2);
	SK_CHECK_INT(s1.malformed, 0);

	/* a rules reload: generation 2 wants close and no longer openat */
	atomic_store(&generation, 2);
	r = NULL;
	struct seen drain = {0};
	SK_CHECK_INT(sk_scap_reader_open_stream(&cb, &drain, &r), SK_OK);
	pump(pull, r, &drain, marker, 1.5, false); /* the switch happens within 500 ms */
	sk_scap_reader_close(r);
	r = NULL;
	SK_CHECK_INT(sk_scap_reader_open_stream(&cb, &s2, &r), SK_OK);
	pump(pull, r, &s2, marker, 2.0, false);
	sk_scap_reader_close(r);
	SK_CHECK(s2.closes > 10);
	SK_CHECK_INT(s2.opens_marked, 0);
	SK_CHECK_INT(s2.malformed, 0);
	SK_CHECK(atomic_load(&control_requests) >= 4);

	kill(capture_pid, SIGINT);
	int status = -1;
	for (int i = 0; i < 250 && waitpid(capture_pid, &status, WNOHANG) == 0; i++) {
		usleep(20000);
	}
	SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	capture_pid = -1;
	atomic_store(&control_stop, true);
	pthread_join(ctl, NULL);
	nng_close(pull);
	nng_close(rep);
}

int main(void)
{
	int pre = capture_setup("capture_stream", dir);
	if (pre != 0) {
		return pre;
	}
	snprintf(events_url, sizeof(events_url), "ipc://%s/events.sock", dir);
	snprintf(control_url, sizeof(control_url), "ipc://%s/control.sock", dir);
	int rc = sk_test_run();
	if (capture_pid > 0) {
		kill(capture_pid, SIGKILL);
		waitpid(capture_pid, NULL, 0);
	}
	sk_live_remove_dir(dir);
	return rc;
}
