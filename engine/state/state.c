/* state.c: the thread, fd, user and container tables (see state.h). */
#define _GNU_SOURCE
#include "state.h"

#include <arpa/inet.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "event_table.h"
#include "params.h"
#include "scap_ids.h"
#include "sk_asan.h"

#define DEFAULT_MAX_THREADS 131072u
#define DEFAULT_MAX_FDS 65536u
#define DEFAULT_MAX_CONTAINERS 4096u
#define PATH_MAX_LEN 4096u

/* One users+groups table: the host's, or one container's. */
struct accounts {
	char id[SK_CONTAINER_SHORT_ID_LEN + 1]; /* short container id; "" for the host */
	sk_imap users;  /* uid -> sk_user* */
	sk_imap groups; /* gid -> sk_group* */
};

struct sk_state {
	sk_state_config cfg;
	sk_imap threads;    /* tid -> sk_thread* */
	struct accounts host; /* the node's users and groups */
	/* Users and groups of containers, read by the capture from each
	 * container's own /etc/passwd and /etc/group: hash(short id) ->
	 * struct accounts*, at most max_containers, the oldest dropped first
	 * (acct_order is a ring of their keys). */
	sk_imap ctr_accounts;
	int64_t *acct_order;
	uint32_t acct_next;
	sk_imap containers; /* hash(id) -> sk_container* */
	uint64_t clock;     /* events applied so far */
	int64_t pending_exit; /* tid whose procexit was the previous event, or -1 */
	int64_t pending_close_tid; /* close applied after its event was evaluated */
	int64_t pending_close_fd;
	sk_fd unknown_fd; /* stands in for an fd the state never saw opened */
	int8_t fd_param[SK_EVENT_TYPE_MAX]; /* index of an exit's "fd" parameter, -1 when none */
	uint8_t local_addrs[256][17]; /* family byte + 16 address bytes */
	uint32_t nlocal_addrs;
	char path_buf[PATH_MAX_LEN];
	char failed_path[PATH_MAX_LEN]; /* a failed open's path, for the view */
	char tuple_buf[256];
	/* fds closed lately, kept with their name buffers for the next open
	 * (an open+close loop then allocates nothing); bounded in count and in
	 * the buffers' size */
	sk_fd *fd_pool[64];
	uint32_t nfd_pool;
};

#define FD_POOL_BUF_MAX 4096u

static const struct {
	const char *name;
	char letter;
} fd_types[SK_FD_TYPE_COUNT] = {
	[SK_FD_UNKNOWN] = {"unknown", 'o'},   [SK_FD_FILE] = {"file", 'f'},
	[SK_FD_DIRECTORY] = {"directory", 'd'}, [SK_FD_IPV4] = {"ipv4", '4'},
	[SK_FD_IPV6] = {"ipv6", '6'},         [SK_FD_UNIX] = {"unix", 'u'},
	[SK_FD_PIPE] = {"pipe", 'p'},         [SK_FD_EVENT] = {"event", 'e'},
	[SK_FD_SIGNALFD] = {"signalfd", 's'}, [SK_FD_EVENTPOLL] = {"eventpoll", 'l'},
	[SK_FD_INOTIFY] = {"inotify", 'i'},   [SK_FD_TIMERFD] = {"timerfd", 't'},
	[SK_FD_NETLINK] = {"netlink", 'n'},   [SK_FD_BPF] = {"bpf", 'b'},
	[SK_FD_USERFAULTFD] = {"userfaultfd", 'u'}, [SK_FD_IOURING] = {"io_uring", 'r'},
	[SK_FD_MEMFD] = {"memfd", 'm'},       [SK_FD_PIDFD] = {"pidfd", 'P'},
};

const char *sk_fd_type_name(sk_fd_type type)
{
	return (unsigned)type < SK_FD_TYPE_COUNT ? fd_types[type].name : "unknown";
}

char sk_fd_type_char(sk_fd_type type)
{
	return (unsigned)type < SK_FD_TYPE_COUNT ? fd_types[type].letter : 'o';
}

/* ---- small owned strings ---- */

static sk_err bstr_set(sk_bstr *b, const char *s, size_t len)
{
	if (s == NULL) {
		len = 0;
	}
	if (b->ptr != NULL && b->len == len && (len == 0 || memcmp(b->ptr, s, len) == 0)) {
		return SK_OK;
	}
	char *p = malloc(len + 1);
	if (p == NULL) {
		return SK_ENOMEM;
	}
	if (len > 0) {
		memcpy(p, s, len);
	}
	p[len] = '\0';
	free(b->ptr);
	b->ptr = p;
	b->len = (uint32_t)len;
	return SK_OK;
}

static void bstr_free(sk_bstr *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
}

/* Sets a growable buffer's text, reusing its memory when it fits. */
static sk_err buf_set(char **buf, uint32_t *len, uint32_t *cap, const char *s, size_t n)
{
	if (n + 1 > *cap) {
		size_t want = n + 1 < 64 ? 64 : n + 1;
		char *p = realloc(*buf, want);
		if (p == NULL) {
			return SK_ENOMEM;
		}
		*buf = p;
		*cap = (uint32_t)want;
	}
	if (n > 0) {
		memcpy(*buf, s, n);
	}
	(*buf)[n] = '\0';
	*len = (uint32_t)n;
	return SK_OK;
}

/* ---- fds ---- */

static void fd_free(sk_fd *fd)
{
	if (fd != NULL) {
		free(fd->name);
		free(fd->nameraw);
		free(fd);
	}
}

/* A pooled fd and its name buffers are poisoned for ASan, so a stale
 * pointer to a closed fd is reported as a use after free would be. */
static void fd_park(sk_fd *fd)
{
	if (fd->name != NULL) {
		SK_POOL_PARK(fd->name, fd->name_cap);
	}
	if (fd->nameraw != NULL) {
		SK_POOL_PARK(fd->nameraw, fd->nameraw_cap);
	}
	SK_POOL_PARK(fd, sizeof(*fd));
}

static sk_fd *fd_unpark(sk_fd *fd)
{
	SK_POOL_TAKE(fd, sizeof(*fd));
	if (fd->name != NULL) {
		SK_POOL_TAKE(fd->name, fd->name_cap);
	}
	if (fd->nameraw != NULL) {
		SK_POOL_TAKE(fd->nameraw, fd->nameraw_cap);
	}
	return fd;
}

static sk_fdtable *fdtable_new(void)
{
	sk_fdtable *t = calloc(1, sizeof(*t));
	if (t != NULL) {
		t->refs = 1;
	}
	return t;
}

static void fdtable_release(sk_fdtable *t)
{
	if (t == NULL || --t->refs > 0) {
		return;
	}
	for (size_t i = 0; i < sk_imap_capacity(&t->fds); i++) {
		fd_free(t->fds.slots[i].value);
	}
	sk_imap_free(&t->fds);
	free(t);
}

static sk_err fd_copy_name(sk_fd *dst, const sk_fd *src)
{
	sk_err err = buf_set(&dst->name, &dst->name_len, &dst->name_cap, src->name, src->name_len);
	if (err == SK_OK && src->nameraw != NULL) {
		err = buf_set(&dst->nameraw, &dst->nameraw_len, &dst->nameraw_cap, src->nameraw, src->nameraw_len);
	}
	return err;
}

static sk_fdtable *fdtable_clone(const sk_fdtable *src)
{
	sk_fdtable *t = fdtable_new();
	if (t == NULL) {
		return NULL;
	}
	for (size_t i = 0; src != NULL && i < sk_imap_capacity(&src->fds); i++) {
		const sk_fd *from = src->fds.slots[i].value;
		if (from == NULL) {
			continue;
		}
		sk_fd *fd = calloc(1, sizeof(*fd));
		if (fd == NULL) {
			fdtable_release(t);
			return NULL;
		}
		*fd = *from;
		fd->name = NULL;
		fd->nameraw = NULL;
		fd->name_cap = fd->nameraw_cap = 0;
		if (fd_copy_name(fd, from) != SK_OK || sk_imap_put(&t->fds, fd->num, fd) != SK_OK) {
			fd_free(fd);
			fdtable_release(t);
			return NULL;
		}
	}
	return t;
}

/* Returns the (reset) slot for fd num in t, creating it; NULL on failure
 * or when the table is at its bound. */
static sk_fd *fd_slot(sk_state *st, sk_fdtable *t, int64_t num)
{
	sk_fd *fd = sk_imap_get(&t->fds, num);
	if (fd == NULL) {
		if (t->fds.count >= st->cfg.max_fds_per_process) {
			return NULL;
		}
		fd = st->nfd_pool > 0 ? fd_unpark(st->fd_pool[--st->nfd_pool]) : calloc(1, sizeof(*fd));
		if (fd == NULL || sk_imap_put(&t->fds, num, fd) != SK_OK) {
			fd_free(fd);
			return NULL;
		}
	}
	/* Keep the buffers (no malloc for a reused number), reset the rest. */
	char *name = fd->name, *nameraw = fd->nameraw;
	uint32_t name_cap = fd->name_cap, nameraw_cap = fd->nameraw_cap;
	memset(fd, 0, sizeof(*fd));
	fd->num = num;
	fd->name = name;
	fd->name_cap = name_cap;
	fd->nameraw = nameraw;
	fd->nameraw_cap = nameraw_cap;
	if (fd->name != NULL) {
		fd->name[0] = '\0';
	}
	if (fd->nameraw != NULL) {
		fd->nameraw[0] = '\0';
	}
	return fd;
}

