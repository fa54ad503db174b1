// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/* saker.bpf.c: the kernel side of saker-capture.
 *
 * tp_btf/sys_exit is the dispatcher: one array lookup decides whether the
 * syscall is wanted, every other syscall returns at once. Wanted syscalls are
 * described by a spec (capture_shared.h) that a single generic builder turns
 * into a scap exit event; the clone family tail-calls the process builder.
 * sys_enter keeps paths and addresses (open family, connect) in task storage so
 * the exit event reports what the kernel used, not what user memory holds
 * later. sched_process_exec/fork/exit give execve, child clone and procexit
 * events. Events go to a lane per CPU (an mmapable array, no locks), or
 * to the CPU's ring buffer when its lane is full or busy, without wakeups:
 * the loader polls. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "capture_shared.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 self_tgid = 0;    /* the sensor itself, never captured */
const volatile __u64 boot_to_epoch = 0; /* add to boot-time ns for epoch ns */

/* Set by the reader just before it blocks on the rings, cleared by the first
 * event after that, which wakes it: one wakeup per idle period, none while
 * the reader is awake (a wakeup costs about 3 us of the traced task here). */
volatile __u32 reader_waiting = 0;

struct ringbuf_inner {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* resized to the CPU count by the loader */
	__type(key, __u32);
	__array(values, struct ringbuf_inner);
} sk_rings SEC(".maps");

/* Per-CPU lanes (capture_shared.h): an append is a copy and an add, where
 * a ring buffer record costs a locked reservation and a commit. The loader
 * sizes the map (one lane per CPU) and sets lane_mask; 0 leaves events on
 * the rings. The value has no BTF type: its size is set at load. */
const volatile __u32 lane_mask = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__uint(key_size, 4);
	__uint(value_size, SKC_LANE_DATA_OFF + SKC_LANE_SLACK);
} sk_lanes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SKC_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u8);
} sk_interest SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SKC_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct skc_spec);
} sk_specs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct skc_counters);
} sk_counters SEC(".maps");

struct evtbuf {
	__u8 data[SKC_EVT_BUF];
	__u32 pos;     /* bytes written */
	__u32 idx;     /* next parameter */
	__u32 nparams; /* parameters announced in the header */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct evtbuf);
} sk_evt SEC(".maps");

/* The task iterator's own scratch buffer: it runs in the reader's read()
 * and must not share sk_evt with a tracepoint program on the same CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct evtbuf);
} sk_iter_evt SEC(".maps");

struct stash {
	__u64 how[3]; /* openat2 open_how: flags, mode, resolve */
	__u32 nr;     /* syscall number + 1 while the stash is live, else 0 */
	__u32 len;    /* bytes in data */
	__u8 data[SKC_STASH_MAX];
};

/* Per-task storage: no hash insert/delete per call, freed with the task. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct stash);
} sk_stash SEC(".maps");

/* An always-empty stash for calls without one. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stash);
} sk_stash_empty SEC(".maps");

#define PATH_HALF 4096u
struct pathbuf {
	__u8 data[2 * PATH_HALF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pathbuf);
} sk_path SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} sk_tails SEC(".maps");

/* The same slots for the per-syscall tracepoint programs (a program array
 * serves one program type). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} sk_tails_tp SEC(".maps");

#define TAIL_CLONE 0 /* clone/fork/vfork/clone3 exits */
#define TAIL_EXEC  1 /* failed execve/execveat */

static const __u32 zero = 0;

/* Bounds a length for the verifier: the mask happens in the register the
 * helper call receives (the compiler cannot reuse an unmasked copy). */
static __always_inline __u32 bound_len(__u32 len, __u32 max)
{
	if (len > max) {
		len = max;
	}
	asm volatile("%0 &= 127" : "+r"(len));
	return len;
}

/* ---- event building ---------------------------------------------------- */

/* Starts an event in the scratch buffer of map (sk_evt or sk_iter_evt). */
static __always_inline struct evtbuf *evt_start_in(void *map, __u16 type, __u32 nparams, __u32 tid)
{
	struct evtbuf *b = bpf_map_lookup_elem(map, &zero);
	if (!b) {
		return NULL;
	}
	nparams &= 31;
	__u64 ts = bpf_ktime_get_boot_ns() + boot_to_epoch;
	__builtin_memcpy(&b->data[0], &ts, 8);
	__u64 tid64 = tid;
	__builtin_memcpy(&b->data[8], &tid64, 8);
	__builtin_memcpy(&b->data[20], &type, 2);
	__builtin_memcpy(&b->data[22], &nparams, 4);
	b->nparams = nparams;
	b->idx = 0;
	b->pos = SKC_HDR_LEN + 2 * nparams;
	return b;
}

static __always_inline struct evtbuf *evt_start(__u16 type, __u32 nparams, __u32 tid)
{
	return evt_start_in(&sk_evt, type, nparams, tid);
}

/* Records the length of the parameter just written and advances. */
static __always_inline void evt_close_param(struct evtbuf *b, __u32 len)
{
	__u16 l16 = len;
	__u32 at = SKC_HDR_LEN + 2 * (b->idx & 31);
	__builtin_memcpy(&b->data[at & (SKC_EVT_BUF - 1)], &l16, 2);
	b->idx++;
	b->pos += len;
}

static __always_inline void put_u64(struct evtbuf *b, __u64 v)
{
	__builtin_memcpy(&b->data[b->pos & (SKC_EVT_HALF - 1)], &v, 8);
	evt_close_param(b, 8);
}

static __always_inline void put_u32(struct evtbuf *b, __u32 v)
{
	__builtin_memcpy(&b->data[b->pos & (SKC_EVT_HALF - 1)], &v, 4);
	evt_close_param(b, 4);
}

static __always_inline void put_u16(struct evtbuf *b, __u16 v)
{
	__builtin_memcpy(&b->data[b->pos & (SKC_EVT_HALF - 1)], &v, 2);
	evt_close_param(b, 2);
}

static __always_inline void put_u8(struct evtbuf *b, __u8 v)
{
	b->data[b->pos & (SKC_EVT_HALF - 1)] = v;
	evt_close_param(b, 1);
}

static __always_inline void put_empty(struct evtbuf *b)
{
	evt_close_param(b, 0);
}

static __always_inline void put_ustr(struct evtbuf *b, const void *uptr)
{
	long n = 0;
	if (uptr) {
		n = bpf_probe_read_user_str(&b->data[b->pos & (SKC_EVT_HALF - 1)], SKC_STR_MAX, uptr);
	}
	evt_close_param(b, n > 0 ? (__u32)n : 0);
}

