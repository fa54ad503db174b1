/* sensor: loads and drives the eBPF side (saker.bpf.c).
 *
 * sensor_open() checks privileges, BTF and kernel version, loads the
 * programs with the sensor's own tgid filtered, creates one lane and one
 * ring buffer per CPU and attaches. The interest set (which syscalls emit events) can be
 * changed at any time. Events are drained by polling; the kernel wakes the
 * reader only when it waits on idle rings (sensor_wait), at the first event
 * after that. */
#ifndef SENSOR_H
#define SENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture_shared.h"
#include "sk_err.h"
#include "sk_strbuf.h"

struct sensor;

struct sensor_opts {
	uint32_t ring_bytes;   /* size of each ring buffer, power of 2 */
	/* CPUs sharing one ring (falco.yaml's cpus_for_each_buffer; its 0, one
	 * ring for all, is UINT32_MAX here); 0 and 1: one ring per CPU */
	uint32_t cpus_per_ring;
	bool exit_tracepoints; /* exits on per-syscall tracepoints even when some
				* table syscalls have none (those go uncaptured) */
	bool probe_reads;      /* file objects by probe reads even where the
				* kernel has bpf_rdonly_cast (before 6.2: always) */
	/* Events go to a lane per CPU (capture_shared.h) and to the rings only
	 * when a lane is full or busy; the rings are then LANE_RING_BYTES.
	 * lane_bytes: power of 2, at least SKC_LANE_MIN; 0: ring_bytes over the
	 * CPUs that would share a ring (the same memory as rings alone).
	 * no_lanes: rings only, ring_bytes each (the path before lanes). */
	uint32_t lane_bytes;
	bool no_lanes;
};

/* Called for every event drained: the raw kernel event and its CPU. */
typedef void (*sensor_event_fn)(void *ctx, uint16_t cpu, const uint8_t *ev, size_t len);

/* Loads and attaches. On failure writes a one-line reason with the fix into
 * why (why_len bytes) and returns SK_EPERM (privileges), SK_EUNSUPP (kernel
 * lacks BTF or is too old) or SK_EINVAL (verifier rejection; the verifier's
 * last lines are logged). */
sk_err sensor_open(const struct sensor_opts *opts, sensor_event_fn fn, void *ctx, struct sensor **out, char *why,
		   size_t why_len);

/* Sets the interest map: want[i] for syscall number i, plus the SKC_SLOT_*
 * entries for the sched hooks. drop_failed_exit: failed exits of the wanted
 * syscalls make no event (a connect in progress still does). */
sk_err sensor_set_interest(struct sensor *s, const bool want[SKC_MAX_SYSCALLS], bool drop_failed_exit);

/* Drains every ring buffer and lane once; *n gets the events delivered. */
sk_err sensor_poll(struct sensor *s, int *n);

/* Asks the kernel for a wakeup at the next event, drains every ring and
 * lane once more, and if that found nothing blocks until the wakeup, a signal or
 * timeout_ms (-1: no limit). *n gets the events delivered. */
sk_err sensor_wait(struct sensor *s, int timeout_ms, int *n);

/* Copies per-CPU counters into per_cpu (room for max CPUs); *ncpus set. */
sk_err sensor_counters(struct sensor *s, struct skc_counters *per_cpu, uint32_t max, uint32_t *ncpus);

/* Appends one SKC_EVT_TASK_INFO record per thread (the task iterator in
 * saker.bpf.c) to out, for the /proc snapshot (proc_snap.h). Works after
 * the capabilities are dropped. SK_EIO when the iterator cannot run,
 * SK_ENOMEM. */
sk_err sensor_task_records(struct sensor *s, sk_strbuf *out);

/* Now on the clock the events are stamped with (epoch ns, as the scap ts):
 * an event stamped at or before it was committed, if ever, before any read
 * of the rings started after this call. */
uint64_t sensor_clock_ns(const struct sensor *s);

/* Events delivered since the open from the lanes and from the rings (a
 * ring takes what a full or busy lane refuses), and lane records skipped
 * for an impossible length (a kernel-side bug: always 0). */
void sensor_sources(const struct sensor *s, uint64_t *from_lanes, uint64_t *from_rings, uint64_t *lane_bad);

/* Number of CPUs with a ring buffer. */
uint32_t sensor_ncpus(const struct sensor *s);

/* Detaches and frees; NULL is ignored. */
void sensor_close(struct sensor *s);

#endif
