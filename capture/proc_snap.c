/* proc_snap.c: /proc, /proc/net and /etc readers feeding the scap writer. */
#include "proc_snap.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_shared.h"
#include "ctr_users.h"
#include "ovl_layer.h"
#include "sc_table.h"
#include "scap_format.h"

/* Readers reject paths longer than the public format's limit. */
#define SNAP_PATH_MAX 1023u

struct task_info {
	uint64_t tid, pid, ptid, sid, pgid;
	uint64_t vtid, vpid, vpgid; /* in the task's own pid namespace */
	char comm[64];
	char cmdline[4096];
	size_t cmdline_len;
	char exepath[PATH_MAX];
	char cwd[PATH_MAX];
	uint64_t fdlimit;
	uint32_t uid, gid, vmsize, vmrss, vmswap, tty, loginuid;
	uint64_t pfmaj, pfmin, cap_inh, cap_prm, cap_eff, exe_ino, exe_ctime, exe_mtime;
	uint8_t exe_writable;
	uint32_t exe_layer; /* SKC_EXE_UPPER_LAYER or SKC_EXE_LOWER_LAYER on overlayfs, else 0 */
	char cgroups[2 * (SNAP_PATH_MAX + 10)]; /* as exec events carry it (sc_reencode) */
	size_t cgroups_len;
};

/* One thread as the kernel's task iterator saw it (SKC_EVT_TASK_INFO). */
struct ktask {
	uint64_t tid, pid;       /* the kernel's (host) ids */
	uint32_t layer;          /* SKC_EXE_*_LAYER */
	const uint8_t *cgroups;  /* name lists, as exec events carry them */
	uint16_t cgroups_len;
};

struct ktasks {
	struct ktask *v; /* sorted by tid */
	size_t n;
};

static int by_tid(const void *a, const void *b)
{
	const struct ktask *x = a, *y = b;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Indexes the iterator's records; the index ends at a damaged record. */
static sk_err index_ktasks(const struct proc_snap_kernel *k, struct ktasks *out)
{
	out->v = NULL;
	out->n = 0;
	if (k == NULL || k->len == 0) {
		return SK_OK;
	}
	size_t cap = k->len / (SKC_HDR_LEN + 6 + 12) + 1;
	out->v = malloc(cap * sizeof(*out->v));
	if (out->v == NULL) {
		return SK_ENOMEM;
	}
	const uint8_t *r = k->records;
	size_t left = k->len;
	while (left >= SKC_HDR_LEN + 6 + 12 && out->n < cap) {
		uint32_t len, nparams;
		uint16_t type, lens[3];
		memcpy(&len, r + 16, 4);
		memcpy(&type, r + 20, 2);
		memcpy(&nparams, r + 22, 4);
		memcpy(lens, r + SKC_HDR_LEN, 6);
		if (len > left || type != SKC_EVT_TASK_INFO || nparams != 3 || lens[0] != 8 || lens[1] != 4 ||
		    len != SKC_HDR_LEN + 6u + 12u + lens[2]) {
			break;
		}
		struct ktask *t = &out->v[out->n++];
		memcpy(&t->tid, r + 8, 8);
		memcpy(&t->pid, r + SKC_HDR_LEN + 6, 8);
		memcpy(&t->layer, r + SKC_HDR_LEN + 6 + 8, 4);
		t->cgroups = r + SKC_HDR_LEN + 6 + 12;
		t->cgroups_len = lens[2];
		r += len;
		left -= len;
	}
	if (out->n > 1) {
		qsort(out->v, out->n, sizeof(*out->v), by_tid);
	}
	return SK_OK;
}

/* The record of thread tid of process pid; NULL when none. Both ids must
 * match: a /proc of another pid namespace (a sensor without the host's)
 * numbers its threads apart from the kernel's records. */
static const struct ktask *find_ktask(const struct ktasks *kt, uint64_t pid, uint64_t tid)
{
	struct ktask key = {.tid = tid};
	const struct ktask *k = kt->n > 0 ? bsearch(&key, kt->v, kt->n, sizeof(*kt->v), by_tid) : NULL;
	return k != NULL && k->pid == pid ? k : NULL;
}

/* Reads a whole small file into buf (NUL-terminated); returns bytes or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0) {
		return -1;
	}
	buf[n] = 0;
	return n;
}

static void read_link(const char *path, char *out, size_t cap)
{
	ssize_t n = readlink(path, out, cap - 1);
	out[n > 0 ? n : 0] = 0;
}

static uint64_t status_field(const char *status, const char *key, int base, int column)
{
	const char *p = strstr(status, key);
	if (p == NULL) {
		return 0;
	}
	p += strlen(key);
	char *end;
	uint64_t v = 0;
	for (int i = 0; i <= column; i++) {
		v = strtoull(p, &end, base);
		p = end;
	}
	return v;
}

/* The last number on the line of key (the NS* lines list a task's ids from
 * the outermost pid namespace to its own); fallback when the line is
 * absent (kernels before 4.1). */
static uint64_t status_last(const char *status, const char *key, uint64_t fallback)
{
	const char *p = strstr(status, key);
	if (p == NULL) {
		return fallback;
	}
	p += strlen(key);
	uint64_t v = fallback;
	for (int i = 0; i < 32; i++) { /* pid namespaces nest at most 32 deep */
		char *end;
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if (*p < '0' || *p > '9') {
			break;
		}
		v = strtoull(p, &end, 10);
		p = end;
	}
	return v;
}

/* /proc/<pid>/task/<tid>/cgroup as the scap string exec events carry
 * (sc_proc_cgroups_string); left empty when absent or too long. */
static void load_cgroups(const char *path, struct task_info *t)
{
	char buf[8192];
	t->cgroups_len = read_small(path, buf, sizeof(buf)) < 0 ? 0
				: sc_proc_cgroups_string(buf, t->cgroups, sizeof(t->cgroups));
}

/* The kernel's cgroups of a thread as the scap string; false (t unchanged)
 * when it does not fit or is malformed. */
static bool kernel_cgroups(const struct ktask *k, struct task_info *t)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	uint16_t n = sc_cgroups_string(k->cgroups, k->cgroups_len, &sb);
	bool ok = n > 0 && !sk_strbuf_failed(&sb) && sb.len <= sizeof(t->cgroups);
	if (ok) {
		memcpy(t->cgroups, sb.data, sb.len);
		t->cgroups_len = sb.len;
	}
	sk_strbuf_free(&sb);
	return ok;
}