static __always_inline void put_kstr(struct evtbuf *b, const void *kptr)
{
	long n = 0;
	if (kptr) {
		n = bpf_probe_read_kernel_str(&b->data[b->pos & (SKC_EVT_HALF - 1)], SKC_STR_MAX, kptr);
	}
	evt_close_param(b, n > 0 ? (__u32)n : 0);
}

/* Copies len bytes (kernel memory) as one parameter. */
static __always_inline void put_kbytes(struct evtbuf *b, const void *kptr, __u32 len)
{
	if (len > SKC_STR_MAX) {
		len = SKC_STR_MAX;
	}
	if (bpf_probe_read_kernel(&b->data[b->pos & (SKC_EVT_HALF - 1)], len, kptr) != 0) {
		len = 0;
	}
	evt_close_param(b, len);
}

/* Appends len bytes (a whole event, len <= SKC_EVT_HALF) to this CPU's
 * lane. False when lanes are off, the lane is full, or a program this one
 * interrupted is appending (programs on one CPU nest, they never run side
 * by side, so a plain flag is enough): the caller writes to the ring. */
static __always_inline bool lane_append(__u32 cpu, const void *src, __u32 len)
{
	if (lane_mask == 0) {
		return false;
	}
	__u8 *lane = bpf_map_lookup_elem(&sk_lanes, &cpu);
	if (!lane) {
		return false;
	}
	struct skc_lane_hdr *h = (struct skc_lane_hdr *)lane;
	if (h->busy) {
		return false;
	}
	h->busy = 1;
	asm volatile("" ::: "memory");
	bool ok = false;
	__u64 head = h->head;
	__u64 tail = *(volatile __u64 *)&h->tail;
	__u32 need = (len + 7) & ~7u;
	if (len <= SKC_EVT_HALF && head - tail + need <= (__u64)lane_mask + 1) {
		__u32 off = (__u32)head & lane_mask;
		if (bpf_probe_read_kernel(lane + SKC_LANE_DATA_OFF + off, len & (2 * SKC_EVT_HALF - 1), src) == 0) {
			/* a locked add: the copy is visible before the new head */
			__sync_fetch_and_add(&h->head, need);
			ok = true;
		}
	}
	asm volatile("" ::: "memory");
	h->busy = 0;
	return ok;
}

static __always_inline void evt_submit(struct evtbuf *b)
{
	struct skc_counters *c = bpf_map_lookup_elem(&sk_counters, &zero);
	if (!c) {
		return;
	}
	c->events++;
	__u32 len = b->pos;
	if (len > SKC_EVT_HALF || b->idx != b->nparams) {
		c->drops_oversize++;
		return;
	}
	__builtin_memcpy(&b->data[16], &len, 4);
	__u32 cpu = bpf_get_smp_processor_id();
	/* the high half of nparams: rings may be shared by several CPUs */
	__u16 cpu16 = (__u16)cpu;
	__builtin_memcpy(&b->data[24], &cpu16, 2);
	void *ring = NULL;
	if (!lane_append(cpu, b->data, len)) {
		ring = bpf_map_lookup_elem(&sk_rings, &cpu);
		if (!ring || bpf_ringbuf_output(ring, b->data, len, BPF_RB_NO_WAKEUP) != 0) {
			c->drops_full++;
			return;
		}
	}
	/* Read the flag only after the publication (a full barrier): either the
	 * reader's last look at the lanes and rings saw this event, or it had
	 * set the flag before looking and is woken here. The discarded record
	 * carries the wakeup and is never delivered. */
	if (reader_waiting) {
		reader_waiting = 0;
		if (!ring) {
			ring = bpf_map_lookup_elem(&sk_rings, &cpu);
		}
		void *wake = ring ? bpf_ringbuf_reserve(ring, 8, 0) : NULL;
		if (wake) {
			bpf_ringbuf_discard(wake, BPF_RB_FORCE_WAKEUP);
		}
	}
}

/* ---- kernel object readers --------------------------------------------- */

static __always_inline struct file *fd_to_file(struct task_struct *task, __s64 fd)
{
	if (fd < 0 || fd > 1048576) {
		return NULL;
	}
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* Weak: kernels before 6.2 lack it, and only the exit programs built with
 * btf_cast call it; the loader loads those only where the kernel has it. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* The file behind fd of the current task for the exit path. With btf_cast
 * (a compile-time constant: each exit program is built once with and once
 * without) the fd table is reached by direct (BTF) loads, the slot needs one
 * copy, and the result is cast back to a BTF pointer so its fields load
 * without helper calls (each helper call costs more than the load it
 * makes); without it every step is a probe read. */
static __always_inline struct file *current_fd_file(__s64 fd, const bool btf_cast)
{
	if (fd < 0 || fd > 1048576) {
		return NULL;
	}
	if (!btf_cast) {
		return fd_to_file((struct task_struct *)bpf_get_current_task(), fd);
	}
	struct task_struct *t = bpf_get_current_task_btf();
	struct file **fds = t->files->fdt->fd;
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f ? bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file)) : NULL;
}

static __always_inline struct sock *fd_to_sock(struct task_struct *task, __s64 fd)
{
	struct file *f = fd_to_file(task, fd);
	if (!f) {
		return NULL;
	}
	struct socket *s = BPF_CORE_READ(f, private_data);
	return s ? BPF_CORE_READ(s, sk) : NULL;
}