static void fd_close(sk_state *st, sk_fdtable *t, int64_t num)
{
	sk_fd *fd = sk_imap_remove(&t->fds, num);
	bool keep = fd != NULL && st->nfd_pool < sizeof(st->fd_pool) / sizeof(st->fd_pool[0]) &&
		    fd->name_cap <= FD_POOL_BUF_MAX && fd->nameraw_cap <= FD_POOL_BUF_MAX;
	if (keep) {
		fd_park(fd);
		st->fd_pool[st->nfd_pool++] = fd;
	} else {
		fd_free(fd);
	}
}

/* ---- threads ---- */

static void thread_free(sk_thread *t)
{
	if (t == NULL) {
		return;
	}
	bstr_free(&t->comm);
	bstr_free(&t->exe);
	bstr_free(&t->exepath);
	bstr_free(&t->args);
	bstr_free(&t->cwd);
	bstr_free(&t->env);
	bstr_free(&t->cgroups);
	fdtable_release(t->fdt);
	free(t);
}

sk_thread *sk_state_thread(sk_state *st, int64_t tid)
{
	return sk_imap_get(&st->threads, tid);
}

size_t sk_state_thread_count(const sk_state *st)
{
	return st->threads.count;
}

sk_err sk_state_each_thread(const sk_state *st, sk_state_thread_fn fn, void *ctx)
{
	for (size_t i = 0; i < sk_imap_capacity(&st->threads); i++) {
		const sk_thread *t = st->threads.slots[i].value;
		sk_err err = t != NULL && !t->exited ? fn(ctx, t) : SK_OK;
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

sk_err sk_state_each_host_user(const sk_state *st, sk_state_user_fn fn, void *ctx)
{
	for (size_t i = 0; i < sk_imap_capacity(&st->host.users); i++) {
		const sk_user *u = st->host.users.slots[i].value;
		sk_err err = u != NULL ? fn(ctx, u) : SK_OK;
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

sk_err sk_state_each_host_group(const sk_state *st, sk_state_group_fn fn, void *ctx)
{
	for (size_t i = 0; i < sk_imap_capacity(&st->host.groups); i++) {
		const sk_group *g = st->host.groups.slots[i].value;
		sk_err err = g != NULL ? fn(ctx, g) : SK_OK;
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

sk_err sk_state_each_local_addr(const sk_state *st, sk_state_addr_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < st->nlocal_addrs; i++) {
		sk_err err = fn(ctx, st->local_addrs[i][0], st->local_addrs[i] + 1);
		if (err != SK_OK) {
			return err;
		}
	}
	return SK_OK;
}

sk_thread *sk_state_main_thread(sk_state *st, sk_thread *t)
{
	if (t == NULL || t->tid == t->pid) {
		return t;
	}
	sk_thread *m = sk_imap_get(&st->threads, t->pid);
	return m != NULL ? m : t;
}

sk_thread *sk_state_ancestor(sk_state *st, const sk_thread *t, uint32_t n)
{
	/* Walk parents by ptid; stop at loops and unknown threads. */
	const sk_thread *cur = t;
	for (uint32_t i = 0; i < n && cur != NULL; i++) {
		if (cur->ptid <= 0 || cur->ptid == cur->tid) {
			return NULL;
		}
		sk_thread *parent = sk_imap_get(&st->threads, cur->ptid);
		if (parent == NULL) {
			return NULL;
		}
		/* A thread's parent is its process's parent: skip siblings. */
		cur = parent;
	}
	return (sk_thread *)cur;
}

/* Unlinks t from its container (the container stays, for the next thread). */
static void thread_leave_container(sk_state *st, sk_thread *t)
{
	if (t->container != NULL) {
		sk_container *c = sk_imap_get(&st->containers, (int64_t)sk_container_key(t->container->id));
		if (c == t->container && c->nthreads > 0) {
			c->nthreads--;
		}
		t->container = NULL;
	}
}

/* Frees t, a thread already out of the thread table. */
static void thread_drop(sk_state *st, sk_thread *t)
{
	if (t != NULL) {
		thread_leave_container(st, t);
		thread_free(t);
	}
}

/* Makes room for one more container: drops one no thread is in any more
 * (long-lived nodes see far more containers come and go than
 * max_containers). False when every container still has threads. */
static bool drop_unused_container(sk_state *st)
{
	for (size_t i = 0; i < sk_imap_capacity(&st->containers); i++) {
		sk_container *c = st->containers.slots[i].value;
		if (c != NULL && c->nthreads == 0) {
			sk_imap_remove(&st->containers, st->containers.slots[i].key);
			sk_container_free(c);
			return true;
		}
	}
	return false;
}

/* Points t at the container its cgroups name (or at none). */
static sk_err thread_resolve_container(sk_state *st, sk_thread *t)
{
	char id[SK_CONTAINER_ID_LEN + 1];
	const char *type = NULL;
	thread_leave_container(st, t);
	if (sk_container_id_from_cgroups(t->cgroups.ptr, t->cgroups.len, id, &type) != SK_OK) {
		return SK_OK;
	}
	int64_t key = (int64_t)sk_container_key(id);
	sk_container *c = sk_imap_get(&st->containers, key);
	if (c != NULL) {
		/* A hash collision leaves the thread without metadata. */
		if (strcmp(c->id, id) == 0) {
			t->container = c;
			c->nthreads++;
		}
		return SK_OK;
	}
	if (st->containers.count >= st->cfg.max_containers && !drop_unused_container(st)) {
		return SK_OK;
	}
	sk_err err = sk_container_load(&st->cfg, id, type, &c);
	if (err != SK_OK) {
		return err;
	}
	err = sk_imap_put(&st->containers, key, c);
	if (err != SK_OK) {
		sk_container_free(c);
		return err;
	}
	t->container = c;
	c->nthreads = 1;
	return SK_OK;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Evicts the least recently seen eighth of the table (rare: amortised over
 * max_threads / 8 insertions). */
static void evict_threads(sk_state *st)
{
	size_t n = st->threads.count;
	uint64_t *seen = n > 0 ? malloc(n * sizeof(*seen)) : NULL;
	if (seen == NULL) {
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < sk_imap_capacity(&st->threads) && k < n; i++) {
		const sk_thread *t = st->threads.slots[i].value;
		if (t != NULL) {
			seen[k++] = t->last_seen;
		}
	}
	qsort(seen, k, sizeof(*seen), compare_u64);
	size_t target = k / 8 + 1;
	uint64_t threshold = seen[target <= k ? target - 1 : k - 1];
	free(seen);
	size_t evicted = 0;
	for (size_t i = 0; i < sk_imap_capacity(&st->threads) && evicted < target;) {
		sk_thread *t = st->threads.slots[i].value;
		/* Never the threads this event is using (seen at the current clock). */
		if (t != NULL && t->last_seen <= threshold && t->last_seen != st->clock) {
			sk_imap_remove(&st->threads, t->tid);
			thread_drop(st, t);
			evicted++;
			continue; /* the backward shift may have moved an entry here */
		}
		i++;
	}
}

/* Returns the thread tid, creating an empty one when absent. */
static sk_thread *thread_get_or_create(sk_state *st, int64_t tid, bool *created)
{
	*created = false;
	sk_thread *t = sk_imap_get(&st->threads, tid);
	if (t != NULL) {
		return t;
	}
	if (st->threads.count >= st->cfg.max_threads) {
		evict_threads(st);
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	t->tid = tid;
	t->pid = tid;
	t->ptid = -1;
	t->sid = t->vpgid = t->pgid = -1;
	t->uid = t->gid = UINT32_MAX; /* unknown until clone/execve/snapshot says */
	t->loginuid = -1;
	t->vtid = t->vpid = -1;
	t->fdlimit = -1;
	if (sk_imap_put(&st->threads, tid, t) != SK_OK) {
		free(t);
		return NULL;
	}
	*created = true;
	return t;
}

static size_t safe_len(const char *s, size_t len)
{
	return s == NULL ? 0 : len;
}

sk_err sk_state_add_thread(sk_state *st, const sk_thread_info *info)
{
	bool created;
	sk_thread *t = thread_get_or_create(st, info->tid, &created);
	if (t == NULL) {
		return SK_ENOMEM;
	}
	t->pid = info->pid;
	t->ptid = info->ptid;
	t->sid = info->sid;
	t->vpgid = info->vpgid;
	t->pgid = info->pgid;
	t->vtid = info->vtid;
	t->vpid = info->vpid;
	t->uid = info->uid;
	t->gid = info->gid;
	t->loginuid = info->loginuid;
	t->tty = info->tty;
	t->fdlimit = info->fdlimit;
	t->cap_permitted = info->cap_permitted;
	t->cap_effective = info->cap_effective;
	t->cap_inheritable = info->cap_inheritable;
	t->start_ts = info->start_ts;
	t->exe_ino = info->exe_ino;
	t->exe_ino_ctime = info->exe_ino_ctime;
	t->exe_ino_mtime = info->exe_ino_mtime;
	t->exe_flags = info->exe_flags;
	t->last_seen = st->clock;
	sk_err err = SK_OK;
	if (bstr_set(&t->comm, info->comm, info->comm ? strlen(info->comm) : 0) != SK_OK ||
	    bstr_set(&t->exe, info->exe, info->exe ? strlen(info->exe) : 0) != SK_OK ||
	    bstr_set(&t->exepath, info->exepath, info->exepath ? strlen(info->exepath) : 0) != SK_OK ||
	    bstr_set(&t->cwd, info->cwd, info->cwd ? strlen(info->cwd) : 0) != SK_OK ||
	    bstr_set(&t->args, info->args, safe_len(info->args, info->args_len)) != SK_OK ||
	    bstr_set(&t->env, info->env, safe_len(info->env, info->env_len)) != SK_OK ||
	    bstr_set(&t->cgroups, info->cgroups, safe_len(info->cgroups, info->cgroups_len)) != SK_OK) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	if (t->fdt == NULL) {
		/* Threads of one process share the leader's table. */
		sk_thread *leader = t->tid != t->pid ? sk_imap_get(&st->threads, t->pid) : NULL;
		if (leader != NULL && leader->fdt != NULL) {
			t->fdt = leader->fdt;
			t->fdt->refs++;
		} else {
			t->fdt = fdtable_new();
		}
		if (t->fdt == NULL) {
			err = SK_ENOMEM;
			goto cleanup;
		}
	}
	err = thread_resolve_container(st, t);
cleanup:
	return err;
}

/* Renders an endpoint pair as Falco does: "1.2.3.4:5->6.7.8.9:80". */
static size_t render_tuple(char *out, size_t cap, sk_fd_type type, const uint8_t *cip, uint16_t cport,
			   const uint8_t *sip, uint16_t sport)
{
	char c[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
	int af = type == SK_FD_IPV6 ? AF_INET6 : AF_INET;
	if (inet_ntop(af, cip, c, sizeof(c)) == NULL || inet_ntop(af, sip, s, sizeof(s)) == NULL) {
		out[0] = '\0';
		return 0;
	}
	int n = snprintf(out, cap, "%s:%u->%s:%u", c, cport, s, sport);
	return n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
}

static size_t render_endpoint(char *out, size_t cap, sk_fd_type type, const uint8_t *ip, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];
	int af = type == SK_FD_IPV6 ? AF_INET6 : AF_INET;
	if (inet_ntop(af, ip, a, sizeof(a)) == NULL) {
		out[0] = '\0';
		return 0;
	}
	int n = snprintf(out, cap, "%s:%u", a, port);
	return n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
}

sk_err sk_state_add_fd(sk_state *st, int64_t pid, const sk_fd_info *info)
{
	sk_thread *t = sk_imap_get(&st->threads, pid);
	if (t == NULL || t->fdt == NULL) {
		return SK_ENOENT;
	}
	sk_fd *fd = fd_slot(st, t->fdt, info->num);
	if (fd == NULL) {
		return SK_EFULL;
	}
	fd->type = info->type;
	fd->l4proto = info->l4proto;
	fd->ino = info->ino;
	fd->open_flags = info->open_flags;
	memcpy(fd->cip, info->cip, 16);
	memcpy(fd->sip, info->sip, 16);
	fd->cport = info->cport;
	fd->sport = info->sport;
	fd->is_server = info->is_server;
	if (info->type == SK_FD_IPV4 || info->type == SK_FD_IPV6 || info->type == SK_FD_UNIX) {
		fd->endpoints = info->is_server ? SK_FDEP_SERVER : (SK_FDEP_SERVER | SK_FDEP_CLIENT);
	}
	const char *name = info->name;
	size_t len = name != NULL ? strlen(name) : 0;
	if (name == NULL && info->is_server) {
		len = render_endpoint(st->tuple_buf, sizeof(st->tuple_buf), info->type, info->sip, info->sport);
		name = st->tuple_buf;
	} else if (name == NULL && (info->type == SK_FD_IPV4 || info->type == SK_FD_IPV6)) {
		len = render_tuple(st->tuple_buf, sizeof(st->tuple_buf), info->type, info->cip, info->cport,
				   info->sip, info->sport);
		name = st->tuple_buf;
		fd->connected = true;
	}
	return buf_set(&fd->name, &fd->name_len, &fd->name_cap, name, len);
}

/* ---- users and groups ---- */

static void user_free(sk_user *u)
{
	if (u != NULL) {
		free(u->name);
		free(u->homedir);
		free(u->shell);
		free(u);
	}
}

static void group_free(sk_group *g)
{
	if (g != NULL) {
		free(g->name);
		free(g);
	}
}

static char *dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

static void accounts_free(struct accounts *a)
{
	if (a == NULL) {
		return;
	}
	for (size_t i = 0; i < sk_imap_capacity(&a->users); i++) {
		user_free(a->users.slots[i].value);
	}
	for (size_t i = 0; i < sk_imap_capacity(&a->groups); i++) {
		group_free(a->groups.slots[i].value);
	}
	sk_imap_free(&a->users);
	sk_imap_free(&a->groups);
}

/* Container users are keyed by the short id: Falco's useradded events name
 * containers by it, and a thread's container gives it too. */
static int64_t accounts_key(const char *container, char short_id[SK_CONTAINER_SHORT_ID_LEN + 1])
{
	size_t n = strnlen(container, SK_CONTAINER_SHORT_ID_LEN);
	memcpy(short_id, container, n);
	short_id[n] = '\0';
	return (int64_t)sk_container_key(short_id);
}

/* The table for container (NULL or "": the host's); NULL when none. */
static struct accounts *accounts_get(const sk_state *st, const char *container)
{
	if (container == NULL || container[0] == '\0') {
		return (struct accounts *)&st->host;
	}
	char short_id[SK_CONTAINER_SHORT_ID_LEN + 1];
	struct accounts *a = sk_imap_get(&st->ctr_accounts, accounts_key(container, short_id));
	return a != NULL && strcmp(a->id, short_id) == 0 ? a : NULL;
}

/* Sets *out to the table for container, created when missing (dropping
 * the oldest container's past max_containers); *out is NULL when another
 * container's table holds the same hash. SK_ENOMEM on allocation failure. */
static sk_err accounts_for(sk_state *st, const char *container, struct accounts **out)
{
	char short_id[SK_CONTAINER_SHORT_ID_LEN + 1];
	int64_t key = accounts_key(container, short_id);
	*out = accounts_get(st, container);
	if (*out != NULL || sk_imap_get(&st->ctr_accounts, key) != NULL) {
		return SK_OK;
	}
	if (st->acct_order == NULL) {
		st->acct_order = calloc(st->cfg.max_containers, sizeof(*st->acct_order));
		if (st->acct_order == NULL) {
			return SK_ENOMEM;
		}
	}
	if (st->ctr_accounts.count >= st->cfg.max_containers) {
		struct accounts *oldest = sk_imap_remove(&st->ctr_accounts, st->acct_order[st->acct_next]);
		accounts_free(oldest);
		free(oldest);
	}
	struct accounts *a = calloc(1, sizeof(*a));
	if (a == NULL || sk_imap_put(&st->ctr_accounts, key, a) != SK_OK) {
		free(a);
		return SK_ENOMEM;
	}
	memcpy(a->id, short_id, sizeof(a->id));
	st->acct_order[st->acct_next] = key;
	st->acct_next = (st->acct_next + 1) % st->cfg.max_containers;
	*out = a;
	return SK_OK;
}

static sk_err accounts_add_user(struct accounts *a, uint32_t uid, uint32_t gid, const char *name,
				const char *homedir, const char *shell)
{
	sk_user *u = calloc(1, sizeof(*u));
	sk_err err = SK_ENOMEM;
	if (u == NULL) {
		goto cleanup;
	}
	u->uid = uid;
	u->gid = gid;
	u->name = dup_or_empty(name);
	u->homedir = dup_or_empty(homedir);
	u->shell = dup_or_empty(shell);
	if (u->name == NULL || u->homedir == NULL || u->shell == NULL) {
		goto cleanup;
	}
	user_free(sk_imap_remove(&a->users, uid));
	err = sk_imap_put(&a->users, uid, u);
	if (err == SK_OK) {
		return SK_OK;
	}
cleanup:
	user_free(u);
	return err;
}

static sk_err accounts_add_group(struct accounts *a, uint32_t gid, const char *name)
{
	sk_group *g = calloc(1, sizeof(*g));
	sk_err err = SK_ENOMEM;
	if (g == NULL) {
		goto cleanup;
	}
	g->gid = gid;
	g->name = dup_or_empty(name);
	if (g->name == NULL) {
		goto cleanup;
	}
	group_free(sk_imap_remove(&a->groups, gid));
	err = sk_imap_put(&a->groups, gid, g);
	if (err == SK_OK) {
		return SK_OK;
	}
cleanup:
	group_free(g);
	return err;
}

sk_err sk_state_add_user(sk_state *st, const char *container, uint32_t uid, uint32_t gid, const char *name,
			 const char *homedir, const char *shell)
{
	struct accounts *a = &st->host;
	sk_err err = container == NULL || container[0] == '\0' ? SK_OK : accounts_for(st, container, &a);
	if (err == SK_OK && a != NULL) {
		err = accounts_add_user(a, uid, gid, name, homedir, shell);
	}
	return err;
}

sk_err sk_state_add_group(sk_state *st, const char *container, uint32_t gid, const char *name)
{
	struct accounts *a = &st->host;
	sk_err err = container == NULL || container[0] == '\0' ? SK_OK : accounts_for(st, container, &a);
	if (err == SK_OK && a != NULL) {
		err = accounts_add_group(a, gid, name);
	}
	return err;
}

sk_err sk_state_load_host_users(sk_state *st)
{
	const char *ppath = st->cfg.passwd_path != NULL ? st->cfg.passwd_path : "/etc/passwd";
	const char *gpath = st->cfg.group_path != NULL ? st->cfg.group_path : "/etc/group";
	sk_err err = SK_OK;
	FILE *f = fopen(ppath, "r");
	if (f != NULL) {
		struct passwd *pw;
		/* fgetpwent parses the passwd format and skips nothing we need. */
		while (err == SK_OK && (pw = fgetpwent(f)) != NULL) {
			err = accounts_add_user(&st->host, pw->pw_uid, pw->pw_gid, pw->pw_name, pw->pw_dir,
						pw->pw_shell);
		}
		fclose(f);
	}
	f = err == SK_OK ? fopen(gpath, "r") : NULL;
	if (f != NULL) {
		struct group *gr;
		while (err == SK_OK && (gr = fgetgrent(f)) != NULL) {
			err = accounts_add_group(&st->host, gr->gr_gid, gr->gr_name);
		}
		fclose(f);
	}
	return err;
}

/* Falco names uid/gid 0 "root" wherever no table does. */
static const sk_user root_user = {0, 0, "root", "/root", NULL};
static const sk_group root_group = {0, "root"};

const sk_user *sk_state_user(const sk_state *st, const sk_container *c, uint32_t uid)
{
	const struct accounts *a = accounts_get(st, c != NULL ? c->short_id : NULL);
	const sk_user *u = a != NULL ? sk_imap_get(&a->users, uid) : NULL;
	return u == NULL && uid == 0 ? &root_user : u;
}

const sk_group *sk_state_group(const sk_state *st, const sk_container *c, uint32_t gid)
{
	const struct accounts *a = accounts_get(st, c != NULL ? c->short_id : NULL);
	const sk_group *g = a != NULL ? sk_imap_get(&a->groups, gid) : NULL;
	return g == NULL && gid == 0 ? &root_group : g;
}

/* ---- local addresses ---- */

sk_err sk_state_add_local_addr(sk_state *st, uint8_t family, const uint8_t *addr)
{
	if (st->nlocal_addrs >= sizeof(st->local_addrs) / sizeof(st->local_addrs[0])) {
		return SK_EFULL;
	}
	uint8_t *slot = st->local_addrs[st->nlocal_addrs++];
	memset(slot, 0, 17);
	slot[0] = family;
	memcpy(slot + 1, addr, family == 6 ? 16 : 4);
	return SK_OK;
}

bool sk_state_is_local_addr(const sk_state *st, uint8_t family, const uint8_t *addr)
{
	static const uint8_t v6_loopback[16] = {[15] = 1};
	if ((family == 4 && addr[0] == 127) || (family == 6 && memcmp(addr, v6_loopback, 16) == 0)) {
		return true;
	}
	size_t n = family == 6 ? 16 : 4;
	for (uint32_t i = 0; i < st->nlocal_addrs; i++) {
		if (st->local_addrs[i][0] == family && memcmp(st->local_addrs[i] + 1, addr, n) == 0) {
			return true;
		}
	}
	return false;
}

/* ---- lifecycle ---- */

sk_err sk_state_new(const sk_state_config *cfg, sk_state **out)
{
	sk_state *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		return SK_ENOMEM;
	}
	if (cfg != NULL) {
		st->cfg = *cfg;
	}
	if (st->cfg.max_threads == 0) {
		st->cfg.max_threads = DEFAULT_MAX_THREADS;
	}
	if (st->cfg.max_fds_per_process == 0) {
		st->cfg.max_fds_per_process = DEFAULT_MAX_FDS;
	}
	if (st->cfg.max_containers == 0) {
		st->cfg.max_containers = DEFAULT_MAX_CONTAINERS;
	}
	st->pending_exit = -1;
	st->pending_close_fd = -1;
	for (uint16_t type = 0; type < SK_EVENT_TYPE_MAX; type++) {
		int i = (type & 1) != 0 ? sk_event_param_index(sk_event_info_get(type), "fd") : -1;
		st->fd_param[type] = (int8_t)(i >= 0 && sk_event_info_get(type)->params[i].type == SK_PT_FD ? i : -1);
	}
	*out = st;
	return SK_OK;
}

void sk_state_free(sk_state *st)
{
	if (st == NULL) {
		return;
	}
	for (size_t i = 0; i < sk_imap_capacity(&st->threads); i++) {
		thread_free(st->threads.slots[i].value);
	}
	accounts_free(&st->host);
	for (size_t i = 0; i < sk_imap_capacity(&st->ctr_accounts); i++) {
		accounts_free(st->ctr_accounts.slots[i].value);
		free(st->ctr_accounts.slots[i].value);
	}
	for (size_t i = 0; i < sk_imap_capacity(&st->containers); i++) {
		sk_container_free(st->containers.slots[i].value);
	}
	sk_imap_free(&st->threads);
	sk_imap_free(&st->ctr_accounts);
	free(st->acct_order);
	sk_imap_free(&st->containers);
	for (uint32_t i = 0; i < st->nfd_pool; i++) {
		fd_free(fd_unpark(st->fd_pool[i]));
	}
	free(st);
}

/* ---- events ---- */

/* Enter events whose parameter 0 is the fd the syscall acts on; the exit
 * event of the pair then concerns the same fd. */
static bool enter_has_fd0(uint16_t type)
{
	switch (type) {
	case 4: case 6: case 8: case 20: case 22: case 24: case 28: case 30: case 32: case 34: case 36:
	case 38: case 40: case 44: case 46: case 48: case 50: case 52: case 54: case 70: case 76:
	case 86: case 88: case 90: case 96: case 112: case 114: case 116: case 118: case 120: case 122:
	case 124: case 126: case 150: case 166: case 170: case 188: case 236: case 238: case 240:
	case 242:
		return true;
	default:
		return false;
	}
}

/* Joins rel onto base and removes "." and ".." components, into st->path_buf.
 * Returns the length. An absolute rel ignores base. */
static size_t resolve_path(sk_state *st, const char *base, size_t base_len, const char *rel, size_t rel_len)
{
	char *out = st->path_buf;
	size_t cap = sizeof(st->path_buf) - 1;
	size_t n = 0;
	out[n++] = '/';
	for (int part = 0; part < 2; part++) {
		const char *s = part == 0 ? base : rel;
		size_t len = part == 0 ? base_len : rel_len;
		if (part == 0 && rel_len > 0 && rel[0] == '/') {
			continue;
		}
		size_t i = 0;
		while (i < len) {
			while (i < len && s[i] == '/') {
				i++;
			}
			size_t start = i;
			while (i < len && s[i] != '/') {
				i++;
			}
			size_t clen = i - start;
			if (clen == 0 || (clen == 1 && s[start] == '.')) {
				continue;
			}
			if (clen == 2 && s[start] == '.' && s[start + 1] == '.') {
				/* Drop the last component, never the root. */
				while (n > 1 && out[n - 1] != '/') {
					n--;
				}
				if (n > 1) {
					n--;
				}
				continue;
			}
			if (n > 1 && n < cap) {
				out[n++] = '/';
			}
			size_t take = clen < cap - n ? clen : cap - n;
			memcpy(out + n, s + start, take);
			n += take;
		}
	}
	out[n] = '\0';
	return n;
}

static sk_thread *thread_for_event(sk_state *st, const sk_event *ev)
{
	bool created;
	sk_thread *t = thread_get_or_create(st, (int64_t)ev->tid, &created);
	if (t != NULL && created) {
		/* Unknown so far (its clone predates the capture): give it a table
		 * and the placeholder name Falco's libs give such threads. */
		t->fdt = fdtable_new();
		if (t->fdt != NULL && (bstr_set(&t->comm, "<NA>", 4) != SK_OK || bstr_set(&t->exe, "<NA>", 4) != SK_OK)) {
			fdtable_release(t->fdt);
			t->fdt = NULL;
		}
		if (t->fdt == NULL) {
			sk_imap_remove(&st->threads, t->tid);
			thread_free(t);
			return NULL;
		}
	}
	return t;
}

/* Fills the process fields common to clone and execve exits (params 1..14). */
static sk_err apply_proc_params(sk_thread *t, const sk_event *ev, bool with_comm, bool with_cwd)
{
	uint32_t len;
	const char *s;
	sk_err err = SK_OK;
	s = sk_param_str(ev, 1, &len);
	if (s != NULL) {
		err = bstr_set(&t->exe, s, len);
	}
	s = sk_param_bytes(ev, 2, &len);
	if (err == SK_OK && s != NULL) {
		/* Drop the final NUL terminator of the last argument. */
		err = bstr_set(&t->args, s, len > 0 && s[len - 1] == '\0' ? len - 1 : len);
	}
	s = with_cwd ? sk_param_str(ev, 6, &len) : NULL;
	if (err == SK_OK && s != NULL) {
		err = bstr_set(&t->cwd, s, len);
	}
	t->fdlimit = sk_param_i64(ev, 7, t->fdlimit);
	t->pfmajor = sk_param_u64(ev, 8, t->pfmajor);
	t->pfminor = sk_param_u64(ev, 9, t->pfminor);
	t->vmsize_kb = sk_param_u64(ev, 10, t->vmsize_kb);
	t->vmrss_kb = sk_param_u64(ev, 11, t->vmrss_kb);
	t->vmswap_kb = sk_param_u64(ev, 12, t->vmswap_kb);
	s = with_comm ? sk_param_str(ev, 13, &len) : NULL;
	if (err == SK_OK && s != NULL) {
		err = bstr_set(&t->comm, s, len);
	}
	s = sk_param_bytes(ev, with_comm ? 14 : 13, &len);
	if (err == SK_OK && s != NULL) {
		err = bstr_set(&t->cgroups, s, len > 0 && s[len - 1] == '\0' ? len - 1 : len);
	}
	return err;
}

static sk_err copy_process_from(sk_thread *child, const sk_thread *parent)
{
	sk_err err = bstr_set(&child->env, parent->env.ptr, parent->env.len);
	if (err == SK_OK) {
		err = bstr_set(&child->exepath, parent->exepath.ptr, parent->exepath.len);
	}
	child->sid = parent->sid;
	child->vpgid = parent->vpgid;
	child->pgid = parent->pgid;
	child->loginuid = parent->loginuid;
	child->tty = parent->tty;
	child->cap_permitted = parent->cap_permitted;
	child->cap_effective = parent->cap_effective;
	child->cap_inheritable = parent->cap_inheritable;
	child->exe_ino = parent->exe_ino;
	child->exe_ino_ctime = parent->exe_ino_ctime;
	child->exe_ino_mtime = parent->exe_ino_mtime;
	child->exe_flags = parent->exe_flags;
	child->pidns_init_start_ts = parent->pidns_init_start_ts;
	return err;
}

/* clone/fork/vfork/clone3 exit. In the child (res 0) the event describes
 * the child; in the parent (res > 0) res is the child's tid. */
static sk_err apply_clone(sk_state *st, const sk_event *ev, sk_thread *caller)
{
	int64_t res = sk_param_i64(ev, 0, -1);
	if (res < 0) {
		return SK_OK;
	}
	uint32_t flags = (uint32_t)sk_param_u64(ev, 15, 0);
	int64_t child_tid = res == 0 ? (int64_t)ev->tid : res;
	bool in_child = res == 0;
	sk_thread *parent = in_child ? sk_imap_get(&st->threads, sk_param_i64(ev, 5, -1)) : caller;
	if (parent != NULL) {
		parent->last_seen = st->clock; /* keeps it out of the eviction below */
	}
	bool created;
	sk_thread *child = thread_get_or_create(st, child_tid, &created);
	if (child == NULL) {
		return SK_ENOMEM;
	}
	if (!created && !in_child) {
		return SK_OK; /* the child's own exit came first and filled it in */
	}
	if (in_child) {
		child->pid = sk_param_i64(ev, 4, child_tid);
		child->ptid = sk_param_i64(ev, 5, 0);
	} else {
		bool thread = (flags & SK_CL_CLONE_THREAD) != 0;
		child->pid = thread ? caller->pid : child_tid;
		child->ptid = thread ? caller->ptid : caller->tid;
	}
	child->uid = (uint32_t)sk_param_u64(ev, 16, parent ? parent->uid : 0);
	child->gid = (uint32_t)sk_param_u64(ev, 17, parent ? parent->gid : 0);
	if (in_child) {
		child->vtid = sk_param_i64(ev, 18, -1);
		child->vpid = sk_param_i64(ev, 19, -1);
	}
	child->start_ts = ev->ts;
	sk_err err = apply_proc_params(child, ev, true, true);
	if (err == SK_OK && parent != NULL && parent != child) {
		err = copy_process_from(child, parent);
	}
	if (err != SK_OK) {
		return err;
	}
	if (in_child && parent != NULL) {
		/* The child's first event made it an empty table: inherit instead. */
		fdtable_release(child->fdt);
		child->fdt = NULL;
	}
	if (child->fdt == NULL) {
		bool share = parent != NULL && parent->fdt != NULL &&
			     (flags & (SK_CL_CLONE_FILES | SK_CL_CLONE_THREAD)) != 0;
		if (share) {
			child->fdt = parent->fdt;
			child->fdt->refs++;
		} else {
			child->fdt = fdtable_clone(parent != NULL ? parent->fdt : NULL);
		}
		if (child->fdt == NULL) {
			return SK_ENOMEM;
		}
	}
	child->last_seen = st->clock;
	return thread_resolve_container(st, child);
}

static sk_err apply_execve(sk_state *st, const sk_event *ev, sk_thread *t)
{
	if (sk_param_i64(ev, 0, -1) != 0) {
		return SK_OK;
	}
	/* cwd does not change across execve; chdir and clone keep it current. */
	sk_err err = apply_proc_params(t, ev, ev->type != SK_EV_EXECVE_16_X || ev->nparams > 15, false);
	uint32_t len;
	const char *env = sk_param_bytes(ev, 15, &len);
	if (err == SK_OK && env != NULL) {
		err = bstr_set(&t->env, env, len > 0 && env[len - 1] == '\0' ? len - 1 : len);
	}
	if (err != SK_OK) {
		return err;
	}
	t->pid = sk_param_i64(ev, 4, t->pid);
	t->ptid = sk_param_i64(ev, 5, t->ptid);
	t->tty = sk_param_i64(ev, 16, t->tty);
	t->vpgid = sk_param_i64(ev, 17, t->vpgid);
	t->loginuid = sk_param_i64(ev, 18, t->loginuid);
	uint32_t flags = (uint32_t)sk_param_u64(ev, 19, 0);
	/* scap execve flags: 1 exe writable, 2 upper layer, 4 from memfd, 8 lower layer */
	t->exe_flags = flags & 0xf;
	t->cap_inheritable = sk_param_u64(ev, 20, t->cap_inheritable);
	t->cap_permitted = sk_param_u64(ev, 21, t->cap_permitted);
	t->cap_effective = sk_param_u64(ev, 22, t->cap_effective);
	t->exe_ino = sk_param_u64(ev, 23, t->exe_ino);
	t->exe_ino_ctime = sk_param_u64(ev, 24, t->exe_ino_ctime);
	t->exe_ino_mtime = sk_param_u64(ev, 25, t->exe_ino_mtime);
	t->uid = (uint32_t)sk_param_u64(ev, 26, t->uid);
	const char *exepath = sk_param_str(ev, 27, &len);
	/* Older captures carry no trusted path: exepath stays as it was. */
	if (exepath != NULL) {
		err = bstr_set(&t->exepath, exepath, len);
	}
	if (err == SK_OK) {
		t->pgid = sk_param_i64(ev, 28, t->pgid);
		t->gid = (uint32_t)sk_param_u64(ev, 29, t->gid);
		err = thread_resolve_container(st, t);
	}
	return err;
}

/* Base directory for a path relative to dirfd (or the cwd). */
static void dir_base(const sk_thread *t, int64_t dirfd, const char **base, size_t *len)
{
	*base = t->cwd.ptr;
	*len = t->cwd.len;
	if (dirfd != SK_AT_FDCWD && t->fdt != NULL) {
		const sk_fd *d = sk_imap_get(&t->fdt->fds, dirfd);
		if (d != NULL && d->name != NULL) {
			*base = d->name;
			*len = d->name_len;
		}
	}
}

/* open/openat/openat2/creat exits: a new file or directory fd. */
static sk_err apply_open(sk_state *st, const sk_event *ev, sk_thread *t, sk_state_view *view)
{
	int64_t fdnum = sk_param_i64(ev, 0, -1);
	int64_t dirfd = SK_AT_FDCWD;
	uint32_t name_i = 1, flags_i = 2, dev_i = 4, ino_i = 5;
	switch (ev->type) {
	case SK_EV_OPENAT_2_X:
		dirfd = sk_param_i64(ev, 1, SK_AT_FDCWD);
		name_i = 2, flags_i = 3, dev_i = 5, ino_i = 6;
		break;
	case SK_EV_OPENAT2_X:
		dirfd = sk_param_i64(ev, 1, SK_AT_FDCWD);
		name_i = 2, flags_i = 3, dev_i = 6, ino_i = 7;
		break;
	case SK_EV_CREAT_X:
		flags_i = UINT32_MAX, dev_i = 3, ino_i = 4;
		break;
	case SK_EV_OPEN_BY_HANDLE_AT_X:
		name_i = 3, flags_i = 2, dev_i = UINT32_MAX, ino_i = UINT32_MAX;
		break;
	default:
		break;
	}
	view->fd_num = fdnum;
	if (fdnum >= 0 && t->fdt == NULL) {
		return SK_OK;
	}
	uint32_t len;
	const char *raw = sk_param_str(ev, name_i, &len);
	if (raw == NULL) {
		raw = "";
	}
	const char *base;
	size_t base_len;
	dir_base(t, dirfd, &base, &base_len);
	size_t plen = resolve_path(st, base, base_len, raw, len);
	if (fdnum < 0) {
		memcpy(st->failed_path, st->path_buf, plen);
		view->failed_path = st->failed_path;
		view->failed_path_len = (uint32_t)plen;
		view->failed_pathraw = raw;
		view->failed_pathraw_len = len;
		return SK_OK;
	}
	uint32_t flags = flags_i == UINT32_MAX ? (SK_O_WRONLY | SK_O_CREAT) : (uint32_t)sk_param_u64(ev, flags_i, 0);
	sk_fd *fd = fd_slot(st, t->fdt, fdnum);
	if (fd == NULL) {
		return SK_OK;
	}
	fd->type = (flags & SK_O_DIRECTORY) != 0 ? SK_FD_DIRECTORY : SK_FD_FILE;
	fd->open_flags = flags;
	fd->dev = (uint32_t)sk_param_u64(ev, dev_i, 0);
	fd->ino = sk_param_u64(ev, ino_i, 0);
	fd->name_changed_at = ev->num;
	view->fd = fd;
	sk_err err = buf_set(&fd->name, &fd->name_len, &fd->name_cap, st->path_buf, plen);
	if (err == SK_OK) {
		err = buf_set(&fd->nameraw, &fd->nameraw_len, &fd->nameraw_cap, raw, len);
	}
	return err;
}

/* A new non-file fd (socket, pipe end, eventfd...), with an empty name. */
static sk_fd *new_fd(sk_state *st, sk_thread *t, int64_t num, sk_fd_type type, const char *name)
{
	if (num < 0 || t->fdt == NULL) {
		return NULL;
	}
	sk_fd *fd = fd_slot(st, t->fdt, num);
	if (fd == NULL) {
		return NULL;
	}
	fd->type = type;
	if (buf_set(&fd->name, &fd->name_len, &fd->name_cap, name, strlen(name)) != SK_OK) {
		fd_close(st, t->fdt, num);
		return NULL;
	}
	return fd;
}

static uint8_t l4_from_socket(uint64_t type, uint64_t proto)
{
	switch (type & 0xf) {
	case 1:
		return SK_L4_TCP;
	case 2:
		return proto == 1 || proto == 58 ? SK_L4_ICMP : SK_L4_UDP;
	case 3:
		return proto == 1 || proto == 58 ? SK_L4_ICMP : SK_L4_RAW;
	default:
		return SK_L4_UNKNOWN;
	}
}

static void apply_socket(sk_state *st, const sk_event *ev, sk_thread *t, sk_state_view *view)
{
	int64_t num = sk_param_i64(ev, 0, -1);
	/* Newer exits repeat domain/type/proto; older ones need the enter's. */
	bool from_enter = ev->nparams < 4 && t->enter_type == SK_EV_SOCKET_E;
	uint64_t domain = ev->nparams >= 4 ? sk_param_u64(ev, 1, 0) : (from_enter ? t->enter_arg[0] : 0);
	uint64_t type = ev->nparams >= 4 ? sk_param_u64(ev, 2, 0) : (from_enter ? t->enter_arg[1] : 0);
	uint64_t proto = ev->nparams >= 4 ? sk_param_u64(ev, 3, 0) : (from_enter ? t->enter_arg[2] : 0);
	sk_fd_type ft = SK_FD_UNKNOWN;
	switch (domain) {
	case SK_AF_INET:
		ft = SK_FD_IPV4;
		break;
	case SK_AF_INET6:
		ft = SK_FD_IPV6;
		break;
	case SK_AF_UNIX:
		ft = SK_FD_UNIX;
		break;
	case SK_AF_NETLINK:
		ft = SK_FD_NETLINK;
		break;
	default:
		break;
	}
	view->fd_num = num;
	sk_fd *fd = new_fd(st, t, num, ft, "");
	if (fd != NULL) {
		fd->l4proto = ft == SK_FD_IPV4 || ft == SK_FD_IPV6 ? l4_from_socket(type, proto) : SK_L4_UNKNOWN;
		view->fd = fd;
	}
}

/* Parses a scap socket tuple into fd (client = source, server = dest) and
 * sets its name. Returns false when the bytes do not form a tuple. */
static bool set_tuple(sk_state *st, sk_fd *fd, const uint8_t *p, uint32_t len, uint64_t evnum)
{
	if (len < 1) {
		return false;
	}
	uint8_t family = p[0];
	if (family == SK_AF_INET && len >= 13) {
		memset(fd->cip, 0, 16);
		memset(fd->sip, 0, 16);
		memcpy(fd->cip, p + 1, 4);
		fd->cport = (uint16_t)(p[5] | p[6] << 8);
		memcpy(fd->sip, p + 7, 4);
		fd->sport = (uint16_t)(p[11] | p[12] << 8);
		fd->type = SK_FD_IPV4;
	} else if (family == SK_AF_INET6 && len >= 37) {
		memcpy(fd->cip, p + 1, 16);
		fd->cport = (uint16_t)(p[17] | p[18] << 8);
		memcpy(fd->sip, p + 19, 16);
		fd->sport = (uint16_t)(p[35] | p[36] << 8);
		fd->type = SK_FD_IPV6;
	} else if (family == SK_AF_UNIX && len >= 17) {
		uint64_t src, dst;
		memcpy(&src, p + 1, 8);
		memcpy(&dst, p + 9, 8);
		const char *path = (const char *)p + 17;
		size_t plen = strnlen(path, len - 17);
		int n = snprintf(st->tuple_buf, sizeof(st->tuple_buf), "%" PRIx64 "->%" PRIx64 " %.*s", src, dst,
				 (int)plen, path);
		fd->type = SK_FD_UNIX;
		fd->name_changed_at = evnum;
		size_t nlen = n < 0 ? 0 : ((size_t)n < sizeof(st->tuple_buf) ? (size_t)n : sizeof(st->tuple_buf) - 1);
		return buf_set(&fd->name, &fd->name_len, &fd->name_cap, st->tuple_buf, nlen) == SK_OK;
	} else {
		return false;
	}
	size_t n = render_tuple(st->tuple_buf, sizeof(st->tuple_buf), fd->type, fd->cip, fd->cport, fd->sip,
				fd->sport);
	fd->endpoints = SK_FDEP_SERVER | SK_FDEP_CLIENT;
	fd->name_changed_at = evnum;
	return buf_set(&fd->name, &fd->name_len, &fd->name_cap, st->tuple_buf, n) == SK_OK;
}

static int64_t fd_from_exit_or_enter(const sk_event *ev, const sk_thread *t, uint32_t exit_i, uint16_t enter_type)
{
	if (sk_param_present(ev, exit_i)) {
		return sk_param_i64(ev, exit_i, -1);
	}
	return t->enter_type == enter_type ? (int64_t)t->enter_arg[0] : -1;
}

static void apply_connect(sk_state *st, const sk_event *ev, sk_thread *t, sk_state_view *view)
{
	int64_t res = sk_param_i64(ev, 0, -1);
	int64_t num = fd_from_exit_or_enter(ev, t, 2, SK_EV_CONNECT_E);
	view->fd_num = num;
	sk_fd *fd = num >= 0 && t->fdt != NULL ? sk_imap_get(&t->fdt->fds, num) : NULL;
	if (fd == NULL) {
		return;
	}
	view->fd = fd;
	uint32_t len;
	const char *tuple = sk_param_bytes(ev, 1, &len);
	/* EINPROGRESS still names the peer; other failures leave the fd as it was. */
	if (tuple != NULL && (res == 0 || res == -115 || fd->type == SK_FD_UNIX)) {
		if (set_tuple(st, fd, (const uint8_t *)tuple, len, ev->num)) {
			fd->connected = res == 0 || res == -115;
			fd->is_server = false;
		}
	}
}

static void apply_accept(sk_state *st, const sk_event *ev, sk_thread *t, sk_state_view *view)
{
	int64_t num = sk_param_i64(ev, 0, -1);
	view->fd_num = num;
	if (num < 0) {
		return;
	}
	uint32_t len;
	const char *tuple = sk_param_bytes(ev, 1, &len);
	sk_fd *fd = new_fd(st, t, num, SK_FD_UNKNOWN, "");
	if (fd == NULL) {
		return;
	}
	view->fd = fd;
	if (tuple != NULL && set_tuple(st, fd, (const uint8_t *)tuple, len, ev->num)) {
		fd->is_server = true;
		fd->connected = true;
		fd->l4proto = SK_L4_TCP;
	}
}

static void apply_bind(sk_state *st, const sk_event *ev, sk_thread *t, sk_state_view *view)
{
	int64_t num = fd_from_exit_or_enter(ev, t, 2, SK_EV_BIND_E);
	view->fd_num = num;
	sk_fd *fd = num >= 0 && t->fdt != NULL ? sk_imap_get(&t->fdt->fds, num) : NULL;
	if (fd == NULL) {
		return;
	}
	view->fd = fd;
	uint32_t len;
	const uint8_t *a = (const uint8_t *)sk_param_bytes(ev, 1, &len);
	if (sk_param_i64(ev, 0, -1) != 0 || a == NULL || len < 1) {
		return;
	}
	size_t n = 0;
	uint16_t port = a[0] == SK_AF_INET && len >= 7 ? (uint16_t)(a[5] | a[6] << 8)
			: a[0] == SK_AF_INET6 && len >= 19 ? (uint16_t)(a[17] | a[18] << 8) : 1;
	uint8_t saved_sip[16];
	memcpy(saved_sip, fd->sip, 16);
	if (a[0] == SK_AF_INET && len >= 7) {
		memset(fd->sip, 0, 16);
		memcpy(fd->sip, a + 1, 4);
		fd->sport = (uint16_t)(a[5] | a[6] << 8);
		n = render_endpoint(st->tuple_buf, sizeof(st->tuple_buf), SK_FD_IPV4, fd->sip, fd->sport);
	} else if (a[0] == SK_AF_INET6 && len >= 19) {
		memcpy(fd->sip, a + 1, 16);
		fd->sport = (uint16_t)(a[17] | a[18] << 8);
		n = render_endpoint(st->tuple_buf, sizeof(st->tuple_buf), SK_FD_IPV6, fd->sip, fd->sport);
	} else if (a[0] == SK_AF_UNIX) {
		n = strnlen((const char *)a + 1, len - 1);
		memcpy(st->tuple_buf, a + 1, n < sizeof(st->tuple_buf) - 1 ? n : sizeof(st->tuple_buf) - 1);
		n = n < sizeof(st->tuple_buf) - 1 ? n : sizeof(st->tuple_buf) - 1;
		st->tuple_buf[n] = '\0';
	} else {
		return;
	}
	if (port == 0) {
		/* An ephemeral client port names the fd but no server end. */
		memcpy(fd->sip, saved_sip, 16);
		fd->sport = 0;
	} else {
		fd->is_server = true;
		fd->endpoints |= SK_FDEP_SERVER;
	}
	fd->name_changed_at = ev->num;
	(void)buf_set(&fd->name, &fd->name_len, &fd->name_cap, st->tuple_buf, n);
}

/* dup family and fcntl(F_DUPFD*): newfd becomes a copy of oldfd. */
static sk_err dup_fd(sk_state *st, sk_thread *t, int64_t oldnum, int64_t newnum, sk_state_view *view)
{
	view->fd_num = newnum;
	if (t->fdt == NULL || oldnum < 0 || newnum < 0 || oldnum == newnum) {
		return SK_OK;
	}
	const sk_fd *old = sk_imap_get(&t->fdt->fds, oldnum);
	if (old == NULL) {
		fd_close(st, t->fdt, newnum);
		return SK_OK;
	}
	sk_fd *fd = fd_slot(st, t->fdt, newnum);
	if (fd == NULL) {
		return SK_OK;
	}
	/* old may have moved if the map grew: look it up again. */
	old = sk_imap_get(&t->fdt->fds, oldnum);
	char *name = fd->name, *nameraw = fd->nameraw;
	uint32_t name_cap = fd->name_cap, nameraw_cap = fd->nameraw_cap;
	*fd = *old;
	fd->num = newnum;
	fd->name = name;
	fd->name_cap = name_cap;
	fd->nameraw = nameraw;
	fd->nameraw_cap = nameraw_cap;
	fd->name_len = fd->nameraw_len = 0;
	view->fd = fd;
	return fd_copy_name(fd, old);
}

static void apply_chdir(sk_state *st, const sk_event *ev, sk_thread *t)
{
	if (sk_param_i64(ev, 0, -1) != 0) {
		return;
	}
	const char *dir = NULL;
	size_t len = 0;
	char tmp[PATH_MAX_LEN];
	if (ev->type == SK_EV_CHDIR_X) {
		uint32_t l;
		dir = sk_param_str(ev, 1, &l);
		len = l;
	} else if ((ev->nparams >= 2 || t->enter_type == SK_EV_FCHDIR_E) && t->fdt != NULL) {
		int64_t num = fd_from_exit_or_enter(ev, t, 1, SK_EV_FCHDIR_E);
		const sk_fd *fd = sk_imap_get(&t->fdt->fds, num);
		if (fd != NULL && fd->name != NULL) {
			dir = fd->name;
			len = fd->name_len;
		}
	}
	if (dir == NULL) {
		return;
	}
	size_t n = resolve_path(st, t->cwd.ptr, t->cwd.len, dir, len);
	memcpy(tmp, st->path_buf, n + 1);
	/* cwd is per process: update the caller and its main thread. */
	sk_thread *main = sk_state_main_thread(st, t);
	(void)bstr_set(&t->cwd, tmp, n);
	if (main != t) {
		(void)bstr_set(&main->cwd, tmp, n);
	}
}

static void apply_close(sk_thread *t, const sk_event *ev, sk_state_view *view)
{
	int64_t num = fd_from_exit_or_enter(ev, t, 1, SK_EV_CLOSE_E);
	view->fd_num = num;
	if (t->fdt != NULL && num >= 0) {
		/* The exit still reports the fd it closed (fd.name on close). */
		view->fd = sk_imap_get(&t->fdt->fds, num);
	}
}

static void apply_pipe(sk_state *st, const sk_event *ev, sk_thread *t, sk_state_view *view, sk_fd_type type)
{
	if (sk_param_i64(ev, 0, -1) < 0) {
		return;
	}
	for (uint32_t i = 1; i <= 2; i++) {
		sk_fd *fd = new_fd(st, t, sk_param_i64(ev, i, -1), type, "");
		if (fd != NULL && i == 1) {
			view->fd = fd;
			view->fd_num = fd->num;
		}
	}
}

static void remember_enter(sk_thread *t, const sk_event *ev)
{
	t->enter_type = ev->type;
	t->enter_ts = ev->ts;
	for (uint32_t i = 0; i < 4; i++) {
		t->enter_arg[i] = sk_param_u64(ev, i, 0);
	}
}

/* The id argument i of a set*id call: in the exit (newer layouts, after
 * res) or in the paired enter. Returns false when neither has it. */
static bool setid_arg(const sk_thread *t, const sk_event *ev, uint16_t enter_type, uint32_t i, uint32_t *id)
{
	if (sk_param_present(ev, i + 1)) {
		*id = (uint32_t)sk_param_u64(ev, i + 1, UINT32_MAX);
		return true;
	}
	if (t->enter_type == enter_type && i < 4) {
		*id = (uint32_t)t->enter_arg[i];
		return true;
	}
	return false;
}

static void apply_setid(sk_thread *t, const sk_event *ev)
{
	if (sk_param_i64(ev, 0, -1) != 0) {
		return;
	}
	uint32_t id;
	switch (ev->type) {
	case SK_EV_SETUID_X:
		if (setid_arg(t, ev, SK_EV_SETUID_E, 0, &id)) {
			t->uid = id;
		}
		break;
	case SK_EV_SETGID_X:
		if (setid_arg(t, ev, SK_EV_SETGID_E, 0, &id)) {
			t->gid = id;
		}
		break;
	case SK_EV_SETRESUID_X:
		/* The effective id is what user.uid reports; -1 keeps it. */
		if (setid_arg(t, ev, SK_EV_SETRESUID_E, 1, &id) && id != UINT32_MAX) {
			t->uid = id;
		}
		break;
	case SK_EV_SETRESGID_X:
		if (setid_arg(t, ev, SK_EV_SETRESGID_E, 1, &id) && id != UINT32_MAX) {
			t->gid = id;
		}
		break;
	default:
		break;
	}
}

/* Exits whose return value is a new fd of a fixed kind with no name. */
static sk_fd_type simple_fd_kind(uint16_t type)
{
	switch (type) {
	case SK_EV_EVENTFD_X:
		return SK_FD_EVENT;
	case SK_EV_SIGNALFD_X:
		return SK_FD_SIGNALFD;
	case SK_EV_TIMERFD_CREATE_X:
		return SK_FD_TIMERFD;
	case SK_EV_INOTIFY_INIT_X:
		return SK_FD_INOTIFY;
	case SK_EV_USERFAULTFD_X:
		return SK_FD_USERFAULTFD;
	case SK_EV_EVENTFD2_X:
		return SK_FD_EVENT;
	case SK_EV_SIGNALFD4_X:
		return SK_FD_SIGNALFD;
	case SK_EV_INOTIFY_INIT1_X:
		return SK_FD_INOTIFY;
	case SK_EV_EPOLL_CREATE_X:
	case SK_EV_EPOLL_CREATE1_X:
		return SK_FD_EVENTPOLL;
	case SK_EV_PIDFD_OPEN_X:
		return SK_FD_PIDFD;
	default:
		return SK_FD_TYPE_COUNT;
	}
}

static sk_err apply_exit_event(sk_state *st, const sk_event *ev, sk_thread *t, sk_state_view *view)
{
	sk_err err = SK_OK;
	switch (ev->type) {
	case SK_EV_CLONE_20_X:
	case SK_EV_FORK_20_X:
	case SK_EV_VFORK_20_X:
	case SK_EV_CLONE3_X:
		err = apply_clone(st, ev, t);
		break;
	case SK_EV_EXECVE_16_X:
	case SK_EV_EXECVE_17_X:
	case SK_EV_EXECVE_18_X:
	case SK_EV_EXECVE_19_X:
	case SK_EV_EXECVEAT_X:
		err = apply_execve(st, ev, t);
		break;
	case SK_EV_OPEN_X:
	case SK_EV_OPENAT_2_X:
	case SK_EV_OPENAT2_X:
	case SK_EV_CREAT_X:
	case SK_EV_OPEN_BY_HANDLE_AT_X:
		err = apply_open(st, ev, t, view);
		break;
	case SK_EV_SOCKET_X:
		apply_socket(st, ev, t, view);
		break;
	case SK_EV_CONNECT_X:
		apply_connect(st, ev, t, view);
		break;
	case SK_EV_ACCEPT_X:
	case SK_EV_ACCEPT4_X:
	case SK_EV_ACCEPT_5_X:
	case SK_EV_ACCEPT4_5_X:
	case SK_EV_ACCEPT4_6_X:
		apply_accept(st, ev, t, view);
		break;
	case SK_EV_DUP_1_X:
	case SK_EV_DUP2_X:
	case SK_EV_DUP3_X:
		/* res is the new fd; oldfd is parameter 1. */
		if (sk_param_i64(ev, 0, -1) >= 0) {
			err = dup_fd(st, t, sk_param_i64(ev, 1, -1), sk_param_i64(ev, 0, -1), view);
		}
		break;
	case SK_EV_MEMFD_CREATE_X: {
		uint32_t len;
		const char *name = sk_param_str(ev, 1, &len);
		char buf[300];
		snprintf(buf, sizeof(buf), "memfd:%.*s", (int)(name != NULL ? len : 0), name != NULL ? name : "");
		view->fd = new_fd(st, t, sk_param_i64(ev, 0, -1), SK_FD_MEMFD, buf);
		break;
	}
	case SK_EV_BIND_X:
		apply_bind(st, ev, t, view);
		break;
	case SK_EV_CLOSE_X:
		apply_close(t, ev, view);
		break;
	case SK_EV_PIPE_X:
	case SK_EV_PIPE2_X:
		apply_pipe(st, ev, t, view, SK_FD_PIPE);
		break;
	case SK_EV_SOCKETPAIR_X:
		apply_pipe(st, ev, t, view, SK_FD_UNIX);
		break;
	case SK_EV_DUP_X:
		if (t->enter_type == SK_EV_DUP_E && sk_param_i64(ev, 0, -1) >= 0) {
			err = dup_fd(st, t, (int64_t)t->enter_arg[0], sk_param_i64(ev, 0, -1), view);
		}
		break;
	case SK_EV_FCNTL_X: {
		/* Newer exits carry fd and cmd; older ones need the enter's.
		 * scap fcntl commands: 1 = F_DUPFD, 26 = F_DUPFD_CLOEXEC */
		bool in_exit = ev->nparams >= 3;
		bool have = in_exit || t->enter_type == SK_EV_FCNTL_E;
		int64_t oldfd = in_exit ? sk_param_i64(ev, 1, -1) : (int64_t)t->enter_arg[0];
		uint64_t cmd = in_exit ? sk_param_u64(ev, 2, 0) : t->enter_arg[1];
		if (have && (cmd == 1 || cmd == 26) && sk_param_i64(ev, 0, -1) >= 0) {
			err = dup_fd(st, t, oldfd, sk_param_i64(ev, 0, -1), view);
		}
		break;
	}
	case SK_EV_CHDIR_X:
	case SK_EV_FCHDIR_X:
		apply_chdir(st, ev, t);
		break;
	case SK_EV_SETUID_X:
	case SK_EV_SETGID_X:
	case SK_EV_SETRESUID_X:
	case SK_EV_SETRESGID_X:
		apply_setid(t, ev);
		break;
	case SK_EV_SETSID_X:
		if (sk_param_i64(ev, 0, -1) > 0) {
			t->sid = sk_param_i64(ev, 0, -1);
		}
		break;
	default: {
		sk_fd_type kind = simple_fd_kind(ev->type);
		if (kind != SK_FD_TYPE_COUNT) {
			view->fd = new_fd(st, t, sk_param_i64(ev, 0, -1), kind, "");
		}
		break;
	}
	}
	if (view->fd != NULL && view->fd_num < 0) {
		view->fd_num = view->fd->num;
	}
	return err;
}

/* Exit events that do not pair with an enter (the enter-only events of the
 * format are even and are excluded by the caller). */
static bool is_exit_event(uint16_t type)
{
	return (type & 1) != 0;
}

static bool is_enter_only(uint16_t type)
{
	return type == SK_EV_PROCEXIT_E || type == SK_EV_PROCEXIT_1_E || type == SK_EV_SCHEDSWITCH_6_E ||
	       type == SK_EV_SIGNALDELIVER_E || type == SK_EV_PAGE_FAULT_E;
}

/* A string parameter that carries its NUL inside the event, or NULL. */
static const char *meta_str(const sk_event *ev, uint32_t i)
{
	uint32_t len;
	const char *s = sk_param_str(ev, i, &len);
	return s != NULL && len < ev->param_len[i] ? s : NULL;
}

/* Meta events: users and groups added or deleted after the snapshot, for
 * the host (container_id "") or for one container, whose users come from
 * its own /etc/passwd (written by saker-capture and by Falco's dumps). */
static sk_err apply_meta(sk_state *st, const sk_event *ev, const sk_event_info *info)
{
	bool user_added = strcmp(info->name, "useradded") == 0;
	bool group_added = strcmp(info->name, "groupadded") == 0;
	bool user_event = user_added || strcmp(info->name, "userdeleted") == 0;
	if (!user_event && !group_added && strcmp(info->name, "groupdeleted") != 0) {
		return SK_OK;
	}
	const char *container = meta_str(ev, user_event ? 5 : 2);
	uint32_t id = (uint32_t)sk_param_u64(ev, 0, UINT32_MAX);
	const char *name = meta_str(ev, 1 + (user_event ? 1 : 0));
	if (id == UINT32_MAX || (sk_param_present(ev, user_event ? 5 : 2) && container == NULL)) {
		return SK_OK; /* malformed: no id, or a container id without its NUL */
	}
	bool host = container == NULL || container[0] == '\0';
	if (!user_added && !group_added) {
		struct accounts *a = accounts_get(st, container);
		if (a != NULL && user_event) {
			user_free(sk_imap_remove(&a->users, id));
		} else if (a != NULL) {
			group_free(sk_imap_remove(&a->groups, id));
		}
		return SK_OK;
	}
	if (name == NULL) {
		return SK_OK;
	}
	struct accounts *a = &st->host;
	sk_err err = host ? SK_OK : accounts_for(st, container, &a);
	if (err != SK_OK || a == NULL) {
		return err; /* a NULL table: another container's holds this id's hash */
	}
	/* The host's list from the snapshot wins over later duplicates. */
	if (user_added && !(host && sk_imap_get(&a->users, id) != NULL)) {
		return accounts_add_user(a, id, (uint32_t)sk_param_u64(ev, 1, 0), name, meta_str(ev, 3),
					 meta_str(ev, 4));
	}
	if (group_added && !(host && sk_imap_get(&a->groups, id) != NULL)) {
		return accounts_add_group(a, id, name);
	}
	return SK_OK;
}

sk_err sk_state_apply(sk_state *st, const sk_event *ev, sk_state_view *view)
{
	view->thread = NULL;
	view->fd = NULL;
	view->fd_num = -1;
	view->failed_path = NULL;
	view->failed_pathraw = NULL;
	view->failed_path_len = 0;
	view->failed_pathraw_len = 0;
	st->clock++;
	if (st->pending_close_fd >= 0) {
		sk_thread *closer = sk_imap_get(&st->threads, st->pending_close_tid);
		if (closer != NULL && closer->fdt != NULL) {
			fd_close(st, closer->fdt, st->pending_close_fd);
		}
		st->pending_close_fd = -1;
	}
	/* A thread whose procexit was the previous event is gone now. */
	if (st->pending_exit >= 0) {
		sk_thread *dead = sk_imap_remove(&st->threads, st->pending_exit);
		thread_drop(st, dead);
		st->pending_exit = -1;
	}
	if (ev->tid == 0 || ev->type >= SK_EVENT_TYPE_MAX) {
		return SK_OK; /* the idle task, or a type no table names */
	}
	const sk_event_info *info = ev->info != NULL ? ev->info : sk_event_info_get(ev->type);
	if (info->kind == SK_EK_META) {
		return apply_meta(st, ev, info);
	}
	/* Only syscalls introduce threads; a context switch or page fault says
	 * nothing about a thread we do not know. */
	if (info->kind != SK_EK_SYSCALL && sk_imap_get(&st->threads, (int64_t)ev->tid) == NULL) {
		return SK_OK;
	}
	sk_thread *t = thread_for_event(st, ev);
	if (t == NULL) {
		return SK_ENOMEM;
	}
	t->last_seen = st->clock;
	view->thread = t;
	sk_err err = SK_OK;
	if (ev->type == SK_EV_PROCEXIT_E || ev->type == SK_EV_PROCEXIT_1_E) {
		t->exited = true;
		st->pending_exit = t->tid;
	} else if (is_exit_event(ev->type)) {
		bool paired = t->enter_ts != 0 && t->enter_type + 1 == ev->type;
		int64_t enter_fd = enter_has_fd0(t->enter_type) && paired ? (int64_t)t->enter_arg[0] : -1;
		t->latency_ns = paired && ev->ts >= t->enter_ts ? ev->ts - t->enter_ts : 0;
		err = apply_exit_event(st, ev, t, view);
		if (view->fd_num < 0 && enter_fd >= 0) {
			view->fd_num = enter_fd;
		}
		if (view->fd_num < 0 && st->fd_param[ev->type] >= 0) {
			/* Newer exits name their fd themselves (read, write, close...). */
			view->fd_num = sk_param_i64(ev, (uint32_t)st->fd_param[ev->type], -1);
		}
		/* clone may have created the thread table entry that t lives in: reload. */
		view->thread = sk_imap_get(&st->threads, (int64_t)ev->tid);
		t = view->thread;
		if (t != NULL) {
			t->enter_type = 0;
			t->enter_ts = 0; /* type 0 is a real enter (generic): the time marks one */
		}
	} else if (!is_enter_only(ev->type)) {
		remember_enter(t, ev);
		if (enter_has_fd0(ev->type)) {
			view->fd_num = sk_param_i64(ev, 0, -1);
		}
	}
	if (view->fd == NULL && view->fd_num >= 0 && t != NULL && t->fdt != NULL) {
		view->fd = sk_imap_get(&t->fdt->fds, view->fd_num);
		/* An fd opened before the capture: shown as of unknown kind, not stored. */
		if (view->fd == NULL && is_exit_event(ev->type)) {
			memset(&st->unknown_fd, 0, sizeof(st->unknown_fd));
			st->unknown_fd.num = view->fd_num;
			st->unknown_fd.name = "";
			view->fd = &st->unknown_fd;
		}
	}
	/* close takes effect after the event has been looked at. */
	if (t != NULL && ev->type == SK_EV_CLOSE_X && sk_param_i64(ev, 0, -1) == 0 && view->fd_num >= 0 &&
	    t->fdt != NULL) {
		st->pending_close_fd = view->fd_num;
		st->pending_close_tid = t->tid;
	}
	return err;
}