/* exe_layer caches the overlay layer of the process's exe across its
 * threads (-1: not looked up yet): the lookup reads mountinfo. k is what
 * the kernel says of the thread (NULL: nothing): its cgroups and layer win
 * over /proc's. */
static int load_task(const char *proc_root, uint64_t pid, uint64_t tid, const struct ktask *k, struct task_info *t,
		     int64_t *exe_layer)
{
	char path[PATH_MAX], buf[8192];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pid = pid;
	snprintf(path, sizeof(path), "%s/%llu/task/%llu/stat", proc_root, (unsigned long long)pid,
		 (unsigned long long)tid);
	if (read_small(path, buf, sizeof(buf)) < 0) {
		return -1;
	}
	/* comm is in parentheses and may contain spaces: parse after the last ')' */
	char *open_paren = strchr(buf, '(');
	char *close_paren = strrchr(buf, ')');
	if (open_paren == NULL || close_paren == NULL || close_paren < open_paren) {
		return -1;
	}
	size_t clen = (size_t)(close_paren - open_paren - 1);
	if (clen >= sizeof(t->comm)) {
		clen = sizeof(t->comm) - 1;
	}
	memcpy(t->comm, open_paren + 1, clen);
	unsigned long long ppid = 0, pgrp = 0, session = 0, minflt = 0, majflt = 0;
	int tty = 0;
	char state;
	if (sscanf(close_paren + 2, "%c %llu %llu %llu %d %*d %*u %llu %*u %llu", &state, &ppid, &pgrp, &session, &tty,
		   &minflt, &majflt) != 7) {
		return -1;
	}
	t->ptid = ppid;
	t->pgid = pgrp;
	t->sid = session;
	t->tty = (uint32_t)tty;
	t->pfmaj = majflt;
	t->pfmin = minflt;
	/* the thread's own status: its ids, and the process-wide fields */
	snprintf(path, sizeof(path), "%s/%llu/task/%llu/status", proc_root, (unsigned long long)pid,
		 (unsigned long long)tid);
	t->vtid = tid;
	t->vpid = pid;
	t->vpgid = pgrp;
	if (read_small(path, buf, sizeof(buf)) >= 0) {
		t->vtid = status_last(buf, "\nNSpid:", tid);
		t->vpid = status_last(buf, "\nNStgid:", pid);
		t->vpgid = status_last(buf, "\nNSpgid:", pgrp);
		t->uid = (uint32_t)status_field(buf, "\nUid:", 10, 1);
		t->gid = (uint32_t)status_field(buf, "\nGid:", 10, 1);
		t->vmsize = (uint32_t)status_field(buf, "\nVmSize:", 10, 0);
		t->vmrss = (uint32_t)status_field(buf, "\nVmRSS:", 10, 0);
		t->vmswap = (uint32_t)status_field(buf, "\nVmSwap:", 10, 0);
		t->cap_inh = status_field(buf, "\nCapInh:", 16, 0);
		t->cap_prm = status_field(buf, "\nCapPrm:", 16, 0);
		t->cap_eff = status_field(buf, "\nCapEff:", 16, 0);
	}
	snprintf(path, sizeof(path), "%s/%llu/cmdline", proc_root, (unsigned long long)pid);
	ssize_t n = read_small(path, t->cmdline, sizeof(t->cmdline));
	t->cmdline_len = n > 0 ? (size_t)n : 0;
	snprintf(path, sizeof(path), "%s/%llu/exe", proc_root, (unsigned long long)pid);
	read_link(path, t->exepath, sizeof(t->exepath));
	struct stat st;
	if (t->exepath[0] != 0 && stat(path, &st) == 0) {
		t->exe_ino = st.st_ino;
		t->exe_ctime = (uint64_t)st.st_ctim.tv_sec * 1000000000u + (uint64_t)st.st_ctim.tv_nsec;
		t->exe_mtime = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
		t->exe_writable = t->uid == 0 || ((st.st_mode & S_IWUSR) && st.st_uid == t->uid) ||
				  ((st.st_mode & S_IWGRP) && st.st_gid == t->gid) || (st.st_mode & S_IWOTH);
		if (*exe_layer < 0 && k != NULL) {
			*exe_layer = k->layer & (SKC_EXE_UPPER_LAYER | SKC_EXE_LOWER_LAYER);
		} else if (*exe_layer < 0) {
			*exe_layer = ovl_exe_layer(proc_root, pid, t->exepath);
		}
		t->exe_layer = (uint32_t)*exe_layer;
	}
	snprintf(path, sizeof(path), "%s/%llu/cwd", proc_root, (unsigned long long)pid);
	read_link(path, t->cwd, sizeof(t->cwd));
	snprintf(path, sizeof(path), "%s/%llu/loginuid", proc_root, (unsigned long long)pid);
	t->loginuid = read_small(path, buf, sizeof(buf)) > 0 ? (uint32_t)strtoul(buf, NULL, 10) : UINT32_MAX;
	snprintf(path, sizeof(path), "%s/%llu/task/%llu/cgroup", proc_root, (unsigned long long)pid,
		 (unsigned long long)tid);
	if (k == NULL || !kernel_cgroups(k, t)) {
		load_cgroups(path, t);
	}
	t->fdlimit = 1024;
	snprintf(path, sizeof(path), "%s/%llu/limits", proc_root, (unsigned long long)pid);
	if (read_small(path, buf, sizeof(buf)) > 0) {
		const char *lim = strstr(buf, "Max open files");
		if (lim != NULL) {
			t->fdlimit = strtoull(lim + strlen("Max open files"), NULL, 10);
		}
	}
	return 0;
}