/* Socket tuple, scap layout. peer_first: the peer is the source (accept). */
static __always_inline void put_tuple(struct evtbuf *b, struct sock *sk, bool peer_first, const struct stash *dst)
{
	if (!sk) {
		put_empty(b);
		return;
	}
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 *p = &b->data[b->pos & (SKC_EVT_HALF - 1)];
	if (family == 2 /* AF_INET */ || family == 10 /* AF_INET6 */) {
		bool v4 = family == 2;
		__u8 laddr[16] = {}, raddr[16] = {};
		if (v4) {
			BPF_CORE_READ_INTO((__u32 *)laddr, sk, __sk_common.skc_rcv_saddr);
			BPF_CORE_READ_INTO((__u32 *)raddr, sk, __sk_common.skc_daddr);
		} else {
			BPF_CORE_READ_INTO(&laddr, sk, __sk_common.skc_v6_rcv_saddr);
			BPF_CORE_READ_INTO(&raddr, sk, __sk_common.skc_v6_daddr);
		}
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		/* connect: the destination the caller asked for (sockaddr_in/in6) */
		if (dst && dst->len >= (v4 ? 8 : 24)) {
			__u16 dport_be;
			__builtin_memcpy(&dport_be, &dst->data[2], 2);
			if (v4) {
				__builtin_memcpy(raddr, &dst->data[4], 4);
			} else {
				__builtin_memcpy(raddr, &dst->data[8], 16);
			}
			rport = bpf_ntohs(dport_be);
		}
		__u32 alen = v4 ? 4 : 16;
		const __u8 *src = peer_first ? raddr : laddr, *dstaddr = peer_first ? laddr : raddr;
		__u16 sport = peer_first ? rport : lport, dport = peer_first ? lport : rport;
		p[0] = (__u8)family;
		__builtin_memcpy(&p[1], src, 16);
		__builtin_memcpy(&p[1 + alen], &sport, 2);
		__builtin_memcpy(&p[3 + alen], dstaddr, 16);
		__builtin_memcpy(&p[3 + 2 * alen], &dport, 2);
		evt_close_param(b, 5 + 2 * alen);
		return;
	}
	if (family == 1 /* AF_UNIX */) {
		__u64 src = (__u64)sk;
		__u64 peer = (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer);
		p[0] = 1;
		__builtin_memcpy(&p[1], &src, 8);
		__builtin_memcpy(&p[9], &peer, 8);
		__u32 n = 0;
		if (dst && dst->len > 2) {
			long r = bpf_probe_read_kernel_str(&p[17], 108, &dst->data[2]);
			n = r > 0 ? (__u32)r : 0;
		}
		if (n == 0) {
			p[17] = 0;
			n = 1;
		}
		evt_close_param(b, 17 + n);
		return;
	}
	put_empty(b);
}

/* Scap SOCKADDR from a raw sockaddr held in kernel memory. */
static __always_inline void put_sockaddr(struct evtbuf *b, const __u8 *sa, __u32 len)
{
	__u8 *p = &b->data[b->pos & (SKC_EVT_HALF - 1)];
	__u16 family;
	if (len < 2) {
		put_empty(b);
		return;
	}
	__builtin_memcpy(&family, sa, 2);
	if ((family == 2 && len >= 8) || (family == 10 && len >= 24)) {
		/* sockaddr_in: port at 2, address at 4; sockaddr_in6: address at 8 */
		__u32 alen = family == 2 ? 4 : 16;
		__u16 port_be;
		__builtin_memcpy(&port_be, &sa[2], 2);
		__u16 port = bpf_ntohs(port_be);
		p[0] = (__u8)family;
		__builtin_memcpy(&p[1], family == 2 ? &sa[4] : &sa[8], 16);
		__builtin_memcpy(&p[1 + alen], &port, 2);
		evt_close_param(b, 3 + alen);
		return;
	}
	if (family == 1) {
		p[0] = 1;
		long r = bpf_probe_read_kernel_str(&p[1], 108, &sa[2]);
		evt_close_param(b, 1 + (r > 0 ? (__u32)r : 0));
		return;
	}
	p[0] = (__u8)family;
	evt_close_param(b, 1);
}

struct walk_ctx {
	struct pathbuf *pb;
	struct dentry *d;
	struct mount *mnt;
	__u32 off; /* the path starts here and ends at PATH_HALF */
};

/* One step up the dentry tree (bpf_loop callback: verified once). Returns 1
 * at the root. */
static long walk_step(__u32 index, void *c)
{
	struct walk_ctx *w = c;
	struct dentry *d = w->d;
	struct mount *mnt = w->mnt;
	struct dentry *root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	bool last = false;
	if (d == root) {
		struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);
		if (mp != mnt) {
			w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
			w->mnt = mp;
			return 0;
		}
		if (index != 0) {
			return 1;
		}
		last = true;
	} else if (d == parent) {
		/* a pseudo file (memfd, pipe) has no parent: its name is the path */
		if (index != 0) {
			return 1;
		}
		last = true;
	}
	__u32 len = BPF_CORE_READ(d, d_name.len) & 255;
	const unsigned char *name = BPF_CORE_READ(d, d_name.name);
	__u32 off = w->off;
	if (len + 1 > off) {
		return 1;
	}
	off -= len + 1;
	w->off = off;
	w->pb->data[off & (PATH_HALF - 1)] = '/';
	bpf_probe_read_kernel(&w->pb->data[(off + 1) & (PATH_HALF - 1)], len, name);
	if (last && len == 1 && w->pb->data[(off + 1) & (PATH_HALF - 1)] == '/') {
		w->off = PATH_HALF; /* the real root: "/" */
	}
	w->d = parent;
	return last ? 1 : 0;
}

/* Walks dentries up to the root, crossing mounts; writes the path into
 * sk_path and returns its start offset (the string ends at PATH_HALF). */
static __always_inline long path_walk(struct path *kpath, struct pathbuf **out)
{
	struct pathbuf *pb = bpf_map_lookup_elem(&sk_path, &zero);
	if (!pb) {
		return -1;
	}
	*out = pb;
	struct vfsmount *vmnt = BPF_CORE_READ(kpath, mnt);
	struct walk_ctx w = {
		.pb = pb,
		.d = BPF_CORE_READ(kpath, dentry),
		.mnt = container_of(vmnt, struct mount, mnt),
		.off = PATH_HALF,
	};
	pb->data[PATH_HALF] = 0;
	bpf_loop(64, walk_step, &w, 0);
	if (w.off == PATH_HALF) {
		w.off--;
		pb->data[w.off & (PATH_HALF - 1)] = '/';
	}
	return w.off;
}

static __always_inline void put_path(struct evtbuf *b, struct path *kpath)
{
	struct pathbuf *pb;
	long off = path_walk(kpath, &pb);
	if (off < 0 || off >= PATH_HALF) {
		put_empty(b);
		return;
	}
	put_kbytes(b, &pb->data[off & (PATH_HALF - 1)], (PATH_HALF - (__u32)off + 1) & (2 * PATH_HALF - 1));
}

/* env parameter: the environment block, capped so the event stays within
 * SKC_EVT_HALF with room for the parameters after it. */
static __always_inline void put_env(struct evtbuf *b, struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long start = BPF_CORE_READ(mm, env_start);
	unsigned long end = BPF_CORE_READ(mm, env_end);
	__u32 room = b->pos + 2048 < SKC_EVT_HALF ? SKC_EVT_HALF - 2048 - b->pos : 0;
	__u32 len = end > start ? (__u32)(end - start) : 0;
	if (len > room) {
		len = room;
	}
	if (len > 2047) {
		len = 2047;
	}
	asm volatile("%0 &= 2047" : "+r"(len)); /* in the register the helper gets */
	if (len > 0 && bpf_probe_read_user(&b->data[b->pos & (SKC_EVT_HALF - 1)], len, (void *)start) != 0) {
		len = 0;
	}
	evt_close_param(b, len);
}

