/* sensor.c: libbpf loader in the libbpf-tools style. */
#include "sensor.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "saker.skel.h"
#include "sc_table.h"
#include "sk_log.h"

#define RING_MAX_CPUS 1024u
#define MAX_TP_LINKS  256u /* per-syscall tracepoint links: enter and exit */
/* Rings beside lanes take only what a full or busy lane refuses (and carry
 * the reader's wakeups). */
#define LANE_RING_BYTES (256u * 1024u)

struct ring_ctx {
	struct sensor *s;
	uint16_t cpu;
};

struct sensor {
	struct saker_bpf *skel;
	struct ring_buffer *rb;
	uint32_t ncpus;
	uint32_t nrings;
	int *ring_fds; /* nrings of them */
	struct ring_ctx *ctxs;
	sensor_event_fn fn;
	void *ctx;
	int delivered;
	struct bpf_link *tp_links[MAX_TP_LINKS]; /* per-syscall tracepoints */
	uint32_t ntp_links;
	bool exit_per_syscall; /* exits on syscalls/sys_exit_*, not tp_btf/sys_exit */
	/* the exit programs loaded: with bpf_rdonly_cast, or probe reads only */
	struct bpf_program *sys_exit, *tp_exit;
	struct bpf_link **sys_exit_link;
	uint64_t boot_to_epoch; /* what the programs add to boot-time ns */
	uint8_t *lanes;         /* the mmapped sk_lanes, ncpus of them, or NULL */
	size_t lanes_len;       /* bytes mapped */
	size_t lane_stride;     /* bytes from one CPU's lane to the next */
	uint32_t lane_bytes;    /* data bytes of each lane, power of 2 */
	uint64_t lane_bad;      /* records of impossible length skipped */
	uint64_t from_lanes, from_rings; /* events delivered from each */
};

/* The verifier's last lines, kept for the error report. */
#define LOG_KEEP 16
static char log_lines[LOG_KEEP][256];
static unsigned log_next;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG) {
		return 0;
	}
	static char line[1 << 20]; /* a whole verifier log arrives in one call */
	vsnprintf(line, sizeof(line), fmt, ap);
	/* keep each line of a multi-line verifier log separately */
	char *save = NULL;
	for (char *tok = strtok_r(line, "\n", &save); tok != NULL; tok = strtok_r(NULL, "\n", &save)) {
		snprintf(log_lines[log_next % LOG_KEEP], sizeof(log_lines[0]), "%s", tok);
		log_next++;
	}
	return 0;
}

/* Prints the last lines libbpf logged, each after prefix: "verifier" for a
 * rejected program, "libbpf" when the load failed before verification. */
static void log_libbpf_tail(const char *prefix)
{
	unsigned first = log_next > LOG_KEEP ? log_next - LOG_KEEP : 0;
	for (unsigned i = first; i < log_next; i++) {
		sk_error("%s: %s", prefix, log_lines[i % LOG_KEEP]);
	}
}

static bool has_cap(cap_value_t c)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;
	if (caps != NULL) {
		cap_get_flag(caps, c, CAP_EFFECTIVE, &v);
		cap_free(caps);
	}
	return v == CAP_SET;
}

static sk_err check_host(char *why, size_t why_len)
{
	if (!(has_cap(CAP_BPF) && has_cap(CAP_PERFMON)) && !has_cap(CAP_SYS_ADMIN)) {
		snprintf(why, why_len, "missing CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): run as root or grant them "
				       "(setcap cap_bpf,cap_perfmon,cap_sys_resource+ep saker-capture)");
		return SK_EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(why, why_len, "kernel has no BTF (/sys/kernel/btf/vmlinux): use a kernel built with "
				       "CONFIG_DEBUG_INFO_BTF=y");
		return SK_EUNSUPP;
	}
	struct utsname u;
	int major = 0, minor = 0;
	/* 5.17: the path walk runs in bpf_loop (ring buffers need 5.8, task
	 * storage and tp_btf 5.11, bpf_task_pt_regs 5.15); bpf_rdonly_cast (6.2)
	 * is used only where the kernel has it. */
	if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
	    (major < 5 || (major == 5 && minor < 17))) {
		snprintf(why, why_len, "kernel %s is too old: saker-capture needs Linux 5.17 or newer (bpf_loop)",
			 u.release);
		return SK_EUNSUPP;
	}
	return SK_OK;
}

