/* sensor_test: the sensor's wakeup contract, on the real eBPF programs.
 *
 * sensor_wait() must never sleep through an event: whether the event lands
 * before the reader arms the kernel's wakeup, while it drains the rings, or
 * after it blocks, the wait returns with it. A helper process (the sensor
 * filters its own process) makes one unlinkat per round after a varying
 * delay, so all three orders occur; each round waits with a 5 s limit, and a
 * wait that times out without the event is a lost wakeup. A wait on idle
 * rings with a short limit returns by its timeout with nothing. A burst
 * from one CPU larger than a small lane ends in the CPU's ring, nothing
 * lost; bursts read in between take the lane round several times, events
 * crossing its end intact. With --no-lanes the wakeup checks run on rings alone.
 *
 * Needs root and kernel BTF; exits 77 (ctest SKIP) otherwise. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture_live.h"
#include "sc_table.h"
#include "sensor.h"
#include "sk_test.h"

#define ROUNDS  200
#define WAIT_MS 5000

static struct sensor *sensor;
static pid_t helper = -1;
static int to_helper = -1;
static const struct sc_entry *unlinkat_row;
static volatile int seen; /* helper's unlinkat exits delivered */

/* Counts the helper's unlinkat exits (scap header: u64 ts, u64 tid, u32
 * len, u16 type). */