/* One capability set (a kernel_cap_t member of struct cred) of task t as a
 * u64. kernel_cap_t was u32 cap[2] before 6.3 and is u64 val since: 8 bytes
 * either way, and on a little-endian machine the same value, so the whole
 * member is copied by its CO-RE-relocated offset rather than through .val. */
#define cred_caps(t, set)                                                                                    \
	({                                                                                                   \
		const struct cred *c_ = BPF_CORE_READ(t, cred);                                              \
		__u64 v_ = 0;                                                                                \
		bpf_core_read(&v_, sizeof(v_), &c_->set);                                                    \
		v_;                                                                                          \
	})

/* ---- generic syscall exit ---------------------------------------------- */

/* args[i] by branches: verifiers before 6.2 or so refuse a load from the
 * stack at a variable offset ("invalid variable-offset read from stack"),
 * which is what args[i] compiles to. i past 5 reads args[5]. */
static __always_inline unsigned long arg_at(const unsigned long *args, __u32 i)
{
	unsigned long v;
	switch (i) {
	case 0:
		v = args[0];
		break;
	case 1:
		v = args[1];
		break;
	case 2:
		v = args[2];
		break;
	case 3:
		v = args[3];
		break;
	case 4:
		v = args[4];
		break;
	default:
		v = args[5];
		break;
	}
	/* keep the branches: merged back, they become the variable load */
	asm volatile("" : "+r"(v));
	return v;
}

/* What every parameter of one syscall exit reads from, gathered once. */
struct exit_ctx {
	unsigned long args[6];
	long ret;
	struct task_struct *task;
	const struct stash *st;
	struct file *ret_file; /* file behind the returned fd, looked up once */
	bool ret_file_done;
};

static __always_inline struct file *exit_ret_file(struct exit_ctx *x, const bool btf_cast)
{
	if (!x->ret_file_done) {
		x->ret_file = x->ret >= 0 ? current_fd_file(x->ret, btf_cast) : NULL;
		x->ret_file_done = true;
	}
	return x->ret_file;
}

static __always_inline void put_param(struct evtbuf *b, __u8 kind, __u8 argn, struct exit_ctx *x,
                                      const bool btf_cast)
{
	struct task_struct *task = x->task;
	const struct stash *st = x->st;
	long ret = x->ret;
	__u64 a = arg_at(x->args, argn);
	switch (kind) {
	case SKC_P_RET:
		put_u64(b, (__u64)ret);
		break;
	case SKC_P_ARG_S64:
		/* ints (fds, pids) are 32-bit in the ABI: sign-extend */
		put_u64(b, (__u64)(__s64)(int)a);
		break;
	case SKC_P_ARG_U64:
		put_u64(b, a);
		break;
	case SKC_P_ARG_U32:
		put_u32(b, (__u32)a);
		break;
	case SKC_P_ARG_U16:
		put_u16(b, (__u16)a);
		break;
	case SKC_P_ARG_U8:
		put_u8(b, (__u8)a);
		break;
	case SKC_P_ARG_USTR:
		put_ustr(b, (const void *)a);
		break;
	case SKC_P_STASH_STR:
		/* the enter-side copy fails when the page was not yet faulted in:
		 * then read the argument now */
		if (st->len > 0) {
			/* the stash holds the string and its NUL, len bytes: a word-wise
			 * copy, where a string copy goes byte by byte */
			put_kbytes(b, st->data, st->len);
		} else {
			put_ustr(b, (const void *)a);
		}
		break;
	case SKC_P_STASH_SOCKADDR:
		if (st->len > 0) {
			put_sockaddr(b, st->data, st->len);
			break;
		}
		/* fall through: read the argument at exit */
	case SKC_P_ARG_SOCKADDR: {
		__u8 sa[112] = {};
		__u32 len = bound_len((__u32)arg_at(x->args, argn + 1u), sizeof(sa));
		if (a && bpf_probe_read_user(sa, len, (const void *)a) == 0) {
			put_sockaddr(b, sa, len);
		} else {
			put_empty(b);
		}
		break;
	}
	case SKC_P_TUPLE_ARGFD:
		put_tuple(b, fd_to_sock(task, (int)a), false, NULL);
		break;
	case SKC_P_TUPLE_RETFD:
		put_tuple(b, ret >= 0 ? fd_to_sock(task, ret) : NULL, true, NULL);
		break;
	case SKC_P_TUPLE_CONNECT:
		put_tuple(b, fd_to_sock(task, (int)a), false, st);
		break;
	case SKC_P_FD_DEV: {
		struct file *f = exit_ret_file(x, btf_cast);
		__u32 dev = 0;
		if (f && btf_cast) {
			dev = f->f_inode->i_sb->s_dev;
		} else if (f) {
			dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
		}
		/* scap carries the userspace encoding of dev_t */
		put_u32(b, ((dev >> 20) << 8) | (dev & 0xff) | ((dev & 0xfff00) << 12));
		break;
	}
	case SKC_P_FD_INO: {
		struct file *f = exit_ret_file(x, btf_cast);
		__u64 ino = 0;
		if (f && btf_cast) {
			ino = f->f_inode->i_ino;
		} else if (f) {
			ino = BPF_CORE_READ(f, f_inode, i_ino);
		}
		put_u64(b, ino);
		break;
	}
	case SKC_P_PIPE_FD0:
	case SKC_P_PIPE_FD1:
	case SKC_P_PIPE_INO: {
		int fds[2] = {-1, -1};
		if (ret == 0) {
			bpf_probe_read_user(fds, sizeof(fds), (const void *)a);
		}
		if (kind == SKC_P_PIPE_INO) {
			struct file *f = ret == 0 ? fd_to_file(task, fds[0]) : NULL;
			put_u64(b, f ? BPF_CORE_READ(f, f_inode, i_ino) : 0);
		} else {
			int fd = kind == SKC_P_PIPE_FD1 ? fds[1] : fds[0];
			put_u64(b, (__u64)(__s64)fd);
		}
		break;
	}
	case SKC_P_DYN_U64: {
		__u8 *p = &b->data[b->pos & (SKC_EVT_HALF - 1)];
		p[0] = 0;
		__builtin_memcpy(&p[1], &a, 8);
		evt_close_param(b, 9);
		break;
	}
	case SKC_P_CAP_INH:
		put_u64(b, cred_caps(task, cap_inheritable));
		break;
	case SKC_P_CAP_PERM:
		put_u64(b, cred_caps(task, cap_permitted));
		break;
	case SKC_P_CAP_EFF:
		put_u64(b, cred_caps(task, cap_effective));
		break;
	case SKC_P_HOW_FLAGS:
	case SKC_P_HOW_MODE:
	case SKC_P_HOW_RESOLVE:
	{
		/* constant indexes: older verifiers lose the bound of a variable one */
		__u64 how = st->how[2];
		if (kind == SKC_P_HOW_FLAGS) {
			how = st->how[0];
		} else if (kind == SKC_P_HOW_MODE) {
			how = st->how[1];
		}
		put_u32(b, (__u32)how);
		break;
	}
	case SKC_P_ZERO_U8:
		put_u8(b, 0);
		break;
	case SKC_P_ZERO_U32:
		put_u32(b, 0);
		break;
	case SKC_P_ZERO_U64:
		put_u64(b, 0);
		break;
	default:
		put_empty(b);
		break;
	}
}