/* True when the running kernel's BTF has the bpf_rdonly_cast kfunc (6.2+):
 * the exit programs then read file objects by direct loads. */
static bool kernel_has_rdonly_cast(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	if (vmlinux == NULL) {
		return false;
	}
	bool has = btf__find_by_name_kind(vmlinux, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0;
	btf__free(vmlinux);
	return has;
}

/* Picks the exit programs this kernel can load and leaves the others out
 * of the load (the verifier of a kernel without the kfunc refuses a program
 * that calls it, even in dead code). */
static void choose_exit_programs(struct sensor *s, bool probe_reads)
{
	struct saker_bpf *k = s->skel;
	bool has_cast = kernel_has_rdonly_cast();
	bool probe = probe_reads || !has_cast;
	if (!has_cast) {
		sk_info("the kernel has no bpf_rdonly_cast (before 6.2): file objects are read with probe reads");
	}
	s->sys_exit = probe ? k->progs.sk_sys_exit_probe : k->progs.sk_sys_exit;
	s->tp_exit = probe ? k->progs.sk_tp_exit_probe : k->progs.sk_tp_exit;
	s->sys_exit_link = probe ? &k->links.sk_sys_exit_probe : &k->links.sk_sys_exit;
	bpf_program__set_autoload(probe ? k->progs.sk_sys_exit : k->progs.sk_sys_exit_probe, false);
	bpf_program__set_autoload(probe ? k->progs.sk_tp_exit : k->progs.sk_tp_exit_probe, false);
}

static int on_ring_event(void *ctx, void *data, size_t size)
{
	struct ring_ctx *rc = ctx;
	uint16_t cpu = rc->cpu;
	if (size >= SKC_HDR_LEN) {
		memcpy(&cpu, (const uint8_t *)data + 24, 2); /* the event's own CPU: rings may be shared */
	}
	rc->s->fn(rc->s->ctx, cpu, data, size);
	rc->s->delivered++;
	rc->s->from_rings++;
	return 0;
}

/* The ring CPU cpu writes to: CPUs 0..k-1 share ring 0, k..2k-1 ring 1,
 * and so on (k = cpus_per_ring; 0 and 1: a ring per CPU). Possible CPUs,
 * online or not, as the kernel indexes them. */
static uint32_t ring_of_cpu(uint32_t cpus_per_ring, uint32_t cpu)
{
	return cpus_per_ring > 1 ? cpu / cpus_per_ring : cpu;
}

/* Data bytes of each lane: as asked, or what the CPUs sharing a ring
 * would have had of it. */
static uint32_t lane_size(const struct sensor_opts *o, uint32_t ncpus)
{
	if (o->lane_bytes != 0) {
		return o->lane_bytes;
	}
	uint32_t sharing = o->cpus_per_ring > ncpus ? ncpus : o->cpus_per_ring > 1 ? o->cpus_per_ring : 1;
	uint32_t bytes = o->ring_bytes / sharing;
	while ((bytes & (bytes - 1)) != 0) {
		bytes &= bytes - 1; /* down to a power of 2 */
	}
	/* the verifier bounds a variable offset into a map value to 512 MiB */
	bytes = bytes > SKC_LANE_MAX ? SKC_LANE_MAX : bytes;
	return bytes < SKC_LANE_MIN ? SKC_LANE_MIN : bytes;
}

/* Delivers what the programs published in each lane since the last drain,
 * then hands the space back. Only this thread moves a tail. */
static void drain_lanes(struct sensor *s)
{
	for (uint32_t cpu = 0; cpu < s->ncpus && s->lanes != NULL; cpu++) {
		uint8_t *lane = s->lanes + (size_t)cpu * s->lane_stride;
		struct skc_lane_hdr *h = (struct skc_lane_hdr *)lane;
		uint64_t head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
		uint64_t tail = h->tail;
		const uint8_t *data = lane + SKC_LANE_DATA_OFF;
		while (tail != head) {
			const uint8_t *rec = data + (tail & (s->lane_bytes - 1));
			uint32_t len;
			memcpy(&len, rec + 16, sizeof(len));
			uint32_t need = (len + 7) & ~7u;
			if (len < SKC_HDR_LEN || len > SKC_EVT_HALF || need > head - tail) {
				/* the programs never write this: skip the rest, keep reading */
				s->lane_bad++;
				tail = head;
				break;
			}
			s->fn(s->ctx, (uint16_t)cpu, rec, len);
			s->delivered++;
			s->from_lanes++;
			tail += need;
		}
		__atomic_store_n(&h->tail, tail, __ATOMIC_RELEASE);
	}
}

/* Sizes sk_lanes (before the load) for ncpus lanes of s->lane_bytes. */
static void size_lanes(struct sensor *s)
{
	struct saker_bpf *k = s->skel;
	uint32_t value = SKC_LANE_DATA_OFF + s->lane_bytes + SKC_LANE_SLACK;
	bpf_map__set_value_size(k->maps.sk_lanes, value);
	bpf_map__set_max_entries(k->maps.sk_lanes, s->ncpus);
	k->rodata->lane_mask = s->lane_bytes - 1;
	s->lane_stride = (value + 7) & ~(size_t)7; /* the array's element size */
}

/* Maps the lanes (after the load). */
static sk_err map_lanes(struct sensor *s, char *why, size_t why_len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)s->ncpus * s->lane_stride;
	len = (len + (size_t)page - 1) & ~((size_t)page - 1);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(s->skel->maps.sk_lanes), 0);
	if (p == MAP_FAILED) {
		snprintf(why, why_len, "cannot map the event lanes (%zu bytes): %s", len, strerror(errno));
		return SK_EIO;
	}
	s->lanes = p;
	s->lanes_len = len;
	return SK_OK;
}

