/* saker-capture: eBPF syscall sensor streaming scap events to saker-engine.
 *
 *   saker-capture [--events URL] [--control URL] [--all] [-w FILE.scap]
 *                 [-n COUNT] [--duration SEC] [--stats] [--ring-mb N]
 *                 [--flush-us N] [--poll-us N] [--idle-max-us N] [--block-after-us N]
 *                 [--exit-tracepoints] [--probe-reads] [--drop-failed-exit]
 *                 [--buf-size-preset N] [--cpus-for-each-buffer N] [--no-lanes]
 *
 * Without -w, events go in batches over nng PUSH to the engine; the interest
 * set comes from the engine over the control link (docs/protocol.md). With
 * -w, events are recorded to a .scap file (every known syscall). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/push.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "ctr_users.h"
#include "ev_order.h"
#include "event_table.h"
#include "proc_snap.h"
#include "sc_table.h"
#include "scap_out.h"
#include "sensor.h"
#include "sk_log.h"

#define BATCH_BYTES   (256u * 1024u) /* flush a batch at this size */
#define FLUSH_US      2000u          /* or after 2 ms of steady traffic */
#define POLL_US       1000u          /* sleep between polls under traffic */
#define IDLE_MAX_US   2000u          /* longest sleep between polls when idle */
#define TIMING_MAX_US 1000000u       /* bound of the timing options */
/* After this long without events the reader stops polling and blocks until
 * the kernel wakes it at the next event. Not at once: a wakeup from the
 * kernel runs the reader at the moment the traced task is busy (an IPI to
 * the other CPU, the reader beside the workload's fork or exec), which cost
 * a fork+exec loop more here than polling did; after 50 ms of silence that
 * happens at most 20 times a second. 10 ms gave lone events a lower latency
 * (docs/performance.md); its cost to workloads pausing 10-50 ms between
 * bursts could not be measured apart from this machine's noise. */
#define BLOCK_AFTER_US 50000u
#define CONTROL_NS    500000000ull   /* control request period */
#define STATS_NS      1000000000ull
#define MAX_STAT_CPUS 1024u

struct options {
	const char *events_url;
	const char *control_url;
	const char *write_path;
	uint64_t max_events;
	double duration;
	bool all;
	bool stats;
	bool enter_events; /* also write enter events, for pre-2023 readers */
	uint32_t ring_mb;
	uint32_t cpus_per_ring; /* CPUs sharing one ring; 0: all */
	bool exit_tracepoints; /* per-syscall exit tracepoints, even with gaps */
	bool probe_reads;      /* no bpf_rdonly_cast even where the kernel has it */
	bool drop_failed_exit; /* failed syscalls make no event, whatever the engine says */
	bool no_lanes;         /* rings only (sensor_opts.no_lanes) */
	uint32_t flush_us;    /* ship a batch at least this often under traffic */
	uint32_t poll_us;     /* sleep after a poll that found events (0: poll again at once) */
	uint32_t idle_max_us; /* back-off ceiling between polls of idle rings */
	uint32_t block_after_us; /* silence after which the reader blocks until an event */
};

struct capture {
	struct options opt;
	struct sensor *sensor;
	evo_batch batch;  /* events read, shipped in time order (ev_order.h) */
	sk_strbuf outgoing; /* the blocks one flush ships */
	FILE *file;
	nng_socket push;
	bool push_open;
	atomic_bool need_snapshot; /* a new engine connection wants the snapshot */
	uint64_t written, lost_batches, lost_events, bad_events;
	uint64_t generation;
	bool default_set_applied;
	/* what snapshots read (snapshot_paths) */
	char proc_root[PATH_MAX], passwd[PATH_MAX], group[PATH_MAX];
	struct ctr_users *users; /* containers whose users were sent */
	sk_strbuf user_events;   /* scratch: the ones an exec needs */
	sk_strbuf enter_scratch; /* scratch: the enter event add_enter_event builds */
	bool users_lost;         /* a lost batch may have carried some: send all again */
	uint64_t users_reset_ns; /* when the list last started over */
};

