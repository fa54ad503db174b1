/* state: what the engine knows about the machine between events.
 *
 * Threads (with their process's data), per-process fd tables, users and
 * groups, containers. Built from the capture's start-up snapshot (process
 * list, fd lists, user list) and kept current by applying every event in
 * order with sk_state_apply(). Bounded: exited threads are dropped one
 * event after their exit, and past max_threads the least recently seen
 * threads are evicted.
 *
 * The structs are public so extractors read them without calls; only
 * state.c writes them. Strings are NUL-terminated; list-like strings (args,
 * env, cgroups) are NUL-separated with an explicit length. */
#ifndef SK_STATE_H
#define SK_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container_id.h"
#include "event.h"
#include "imap.h"
#include "sk_err.h"


/* fd kinds, in Falco's fd.type vocabulary. */
typedef enum sk_fd_type {
	SK_FD_UNKNOWN = 0,
	SK_FD_FILE,
	SK_FD_DIRECTORY,
	SK_FD_IPV4,
	SK_FD_IPV6,
	SK_FD_UNIX,
	SK_FD_PIPE,
	SK_FD_EVENT,
	SK_FD_SIGNALFD,
	SK_FD_EVENTPOLL,
	SK_FD_INOTIFY,
	SK_FD_TIMERFD,
	SK_FD_NETLINK,
	SK_FD_BPF,
	SK_FD_USERFAULTFD,
	SK_FD_IOURING,
	SK_FD_MEMFD,
	SK_FD_PIDFD,
	SK_FD_TYPE_COUNT
} sk_fd_type;

/* Falco's fd.type text and fd.typechar letter for a kind. */
const char *sk_fd_type_name(sk_fd_type type);
char sk_fd_type_char(sk_fd_type type);

enum {
	SK_FDEP_SERVER = 1 << 0, /* sip/sport (bind, accept, connect) */
	SK_FDEP_CLIENT = 1 << 1, /* cip/cport (a full tuple) */
};

enum {
	SK_L4_UNKNOWN = 0,
	SK_L4_TCP,
	SK_L4_UDP,
	SK_L4_ICMP,
	SK_L4_RAW,
};

typedef struct sk_fd {
	int64_t num;
	sk_fd_type type;
	uint8_t l4proto;     /* SK_L4_* for sockets */
	bool is_server;      /* this side accepted or bound+listened */
	bool connected;
	uint8_t endpoints;   /* SK_FDEP_*: which ends of a socket are known */
	uint64_t name_changed_at; /* evt.num of the event that last set the name */
	uint32_t open_flags; /* scap open flags */
	uint32_t dev;
	uint64_t ino;
	/* Sockets: client and server endpoints (family 4 or 6 in sk_ip). */
	uint8_t cip[16], sip[16];
	uint16_t cport, sport;
	char *name;          /* path or rendered tuple; never NULL once set */
	uint32_t name_len;
	uint32_t name_cap;
	char *nameraw;       /* the path as passed (before resolution), may be NULL */
	uint32_t nameraw_len;
	uint32_t nameraw_cap;
} sk_fd;

/* A process's fd table; threads sharing fds share one (refcounted). */
typedef struct sk_fdtable {
	sk_imap fds; /* fd number -> sk_fd* */
	uint32_t refs;
} sk_fdtable;

typedef struct sk_container sk_container;

/* Owned, length-tracked byte string (NUL-terminated too). */
typedef struct sk_bstr {
	char *ptr;
	uint32_t len;
} sk_bstr;

typedef struct sk_thread {
	int64_t tid, pid, ptid;
	int64_t vtid, vpid;
	int64_t sid, vpgid, pgid;
	uint32_t uid, gid;
	int64_t loginuid;
	int64_t tty;
	int64_t fdlimit;
	uint64_t cap_permitted, cap_effective, cap_inheritable;
	uint64_t start_ts;  /* clone time, ns since epoch (0 when unknown) */
	uint64_t pidns_init_start_ts;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	uint64_t vmsize_kb, vmrss_kb, vmswap_kb, pfmajor, pfminor;
	uint32_t exe_flags; /* SK_EXE_* */
	bool exited;        /* procexit seen; removed before the next event */
	uint64_t last_seen; /* state clock of the last event on this thread */
	sk_bstr comm, exe, exepath, args, cwd, env, cgroups;
	sk_fdtable *fdt;
	const sk_container *container; /* NULL: host */
	/* The last enter event's numeric parameters, folded into its exit. */
	uint16_t enter_type;
	uint64_t enter_ts;
	uint64_t latency_ns; /* last exit's time since its paired enter, 0 when unpaired */
	uint64_t enter_arg[4];
} sk_thread;