static void clip_path(char *s)
{
	if (strlen(s) > SNAP_PATH_MAX) {
		s[SNAP_PATH_MAX] = 0;
	}
}

static sk_err put_task(sk_scap_writer *w, struct task_info *t)
{
	size_t argv0 = strnlen(t->cmdline, t->cmdline_len);
	size_t args_off = argv0 < t->cmdline_len ? argv0 + 1 : t->cmdline_len;
	char exe[SNAP_PATH_MAX + 1];
	snprintf(exe, sizeof(exe), "%.*s", (int)(argv0 < SNAP_PATH_MAX ? argv0 : SNAP_PATH_MAX),
		 t->cmdline_len ? t->cmdline : t->comm);
	clip_path(t->exepath);
	clip_path(t->cwd);
	sk_scap_thread th = {
		.tid = t->tid,
		.pid = t->pid,
		.ptid = t->ptid,
		.sid = (int64_t)t->sid,
		.vpgid = (int64_t)t->vpgid,
		.pgid = (int64_t)t->pgid,
		.comm = t->comm,
		.exe = exe,
		.exepath = t->exepath,
		.cwd = t->cwd,
		.root = "/",
		.args = t->cmdline + args_off,
		.args_len = (uint32_t)(t->cmdline_len - args_off),
		.cgroups = t->cgroups_len ? t->cgroups : NULL,
		.cgroups_len = (uint32_t)t->cgroups_len,
		.fdlimit = t->fdlimit,
		.uid = t->uid,
		.gid = t->gid,
		.vmsize_kb = t->vmsize,
		.vmrss_kb = t->vmrss,
		.vmswap_kb = t->vmswap,
		.pfmajor = t->pfmaj,
		.pfminor = t->pfmin,
		.vtid = (int64_t)t->vtid,
		.vpid = (int64_t)t->vpid,
		.tty = t->tty,
		.loginuid = t->loginuid,
		.exe_writable = t->exe_writable,
		.exe_from_memfd = strncmp(t->exepath, "/memfd:", 7) == 0,
		.exe_upper_layer = (t->exe_layer & SKC_EXE_UPPER_LAYER) != 0,
		.exe_lower_layer = (t->exe_layer & SKC_EXE_LOWER_LAYER) != 0,
		.cap_inheritable = t->cap_inh,
		.cap_permitted = t->cap_prm,
		.cap_effective = t->cap_eff,
		.exe_ino = t->exe_ino,
		.exe_ino_ctime = t->exe_ctime,
		.exe_ino_mtime = t->exe_mtime,
	};
	return sk_scap_writer_thread(w, &th);
}

