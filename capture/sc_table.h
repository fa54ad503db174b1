/* sc_table: the syscalls saker-capture knows, with their scap exit events.
 *
 * One row per x86_64 syscall: the scap exit event type and, per parameter,
 * where the kernel reads it (enum skc_kind) and how user space re-encodes it
 * into the public scap encoding (enum sc_conv). The same table fills the
 * kernel's spec map, answers "which syscall produces event type T" for the
 * engine's interest set, and drives sc_reencode(). */
#ifndef SC_TABLE_H
#define SC_TABLE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture_shared.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* User-side conversions of raw kernel values to scap encodings. */
enum sc_conv {
	SC_CONV_NONE = 0,
	SC_CONV_OPEN_FLAGS, /* O_* -> PPM_O_*, u32 */
	SC_CONV_MODE,       /* mode_t -> PPM_S_*, u32 */
	SC_CONV_FCNTL_CMD,  /* F_* -> PPM_FCNTL_*, u32 -> u8 */
	SC_CONV_PTRACE_REQ, /* PTRACE_* -> PPM_PTRACE_*, u32 -> u16 */
	SC_CONV_CLONE_FLAGS,/* CLONE_* -> PPM_CL_*, u32 */
	SC_CONV_CGROUPS,    /* kernfs name lists -> scap cgroups string */
};

/* Index of the cgroups parameter in exec and clone exit events. */
#define SC_PARAM_CGROUPS 14u

struct sc_param {
	uint8_t kind; /* enum skc_kind */
	uint8_t arg;  /* syscall argument index */
	uint8_t conv; /* enum sc_conv */
};

struct sc_entry {
	const char *name;
	uint16_t nr;       /* x86_64 syscall number, or an SKC_SLOT_* */
	uint16_t evt_type; /* scap exit event type */
	uint8_t flags;     /* SKC_F_* */
	uint8_t stash;     /* enum skc_stash */
	uint8_t stash_arg;
	uint8_t nparams;
	struct sc_param p[SKC_SPEC_PARAMS];
};

/* Returns the table and its row count (static storage). */
const struct sc_entry *sc_table(size_t *count);

/* Finds the row of syscall or sched slot nr; NULL when unknown. */
const struct sc_entry *sc_by_nr(uint32_t nr);

/* Finds the row named name (a syscall or sched slot, e.g. "unlinkat",
 * "sched_process_exec"); NULL when unknown. */
const struct sc_entry *sc_by_name(const char *name);

/* Finds the rows producing scap event type evt_type (exit or enter): at most
 * max rows written to out, count returned in *n. */
void sc_by_event(uint16_t evt_type, const struct sc_entry **out, size_t max, size_t *n);

/* Fills spec from row e (the kernel's view of it). */
void sc_to_spec(const struct sc_entry *e, struct skc_spec *spec);

/* Re-encodes one kernel event (raw, len bytes, scap layout) into out as the
 * public scap event: flag parameters converted, the cgroup name lists of
 * exec/clone events turned into the scap cgroups string ("cpuset=<path>"
 * with the cpuset controller's path: its v1 cgroup when it has one, then
 * followed by "unified=<path>", else the unified cgroup, where a v2 host
 * keeps every controller; empty when malformed), length fields rewritten.
 * Returns SK_ETRUNC/SK_EINVAL on a malformed event, leaving out unchanged. */
sk_err sc_reencode(const uint8_t *raw, size_t len, sk_strbuf *out);

/* Appends the enter event matching the re-encoded exit event ev (len
 * bytes), its parameters copied from the exit event, time 1 ns earlier.
 * Always for the few syscalls whose rules read enter parameters (ptrace
 * request, setuid family); with all, also for those that readers keeping fd
 * state from enter events need (sysdig 0.29 and other pre-2023 libs: close,
 * connect, socket, ...). Sets *added to false (and appends nothing)
 * otherwise. */
sk_err sc_synth_enter(const uint8_t *ev, size_t len, bool all, sk_strbuf *out, bool *added);

/* True when sc_synth_enter would add an enter event for the exit event ev
 * (len bytes): a quick test before building one. */
bool sc_wants_enter(const uint8_t *ev, size_t len, bool all);

/* Appends the scap cgroups string of the kernel's cgroups parameter (p, n
 * bytes; see put_cgroups in saker.bpf.c): "cpuset=<path>" with the cpuset
 * controller's cgroup, on a v1 or hybrid host followed by
 * "unified=<path>", each NUL-terminated. Nothing for a malformed parameter.
 * Returns the length appended. */
uint16_t sc_cgroups_string(const uint8_t *p, size_t n, sk_strbuf *out);

/* Longest cgroup path the /proc form keeps (as readers of the format do). */
#define SC_CGROUP_PATH_MAX 1023u

/* The same string from the text of /proc/<pid>/cgroup
 * ("hierarchy-id:controllers:path" lines): the cpuset controller's v1
 * cgroup as "cpuset=", then the unified one ("0::") as "unified=", or
 * without a v1 cpuset line the unified one as "cpuset=". Written to out
 * (cap bytes); returns its length, 0 when there is neither line, a path is
 * longer than SC_CGROUP_PATH_MAX or out is too small. */
size_t sc_proc_cgroups_string(const char *text, char *out, size_t cap);

/* Conversions, exposed for tests. */
uint32_t sc_open_flags_to_scap(uint32_t flags);
uint8_t sc_fcntl_to_scap(uint32_t cmd);
uint16_t sc_ptrace_to_scap(uint32_t req);
uint32_t sc_clone_flags_to_scap(uint64_t flags);

#endif