static uint64_t boot_to_epoch_ns(void)
{
	struct timespec rt, bt;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return ((uint64_t)rt.tv_sec - (uint64_t)bt.tv_sec) * 1000000000ull + (uint64_t)rt.tv_nsec -
	       (uint64_t)bt.tv_nsec;
}

static sk_err fill_specs(struct sensor *s)
{
	size_t n;
	const struct sc_entry *t = sc_table(&n);
	int fd = bpf_map__fd(s->skel->maps.sk_specs);
	for (size_t i = 0; i < n; i++) {
		struct skc_spec spec;
		uint32_t key = t[i].nr;
		sc_to_spec(&t[i], &spec);
		if (bpf_map_update_elem(fd, &key, &spec, BPF_ANY) != 0) {
			return SK_EIO;
		}
	}
	/* slots as TAIL_CLONE and TAIL_EXEC in saker.bpf.c, one array per
	 * program type */
	int progs[2][2] = {
		{bpf_program__fd(s->skel->progs.sk_clone_exit_tail), bpf_program__fd(s->skel->progs.sk_exec_exit_tail)},
		{bpf_program__fd(s->skel->progs.sk_tp_clone_exit_tail),
		 bpf_program__fd(s->skel->progs.sk_tp_exec_exit_tail)},
	};
	int maps[2] = {bpf_map__fd(s->skel->maps.sk_tails), bpf_map__fd(s->skel->maps.sk_tails_tp)};
	for (uint32_t type = 0; type < 2; type++) {
		for (uint32_t slot = 0; slot < 2; slot++) {
			if (bpf_map_update_elem(maps[type], &slot, &progs[type][slot], BPF_ANY) != 0) {
				return SK_EIO;
			}
		}
	}
	return SK_OK;
}

static void detach_tracepoints(struct sensor *s)
{
	for (uint32_t i = 0; i < s->ntp_links; i++) {
		bpf_link__destroy(s->tp_links[i]);
	}
	s->ntp_links = 0;
}