#define MAX_CONTAINERS 4096u /* as many as the engine keeps tables for */
#define USERS_RESET_NS 1000000000ull

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: saker-capture [options]\n"
		   "  --events URL     engine events socket (default ipc:///run/saker/events.sock)\n"
		   "  --control URL    engine control socket (default ipc:///run/saker/control.sock)\n"
		   "  --all            capture every known syscall, ignore the engine's interest set\n"
		   "  -w FILE          record to a .scap file instead of streaming\n"
		   "  -n COUNT         stop after COUNT events\n"
		   "  --duration SEC   stop after SEC seconds\n"
		   "  --stats          print event rates and drops every second\n"
		   "  --enter-events   also write enter events (sysdig 0.29 and older readers need them)\n"
		   "  --ring-mb N      event buffer per CPU in MiB (power of 2, default 8): each CPU's\n"
		   "                   lane, or each ring buffer with --no-lanes\n"
		   "  --buf-size-preset N  falco.yaml's engine.modern_ebpf.buf_size_preset: buffers\n"
		   "                   of 2^(N-1) MiB, N from 1 to 10 (4 = 8 MiB, the default)\n"
		   "  --cpus-for-each-buffer N  CPUs sharing one ring buffer, as falco.yaml's\n"
		   "                   engine.modern_ebpf.cpus_for_each_buffer; 0: one ring for all (default 1);\n"
		   "                   with lanes each CPU's lane gets its share of the buffer size\n"
		   "  --no-lanes       write events to the ring buffers only, as before lanes (a locked\n"
		   "                   reservation per event; for comparison and tests)\n"
		   "  --drop-failed-exit  failed syscalls (result < 0) make no event, as falco.yaml's\n"
		   "                   engine.modern_ebpf.drop_failed_exit; without it the engine's\n"
		   "                   configuration decides (a connect in progress is kept)\n"
		   "  --flush-us N     under steady traffic, ship a batch at least every N us (default 2000)\n"
		   "  --poll-us N      under traffic, sleep N us between polls; 0 polls back to back (default 1000)\n"
		   "  --idle-max-us N  longest sleep between polls of idle rings, in us (default 2000)\n"
		   "  --block-after-us N  after N us without events stop polling; the kernel wakes the\n"
		   "                   reader at the next event (default 50000)\n"
		   "  --exit-tracepoints  per-syscall exit tracepoints even where some syscalls have none\n"
		   "                   (those are then not captured; the default falls back to one hook for all)\n"
		   "  --probe-reads    read file objects with probe reads, as on kernels before 6.2 where\n"
		   "                   this is automatic (for comparison and tests)\n"
		   "environment:\n"
		   "  HOST_ROOT=DIR    /proc snapshots read DIR/proc, DIR/etc/passwd and DIR/etc/group (each\n"
		   "                   where present): the node's, mounted under /host in a container\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{"events", required_argument, NULL, 'E'}, {"control", required_argument, NULL, 'C'},
		{"all", no_argument, NULL, 'a'},          {"duration", required_argument, NULL, 'd'},
		{"stats", no_argument, NULL, 's'},        {"ring-mb", required_argument, NULL, 'r'},
		{"enter-events", no_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'},
		{"flush-us", required_argument, NULL, 'f'}, {"idle-max-us", required_argument, NULL, 'i'},
		{"poll-us", required_argument, NULL, 'p'}, {"exit-tracepoints", no_argument, NULL, 'x'},
		{"probe-reads", no_argument, NULL, 'P'},  {"block-after-us", required_argument, NULL, 'b'},
		{"drop-failed-exit", no_argument, NULL, 'D'}, {"buf-size-preset", required_argument, NULL, 'B'},
		{"cpus-for-each-buffer", required_argument, NULL, 'c'}, {"no-lanes", no_argument, NULL, 'L'},
		{NULL, 0, NULL, 0},
	};
	o->events_url = "ipc:///run/saker/events.sock";
	o->control_url = "ipc:///run/saker/control.sock";
	o->ring_mb = 8;
	o->cpus_per_ring = 1;
	o->flush_us = FLUSH_US;
	o->idle_max_us = IDLE_MAX_US;
	o->poll_us = POLL_US;
	o->block_after_us = BLOCK_AFTER_US;
	int c;
	while ((c = getopt_long(argc, argv, "w:n:h", longs, NULL)) != -1) {
		char *end = NULL;
		switch (c) {
		case 'E':
			o->events_url = optarg;
			break;
		case 'C':
			o->control_url = optarg;
			break;
		case 'a':
			o->all = true;
			break;
		case 'w':
			o->write_path = optarg;
			break;
		case 'n':
			o->max_events = strtoull(optarg, &end, 10);
			if (*end != 0 || o->max_events == 0) {
				sk_error("-n %s: want a positive event count", optarg);
				return -1;
			}
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end != 0 || o->duration <= 0) {
				sk_error("--duration %s: want a positive number of seconds", optarg);
				return -1;
			}
			break;
		case 's':
			o->stats = true;
			break;
		case 'e':
			o->enter_events = true;
			break;
		case 'x':
			o->exit_tracepoints = true;
			break;
		case 'P':
			o->probe_reads = true;
			break;
		case 'D':
			o->drop_failed_exit = true;
			break;
		case 'L':
			o->no_lanes = true;
			break;
		case 'c': {
			unsigned long k = strtoul(optarg, &end, 10);
			if (*end != 0 || *optarg == '-' || k > 1024) {
				sk_error("--cpus-for-each-buffer %s: want 0 (one ring for all CPUs) to 1024", optarg);
				return -1;
			}
			o->cpus_per_ring = k == 0 ? UINT32_MAX : (uint32_t)k; /* Falco's 0: one ring for all */
			break;
		}
		case 'B': {
			unsigned long preset = strtoul(optarg, &end, 10);
			if (*end != 0 || *optarg == '-' || preset < 1 || preset > 10) {
				sk_error("--buf-size-preset %s: want 1 to 10 (1 MiB to 512 MiB per CPU)", optarg);
				return -1;
			}
			o->ring_mb = 1u << (preset - 1);
			break;
		}
		case 'r':
			o->ring_mb = (uint32_t)strtoul(optarg, &end, 10);
			if (*end != 0 || o->ring_mb == 0 || o->ring_mb > 1024 || (o->ring_mb & (o->ring_mb - 1)) != 0) {
				sk_error("--ring-mb %s: want a power of 2 between 1 and 1024", optarg);
				return -1;
			}
			break;
		case 'f':
		case 'i':
		case 'p':
		case 'b': {
			unsigned long us = strtoul(optarg, &end, 10);
			const char *name = c == 'f'   ? "flush-us"
					   : c == 'i' ? "idle-max-us"
					   : c == 'p' ? "poll-us"
						      : "block-after-us";
			unsigned long min = c == 'p' ? 0 : 1;
			if (*end != 0 || *optarg == '-' || us < min || us > TIMING_MAX_US) {
				sk_error("--%s %s: want microseconds between %lu and %u", name, optarg, min,
					 TIMING_MAX_US);
				return -1;
			}
			*(c == 'f'   ? &o->flush_us
			  : c == 'i' ? &o->idle_max_us
			  : c == 'p' ? &o->poll_us
				     : &o->block_after_us) = (uint32_t)us;
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		sk_error("unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	return 0;
}

/* Every known syscall and the three sched hooks. */
static void default_interest(bool want[SKC_MAX_SYSCALLS])
{
	size_t n;
	const struct sc_entry *t = sc_table(&n);
	memset(want, 0, SKC_MAX_SYSCALLS * sizeof(bool));
	for (size_t i = 0; i < n; i++) {
		want[t[i].nr] = true;
	}
}

/* Interest from the engine's event types; process events are always on
 * because the engine's state needs them. */
static void interest_from_types(const struct control_set *set, bool want[SKC_MAX_SYSCALLS])
{
	memset(want, 0, SKC_MAX_SYSCALLS * sizeof(bool));
	static const char *const always[] = {"execve", "execveat", "clone", "fork", "vfork", "clone3",
					     "sched_process_exec", "sched_process_fork", "sched_process_exit"};
	for (size_t a = 0; a < sizeof(always) / sizeof(always[0]); a++) {
		const struct sc_entry *row = sc_by_name(always[a]);
		if (row != NULL) {
			want[row->nr] = true;
		}
	}
	for (uint32_t i = 0; i < set->ntypes; i++) {
		const struct sc_entry *rows[8];
		size_t nrows;
		sc_by_event(set->types[i], rows, 8, &nrows);
		for (size_t r = 0; r < nrows; r++) {
			want[rows[r]->nr] = true;
		}
	}
}

/* Moves the blocks in data (len bytes) in front of the block that starts at
 * offset at, the last block of the batch (blocks are moved, not
 * re-encoded). False when the batch could not grow. */
static bool insert_before(struct capture *cap, size_t at, const char *data, size_t len)
{
	size_t tail = cap->batch.data.len - at;
	sk_strbuf_append(&cap->batch.data, data, len); /* grow, then rotate */
	if (sk_strbuf_failed(&cap->batch.data)) {
		return false;
	}
	char *base = cap->batch.data.data + at;
	memmove(base + len, base, tail);
	memcpy(base, data, len);
	return true;
}

/* Puts the synthesized enter event before the exit block that starts at
 * exit_block. */
static void add_enter_event(struct capture *cap, uint16_t cpu, size_t exit_block)
{
	const uint8_t *exit_ev = (const uint8_t *)cap->batch.data.data + exit_block + 10;
	size_t exit_len = cap->batch.data.len - exit_block - 10 - 4;
	if (!sc_wants_enter(exit_ev, exit_len, cap->opt.enter_events)) {
		return; /* most events */
	}
	sk_strbuf *enter = &cap->enter_scratch;
	sk_strbuf_reset(enter);
	size_t b = scap_block_begin(enter, SCAP_BLOCK_EV_V2);
	scap_put_u16(enter, cpu);
	bool added = false;
	if (sc_synth_enter(exit_ev, exit_len, cap->opt.enter_events, enter, &added) == SK_OK && added) {
		scap_block_end(enter, b);
		(void)insert_before(cap, exit_block, enter->data, enter->len); /* out of memory: the exit goes alone */
	}
}

/* The process of an exec may be the first the capture meets in its
 * container: that container's own users and groups go ahead of the exec,
 * 1 ns earlier (ctr_users.h), so the engine names its uid the image's way.
 * Returns the bytes inserted before exec_block (where it has moved by). */
static size_t add_container_users(struct capture *cap, uint16_t cpu, size_t exec_block)
{
	static int pid_param = -2, ppid_param, cgroups_param, uid_param;
	const uint8_t *raw = (const uint8_t *)cap->batch.data.data + exec_block + 10;
	uint16_t type;
	uint32_t len;
	memcpy(&type, raw + 20, 2);
	memcpy(&len, raw + 16, 4);
	sk_event ev;
	if ((type != SKC_EVT_EXECVE_19_X && type != SKC_EVT_EXECVEAT_X) || cap->users == NULL ||
	    sk_event_decode(raw, len, &ev) != SK_OK) {
		return 0;
	}
	if (pid_param == -2) { /* execve and execveat exits share their layout */
		const sk_event_info *info = sk_event_info_get(SKC_EVT_EXECVE_19_X);
		pid_param = sk_event_param_index(info, "pid");
		ppid_param = sk_event_param_index(info, "ptid");
		cgroups_param = sk_event_param_index(info, "cgroups");
		uid_param = sk_event_param_index(info, "uid");
	}
	uint64_t pid = 0, ppid = 0, uid = 0;
	if (pid_param < 0 || ppid_param < 0 || cgroups_param < 0 || uid_param < 0 ||
	    (uint32_t)cgroups_param >= ev.nparams || sk_event_param_u64(&ev, (uint32_t)pid_param, &pid) != SK_OK ||
	    sk_event_param_u64(&ev, (uint32_t)uid_param, &uid) != SK_OK) {
		return 0;
	}
	if (sk_event_param_u64(&ev, (uint32_t)ppid_param, &ppid) != SK_OK || (int64_t)ppid < 0) {
		ppid = 0;
	}
	uint64_t now = now_ns();
	/* At most once a second: while the engine cannot keep up, every lost
	 * batch would otherwise have every container's files read again. */
	if (cap->users_lost && now - cap->users_reset_ns >= USERS_RESET_NS) {
		ctr_users_reset(cap->users);
		cap->users_lost = false;
		cap->users_reset_ns = now;
	}
	uint32_t added = 0;
	sk_strbuf_reset(&cap->user_events);
	if (ctr_users_note(cap->users, pid, ppid, (const char *)ev.param[cgroups_param],
			   ev.param_len[cgroups_param], (uint32_t)uid, ev.ts - 1, now, cpu, &cap->user_events,
			   &added) == SK_OK &&
	    added > 0 && !sk_strbuf_failed(&cap->user_events) &&
	    insert_before(cap, exec_block, cap->user_events.data, cap->user_events.len)) {
		return cap->user_events.len;
	}
	return 0;
}

static void on_event(void *ctx, uint16_t cpu, const uint8_t *ev, size_t len)
{
	struct capture *cap = ctx;
	if (cap->opt.max_events && cap->written >= cap->opt.max_events) {
		return;
	}
	size_t b = scap_block_begin(&cap->batch.data, SCAP_BLOCK_EV_V2);
	scap_put_u16(&cap->batch.data, cpu);
	if (sc_reencode(ev, len, &cap->batch.data) != SK_OK) {
		cap->batch.data.len = b; /* malformed: a kernel-side bug, count and skip */
		cap->bad_events++;
		return;
	}
	scap_block_end(&cap->batch.data, b);
	cap->written++;
	/* both insert before the exit block: users first, the enter event (if
	 * any) then right before the exit, wherever the users moved it */
	size_t moved = add_container_users(cap, cpu, b);
	add_enter_event(cap, cpu, b + moved);
	evo_index(&cap->batch, b);
}

/* Sets one snapshot path: host_root + rel when host_root is set and that
 * exists, else rel. */
static void host_path(const char *host_root, const char *rel, char *out, size_t cap)
{
	int n = host_root != NULL ? snprintf(out, cap, "%s%s", host_root, rel) : -1;
	if (n < 0 || (size_t)n >= cap || access(out, R_OK) != 0) {
		if (host_root != NULL) {
			sk_warn("HOST_ROOT=%s: no %s there, reading %s", host_root, rel, rel);
		}
		snprintf(out, cap, "%s", rel);
	}
}

/* Where snapshots read processes, users and groups: below $HOST_ROOT when
 * set (Falco's convention: the chart and compose mount the node's /proc,
 * /etc/passwd and /etc/group under /host; a sensor's own /etc/passwd is
 * its image's, which names none of the node's users), else this process's
 * own. */
static void snapshot_paths(struct capture *cap)
{
	const char *host_root = getenv("HOST_ROOT");
	if (host_root != NULL && (host_root[0] == '\0' || strcmp(host_root, "/") == 0)) {
		host_root = NULL;
	}
	host_path(host_root, "/proc", cap->proc_root, sizeof(cap->proc_root));
	host_path(host_root, "/etc/passwd", cap->passwd, sizeof(cap->passwd));
	host_path(host_root, "/etc/group", cap->group, sizeof(cap->group));
}

/* The snapshot sends every running container's users again: a new engine
 * connection starts with none. */
static sk_err snapshot(struct capture *cap, sk_strbuf *sb, bool with_header)
{
	const struct proc_snap_paths paths = {cap->proc_root, cap->passwd, cap->group};
	if (with_header) {
		scap_put_shb(sb);
	}
	if (cap->users != NULL) {
		ctr_users_reset(cap->users);
		cap->users_lost = false;
		cap->users_reset_ns = now_ns();
	}
	/* the kernel's cgroup paths and exe layers, as events carry them */
	sk_strbuf records = SK_STRBUF_INIT;
	if (sensor_task_records(cap->sensor, &records) != SK_OK) {
		sk_warn("the task iterator failed: the snapshot takes cgroups and exe layers from /proc");
		sk_strbuf_reset(&records);
	}
	const struct proc_snap_kernel kernel = {(const uint8_t *)records.data, records.len};
	sk_err err = proc_snap_blocks(sb, &paths, &kernel, cap->users);
	sk_strbuf_free(&records);
	return err;
}

static void send_message(struct capture *cap, const void *data, size_t len, uint32_t events)
{
	int rv = nng_send(cap->push, (void *)data, len, NNG_FLAG_NONBLOCK);
	if (rv != 0) {
		cap->lost_batches++;
		cap->lost_events += events;
		cap->users_lost = true; /* any users it carried go again */
	}
}

/* How long a blocking wait on idle rings may last: until the next control
 * request, counters message or the end of --duration. */
static int wait_timeout_ms(const struct options *o, uint64_t t, uint64_t started, uint64_t last_control,
			   uint64_t last_stats)
{
	uint64_t limit = last_control + CONTROL_NS > t ? last_control + CONTROL_NS - t : 0;
	uint64_t to_stats = last_stats + STATS_NS > t ? last_stats + STATS_NS - t : 0;
	if (to_stats < limit) {
		limit = to_stats;
	}
	if (o->duration > 0) {
		double end = (double)started + o->duration * 1e9;
		uint64_t to_end = end > (double)t ? (uint64_t)(end - (double)t) : 0;
		if (to_end < limit) {
			limit = to_end;
		}
	}
	return (int)((limit + 999999u) / 1000000u);
}

/* Ships the events stamped at or before upto (UINT64_MAX: all of them);
 * the others wait in the batch for a later flush (ev_order.h). */
static void flush_batch(struct capture *cap, uint64_t upto)
{
	uint32_t events = 0;
	evo_release(&cap->batch, upto, &cap->outgoing, &events);
	const sk_strbuf *out = &cap->outgoing;
	if (out->len == 0) {
		return;
	}
	if (cap->file != NULL) {
		if (fwrite(out->data, 1, out->len, cap->file) != out->len) {
			sk_error("writing %s: %s", cap->opt.write_path, strerror(errno));
			stop_requested = 1;
		}
	} else {
		if (atomic_exchange(&cap->need_snapshot, false)) {
			sk_strbuf snap = SK_STRBUF_INIT;
			if (snapshot(cap, &snap, false) == SK_OK) {
				send_message(cap, snap.data, snap.len, 0);
			}
			sk_strbuf_free(&snap);
		}
		send_message(cap, out->data, out->len, events);
	}
}

static void on_pipe_added(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct capture *cap = arg;
	(void)p;
	(void)ev;
	atomic_store(&cap->need_snapshot, true);
}

/* Asks the engine for its interest set; applies a new generation. Falls
 * back to the default set when the engine does not answer. */
static void control_tick(struct capture *cap, nng_socket req, bool *req_open, uint64_t started)
{
	if (!*req_open) {
		return;
	}
	char msg[64];
	size_t len;
	nng_msg *reply = NULL;
	if (control_format_get(cap->generation, msg, sizeof(msg), &len) != SK_OK ||
	    nng_send(req, msg, len, NNG_FLAG_NONBLOCK) != 0 || nng_recvmsg(req, &reply, 0) != 0) {
		if (!cap->default_set_applied && now_ns() - started > 2 * CONTROL_NS) {
			sk_warn("engine unreachable at %s: capturing the default set, still retrying",
				cap->opt.control_url);
			bool want[SKC_MAX_SYSCALLS];
			default_interest(want);
			sensor_set_interest(cap->sensor, want, cap->opt.drop_failed_exit);
			cap->default_set_applied = true;
		}
		return;
	}
	struct control_set *set = malloc(sizeof(*set));
	if (set != NULL && control_parse_set(nng_msg_body(reply), nng_msg_len(reply), set) == SK_OK) {
		if (set->generation != cap->generation || !cap->default_set_applied) {
			bool want[SKC_MAX_SYSCALLS];
			bool drop_failed = set->drop_failed_exit || cap->opt.drop_failed_exit;
			interest_from_types(set, want);
			if (sensor_set_interest(cap->sensor, want, drop_failed) == SK_OK) {
				sk_info("interest set generation %llu: %u event types%s",
					(unsigned long long)set->generation, set->ntypes,
					drop_failed ? ", failed syscalls dropped" : "");
				cap->generation = set->generation;
				cap->default_set_applied = true;
			}
		}
	} else {
		sk_warn("malformed control reply from %s ignored", cap->opt.control_url);
	}
	free(set);
	nng_msg_free(reply);
}

static void print_stats(struct capture *cap, uint64_t *last_events, uint64_t last_ns)
{
	struct skc_counters per_cpu[MAX_STAT_CPUS];
	uint32_t ncpus = 0;
	if (sensor_counters(cap->sensor, per_cpu, MAX_STAT_CPUS, &ncpus) != SK_OK) {
		return;
	}
	struct skc_counters sum = {0};
	for (uint32_t i = 0; i < ncpus; i++) {
		sum.events += per_cpu[i].events;
		sum.drops_full += per_cpu[i].drops_full;
		sum.drops_oversize += per_cpu[i].drops_oversize;
	}
	if (cap->file == NULL && cap->push_open) {
		sk_strbuf sb = SK_STRBUF_INIT;
		scap_put_stats(&sb, per_cpu, ncpus);
		send_message(cap, sb.data, sb.len, 0);
		sk_strbuf_free(&sb);
	}
	if (cap->opt.stats) {
		double secs = (double)(now_ns() - last_ns) / 1e9;
		uint64_t from_lanes, from_rings, lane_bad;
		sensor_sources(cap->sensor, &from_lanes, &from_rings, &lane_bad);
		/* "via rings": events a full lane sent to its ring (with lanes);
		 * many mean --ring-mb is small for the load */
		fprintf(stderr,
			"saker-capture: stats: %.0f events/s, events %llu, written %llu, drops full %llu, "
			"oversize %llu, lost (engine away) %llu, malformed %llu, via rings %llu\n",
			secs > 0 ? (double)(sum.events - *last_events) / secs : 0.0, (unsigned long long)sum.events,
			(unsigned long long)cap->written, (unsigned long long)sum.drops_full,
			(unsigned long long)sum.drops_oversize, (unsigned long long)cap->lost_events,
			(unsigned long long)(cap->bad_events + lane_bad), (unsigned long long)from_rings);
	}
	*last_events = sum.events;
}

/* Keeps only what later snapshots need to read other processes' /proc:
 * CAP_SYS_PTRACE (exe, cwd, ptrace-guarded files) and CAP_DAC_READ_SEARCH
 * (the fd directories of processes of other users), of those it has: a
 * sensor started with a capability list (Kubernetes, compose) cannot set a
 * capability it was not given, and asking for one made the whole drop fail.
 * Returns 0, or -1 when the kernel refused the reduced set. */
static int drop_capabilities(void)
{
	static const cap_value_t wanted[] = {CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH};
	static const char *const why[] = {"exe, cwd and root (containers' own users) of other processes",
					  "open files of other users' processes"};
	cap_value_t keep[2];
	int nkeep = 0, rc = -1;
	cap_t now = cap_get_proc();
	cap_t caps = cap_init();
	if (now == NULL || caps == NULL) {
		sk_warn("could not read capabilities: %s", strerror(errno));
		goto cleanup;
	}
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(now, wanted[i], CAP_PERMITTED, &v) == 0 && v == CAP_SET) {
			keep[nkeep++] = wanted[i];
		} else {
			char *name = cap_to_name(wanted[i]);
			sk_warn("no %s: /proc snapshots miss the %s", name != NULL ? name : "capability", why[i]);
			cap_free(name);
		}
	}
	if (nkeep > 0 && (cap_set_flag(caps, CAP_PERMITTED, nkeep, keep, CAP_SET) != 0 ||
			  cap_set_flag(caps, CAP_EFFECTIVE, nkeep, keep, CAP_SET) != 0)) {
		sk_warn("could not build the reduced capability set: %s", strerror(errno));
		goto cleanup;
	}
	if (cap_set_proc(caps) != 0) {
		sk_warn("could not drop capabilities: %s", strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	cap_free(caps);
	cap_free(now);
	return rc;
}

static int open_output(struct capture *cap, nng_socket *req, bool *req_open)
{
	if (cap->opt.write_path != NULL) {
		/* owner-only: the recording holds every process's arguments and
		 * environment */
		int fd = open(cap->opt.write_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		cap->file = fd >= 0 ? fdopen(fd, "wb") : NULL;
		if (cap->file == NULL && fd >= 0) {
			close(fd);
		}
		if (cap->file == NULL) {
			sk_error("cannot create %s: %s", cap->opt.write_path, strerror(errno));
			return -1;
		}
		sk_strbuf head = SK_STRBUF_INIT;
		sk_err err = snapshot(cap, &head, true);
		if (err == SK_OK && (fwrite(head.data, 1, head.len, cap->file) != head.len || fflush(cap->file) != 0)) {
			err = SK_EIO;
		}
		sk_strbuf_free(&head);
		if (err != SK_OK) {
			sk_error("writing the snapshot to %s: %s", cap->opt.write_path, sk_strerror(err));
			return -1;
		}
		return 0;
	}
	int rv = nng_push0_open(&cap->push);
	if (rv == 0) {
		cap->push_open = true;
		nng_pipe_notify(cap->push, NNG_PIPE_EV_ADD_POST, on_pipe_added, cap);
		/* absorb short engine stalls (up to 128 batches) before counting losses */
		nng_socket_set_int(cap->push, NNG_OPT_SENDBUF, 128);
		rv = nng_dial(cap->push, cap->opt.events_url, NULL, NNG_FLAG_NONBLOCK);
	}
	if (rv != 0) {
		sk_error("cannot dial %s: %s (check the URL)", cap->opt.events_url, nng_strerror(rv));
		return -1;
	}
	if (!cap->opt.all && nng_req0_open(req) == 0) {
		nng_socket_set_ms(*req, NNG_OPT_RECVTIMEO, 400);
		nng_socket_set_ms(*req, NNG_OPT_SENDTIMEO, 100);
		if (nng_dial(*req, cap->opt.control_url, NULL, NNG_FLAG_NONBLOCK) == 0) {
			*req_open = true;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct capture cap = {.batch = EVO_BATCH_INIT, .outgoing = SK_STRBUF_INIT, .user_events = SK_STRBUF_INIT,
			      .enter_scratch = SK_STRBUF_INIT};
	nng_socket req = NNG_SOCKET_INITIALIZER;
	bool req_open = false;
	int rc = 1;
	char why[512] = "";
	sk_log_init("saker-capture", SK_LOG_INFO);
	if (parse_options(argc, argv, &cap.opt) != 0) {
		return 2;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	snapshot_paths(&cap);
	if (ctr_users_new(cap.proc_root, MAX_CONTAINERS, &cap.users) != SK_OK) {
		sk_warn("out of memory: containers' own user names will be <NA>");
	}
	struct sensor_opts so = {.ring_bytes = cap.opt.ring_mb * 1024u * 1024u,
				 .cpus_per_ring = cap.opt.cpus_per_ring,
				 .exit_tracepoints = cap.opt.exit_tracepoints,
				 .probe_reads = cap.opt.probe_reads,
				 .no_lanes = cap.opt.no_lanes};
	sk_err err = sensor_open(&so, on_event, &cap, &cap.sensor, why, sizeof(why));
	if (err != SK_OK) {
		sk_error("%s", why[0] ? why : sk_strerror(err));
		goto cleanup;
	}
	bool want[SKC_MAX_SYSCALLS];
	default_interest(want);
	if (cap.opt.write_path != NULL || cap.opt.all) {
		sensor_set_interest(cap.sensor, want, cap.opt.drop_failed_exit);
		cap.default_set_applied = true;
	}
	if (open_output(&cap, &req, &req_open) != 0) {
		goto cleanup;
	}
	if (drop_capabilities() != 0) {
		/* still better watched by a sensor with too many capabilities
		 * than not watched at all */
		sk_warn("continuing with the capabilities saker-capture started with");
	}
	sk_info("capturing (%u CPUs) to %s", sensor_ncpus(cap.sensor),
		cap.opt.write_path ? cap.opt.write_path : cap.opt.events_url);

	uint64_t started = now_ns(), last_flush = started, last_control = 0, last_stats = started;
	uint64_t last_events = 0;
	uint64_t flush_ns = (uint64_t)cap.opt.flush_us * 1000u;
	useconds_t idle_us = 0, poll_us = cap.opt.poll_us, idle_max = cap.opt.idle_max_us;
	/* the back-off after traffic starts at the traffic poll period: each
	 * wakeup costs the workload on a small machine, and a shorter first
	 * sleep only shortens the wait of an event arriving just then */
	useconds_t idle_min = poll_us > 0 && poll_us < idle_max ? poll_us : idle_max < 100 ? idle_max : 100;
	bool had_events = false, block = false;
	uint64_t last_event = started, block_after_ns = (uint64_t)cap.opt.block_after_us * 1000u;
	while (!stop_requested) {
		int n = 0;
		/* what the pass below reads may go out if stamped before now */
		uint64_t pass_start = sensor_clock_ns(cap.sensor);
		sk_err perr = block ? sensor_wait(cap.sensor,
						  wait_timeout_ms(&cap.opt, now_ns(), started, last_control, last_stats),
						  &n)
				    : sensor_poll(cap.sensor, &n);
		if (perr != SK_OK) {
			sk_error("reading the ring buffers failed");
			goto cleanup;
		}
		uint64_t t = now_ns();
		if (n > 0) {
			last_event = t;
		}
		/* Ship as soon as the rings are drained (a poll drains them; with
		 * poll_us 0 a poll that finds nothing says so): batching only ever
		 * waits for events already in the rings, never for future ones. */
		bool batch_full = cap.batch.data.len >= BATCH_BYTES;
		bool drained = n == 0 || poll_us > 0;
		if (batch_full || (cap.batch.data.len > 0 && (drained || t - last_flush >= flush_ns))) {
			flush_batch(&cap, pass_start);
			last_flush = t;
		}
		if (t - last_control >= CONTROL_NS) {
			control_tick(&cap, req, &req_open, started);
			last_control = now_ns();
		}
		if (t - last_stats >= STATS_NS) {
			print_stats(&cap, &last_events, last_stats);
			last_stats = t;
		}
		if (cap.opt.max_events && cap.written >= cap.opt.max_events) {
			break;
		}
		if (cap.opt.duration > 0 && (double)(t - started) / 1e9 >= cap.opt.duration) {
			break;
		}
		/* No wakeups from the kernel: under traffic sleep poll_us between
		 * polls (each wakeup of this thread can preempt the workload on a
		 * small machine), back off further when idle; a full batch means the
		 * rings hold more, so read on at once. */
		if (n > 0) {
			/* events a wait woke up for are all kept back: release them now */
			idle_us = batch_full || block ? 0 : poll_us;
		} else if (had_events || idle_us < idle_min) {
			idle_us = idle_min; /* the back-off starts over after traffic */
		} else {
			idle_us = idle_us * 2 > idle_max ? idle_max : idle_us * 2;
		}
		had_events = n > 0;
		/* the batch is shipped (a pass that found nothing releases what
		 * earlier passes kept back): nothing waits */
		block = n == 0 && cap.batch.data.len == 0 && t - last_event >= block_after_ns;
		if (!block && idle_us > 0) {
			usleep(idle_us);
		}
	}
	int n = 0;
	sensor_poll(cap.sensor, &n); /* what is left in the rings */
	flush_batch(&cap, UINT64_MAX);
	print_stats(&cap, &last_events, last_stats);
	rc = 0;
cleanup:
	flush_batch(&cap, UINT64_MAX);
	if (cap.file != NULL && fclose(cap.file) != 0) {
		sk_error("closing %s: %s", cap.opt.write_path, strerror(errno));
		rc = 1;
	}
	if (req_open) {
		nng_close(req);
	}
	/* The events socket is left to the process exit: nng 1.5.2 (Debian 12)
	 * can deadlock in nng_close() of a PUSH socket whose pipe still sends
	 * (nanomsg/nng#1543, fixed after 1.5.2); seen here when SIGINT came
	 * under full load. Queued batches are dropped either way. */
	sensor_close(cap.sensor);
	evo_free(&cap.batch);
	sk_strbuf_free(&cap.outgoing);
	sk_strbuf_free(&cap.user_events);
	sk_strbuf_free(&cap.enter_scratch);
	ctr_users_free(cap.users);
	if (rc == 0) {
		sk_info("detached: %llu events written, %llu lost while the engine was away",
			(unsigned long long)cap.written, (unsigned long long)cap.lost_events);
	}
	return rc;
}