/* ---- sockets known to /proc/net, by inode ---- */

struct sock_info {
	uint64_t ino;
	sk_scap_fd fd; /* type, addresses, ports, l4proto; name for unix */
	char path[108];
};

/* The sockets of every network namespace seen so far, by inode (inodes are
 * unique across namespaces). */
struct sock_table {
	struct sock_info *v;
	size_t n, cap;
	uint64_t *netns; /* the namespaces loaded */
	size_t nnetns, netns_cap;
};

/* The array v (n used, *cap allocated, elem bytes each; first: the
 * capacity of a new one) with room for one more element, moved if need be;
 * NULL when out of memory (v is then unchanged and still the caller's). */
static void *grow_for_one(void *v, size_t n, size_t *cap, size_t elem, size_t first)
{
	if (n < *cap) {
		return v;
	}
	size_t ncap = *cap ? *cap * 2 : first;
	void *nv = realloc(v, ncap * elem);
	if (nv != NULL) {
		*cap = ncap;
	}
	return nv;
}

static struct sock_info *sock_add(struct sock_table *t)
{
	struct sock_info *v = grow_for_one(t->v, t->n, &t->cap, sizeof(*t->v), 256);
	if (v == NULL) {
		return NULL;
	}
	t->v = v;
	struct sock_info *si = &t->v[t->n++];
	memset(si, 0, sizeof(*si));
	return si;
}

/* "0100007F:1F90" (IPv4) or 32 hex digits (IPv6), then ':' and the port. */
static int parse_hex_endpoint(const char *s, uint8_t *addr, size_t alen, uint16_t *port)
{
	for (size_t i = 0; i < alen / 4; i++) {
		char word[9];
		memcpy(word, s + 8 * i, 8);
		word[8] = 0;
		uint32_t v = (uint32_t)strtoul(word, NULL, 16);
		memcpy(addr + 4 * i, &v, 4); /* printed from the raw 32-bit words */
	}
	if (s[2 * alen] != ':') {
		return -1;
	}
	*port = (uint16_t)strtoul(s + 2 * alen + 1, NULL, 16);
	return 0;
}