/* The tracefs events/syscalls directory (mounting tracefs when nobody
 * has), or NULL. libbpf looks in the same two places. */
static const char *syscall_events_dir(void)
{
	static const char *const dirs[] = {"/sys/kernel/debug/tracing/events/syscalls",
					   "/sys/kernel/tracing/events/syscalls"};
	for (int attempt = 0; attempt < 2; attempt++) {
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			if (access(dirs[i], F_OK) == 0) {
				return dirs[i];
			}
		}
		if (attempt == 0 &&
		    mount("tracefs", "/sys/kernel/tracing", "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
			return NULL;
		}
	}
	return NULL;
}

/* Tracepoint name of a table syscall (the kernel names a few differently). */
static const char *tp_syscall_name(const char *name)
{
	return strcmp(name, "umount2") == 0 ? "umount" : name;
}

static bool has_tracepoint(const char *dir, const char *kind, const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/sys_%s_%s", dir, kind, tp_syscall_name(name));
	return access(path, F_OK) == 0;
}

static bool attach_tp(struct sensor *s, struct bpf_program *prog, const char *kind, const char *name)
{
	char tp[64];
	snprintf(tp, sizeof(tp), "sys_%s_%s", kind, tp_syscall_name(name));
	struct bpf_link *l = s->ntp_links < MAX_TP_LINKS ? bpf_program__attach_tracepoint(prog, "syscalls", tp) : NULL;
	if (l == NULL) {
		sk_warn("cannot attach to tracepoint syscalls/%s (%s)", tp, strerror(errno));
		return false;
	}
	s->tp_links[s->ntp_links++] = l;
	return true;
}

/* Attaches the per-syscall programs: sk_tp_enter to the enter tracepoint
 * of every syscall that stashes, so no other syscall runs a program on
 * entry (the first program a syscall runs pays most: measured 100-140 ns
 * against 30-45 ns for the exit program after it); with exit_per_syscall
 * sk_tp_exit to the exit tracepoint of every table syscall, so syscalls
 * nobody captures run no program at all. Without exit_tracepoints the exits
 * go per syscall only when every table syscall has its tracepoint (a kernel
 * without modules has none for init_module/finit_module, whose failed calls
 * rules still want); with it, syscalls lacking one are not captured. False
 * when tracefs or an enter tracepoint is missing (nothing stays attached). */
static bool attach_tracepoints(struct sensor *s, bool exit_tracepoints)
{
	size_t n;
	const struct sc_entry *t = sc_table(&n);
	const char *dir = syscall_events_dir();
	if (dir == NULL) {
		return false;
	}
	bool all_exits = true;
	for (size_t i = 0; i < n; i++) {
		if (t[i].nr >= SKC_SLOT_EXEC) {
			continue; /* the sched hooks */
		}
		if (t[i].stash != SKC_STASH_NONE && !has_tracepoint(dir, "enter", t[i].name)) {
			return false;
		}
		all_exits &= has_tracepoint(dir, "exit", t[i].name);
	}
	s->exit_per_syscall = all_exits || exit_tracepoints;
	for (size_t i = 0; i < n && s->exit_per_syscall; i++) {
		if (t[i].nr < SKC_SLOT_EXEC && !has_tracepoint(dir, "exit", t[i].name)) {
			sk_warn("no tracepoint syscalls/sys_exit_%s: %s is not captured", t[i].name, t[i].name);
		}
	}
	for (size_t i = 0; i < n; i++) {
		bool ok = true;
		if (t[i].nr >= SKC_SLOT_EXEC) {
			continue;
		}
		if (t[i].stash != SKC_STASH_NONE) {
			ok = attach_tp(s, s->skel->progs.sk_tp_enter, "enter", t[i].name);
		}
		if (ok && s->exit_per_syscall && has_tracepoint(dir, "exit", t[i].name)) {
			ok = attach_tp(s, s->tp_exit, "exit", t[i].name);
		}
		if (!ok) {
			detach_tracepoints(s);
			s->exit_per_syscall = false;
			return false;
		}
	}
	return true;
}