/* The slot's SKC_INTEREST_* bits (0 for a slot out of the map). */
static __always_inline __u8 interest_of(__u32 slot)
{
	__u8 *w = bpf_map_lookup_elem(&sk_interest, &slot);
	return w ? *w : 0;
}

static __always_inline bool wanted(__u32 slot)
{
	return (interest_of(slot) & SKC_INTEREST_WANT) != 0;
}

/* Keeps the path or address of a wanted open-family/connect call for its
 * exit event. args are the syscall's six arguments. */
static __always_inline int stash_enter(__u32 nr, const unsigned long *args)
{
	const struct skc_spec *spec = bpf_map_lookup_elem(&sk_specs, &nr);
	if (!spec || spec->stash == SKC_STASH_NONE) {
		return 0;
	}
	if ((bpf_get_current_pid_tgid() >> 32) == self_tgid) {
		return 0;
	}
	struct stash *st = bpf_task_storage_get(&sk_stash, bpf_get_current_task_btf(), 0,
						BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		return 0;
	}
	__u32 a = spec->stash_arg < 5 ? spec->stash_arg : 4;
	const void *p = (const void *)arg_at(args, a);
	st->len = 0;
	st->how[0] = st->how[1] = st->how[2] = 0;
	if (spec->stash == SKC_STASH_SOCKADDR) {
		__u32 len = bound_len((__u32)arg_at(args, a + 1), 112);
		if (p && bpf_probe_read_user(st->data, len, p) == 0) {
			st->len = len;
		}
	} else {
		long n = p ? bpf_probe_read_user_str(st->data, SKC_STASH_MAX, p) : 0;
		st->len = n > 0 ? (__u32)n : 0;
		if (spec->stash == SKC_STASH_HOW) {
			const void *how = (const void *)arg_at(args, a + 1);
			if (how) {
				bpf_probe_read_user(st->how, sizeof(st->how), how);
			}
		}
	}
	st->nr = nr + 1;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sk_sys_enter, struct pt_regs *regs, long id)
{
	__u32 nr = (__u32)id;
	if (nr >= SKC_MAX_SYSCALLS || !wanted(nr)) {
		return 0;
	}
	unsigned long a[6] = {regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9};
	return stash_enter(nr, a);
}

/* The same for one syscall's own enter tracepoint (syscalls/sys_enter_<name>),
 * attached by the loader to the syscalls that stash: every other syscall
 * then runs no program on entry. */
SEC("tracepoint")
int sk_tp_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 nr = (__u32)ctx->id;
	if (nr >= SKC_MAX_SYSCALLS || !wanted(nr)) {
		return 0;
	}
	/* arguments from the registers: a program may only read as much of the
	 * record as the smallest tracepoint it is attached to holds */
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	unsigned long a[6] = {regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9};
	return stash_enter(nr, a);
}

/* The exit event of syscall nr for either hook type; tails is the program
 * array of the caller's type; btf_cast: read file objects through
 * bpf_rdonly_cast (6.2+) rather than probe reads. */
static __always_inline int sys_exit_event(void *ctx, void *tails, struct pt_regs *regs, __u32 nr, long ret,
					  const bool btf_cast)
{
	if (nr >= SKC_MAX_SYSCALLS) {
		return 0;
	}
	__u8 interest = interest_of(nr);
	if (!(interest & SKC_INTEREST_WANT)) {
		return 0;
	}
	__u64 id = bpf_get_current_pid_tgid();
	if ((id >> 32) == self_tgid) {
		return 0;
	}
	const struct skc_spec *spec = bpf_map_lookup_elem(&sk_specs, &nr);
	if (!spec || spec->evt_type == 0) {
		return 0;
	}
	if ((interest & SKC_INTEREST_DROP_FAILED) && ret < 0 && ret >= -SKC_MAX_ERRNO && ret != -SKC_EINPROGRESS) {
		if (spec->stash != SKC_STASH_NONE) {
			struct stash *left = bpf_task_storage_get(&sk_stash, bpf_get_current_task_btf(), 0, 0);
			if (left) {
				left->nr = 0;
			}
		}
		return 0;
	}
	if (spec->flags & SKC_F_PROCESS) {
		/* each builder is its own program: the verifier sees one at a time */
		bpf_tail_call(ctx, tails, nr == 59 || nr == 322 ? TAIL_EXEC : TAIL_CLONE);
		return 0;
	}
	struct stash *live = NULL;
	if (spec->stash != SKC_STASH_NONE) {
		live = bpf_task_storage_get(&sk_stash, bpf_get_current_task_btf(), 0, 0);
	}
	struct stash *st = live;
	if (!st || st->nr != nr + 1) {
		st = bpf_map_lookup_elem(&sk_stash_empty, &zero);
		if (!st) {
			return 0;
		}
	}
	struct evtbuf *b = evt_start(spec->evt_type, spec->nparams, (__u32)id);
	if (b) {
		struct exit_ctx x = {
			.args = {regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9},
			.ret = ret,
			.task = (struct task_struct *)bpf_get_current_task(),
			.st = st,
		};
		for (__u32 i = 0; i < SKC_SPEC_PARAMS; i++) {
			if (i >= spec->nparams) {
				break;
			}
			put_param(b, spec->kind[i], spec->arg[i], &x, btf_cast);
		}
		evt_submit(b);
	}
	if (live) {
		live->nr = 0;
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sk_sys_exit, struct pt_regs *regs, long ret)
{
	return sys_exit_event(ctx, &sk_tails, regs, (__u32)regs->orig_ax, ret, true);
}

/* The same on one syscall's own exit tracepoint (syscalls/sys_exit_<name>):
 * syscalls without one run no program at all. */
SEC("tracepoint")
int sk_tp_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	return sys_exit_event(ctx, &sk_tails_tp, regs, (__u32)ctx->id, ctx->ret, true);
}