static void load_inet(struct sock_table *t, const char *path, bool v6, uint8_t l4proto)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return;
	}
	char line[512], local[64], remote[64];
	unsigned state;
	unsigned long long ino;
	size_t alen = v6 ? 16 : 4;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " %*u: %63s %63s %x %*s %*s %*s %*u %*u %llu", local, remote, &state, &ino) != 4 ||
		    ino == 0) {
			continue;
		}
		struct sock_info *si = sock_add(t);
		if (si == NULL) {
			break;
		}
		si->ino = ino;
		si->fd.l4proto = l4proto;
		if (parse_hex_endpoint(local, si->fd.sip, alen, &si->fd.sport) != 0 ||
		    parse_hex_endpoint(remote, si->fd.dip, alen, &si->fd.dport) != 0) {
			t->n--;
			continue;
		}
		bool listening = l4proto == 2 && state == 0x0A; /* TCP_LISTEN */
		if (listening) {
			si->fd.type = v6 ? SK_SCAP_FD_IPV6_SERVSOCK : SK_SCAP_FD_IPV4_SERVSOCK;
		} else {
			si->fd.type = v6 ? SK_SCAP_FD_IPV6_SOCK : SK_SCAP_FD_IPV4_SOCK;
		}
	}
	fclose(f);
}

static void load_unix(struct sock_table *t, const char *path)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return;
	}
	char line[512];
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long num, ino;
		char sockpath[108] = "";
		if (sscanf(line, "%llx: %*x %*x %*x %*x %*x %llu %107s", &num, &ino, sockpath) < 2 || ino == 0) {
			continue;
		}
		struct sock_info *si = sock_add(t);
		if (si == NULL) {
			break;
		}
		si->ino = ino;
		si->fd.type = SK_SCAP_FD_UNIX_SOCK;
		si->fd.unix_source = num;
		snprintf(si->path, sizeof(si->path), "%s", sockpath);
	}
	fclose(f);
}

static int by_ino(const void *a, const void *b)
{
	const struct sock_info *x = a, *y = b;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Adds the sockets of the network namespace that dir/net shows (dir: a
 * /proc root for the reader's own, or <proc>/<pid> for that process's),
 * unsorted. */
static void load_sockets(struct sock_table *t, const char *proc_root)
{
	static const struct {
		const char *file;
		bool v6;
		uint8_t l4proto; /* scap: 2 TCP, 3 UDP */
	} inet[] = {{"tcp", false, 2}, {"tcp6", true, 2}, {"udp", false, 3}, {"udp6", true, 3}};
	char path[PATH_MAX + 16]; /* proc_root + "/net/tcp6" */
	for (size_t i = 0; i < sizeof(inet) / sizeof(inet[0]); i++) {
		snprintf(path, sizeof(path), "%s/net/%s", proc_root, inet[i].file);
		load_inet(t, path, inet[i].v6, inet[i].l4proto);
	}
	snprintf(path, sizeof(path), "%s/net/unix", proc_root);
	load_unix(t, path);
}

/* The inode of the network namespace of process pid ("net:[N]"), 0 when
 * it cannot be read. */
static uint64_t netns_of(const char *proc_root, uint64_t pid)
{
	char path[PATH_MAX], link[64];
	snprintf(path, sizeof(path), "%s/%llu/ns/net", proc_root, (unsigned long long)pid);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		return 0;
	}
	link[n] = 0;
	unsigned long long ino = 0;
	return sscanf(link, "net:[%llu]", &ino) == 1 ? ino : 0;
}

/* Loads the sockets of process pid's network namespace unless they are
 * loaded: processes in containers (and, for a sensor in a pod, on the
 * host) sit in namespaces the reader's own /proc/net does not show. */
static void load_netns_sockets(struct sock_table *t, const char *proc_root, uint64_t pid)
{
	uint64_t ns = netns_of(proc_root, pid);
	if (ns == 0) {
		return;
	}
	for (size_t i = 0; i < t->nnetns; i++) {
		if (t->netns[i] == ns) {
			return;
		}
	}
	uint64_t *netns = grow_for_one(t->netns, t->nnetns, &t->netns_cap, sizeof(*t->netns), 16);
	if (netns == NULL) {
		return;
	}
	t->netns = netns;
	t->netns[t->nnetns++] = ns;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%llu", proc_root, (unsigned long long)pid);
	load_sockets(t, dir);
}

static const struct sock_info *find_socket(const struct sock_table *t, uint64_t ino)
{
	struct sock_info key = {.ino = ino};
	return t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v), by_ino) : NULL;
}

/* ---- file descriptors of one process ---- */