sk_err sensor_open(const struct sensor_opts *opts, sensor_event_fn fn, void *ctx, struct sensor **out, char *why,
		   size_t why_len)
{
	sk_err err = check_host(why, why_len);
	if (err != SK_OK) {
		return err;
	}
	libbpf_set_print(libbpf_log);
	struct sensor *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return SK_ENOMEM;
	}
	s->fn = fn;
	s->ctx = ctx;
	int ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0 || (uint32_t)ncpus > RING_MAX_CPUS) {
		snprintf(why, why_len, "cannot count CPUs");
		err = SK_EINVAL;
		goto cleanup;
	}
	s->ncpus = (uint32_t)ncpus;
	s->nrings = ring_of_cpu(opts->cpus_per_ring, s->ncpus - 1) + 1;
	s->ring_fds = calloc(s->nrings, sizeof(int));
	s->ctxs = calloc(s->nrings, sizeof(*s->ctxs));
	if (s->ring_fds == NULL || s->ctxs == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	for (uint32_t i = 0; i < s->nrings; i++) {
		s->ring_fds[i] = -1;
	}
	s->skel = saker_bpf__open();
	if (s->skel == NULL) {
		snprintf(why, why_len, "cannot open the BPF object: %s", strerror(errno));
		err = SK_EINVAL;
		goto cleanup;
	}
	s->skel->rodata->self_tgid = (uint32_t)getpid();
	s->boot_to_epoch = boot_to_epoch_ns();
	s->skel->rodata->boot_to_epoch = s->boot_to_epoch;
	bpf_program__set_autoattach(s->skel->progs.sk_clone_exit_tail, false);
	bpf_program__set_autoattach(s->skel->progs.sk_exec_exit_tail, false);
	/* attached by hand: per-syscall tracepoints, or the generic ones */
	struct bpf_program *manual[] = {s->skel->progs.sk_sys_enter,	      s->skel->progs.sk_sys_exit,
					s->skel->progs.sk_tp_enter,	      s->skel->progs.sk_tp_exit,
					s->skel->progs.sk_sys_exit_probe,     s->skel->progs.sk_tp_exit_probe,
					s->skel->progs.sk_tp_clone_exit_tail, s->skel->progs.sk_tp_exec_exit_tail};
	for (size_t i = 0; i < sizeof(manual) / sizeof(manual[0]); i++) {
		bpf_program__set_autoattach(manual[i], false);
	}
	choose_exit_programs(s, opts->probe_reads);
	bpf_map__set_max_entries(s->skel->maps.sk_rings, s->ncpus);
	uint32_t ring_bytes = opts->ring_bytes;
	if (!opts->no_lanes) {
		s->lane_bytes = lane_size(opts, s->ncpus);
		size_lanes(s);
		ring_bytes = ring_bytes < LANE_RING_BYTES ? ring_bytes : LANE_RING_BYTES;
	}
	for (uint32_t i = 0; i < s->nrings; i++) {
		s->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "sk_ring", 0, 0, ring_bytes, NULL);
		if (s->ring_fds[i] < 0) {
			snprintf(why, why_len, "cannot create ring buffer %u of %u (%u bytes each): %s (raise "
					       "RLIMIT_MEMLOCK or grant CAP_SYS_RESOURCE; in a container, the memory limit "
					       "must hold the rings: fewer with --cpus-for-each-buffer, smaller with "
					       "--ring-mb)",
				 i + 1, s->nrings, ring_bytes, strerror(errno));
			err = SK_EPERM;
			goto cleanup;
		}
	}
	bpf_map__set_inner_map_fd(s->skel->maps.sk_rings, s->ring_fds[0]);
	int load = saker_bpf__load(s->skel);
	if (load != 0) {
		bool maps = load == -ENOMEM || load == -EPERM;
		log_libbpf_tail(maps ? "libbpf" : "verifier");
		if (maps) {
			/* the maps, the lanes first of all, did not fit the memory limit */
			snprintf(why, why_len, "cannot create the BPF maps: %s (the event lanes take %u bytes per CPU: "
					       "smaller with --ring-mb, or raise the memory limit of the container or "
					       "cgroup, or RLIMIT_MEMLOCK)",
				 strerror(-load), s->lane_bytes != 0 ? s->lane_bytes : ring_bytes);
			err = SK_EPERM;
		} else {
			snprintf(why, why_len, "the kernel rejected the BPF programs (verifier output above); report "
					       "it with the kernel version");
			err = SK_EINVAL;
		}
		goto cleanup;
	}
	if (s->lane_bytes != 0) {
		err = map_lanes(s, why, why_len);
		if (err != SK_OK) {
			goto cleanup;
		}
	}
	for (uint32_t cpu = 0; cpu < s->ncpus; cpu++) {
		uint32_t ring = ring_of_cpu(opts->cpus_per_ring, cpu);
		if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.sk_rings), &cpu, &s->ring_fds[ring], BPF_ANY) != 0) {
			snprintf(why, why_len, "cannot install ring buffer %u for CPU %u: %s", ring, cpu, strerror(errno));
			err = SK_EIO;
			goto cleanup;
		}
	}
	for (uint32_t i = 0; i < s->nrings; i++) {
		s->ctxs[i].s = s;
		s->ctxs[i].cpu = (uint16_t)(opts->cpus_per_ring > 1 ? i * opts->cpus_per_ring : i); /* its first CPU */
		if (i == 0) {
			s->rb = ring_buffer__new(s->ring_fds[0], on_ring_event, &s->ctxs[0], NULL);
		} else if (s->rb != NULL && ring_buffer__add(s->rb, s->ring_fds[i], on_ring_event, &s->ctxs[i]) != 0) {
			snprintf(why, why_len, "cannot map ring buffer %u", i);
			err = SK_EIO;
			goto cleanup;
		}
		if (s->rb == NULL) {
			snprintf(why, why_len, "cannot map ring buffer 0: %s", strerror(errno));
			err = SK_EIO;
			goto cleanup;
		}
	}
	err = fill_specs(s);
	if (err != SK_OK) {
		snprintf(why, why_len, "cannot fill the syscall spec map: %s", strerror(errno));
		goto cleanup;
	}
	if (saker_bpf__attach(s->skel) != 0) {
		snprintf(why, why_len, "cannot attach to the tracepoints: %s (tracefs and raw tracepoints must be "
				       "available)",
			 strerror(errno));
		err = SK_EPERM;
		goto cleanup;
	}
	if (!attach_tracepoints(s, opts->exit_tracepoints)) {
		sk_warn("no per-syscall tracepoints (tracefs): every syscall runs the generic enter program");
		s->skel->links.sk_sys_enter = bpf_program__attach(s->skel->progs.sk_sys_enter);
		if (s->skel->links.sk_sys_enter == NULL) {
			snprintf(why, why_len, "cannot attach to sys_enter: %s", strerror(errno));
			err = SK_EPERM;
			goto cleanup;
		}
	}
	if (!s->exit_per_syscall) {
		*s->sys_exit_link = bpf_program__attach(s->sys_exit);
		if (*s->sys_exit_link == NULL) {
			snprintf(why, why_len, "cannot attach to sys_exit: %s", strerror(errno));
			err = SK_EPERM;
			goto cleanup;
		}
	}
	*out = s;
	return SK_OK;