/* Both again without the kfunc, for kernels before 6.2 (and --probe-reads):
 * the loader loads one pair or the other. */
SEC("tp_btf/sys_exit")
int BPF_PROG(sk_sys_exit_probe, struct pt_regs *regs, long ret)
{
	return sys_exit_event(ctx, &sk_tails, regs, (__u32)regs->orig_ax, ret, false);
}

SEC("tracepoint")
int sk_tp_exit_probe(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	return sys_exit_event(ctx, &sk_tails_tp, regs, (__u32)ctx->id, ctx->ret, false);
}

/* ---- process events ---------------------------------------------------- */

static __always_inline __u32 task_vid(struct task_struct *t, bool tgid)
{
	struct pid *p = tgid ? BPF_CORE_READ(t, signal, pids[PIDTYPE_TGID]) : BPF_CORE_READ(t, thread_pid);
	if (!p) {
		return 0;
	}
	__u32 level = BPF_CORE_READ(p, level);
	struct upid up = {};
	bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]);
	return up.nr;
}

/* Argument area of the current mm: argv[0] as exe, the rest as args. */
static __always_inline void put_exe_and_args(struct evtbuf *b, struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	unsigned long end = BPF_CORE_READ(mm, arg_end);
	__u32 total = end > start ? (__u32)(end - start) : 0;
	if (total > SKC_STR_MAX) {
		total = SKC_STR_MAX;
	}
	long n0 = 0;
	if (total > 0) {
		n0 = bpf_probe_read_user_str(&b->data[b->pos & (SKC_EVT_HALF - 1)], SKC_STR_MAX, (void *)start);
	}
	if (n0 < 0) {
		n0 = 0;
	}
	evt_close_param(b, (__u32)n0);
	__u32 rest = total > (__u32)n0 ? total - (__u32)n0 : 0;
	if (rest > SKC_STR_MAX) {
		rest = SKC_STR_MAX;
	}
	if (rest > 0 && bpf_probe_read_user(&b->data[b->pos & (SKC_EVT_HALF - 1)], rest, (void *)(start + n0)) != 0) {
		rest = 0;
	}
	evt_close_param(b, rest);
}

/* kernfs_node.parent is __parent since 6.15. */
struct kernfs_node___pre615 {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent)) {
		return BPF_CORE_READ(kn, __parent);
	}
	return BPF_CORE_READ((struct kernfs_node___pre615 *)kn, parent);
}

#define CG_NAME_MAX 256u  /* a kernfs name, with its NUL */
#define CG_PATH_MAX 1024u /* one hierarchy's names, beyond which the top is left out */

struct cg_walk_ctx {
	struct evtbuf *b;
	struct kernfs_node *kn;
	__u32 len;   /* bytes written after b->pos */
	__u32 limit; /* this walk stops when len reaches it */
	__u32 room;  /* what all walks may write */
};

/* One step up a cgroup hierarchy (bpf_loop callback): appends the node's
 * name and its NUL; returns 1 at the root, whose name is not part of the
 * path. The leaf, which names the container, is always written; out of
 * room above it, the name "..." stands for the rest. */
static long cg_walk_step(__u32 index, void *c)
{
	struct cg_walk_ctx *w = c;
	struct kernfs_node *kn = w->kn; /* a local: CO-RE relocates kernel types only */
	struct kernfs_node *parent = kn_parent(kn);
	if (!parent) {
		return 1;
	}
	__u32 at = (w->b->pos + w->len) & (SKC_EVT_HALF - 1);
	if (index > 0 && w->len >= w->limit) {
		__builtin_memcpy(&w->b->data[at], "...", 4);
		w->len += 4;
		return 1;
	}
	const char *name = BPF_CORE_READ(kn, name);
	long n = bpf_probe_read_kernel_str(&w->b->data[at], CG_NAME_MAX, name);
	if (n <= 0) {
		return 1;
	}
	w->len += (__u32)n;
	w->kn = parent;
	return 0;
}

/* Appends the names of cgrp's path, leaf first, each with its NUL, then an
 * empty name that ends the list (the root: just that). */
static __always_inline void cg_walk(struct cg_walk_ctx *w, struct cgroup *cgrp)
{
	w->kn = BPF_CORE_READ(cgrp, kn);
	__u32 limit = w->len + CG_PATH_MAX;
	w->limit = limit < w->room ? limit : w->room;
	if (w->kn) {
		bpf_loop(64, cg_walk_step, w, 0);
	}
	w->b->data[(w->b->pos + w->len) & (SKC_EVT_HALF - 1)] = 0;
	w->len++;
}

/* cgroups: the task's cgroup paths, walked here through kernfs names so
 * they do not depend on which cgroup mounts or cgroup namespace the sensor
 * has (in a pod its own mount shows only its pod). Raw layout, which user
 * space turns into the scap "controller=path" strings (sc_reencode): the
 * unified-hierarchy (v2) cgroup's name list, then, when the cpuset
 * controller sits on a v1 hierarchy (hybrid and v1 hosts, where container
 * runtimes name their cgroups there too), that cgroup's. Each list holds at
 * most CG_PATH_MAX bytes and all of them what the event has left before
 * its environment. A forked child already sits in its parent's cgroups. */
static __always_inline void put_cgroups(struct evtbuf *b, struct task_struct *task)
{
	struct cgroup *dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	/* the room put_env leaves the parameters after it; the environment
	 * itself takes what the cgroups leave */
	__u32 reserve = 2048 + 2 * (CG_NAME_MAX + 8); /* + a leaf, "..." and the end per list */
	struct cg_walk_ctx w = {.b = b, .len = 0};
	w.room = b->pos + reserve < SKC_EVT_HALF ? SKC_EVT_HALF - reserve - b->pos : 0;
	cg_walk(&w, dfl);
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuset_cgrp_id)) {
		int idx = bpf_core_enum_value(enum cgroup_subsys_id, cpuset_cgrp_id);
		struct cgroup *cs = NULL;
		if (idx >= 0 && idx < 16) {
			cs = BPF_CORE_READ(task, cgroups, subsys[idx], cgroup);
		}
		if (cs && BPF_CORE_READ(cs, root) != BPF_CORE_READ(dfl, root)) {
			cg_walk(&w, cs);
		}
	}
	evt_close_param(b, w.len);
}

/* The parameters the execve and clone exit events share, in order:
 * exe, args, tid, pid, ptid, cwd, fdlimit, pgft_maj, pgft_min, vm_size,
 * vm_rss, vm_swap, comm, cgroups. */