enum {
	SK_EXE_WRITABLE = 1 << 0,
	SK_EXE_UPPER_LAYER = 1 << 1,
	SK_EXE_FROM_MEMFD = 1 << 2,
	SK_EXE_LOWER_LAYER = 1 << 3,
};

typedef struct sk_user {
	uint32_t uid, gid;
	char *name, *homedir, *shell;
} sk_user;

typedef struct sk_group {
	uint32_t gid;
	char *name;
} sk_group;

typedef struct sk_kv {
	char *key, *value;
} sk_kv;

typedef struct sk_mount {
	char *source, *dest, *mode;
	bool rw;
	char *propagation;
} sk_mount;

struct sk_container {
	char id[SK_CONTAINER_ID_LEN + 1]; /* full id as found in the cgroup */
	char short_id[13];
	const char *type;  /* docker, containerd, cri-o, podman */
	char *name, *image, *image_id, *image_repository, *image_tag, *image_digest;
	char *pod_name, *pod_namespace, *pod_uid, *sandbox_id, *ip, *healthcheck, *user;
	bool privileged, host_pid, host_network, host_ipc;
	uint64_t start_ts, memory_limit, cpu_shares;
	sk_kv *labels;
	uint32_t nlabels;
	sk_kv *pod_labels;
	uint32_t npod_labels;
	sk_mount *mounts;
	uint32_t nmounts;
	bool metadata_found; /* the runtime's on-disk state was read */
	uint32_t nthreads;   /* threads pointing here: a container with none may be dropped */
};

/* Where container runtimes keep their state (NULL: the default path). */
typedef struct sk_state_config {
	uint32_t max_threads;         /* 0: 131072 */
	uint32_t max_fds_per_process; /* 0: 65536 */
	uint32_t max_containers;      /* 0: 4096 */
	const char *docker_root;      /* /var/lib/docker */
	const char *containerd_root;  /* /run/containerd/io.containerd.runtime.v2.task */
	const char *crio_root;        /* /run/containers/storage/overlay-containers */
	const char *passwd_path;      /* /etc/passwd, read when the capture has no user list */
	const char *group_path;       /* /etc/group */
} sk_state_config;

typedef struct sk_state sk_state;

/* Thread data as a process-list record or a test provides it. Strings may
 * be NULL; args/env/cgroups are NUL-separated. */
typedef struct sk_thread_info {
	int64_t tid, pid, ptid, sid, vpgid, pgid, vtid, vpid;
	uint32_t uid, gid;
	int64_t loginuid, tty, fdlimit;
	uint64_t cap_permitted, cap_effective, cap_inheritable;
	uint64_t start_ts, exe_ino, exe_ino_ctime, exe_ino_mtime;
	uint32_t exe_flags;
	const char *comm, *exe, *exepath, *cwd;
	const char *args, *env, *cgroups;
	size_t args_len, env_len, cgroups_len;
} sk_thread_info;

/* An fd from an fd-list record. For sockets set the endpoints. */
typedef struct sk_fd_info {
	int64_t num;
	sk_fd_type type;
	const char *name; /* path, or NULL for sockets to render the tuple */
	uint8_t l4proto;
	uint8_t cip[16], sip[16];
	uint16_t cport, sport;
	uint64_t ino;
	uint32_t open_flags;
	bool is_server; /* a listening socket: only the server end is known */
} sk_fd_info;

/* Creates an empty state; cfg may be NULL for defaults. */
sk_err sk_state_new(const sk_state_config *cfg, sk_state **out);

/* Frees the state and everything it owns. NULL is a no-op. */
void sk_state_free(sk_state *st);

/* Adds or replaces a thread from a snapshot record. */
sk_err sk_state_add_thread(sk_state *st, const sk_thread_info *info);

/* Adds an fd to process pid's table (the process must exist). */
sk_err sk_state_add_fd(sk_state *st, int64_t pid, const sk_fd_info *info);