cleanup:
	sensor_close(s);
	return err;
}

sk_err sensor_task_records(struct sensor *s, sk_strbuf *out)
{
	/* the link was made at the load, with the privileges that takes */
	struct bpf_link *link = s->skel->links.sk_iter_task;
	int fd = link != NULL ? bpf_iter_create(bpf_link__fd(link)) : -1;
	if (fd < 0) {
		return SK_EIO;
	}
	sk_err err = SK_OK;
	char buf[16384];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			err = n < 0 ? SK_EIO : SK_OK;
			break;
		}
		sk_strbuf_append(out, buf, (size_t)n);
	}
	close(fd);
	return err == SK_OK && sk_strbuf_failed(out) ? SK_ENOMEM : err;
}

sk_err sensor_set_interest(struct sensor *s, const bool want[SKC_MAX_SYSCALLS], bool drop_failed_exit)
{
	int fd = bpf_map__fd(s->skel->maps.sk_interest);
	for (uint32_t i = 0; i < SKC_MAX_SYSCALLS; i++) {
		uint8_t v = 0;
		if (want[i]) {
			/* the sched hooks' slots have no return value to judge */
			bool sched = i == SKC_SLOT_EXEC || i == SKC_SLOT_FORK || i == SKC_SLOT_EXIT;
			v = SKC_INTEREST_WANT | (drop_failed_exit && !sched ? SKC_INTEREST_DROP_FAILED : 0);
		}
		if (bpf_map_update_elem(fd, &i, &v, BPF_ANY) != 0) {
			return SK_EIO;
		}
	}
	return SK_OK;
}