static __always_inline void put_task_common(struct evtbuf *b, struct task_struct *task, struct task_struct *argsrc)
{
	put_exe_and_args(b, argsrc);
	put_u64(b, BPF_CORE_READ(task, pid));
	put_u64(b, BPF_CORE_READ(task, tgid));
	put_u64(b, BPF_CORE_READ(task, real_parent, tgid));
	struct path pwd = {};
	BPF_CORE_READ_INTO(&pwd, task, fs, pwd);
	put_path(b, &pwd);
	put_u64(b, BPF_CORE_READ(task, signal, rlim[7].rlim_cur)); /* RLIMIT_NOFILE */
	put_u64(b, BPF_CORE_READ(task, maj_flt));
	put_u64(b, BPF_CORE_READ(task, min_flt));
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	put_u32(b, mm ? (__u32)(BPF_CORE_READ(mm, total_vm) << 2) : 0); /* pages to KiB */
	put_u32(b, 0); /* vm_rss: per-CPU counters, not read here */
	put_u32(b, 0);
	char comm[16];
	BPF_CORE_READ_STR_INTO(&comm, task, comm);
	put_kstr(b, comm);
	put_cgroups(b, task);
}

/* Raw clone flags of the clone-family call in regs (the loader converts). */
static __always_inline __u32 clone_flags(const struct pt_regs *regs, __u32 nr)
{
	if (nr == 57) {
		return 0; /* fork */
	}
	if (nr == 58) {
		return 0x4000 | 0x100; /* vfork: CLONE_VFORK | CLONE_VM */
	}
	if (nr == 435) {
		__u64 f = 0;
		bpf_probe_read_user(&f, sizeof(f), (const void *)BPF_CORE_READ(regs, di));
		return (__u32)f;
	}
	return (__u32)BPF_CORE_READ(regs, di);
}

static __always_inline void emit_clone(struct task_struct *task, struct task_struct *argsrc, __u16 type, long res,
				       __u32 flags)
{
	struct evtbuf *b = evt_start(type, 21, BPF_CORE_READ(task, pid));
	if (!b) {
		return;
	}
	put_u64(b, (__u64)res);
	put_task_common(b, task, argsrc);
	put_u32(b, flags); /* raw; the loader converts to scap clone flags */
	put_u32(b, BPF_CORE_READ(task, cred, euid.val));
	put_u32(b, BPF_CORE_READ(task, cred, egid.val));
	put_u64(b, task_vid(task, false));
	put_u64(b, task_vid(task, true));
	put_u64(b, 0); /* pidns_init_start_ts */
	evt_submit(b);
}

static __always_inline __u16 clone_type(__u32 nr)
{
	switch (nr) {
	case 57:
		return SKC_EVT_FORK_20_X;
	case 58:
		return SKC_EVT_VFORK_20_X;
	case 435:
		return SKC_EVT_CLONE3_X;
	default:
		return SKC_EVT_CLONE_20_X;
	}
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sk_sched_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!wanted(SKC_SLOT_FORK) || BPF_CORE_READ(parent, tgid) == self_tgid) {
		return 0;
	}
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs((struct task_struct *)bpf_get_current_task_btf());
	__u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	emit_clone(child, parent, clone_type(nr), 0, clone_flags(regs, nr));
	return 0;
}

/* struct inode's change and modification times before 6.11: timespec64
 * members named i_ctime/i_mtime until 6.5, __i_ctime from 6.6 and __i_mtime
 * from 6.7 (CO-RE flavour: matched by field name, suffix dropped). */
struct inode___pre611 {
	struct timespec64 i_ctime, i_mtime, __i_ctime, __i_mtime;
} __attribute__((preserve_access_index));

static __always_inline __u64 timespec_ns(const struct timespec64 *ts)
{
	struct timespec64 t = {};
	bpf_core_read(&t, sizeof(t), ts);
	return (__u64)t.tv_sec * 1000000000ull + (__u64)t.tv_nsec;
}

/* ctime (mtime with modified) of an inode in ns, whichever layout the
 * running kernel has. */
static __always_inline __u64 inode_time_ns(struct inode *ino, const bool modified)
{
	struct inode___pre611 *old = (void *)ino;
	if (modified) {
		if (bpf_core_field_exists(ino->i_mtime_sec)) {
			return (__u64)BPF_CORE_READ(ino, i_mtime_sec) * 1000000000ull + BPF_CORE_READ(ino, i_mtime_nsec);
		}
		if (bpf_core_field_exists(old->__i_mtime)) {
			return timespec_ns(&old->__i_mtime);
		}
		return bpf_core_field_exists(old->i_mtime) ? timespec_ns(&old->i_mtime) : 0;
	}
	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		return (__u64)BPF_CORE_READ(ino, i_ctime_sec) * 1000000000ull + BPF_CORE_READ(ino, i_ctime_nsec);
	}
	if (bpf_core_field_exists(old->__i_ctime)) {
		return timespec_ns(&old->__i_ctime);
	}
	return bpf_core_field_exists(old->i_ctime) ? timespec_ns(&old->i_ctime) : 0;
}

#define OVERLAYFS_MAGIC 0x794c7630u

/* Overlay layer of an exe inode: an overlayfs inode is the vfs_inode member
 * of a struct ovl_inode whose __upperdentry is set once the file exists in
 * the upper (writable) layer; a file only in the image has lower entries
 * alone. 0 for any other file system. */
static __always_inline __u32 exe_layer(struct inode *ino)
{
	/* overlayfs built as a module that was not loaded when the programs
	 * were: no ovl_inode in the BTF, and no overlay mounts either */
	if (!bpf_core_type_exists(struct ovl_inode)) {
		return 0;
	}
	if (!ino || BPF_CORE_READ(ino, i_sb, s_magic) != OVERLAYFS_MAGIC) {
		return 0;
	}
	struct ovl_inode *oi = container_of(ino, struct ovl_inode, vfs_inode);
	/* Guarded: a relocation against a field the running kernel lacks would
	 * make the verifier refuse the whole exec program (ovl_inode.oe and
	 * ovl_entry.__numlower appeared in 6.5; older kernels report no layer
	 * below rather than fail to load). */
	if (bpf_core_field_exists(oi->__upperdentry) && BPF_CORE_READ(oi, __upperdentry)) {
		return SKC_EXE_UPPER_LAYER;
	}
	if (!bpf_core_field_exists(oi->oe)) {
		return 0;
	}
	struct ovl_entry *oe = BPF_CORE_READ(oi, oe);
	if (!oe || !bpf_core_field_exists(oe->__numlower)) {
		return 0;
	}
	return BPF_CORE_READ(oe, __numlower) > 0 ? SKC_EXE_LOWER_LAYER : 0;
}

