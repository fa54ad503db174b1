/* capture_shared.h: the contract between the eBPF programs and the loader.
 *
 * The kernel side fills scap-layout events (engine/event/event.h) whose
 * parameters come from a per-syscall spec: a list of parameter kinds, each
 * read from the syscall's return value, an argument, the enter-side stash or
 * the task. The loader writes one spec per syscall number into sk_specs and
 * re-encodes flag parameters in user space (see sc_table.c). Included by
 * both saker.bpf.c (vmlinux.h types) and the C side (linux/types.h). */
#ifndef CAPTURE_SHARED_H
#define CAPTURE_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SKC_MAX_SYSCALLS 512u /* x86_64 syscall numbers we index */
#define SKC_SPEC_PARAMS  8u   /* parameters a generic spec can carry */
#define SKC_EVT_BUF      16384u /* per-CPU scratch event buffer, power of 2 */
#define SKC_EVT_HALF     (SKC_EVT_BUF / 2) /* largest event; any write fits after it */
#define SKC_STR_MAX      4096u /* longest string or byte-buffer parameter */
#define SKC_STASH_MAX    512u  /* bytes of path or sockaddr kept from sys_enter */
#define SKC_HDR_LEN      26u   /* u64 ts, u64 tid, u32 len, u16 type, u16 nparams, u16 cpu
				* (scap's u32 nparams, its high half holding the CPU) */

/* Where a parameter's value comes from (kernel side). Flags stay raw here;
 * the loader converts them to the scap encodings. */
enum skc_kind {
	SKC_P_EMPTY = 0,      /* zero-length parameter */
	SKC_P_RET,            /* return value, s64 */
	SKC_P_ARG_S64,        /* argument as s64 (fds, pids, ints) */
	SKC_P_ARG_U64,        /* argument as u64 */
	SKC_P_ARG_U32,        /* argument as u32 (flags, modes, ids) */
	SKC_P_ARG_U16,        /* argument as u16 */
	SKC_P_ARG_U8,         /* argument as u8 */
	SKC_P_ARG_USTR,       /* NUL-terminated user string at argument */
	SKC_P_STASH_STR,      /* string captured at sys_enter (TOCTOU-safe), else argument at exit */
	SKC_P_STASH_SOCKADDR, /* sockaddr captured at sys_enter, else argument at exit */
	SKC_P_ARG_SOCKADDR,   /* sockaddr at argument (pointer), scap-encoded */
	SKC_P_TUPLE_ARGFD,    /* socket tuple of the fd in argument (local -> peer) */
	SKC_P_TUPLE_RETFD,    /* socket tuple of the fd returned (peer -> local) */
	SKC_P_TUPLE_CONNECT,  /* local address of the fd -> stashed destination */
	SKC_P_FD_DEV,         /* device of the file behind the returned fd, u32 */
	SKC_P_FD_INO,         /* inode of the file behind the returned fd, u64 */
	SKC_P_PIPE_FD0,       /* int[2] at argument: first fd, s64 */
	SKC_P_PIPE_FD1,       /* int[2] at argument: second fd, s64 */
	SKC_P_PIPE_INO,       /* inode of the pipe created, u64 */
	SKC_P_DYN_U64,        /* DYNAMIC parameter: index byte 0, then argument as u64 */
	SKC_P_CAP_INH,        /* current capability sets after the call, u64 */
	SKC_P_CAP_PERM,
	SKC_P_CAP_EFF,
	SKC_P_HOW_FLAGS,      /* openat2: struct open_how fields captured at enter, u32 */
	SKC_P_HOW_MODE,
	SKC_P_HOW_RESOLVE,
	SKC_P_ZERO_U8,        /* constant 0 of the given width (fields not captured) */
	SKC_P_ZERO_U32,
	SKC_P_ZERO_U64,
	SKC_P_KIND_COUNT
};

/* What sys_enter keeps for the exit handler. */
enum skc_stash {
	SKC_STASH_NONE = 0,
	SKC_STASH_STR,      /* user string at stash_arg */
	SKC_STASH_SOCKADDR, /* sockaddr at stash_arg, length in the next argument */
	SKC_STASH_HOW,      /* user string at stash_arg and the open_how after it */
};

/* Spec flags. */
#define SKC_F_PROCESS 1u /* exec and clone families: tail-call the process-event builder */

struct skc_spec {
	__u16 evt_type;  /* scap exit event type; 0 = not captured */
	__u8 nparams;
	__u8 flags;      /* SKC_F_* */
	__u8 stash;      /* enum skc_stash */
	__u8 stash_arg;
	__u8 kind[SKC_SPEC_PARAMS];
	__u8 arg[SKC_SPEC_PARAMS];
};

/* Per-CPU counters, cumulative since load. */
struct skc_counters {
	__u64 events;         /* events seen (emitted or dropped) */
	__u64 drops_full;     /* lane and ring buffer full */
	__u64 drops_oversize; /* event larger than SKC_EVT_HALF */
};

/* A lane: one CPU's private event buffer in an mmapable array (sk_lanes),
 * written only by the programs running on that CPU, read by the loader.
 * Positions are byte counts since load; an event sits at data + (pos &
 * (lane bytes - 1)) in one piece, running on into the slack after the lane
 * when it crosses the end, and takes its length (at offset 16 of the scap
 * header) rounded up to 8. head and tail live on cache lines of their own:
 * the programs advance head, the reader tail. busy is set while a program
 * appends, so a program interrupting it on the same CPU writes to the ring
 * instead. */
struct skc_lane_hdr {
	__u64 head;     /* bytes published; advanced by an atomic add after the copy */
	__u64 pad0[7];
	__u64 tail;     /* bytes the reader is done with */
	__u64 pad1[7];
	__u32 busy;
	__u32 pad2[15];
};
#define SKC_LANE_DATA_OFF 192u /* sizeof(struct skc_lane_hdr) */
#define SKC_LANE_SLACK    SKC_EVT_BUF /* >= the largest copy the verifier sees */
#define SKC_LANE_MIN      (64u * 1024u)
#define SKC_LANE_MAX      (256u * 1024u * 1024u)

/* Scap ids the kernel side emits itself (process events). */
#define SKC_EVT_CLONE_20_X 223u
#define SKC_EVT_FORK_20_X  225u
#define SKC_EVT_VFORK_20_X 227u
#define SKC_EVT_CLONE3_X   335u
#define SKC_EVT_EXECVE_19_X 293u
#define SKC_EVT_EXECVEAT_X 331u
#define SKC_EVT_PROCEXIT_1_E 186u
/* Not a scap type: the task iterator's records for the snapshot (pid u64,
 * exe layer u32, cgroups as exec events carry them), never streamed. */
#define SKC_EVT_TASK_INFO 0xfff0u

/* Interest-map slots for the sched hooks (above every syscall number). */
#define SKC_SLOT_EXEC (SKC_MAX_SYSCALLS - 3)
#define SKC_SLOT_FORK (SKC_MAX_SYSCALLS - 2)
#define SKC_SLOT_EXIT (SKC_MAX_SYSCALLS - 1)

/* Bits of an interest-map value. DROP_FAILED: a failed exit (an errno,
 * -4095..-1) of this syscall makes no event (falco.yaml's
 * drop_failed_exit); a connect still in progress (-EINPROGRESS) is not a
 * failure here. */
#define SKC_INTEREST_WANT        (1u << 0)
#define SKC_INTEREST_DROP_FAILED (1u << 1)
#define SKC_EINPROGRESS          115
#define SKC_MAX_ERRNO            4095

/* exe flags of the execve event (proc.is_exe_writable and friends). */
#define SKC_EXE_WRITABLE    (1u << 0)
#define SKC_EXE_UPPER_LAYER (1u << 1)
#define SKC_EXE_FROM_MEMFD  (1u << 2)
#define SKC_EXE_LOWER_LAYER (1u << 3)

#endif