static uint32_t fd_open_flags(const char *proc_root, uint64_t pid, const char *fd)
{
	char path[PATH_MAX], buf[512];
	snprintf(path, sizeof(path), "%s/%llu/fdinfo/%s", proc_root, (unsigned long long)pid, fd);
	if (read_small(path, buf, sizeof(buf)) < 0) {
		return 0;
	}
	const char *f = strstr(buf, "flags:");
	return f ? sc_open_flags_to_scap((uint32_t)strtoul(f + 6, NULL, 8)) : 0;
}

/* Parses "kind:[123]" links (socket:, pipe:) into the inode. */
static int link_inode(const char *target, const char *kind, uint64_t *ino)
{
	size_t k = strlen(kind);
	if (strncmp(target, kind, k) != 0 || target[k] != '[') {
		return -1;
	}
	*ino = strtoull(target + k + 1, NULL, 10);
	return 0;
}

static sk_err put_fds(sk_scap_writer *w, const char *proc_root, uint64_t pid, const struct sock_table *socks)
{
	char path[PATH_MAX], target[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%llu/fd", proc_root, (unsigned long long)pid);
	DIR *d = opendir(path);
	if (d == NULL) {
		return SK_OK; /* gone, or not ours to read */
	}
	sk_err err = SK_OK;
	struct dirent *de;
	while (err == SK_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9') {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%llu/fd/%s", proc_root, (unsigned long long)pid, de->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0) {
			continue;
		}
		target[n] = 0;
		clip_path(target);
		sk_scap_fd fd = {.fd = strtoll(de->d_name, NULL, 10), .name = ""};
		uint64_t ino = 0;
		if (link_inode(target, "socket:", &ino) == 0) {
			const struct sock_info *si = find_socket(socks, ino);
			if (si == NULL) {
				continue; /* netlink and friends: not described */
			}
			fd = si->fd;
			fd.fd = strtoll(de->d_name, NULL, 10);
			fd.name = si->path;
		} else if (link_inode(target, "pipe:", &ino) == 0) {
			fd.type = SK_SCAP_FD_FIFO;
		} else if (target[0] == '/') {
			struct stat st;
			fd.type = SK_SCAP_FD_FILE_V2;
			fd.name = target;
			fd.open_flags = fd_open_flags(proc_root, pid, de->d_name);
			if (stat(path, &st) == 0) {
				ino = st.st_ino;
				if (S_ISDIR(st.st_mode)) {
					fd.type = SK_SCAP_FD_DIRECTORY;
				}
			}
		} else {
			continue; /* anon inodes: their creation events describe them */
		}
		fd.ino = ino;
		err = sk_scap_writer_fd(w, pid, &fd);
	}
	closedir(d);
	return err;
}

/* ---- processes ---- */

static int is_number(const char *s)
{
	if (*s == 0) {
		return 0;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			return 0;
		}
	}
	return 1;
}

static sk_err put_process(sk_scap_writer *w, const char *proc_root, uint64_t pid, const struct ktasks *kt,
			  struct task_info *t)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%llu/task", proc_root, (unsigned long long)pid);
	DIR *tasks = opendir(path);
	if (tasks == NULL) {
		return SK_OK; /* exited meanwhile */
	}
	sk_err err = SK_OK;
	struct dirent *te;
	int64_t exe_layer = -1;
	while (err == SK_OK && (te = readdir(tasks)) != NULL) {
		uint64_t tid = is_number(te->d_name) ? strtoull(te->d_name, NULL, 10) : 0;
		if (tid != 0 && load_task(proc_root, pid, tid, find_ktask(kt, pid, tid), t, &exe_layer) == 0) {
			err = put_task(w, t);
		}
	}
	closedir(tasks);
	return err;
}

static sk_err put_accounts(sk_scap_writer *w, const char *path, bool groups)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return SK_OK; /* no such database here */
	}
	sk_err err = SK_OK;
	char line[1024];
	while (err == SK_OK && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = 0;
		char *fld[8];
		int n = ctr_users_split_line(line, fld, 8);
		if (groups && n >= 3) {
			sk_scap_group g = {.gid = (uint32_t)strtoul(fld[2], NULL, 10), .name = fld[0]};
			err = sk_scap_writer_group(w, &g);
		} else if (!groups && n >= 7) {
			sk_scap_user u = {.uid = (uint32_t)strtoul(fld[2], NULL, 10),
					  .gid = (uint32_t)strtoul(fld[3], NULL, 10),
					  .name = fld[0],
					  .home = fld[5],
					  .shell = fld[6]};
			err = sk_scap_writer_user(w, &u);
		}
	}
	fclose(f);
	return err;
}