/* Adds a user or group to the host's table (container NULL or "", from the
 * capture's user list) or to the table of the container whose id starts
 * with container's first 12 characters (from its own /etc/passwd). A
 * table's entry for the same id is replaced. At most max_containers
 * containers have tables; past that the oldest table is dropped. */
sk_err sk_state_add_user(sk_state *st, const char *container, uint32_t uid, uint32_t gid, const char *name,
			 const char *homedir, const char *shell);
sk_err sk_state_add_group(sk_state *st, const char *container, uint32_t gid, const char *name);

/* Loads users and groups from passwd/group files (the configured paths or
 * /etc). Missing files are not an error: lookups then give <NA>. */
sk_err sk_state_load_host_users(sk_state *st);

/* What sk_state_apply() found for the event: its thread and fd. */
typedef struct sk_state_view {
	sk_thread *thread; /* NULL when the thread is unknown */
	sk_fd *fd;         /* the fd the event acts on, NULL when none */
	int64_t fd_num;    /* -1 when the event has no fd */
	/* A failed open/openat/openat2/creat: the path it asked for, resolved
	 * as a new fd's name would be, and as passed (Falco's fd.name and
	 * fd.nameraw of a failed open); NULL for every other event. */
	const char *failed_path, *failed_pathraw;
	uint32_t failed_path_len, failed_pathraw_len;
} sk_state_view;

/* Applies one decoded event to the state and reports the thread and fd it
 * concerns (valid until the next call). Malformed parameters are ignored
 * (the state stays as it was); only allocation failure is an error. */
sk_err sk_state_apply(sk_state *st, const sk_event *ev, sk_state_view *view);

/* Looks a thread up by tid; NULL when unknown. */
sk_thread *sk_state_thread(sk_state *st, int64_t tid);

/* The n-th ancestor process of t (1 = parent); NULL when unknown. */
sk_thread *sk_state_ancestor(sk_state *st, const sk_thread *t, uint32_t n);

/* The group leader (main thread) of t's process; t itself when unknown. */
sk_thread *sk_state_main_thread(sk_state *st, sk_thread *t);

/* The user (group) an id names for a thread of container c (NULL: the
 * host). A container's threads are looked up only in that container's own
 * users, never the host's, as Falco does; id 0 that no table names is
 * "root" (home "/root", shell NULL). NULL when unknown. */
const sk_user *sk_state_user(const sk_state *st, const sk_container *c, uint32_t uid);
const sk_group *sk_state_group(const sk_state *st, const sk_container *c, uint32_t gid);

/* Records an address of one of the machine's interfaces (family 4 or 6;
 * at most 256 are kept). */
sk_err sk_state_add_local_addr(sk_state *st, uint8_t family, const uint8_t *addr);

/* True when addr (family 4/6, v4 in the first 4 bytes) belongs to this
 * machine: loopback or a recorded interface address. */
bool sk_state_is_local_addr(const sk_state *st, uint8_t family, const uint8_t *addr);

/* Number of threads currently tracked. */
size_t sk_state_thread_count(const sk_state *st);

/* What the state holds, for writing it back out (state_scap.h): each calls
 * fn for every item, in no particular order, and stops at the first return
 * other than SK_OK, which it returns. Threads whose exit was seen are
 * skipped; the accounts are the host's, not containers'. */
typedef sk_err (*sk_state_thread_fn)(void *ctx, const sk_thread *t);
typedef sk_err (*sk_state_user_fn)(void *ctx, const sk_user *u);
typedef sk_err (*sk_state_group_fn)(void *ctx, const sk_group *g);
typedef sk_err (*sk_state_addr_fn)(void *ctx, uint8_t family, const uint8_t *addr);
sk_err sk_state_each_thread(const sk_state *st, sk_state_thread_fn fn, void *ctx);
sk_err sk_state_each_host_user(const sk_state *st, sk_state_user_fn fn, void *ctx);
sk_err sk_state_each_host_group(const sk_state *st, sk_state_group_fn fn, void *ctx);
/* The interface addresses recorded with sk_state_add_local_addr. */
sk_err sk_state_each_local_addr(const sk_state *st, sk_state_addr_fn fn, void *ctx);

#endif