static void on_event(void *ctx, uint16_t cpu, const uint8_t *ev, size_t len)
{
	(void)ctx;
	(void)cpu;
	uint64_t tid;
	uint16_t type;
	if (len < SKC_HDR_LEN) {
		return;
	}
	memcpy(&tid, ev + 8, sizeof(tid));
	memcpy(&type, ev + 20, sizeof(type));
	if (type == unlinkat_row->evt_type && tid == (uint64_t)helper) {
		seen++;
	}
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The helper: for each byte read, spin the given number of microseconds,
 * then make a failing unlinkat (an exit event all the same). */
static void helper_main(int from_parent)
{
	unsigned char delay_us;
	while (read(from_parent, &delay_us, 1) == 1) {
		double until = now_ms() + delay_us / 1000.0;
		while (now_ms() < until) {
		}
		unlinkat(AT_FDCWD, "/nonexistent/sk_sensor_test", 0);
	}
	_exit(0);
}

#define BURST      2000
#define BURST_PATH "/nonexistent/sk_sensor_test_burst"
static pid_t burster = -1;
static int burst_seen;
static uint64_t burst_last_ts;
static int burst_backwards; /* events older than the one delivered before */
static int burst_damaged;   /* events whose path is not BURST_PATH */

/* Counts the burst child's unlinkat exits, checks they come in order (lane
 * first, then the ring it overflowed into) and whole: the path parameter
 * (res, dirfd, path, flags) is intact, also for events that crossed the
 * end of the lane. */
static void on_burst_event(void *ctx, uint16_t cpu, const uint8_t *ev, size_t len)
{
	(void)ctx;
	(void)cpu;
	uint64_t ts, tid;
	uint16_t type, path_len;
	if (len < SKC_HDR_LEN + 8) {
		return;
	}
	memcpy(&ts, ev, sizeof(ts));
	memcpy(&tid, ev + 8, sizeof(tid));
	memcpy(&type, ev + 20, sizeof(type));
	if (type != unlinkat_row->evt_type || tid != (uint64_t)burster) {
		return;
	}
	burst_seen++;
	burst_backwards += ts < burst_last_ts;
	burst_last_ts = ts;
	memcpy(&path_len, ev + SKC_HDR_LEN + 4, sizeof(path_len));
	size_t path_at = SKC_HDR_LEN + 2 * 4 + 8 + 8;
	burst_damaged += path_len != sizeof(BURST_PATH) || path_at + path_len > len ||
			 memcmp(ev + path_at, BURST_PATH, sizeof(BURST_PATH)) != 0;
}

/* Waits until the helper's event number `want` has been delivered. */
static int wait_for(int want)
{
	double deadline = now_ms() + WAIT_MS;
	for (int polls = 0; polls < 10000 && seen < want; polls++) {
		double left = deadline - now_ms();
		int n = 0;
		if (left <= 0 || sensor_wait(sensor, (int)left + 1, &n) != SK_OK) {
			return -1;
		}
	}
	return seen >= want ? 0 : -1;
}

SK_TEST(every_event_ends_a_wait)
{
	int lost = 0;
	for (int i = 0; i < ROUNDS && lost == 0; i++) {
		/* 0 us: the event races the arming; up to ~250 us: it lands
		 * while the reader drains or after it blocks */
		unsigned char delay_us = (unsigned char)((i * 37) % 251);
		SK_CHECK(write(to_helper, &delay_us, 1) == 1);
		if (wait_for(i + 1) != 0) {
			fprintf(stderr, "round %d (helper delay %u us): no wakeup within %d ms\n", i, delay_us,
				WAIT_MS);
			lost++;
		}
	}
	SK_CHECK(lost == 0);
	SK_CHECK(seen == ROUNDS);
}

SK_TEST(idle_wait_ends_by_its_timeout)
{
	int n = -1;
	int before = seen;
	double t0 = now_ms();
	SK_CHECK(sensor_wait(sensor, 50, &n) == SK_OK);
	/* other processes may unlink meanwhile; the helper did not */
	SK_CHECK(seen == before);
	SK_CHECK(now_ms() - t0 < WAIT_MS);
}

/* A sensor with 64 KiB lanes capturing unlinkat, or NULL. */
static struct sensor *small_sensor(void)
{
	struct sensor_opts so = {.ring_bytes = 1u << 20, .lane_bytes = SKC_LANE_MIN};
	struct sensor *small = NULL;
	char why[256] = "";
	bool want[SKC_MAX_SYSCALLS] = {false};
	want[unlinkat_row->nr] = true;
	if (sensor_open(&so, on_burst_event, NULL, &small, why, sizeof(why)) != SK_OK ||
	    sensor_set_interest(small, want, false) != SK_OK) {
		fprintf(stderr, "cannot open a second sensor: %s\n", why);
		sensor_close(small);
		return NULL;
	}
	return small;
}

/* count failing unlinkat calls from a child on CPU 0 (one lane), then
 * everything drained. */
static void burst(struct sensor *small, int count)
{
	burster = fork();
	if (burster == 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		sched_setaffinity(0, sizeof(one), &one);
		for (int i = 0; i < count; i++) {
			unlinkat(AT_FDCWD, BURST_PATH, 0);
		}
		_exit(0);
	}
	SK_CHECK(burster > 0);
	waitpid(burster, NULL, 0);
	int n = 1;
	for (int polls = 0; polls < 100 && n > 0; polls++) {
		SK_CHECK(sensor_poll(small, &n) == SK_OK);
	}
}

/* Runs rounds bursts of each exits into a fresh small sensor, reading
 * after each, and checks every event arrived once, in order, whole, none
 * dropped. *from_rings: how many came from the ring. */
static void run_bursts(const char *what, int rounds, int each, uint64_t *from_rings)
{
	*from_rings = 0;
	struct sensor *small = small_sensor();
	SK_CHECK(small != NULL);
	if (small == NULL) {
		return;
	}
	burst_seen = burst_backwards = burst_damaged = 0;
	burst_last_ts = 0;
	for (int i = 0; i < rounds; i++) {
		burst(small, each);
	}
	struct skc_counters per_cpu[64];
	uint32_t ncpus = 0;
	uint64_t dropped = 0, from_lanes, bad;
	SK_CHECK(sensor_counters(small, per_cpu, 64, &ncpus) == SK_OK);
	for (uint32_t i = 0; i < ncpus; i++) {
		dropped += per_cpu[i].drops_full + per_cpu[i].drops_oversize;
	}
	sensor_sources(small, &from_lanes, from_rings, &bad);
	fprintf(stderr, "%s: %d of %d delivered, %llu from lanes, %llu from rings, %d damaged, %llu dropped\n", what,
		burst_seen, rounds * each, (unsigned long long)from_lanes, (unsigned long long)*from_rings,
		burst_damaged, (unsigned long long)dropped);
	SK_CHECK(burst_seen == rounds * each);
	SK_CHECK(burst_backwards == 0);
	SK_CHECK(burst_damaged == 0);
	SK_CHECK(dropped == 0);
	SK_CHECK(bad == 0);
	SK_CHECK(from_lanes > 0);
	sensor_close(small);
}

SK_TEST(a_full_lane_overflows_into_the_ring)
{
	/* BURST exits of some 80 bytes against a 64 KiB lane, nothing read meanwhile */
	uint64_t from_rings;
	run_bursts("burst", 1, BURST, &from_rings);
	SK_CHECK(from_rings > 0);
}

/* Bursts that fit, read in between: the lane goes round several times and
 * events crossing its end (written on into the slack) arrive whole. */
SK_TEST(events_crossing_the_lane_end_arrive_whole)
{
	uint64_t from_rings;
	run_bursts("wrap", 9, 300, &from_rings); /* 2700 exits, some 250 KiB: four times round */
	SK_CHECK(from_rings == 0);
}

int main(int argc, char **argv)
{
	char why[256] = "";
	int pre = capture_preflight("sensor_test");
	if (pre != 0) {
		return pre;
	}
	unlinkat_row = sc_by_name("unlinkat");
	if (unlinkat_row == NULL) {
		fprintf(stderr, "sensor_test: unlinkat is not in the syscall table\n");
		return 1;
	}
	int fds[2];
	if (pipe(fds) != 0) {
		perror("pipe");
		return 1;
	}
	helper = fork();
	if (helper == 0) {
		close(fds[1]);
		helper_main(fds[0]);
	}
	close(fds[0]);
	to_helper = fds[1];
	struct sensor_opts so = {.ring_bytes = 1u << 20,
				 .no_lanes = argc > 1 && strcmp(argv[1], "--no-lanes") == 0};
	if (helper < 0 || sensor_open(&so, on_event, NULL, &sensor, why, sizeof(why)) != SK_OK) {
		fprintf(stderr, "sensor_test: cannot start: %s\n", why[0] ? why : "fork failed");
		return 1;
	}
	bool want[SKC_MAX_SYSCALLS] = {false};
	want[unlinkat_row->nr] = true;
	int rc = 1;
	if (sensor_set_interest(sensor, want, false) == SK_OK) {
		rc = sk_test_run();
	}
	close(to_helper);
	waitpid(helper, NULL, 0);
	sensor_close(sensor);
	return rc;
}