sk_err sensor_poll(struct sensor *s, int *n)
{
	s->delivered = 0;
	/* lanes first: a ring holds what came after its CPU's lane filled */
	drain_lanes(s);
	int r = ring_buffer__consume(s->rb);
	*n = s->delivered;
	return r < 0 && r != -EINTR ? SK_EIO : SK_OK;
}

sk_err sensor_wait(struct sensor *s, int timeout_ms, int *n)
{
	/* The flag is set before the rings are looked at, and the programs read
	 * it after they commit an event: an event is either seen by the drain
	 * below or wakes the epoll_wait in ring_buffer__poll. */
	__atomic_store_n(&s->skel->bss->reader_waiting, 1, __ATOMIC_SEQ_CST);
	sk_err err = sensor_poll(s, n);
	if (err == SK_OK && *n == 0) {
		s->delivered = 0;
		/* a lane's event wakes the rings' epoll too (evt_submit) */
		int r = ring_buffer__poll(s->rb, timeout_ms);
		drain_lanes(s);
		*n = s->delivered;
		err = r < 0 && r != -EINTR ? SK_EIO : SK_OK;
	}
	/* awake again: events need no wakeup until the next wait */
	__atomic_store_n(&s->skel->bss->reader_waiting, 0, __ATOMIC_RELAXED);
	return err;
}

sk_err sensor_counters(struct sensor *s, struct skc_counters *per_cpu, uint32_t max, uint32_t *ncpus)
{
	uint32_t key = 0;
	struct skc_counters *all = calloc(s->ncpus, sizeof(*all));
	if (all == NULL) {
		return SK_ENOMEM;
	}
	sk_err err = SK_OK;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.sk_counters), &key, all) != 0) {
		err = SK_EIO;
		goto cleanup;
	}
	*ncpus = s->ncpus < max ? s->ncpus : max;
	memcpy(per_cpu, all, *ncpus * sizeof(*all));
cleanup:
	free(all);
	return err;
}

uint64_t sensor_clock_ns(const struct sensor *s)
{
	struct timespec bt;
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec + s->boot_to_epoch;
}

void sensor_sources(const struct sensor *s, uint64_t *from_lanes, uint64_t *from_rings, uint64_t *lane_bad)
{
	*from_lanes = s->from_lanes;
	*from_rings = s->from_rings;
	*lane_bad = s->lane_bad;
}

uint32_t sensor_ncpus(const struct sensor *s)
{
	return s->ncpus;
}

void sensor_close(struct sensor *s)
{
	if (s == NULL) {
		return;
	}
	ring_buffer__free(s->rb);
	detach_tracepoints(s);
	if (s->lanes != NULL) {
		munmap(s->lanes, s->lanes_len);
	}
	saker_bpf__destroy(s->skel);
	if (s->ring_fds != NULL) {
		for (uint32_t i = 0; i < s->nrings; i++) {
			if (s->ring_fds[i] >= 0) {
				close(s->ring_fds[i]);
			}
		}
	}
	free(s->ring_fds);
	free(s->ctxs);
	free(s);
}