static sk_err put_machine(sk_scap_writer *w)
{
	struct sysinfo si;
	char host[128] = "";
	gethostname(host, sizeof(host) - 1);
	sk_scap_machine mi = {.num_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN), .hostname = host};
	if (sysinfo(&si) == 0) {
		mi.memory_bytes = (uint64_t)si.totalram * si.mem_unit;
	}
	return sk_scap_writer_machine(w, &mi);
}

/* Loads the sockets of every network namespace a process of proc_root sits
 * in, then sorts them once for find_socket (sorting after each namespace
 * cost a node with a hundred pods a hundred sorts). Leaves procs rewound. */
static void load_all_sockets(struct sock_table *t, DIR *procs, const char *proc_root)
{
	struct dirent *pe = readdir(procs);
	while (pe != NULL) {
		if (is_number(pe->d_name)) {
			load_netns_sockets(t, proc_root, strtoull(pe->d_name, NULL, 10));
		}
		pe = readdir(procs);
	}
	rewinddir(procs);
	if (t->n > 1) { /* t->v is NULL on a host without sockets */
		qsort(t->v, t->n, sizeof(*t->v), by_ino);
	}
}

/* Wall (the user events' time) and monotonic clocks. */
static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

sk_err proc_snap_write(sk_scap_writer *w, const struct proc_snap_paths *paths, const struct proc_snap_kernel *kernel,
		       struct ctr_users *users, sk_strbuf *user_events)
{
	DIR *procs = opendir(paths->proc);
	if (procs == NULL) {
		return SK_ENOENT;
	}
	struct task_info *t = malloc(sizeof(*t));
	struct sock_table socks = {0};
	struct ktasks kt;
	sk_err err = index_ktasks(kernel, &kt);
	if (err == SK_OK) {
		err = t != NULL ? put_machine(w) : SK_ENOMEM;
	}
	if (err != SK_OK) {
		goto cleanup;
	}
	load_all_sockets(&socks, procs, paths->proc);
	struct dirent *pe;
	while (err == SK_OK && (pe = readdir(procs)) != NULL) {
		if (!is_number(pe->d_name)) {
			continue;
		}
		uint64_t pid = strtoull(pe->d_name, NULL, 10);
		t->cgroups_len = 0; /* no stale list when the process is gone */
		err = put_process(w, paths->proc, pid, &kt, t);
		if (err == SK_OK) {
			err = put_fds(w, paths->proc, pid, &socks);
		}
		uint32_t added;
		if (err == SK_OK && users != NULL && t->cgroups_len > 0) {
			err = ctr_users_note(users, pid, 0, t->cgroups, t->cgroups_len, t->uid, clock_ns(CLOCK_REALTIME),
					     clock_ns(CLOCK_MONOTONIC), 0, user_events, &added);
		}
	}
	if (err == SK_OK) {
		err = put_accounts(w, paths->passwd, false);
	}
	if (err == SK_OK) {
		err = put_accounts(w, paths->group, true);
	}
cleanup:
	closedir(procs);
	free(socks.v);
	free(socks.netns);
	free(kt.v);
	free(t);
	return err;
}

sk_err proc_snap_blocks(sk_strbuf *sb, const struct proc_snap_paths *paths, const struct proc_snap_kernel *kernel,
			struct ctr_users *users)
{
	sk_scap_writer *w = NULL;
	sk_strbuf user_events = SK_STRBUF_INIT;
	uint8_t *data = NULL;
	size_t len = 0;
	sk_err err = sk_scap_writer_open_buffer(&w);
	if (err != SK_OK) {
		return err;
	}
	err = proc_snap_write(w, paths, kernel, users, &user_events);
	if (err == SK_OK) {
		err = sk_scap_writer_take(w, &data, &len);
	}
	if (err == SK_OK) {
		sk_strbuf_append(sb, data, len);
		sk_strbuf_append(sb, user_events.data, user_events.len);
		err = sk_strbuf_failed(sb) || sk_strbuf_failed(&user_events) ? SK_ENOMEM : SK_OK;
	}
	free(data);
	sk_strbuf_free(&user_events);
	sk_scap_writer_close(w);
	return err;
}