static __always_inline __u32 exe_flags(struct file *exe, struct task_struct *task)
{
	__u32 flags = 0;
	struct inode *ino = BPF_CORE_READ(exe, f_inode);
	__u16 mode = BPF_CORE_READ(ino, i_mode);
	__u32 uid = BPF_CORE_READ(task, cred, euid.val);
	__u32 gid = BPF_CORE_READ(task, cred, egid.val);
	if (uid == 0 || ((mode & 0200) && BPF_CORE_READ(ino, i_uid.val) == uid) ||
	    ((mode & 0020) && BPF_CORE_READ(ino, i_gid.val) == gid) || (mode & 0002)) {
		flags |= SKC_EXE_WRITABLE;
	}
	char name[8] = {};
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(exe, f_path.dentry, d_name.name));
	if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' && name[5] == ':') {
		flags |= SKC_EXE_FROM_MEMFD;
	}
	return flags | exe_layer(ino);
}

static __always_inline __u32 task_tty(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	if (!tty) {
		return 0;
	}
	__u32 major = BPF_CORE_READ(tty, driver, major);
	__u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	return (major << 20) | minor;
}

/* execve/execveat exit event for task p (res 0 from the sched hook, or the
 * error of a failed call, then describing the unchanged process). */
static __always_inline void emit_exec(struct task_struct *p, __u16 type, long res)
{
	struct evtbuf *b = evt_start(type, 30, BPF_CORE_READ(p, pid));
	if (!b) {
		return;
	}
	put_u64(b, (__u64)res);
	put_task_common(b, p, p);
	put_env(b, p);
	put_u32(b, task_tty(p));
	put_u64(b, task_vid(p, true)); /* vpgid */
	put_u32(b, BPF_CORE_READ(p, loginuid.val));
	struct file *exe = BPF_CORE_READ(p, mm, exe_file);
	put_u32(b, exe ? exe_flags(exe, p) : 0);
	put_u64(b, cred_caps(p, cap_inheritable));
	put_u64(b, cred_caps(p, cap_permitted));
	put_u64(b, cred_caps(p, cap_effective));
	struct inode *ino = exe ? BPF_CORE_READ(exe, f_inode) : NULL;
	put_u64(b, ino ? BPF_CORE_READ(ino, i_ino) : 0);
	put_u64(b, ino ? inode_time_ns(ino, false) : 0);
	put_u64(b, ino ? inode_time_ns(ino, true) : 0);
	put_u32(b, BPF_CORE_READ(p, cred, euid.val));
	if (exe) {
		struct path xp = {};
		BPF_CORE_READ_INTO(&xp, exe, f_path);
		put_path(b, &xp);
	} else {
		put_empty(b);
	}
	put_u64(b, task_vid(p, true));
	put_u32(b, BPF_CORE_READ(p, cred, egid.val));
	evt_submit(b);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sk_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!wanted(SKC_SLOT_EXEC) || BPF_CORE_READ(p, tgid) == self_tgid) {
		return 0;
	}
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	__u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	emit_exec(p, nr == 322 ? SKC_EVT_EXECVEAT_X : SKC_EVT_EXECVE_19_X, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sk_sched_exit, struct task_struct *p)
{
	if (!wanted(SKC_SLOT_EXIT) || BPF_CORE_READ(p, tgid) == self_tgid) {
		return 0;
	}
	struct evtbuf *b = evt_start(SKC_EVT_PROCEXIT_1_E, 5, BPF_CORE_READ(p, pid));
	if (!b) {
		return 0;
	}
	__s64 code = BPF_CORE_READ(p, exit_code);
	put_u64(b, (__u64)code);
	put_u64(b, (__u64)(code >> 8));
	put_u8(b, code & 0x7f);
	put_u8(b, (code & 0x80) ? 1 : 0);
	put_u64(b, 0); /* reaper tid: resolved by the engine's state */
	evt_submit(b);
	return 0;
}

/* Parent side of clone/fork/vfork/clone3 (tail call from sys_exit; the
 * child side comes from sched_process_fork). */
static __always_inline int clone_exit(struct pt_regs *regs, __u32 nr, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	if (ret != 0) {
		emit_clone(task, task, clone_type(nr), ret, clone_flags(regs, nr));
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sk_clone_exit_tail, struct pt_regs *regs, long ret)
{
	return clone_exit(regs, (__u32)regs->orig_ax, ret);
}

SEC("tracepoint")
int sk_tp_clone_exit_tail(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	return clone_exit(regs, (__u32)ctx->id, ctx->ret);
}

/* Failed execve/execveat (tail call from sys_exit; successes come from
 * sched_process_exec). */
static __always_inline int exec_exit(__u32 nr, long ret)
{
	if (ret < 0) {
		emit_exec((struct task_struct *)bpf_get_current_task(),
			  nr == 322 ? SKC_EVT_EXECVEAT_X : SKC_EVT_EXECVE_19_X, ret);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sk_exec_exit_tail, struct pt_regs *regs, long ret)
{
	return exec_exit((__u32)regs->orig_ax, ret);
}

SEC("tracepoint")
int sk_tp_exec_exit_tail(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit((__u32)ctx->id, ctx->ret);
}

/* The /proc snapshot's view from the kernel: one SKC_EVT_TASK_INFO record
 * per thread (pid, the exe's overlay layer, the cgroup name lists exactly
 * as exec events carry them), read by the sensor through a task iterator
 * at each snapshot. /proc shows cgroup paths relative to the reader's
 * cgroup namespace (in a pod, /../../kubepods/...) and cannot tell which
 * overlay layer a running exe came from without the layer's directories;
 * these records match what later events carry. */
SEC("iter/task")
int sk_iter_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	if (!task) {
		return 0;
	}
	struct evtbuf *b = evt_start_in(&sk_iter_evt, SKC_EVT_TASK_INFO, 3, BPF_CORE_READ(task, pid));
	if (!b) {
		return 0;
	}
	put_u64(b, BPF_CORE_READ(task, tgid));
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	put_u32(b, exe ? exe_layer(BPF_CORE_READ(exe, f_inode)) : 0);
	put_cgroups(b, task);
	__u32 len = b->pos;
	if (len > SKC_EVT_HALF || b->idx != b->nparams) {
		return 0;
	}
	__builtin_memcpy(&b->data[16], &len, 4);
	/* masked in the register the helper receives (see bound_len) */
	_Static_assert(SKC_EVT_BUF == 0x4000, "the mask below is SKC_EVT_BUF - 1");
	asm volatile("%0 &= 0x3fff" : "+r"(len));
	bpf_seq_write(ctx->meta->seq, b->data, len);
	return 0;
}
