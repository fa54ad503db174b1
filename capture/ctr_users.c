/* ctr_users.c: containers' own users and groups as meta events (see ctr_users.h). */
#define _GNU_SOURCE
#include "ctr_users.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container_id.h"
#include "sc_table.h"
#include "scap_out.h"

#define EV_USERADDED 354   /* uid, gid, name, home, shell, container_id */
#define EV_USERDELETED 356 /* the same */
#define EV_GROUPADDED 358  /* gid, name, container_id */
#define EV_GROUPDELETED 360
#define EV_HDR_LEN 26 /* ts, tid, len, type, nparams */

/* Which file was read: a re-read happens only when it changed. */
struct file_id {
	dev_t dev;
	ino_t ino;
	int64_t mtime_ns;
	off_t size;
	bool present;
};

struct known {
	char id[SK_CONTAINER_SHORT_ID_LEN + 1];
	struct cu_ids ids;            /* what the last read sent */
	struct file_id passwd, group; /* and from which files */
	uint32_t unnamed_uid;         /* the last uid found unnamed with the files unchanged */
	uint64_t unnamed_ns;          /* when (0: none) */
};

struct ctr_users {
	char proc_root[4096];
	/* "mnt:[N]", the node's mount namespace (pid 1's, or the sensor's when
	 * pid 1's cannot be read); "" when neither can */
	char host_mnt[64];
	struct known *ctrs; /* a ring: next is the oldest once full */
	uint64_t *keys;     /* sk_container_key() of ctrs[i].id for i < used, scanned alone (32 KiB at most) */
	uint32_t max, next, used;
};

/* The mount namespace of <proc>/<pid> as its ns/mnt link reads
 * ("mnt:[N]"); false (out "") when it cannot be read. */
static bool read_mnt_ns(const struct ctr_users *cu, const char *pid, char *out, size_t cap)
{
	char link[4200];
	snprintf(link, sizeof(link), "%s/%s/ns/mnt", cu->proc_root, pid);
	ssize_t n = readlink(link, out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
	return n > 0;
}

sk_err ctr_users_new(const char *proc_root, uint32_t max_containers, struct ctr_users **out)
{
	*out = NULL;
	if (max_containers == 0 || strlen(proc_root) >= sizeof(((struct ctr_users *)0)->proc_root)) {
		return SK_EINVAL;
	}
	struct ctr_users *cu = calloc(1, sizeof(*cu));
	if (cu == NULL) {
		return SK_ENOMEM;
	}
	cu->ctrs = calloc(max_containers, sizeof(*cu->ctrs));
	cu->keys = calloc(max_containers, sizeof(*cu->keys));
	if (cu->ctrs == NULL || cu->keys == NULL) {
		free(cu->ctrs);
		free(cu->keys);
		free(cu);
		return SK_ENOMEM;
	}
	snprintf(cu->proc_root, sizeof(cu->proc_root), "%s", proc_root);
	cu->max = max_containers;
	if (!read_mnt_ns(cu, "1", cu->host_mnt, sizeof(cu->host_mnt))) {
		(void)read_mnt_ns(cu, "self", cu->host_mnt, sizeof(cu->host_mnt));
	}
	*out = cu;
	return SK_OK;
}

void ctr_users_reset(struct ctr_users *cu)
{
	for (uint32_t i = 0; i < cu->max; i++) {
		ctr_users_ids_free(&cu->ctrs[i].ids);
	}
	memset(cu->ctrs, 0, cu->max * sizeof(*cu->ctrs));
	memset(cu->keys, 0, cu->max * sizeof(*cu->keys));
	cu->next = 0;
	cu->used = 0;
}

void ctr_users_free(struct ctr_users *cu)
{
	if (cu == NULL) {
		return;
	}
	ctr_users_reset(cu);
	free(cu->ctrs);
	free(cu->keys);
	free(cu);
}

/* ---- encoding ---- */

static void put_str_param(sk_strbuf *sb, const char *s)
{
	sk_strbuf_append(sb, s, strlen(s) + 1);
}

/* One meta event block: header, the u32 ids, then the strings. */
static void put_meta_event(sk_strbuf *out, uint16_t type, uint64_t ts, uint16_t cpu, const uint32_t *ids,
			   uint32_t nids, const char *const *strs, uint32_t nstrs)
{
	uint32_t nparams = nids + nstrs;
	uint32_t len = EV_HDR_LEN + 2 * nparams + 4 * nids;
	for (uint32_t i = 0; i < nstrs; i++) {
		len += (uint32_t)strlen(strs[i]) + 1;
	}
	size_t b = scap_block_begin(out, SCAP_BLOCK_EV_V2);
	scap_put_u16(out, cpu);
	scap_put_u64(out, ts);
	scap_put_u64(out, UINT64_MAX); /* tid -1: no thread, as in Falco's dumps */
	scap_put_u32(out, len);
	scap_put_u16(out, type);
	scap_put_u32(out, nparams);
	for (uint32_t i = 0; i < nids; i++) {
		scap_put_u16(out, 4);
	}
	for (uint32_t i = 0; i < nstrs; i++) {
		scap_put_u16(out, (uint16_t)(strlen(strs[i]) + 1));
	}
	for (uint32_t i = 0; i < nids; i++) {
		scap_put_u32(out, ids[i]);
	}
	for (uint32_t i = 0; i < nstrs; i++) {
		put_str_param(out, strs[i]);
	}
	scap_block_end(out, b);
}

/* A decimal id that fills the whole field, as fgetpwent wants it. */
static bool parse_id(const char *s, uint32_t *out)
{
	if (*s < '0' || *s > '9') {
		return false;
	}
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX - 1) {
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

int ctr_users_split_line(char *line, char **fld, int max)
{
	int n = 0;
	fld[n++] = line;
	for (char *p = line; *p != '\0' && n < max; p++) {
		if (*p == ':') {
			*p = '\0';
			fld[n++] = p + 1;
		}
	}
	return n;
}

static int by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Encodes every well-formed line of one file (groups: group format) and
 * collects its ids. Lines longer than 4095 bytes, with a NUL, or without
 * numeric ids are skipped, as fgetpwent skips them. */
static sk_err encode_file(const char *text, size_t len, bool groups, const char *container, uint64_t ts,
			  uint16_t cpu, sk_strbuf *out, uint32_t *added, uint32_t *ids_out, uint32_t *nids)
{
	char line[4096];
	size_t i = 0;
	while (i < len && *added < CU_MAX_ENTRIES && !sk_strbuf_failed(out)) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t llen = nl != NULL ? (size_t)(nl - (text + i)) : len - i;
		const char *src = text + i;
		i += llen + 1;
		if (llen >= sizeof(line) || memchr(src, '\0', llen) != NULL) {
			continue;
		}
		memcpy(line, src, llen);
		line[llen] = '\0';
		char *fld[8];
		int n = ctr_users_split_line(line, fld, 8);
		uint32_t ids[2];
		if (groups && n >= 3 && fld[0][0] != '\0' && parse_id(fld[2], &ids[0])) {
			const char *strs[] = {fld[0], container};
			put_meta_event(out, EV_GROUPADDED, ts, cpu, ids, 1, strs, 2);
		} else if (!groups && n == 7 && fld[0][0] != '\0' && parse_id(fld[2], &ids[0]) &&
			   parse_id(fld[3], &ids[1])) {
			const char *strs[] = {fld[0], fld[5], fld[6], container};
			put_meta_event(out, EV_USERADDED, ts, cpu, ids, 2, strs, 4);
		} else {
			continue;
		}
		ids_out[(*nids)++] = ids[0];
		(*added)++;
	}
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

void ctr_users_ids_free(struct cu_ids *ids)
{
	free(ids->uids);
	free(ids->gids);
	memset(ids, 0, sizeof(*ids));
}

sk_err ctr_users_encode(const char *passwd, size_t passwd_len, const char *group, size_t group_len,
			const char *container, uint64_t ts, uint16_t cpu, sk_strbuf *out, uint32_t *added,
			struct cu_ids *ids)
{
	*added = 0;
	memset(ids, 0, sizeof(*ids));
	ids->uids = malloc(CU_MAX_ENTRIES * sizeof(*ids->uids));
	ids->gids = malloc(CU_MAX_ENTRIES * sizeof(*ids->gids));
	if (ids->uids == NULL || ids->gids == NULL) {
		ctr_users_ids_free(ids);
		return SK_ENOMEM;
	}
	sk_err err = SK_OK;
	if (passwd != NULL) {
		err = encode_file(passwd, passwd_len, false, container, ts, cpu, out, added, ids->uids, &ids->nuids);
	}
	if (err == SK_OK && group != NULL) {
		err = encode_file(group, group_len, true, container, ts, cpu, out, added, ids->gids, &ids->ngids);
	}
	if (ids->nuids > 1) {
		qsort(ids->uids, ids->nuids, sizeof(*ids->uids), by_u32);
	}
	if (ids->ngids > 1) {
		qsort(ids->gids, ids->ngids, sizeof(*ids->gids), by_u32);
	}
	return err;
}

static bool has_id(const uint32_t *ids, uint32_t n, uint32_t id)
{
	return ids != NULL && n > 0 && bsearch(&id, ids, n, sizeof(id), by_u32) != NULL;
}

/* userdeleted/groupdeleted for the ids of old that now lacks: a container
 * whose files changed must not keep names they no longer give. */
static void put_deleted(const struct cu_ids *old, const struct cu_ids *now, const char *container, uint64_t ts,
			uint16_t cpu, sk_strbuf *out, uint32_t *added)
{
	for (uint32_t i = 0; i < old->nuids; i++) {
		if (!has_id(now->uids, now->nuids, old->uids[i])) {
			const uint32_t ids[2] = {old->uids[i], 0};
			const char *strs[] = {"", "", "", container};
			put_meta_event(out, EV_USERDELETED, ts, cpu, ids, 2, strs, 4);
			(*added)++;
		}
	}
	for (uint32_t i = 0; i < old->ngids; i++) {
		if (!has_id(now->gids, now->ngids, old->gids[i])) {
			const char *strs[] = {"", container};
			put_meta_event(out, EV_GROUPDELETED, ts, cpu, &old->gids[i], 1, strs, 2);
			(*added)++;
		}
	}
}

/* ---- reading a container's files ---- */

/* An O_PATH handle on rel ("etc/passwd") inside root_fd, resolved as the
 * container sees it: "/" and ".." stop at its root and /proc magic links
 * are refused. Fills *id (present false when there is no regular file
 * there) and returns the handle, or -1. */
static int handle_in_root(int root_fd, const char *rel, struct file_id *id)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	memset(id, 0, sizeof(*id));
	int handle = (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
	struct stat st;
	if (handle >= 0 && fstat(handle, &st) == 0 && S_ISREG(st.st_mode)) {
		*id = (struct file_id){st.st_dev, st.st_ino,
				       (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec, st.st_size, true};
		return handle;
	}
	if (handle >= 0) {
		close(handle);
	}
	return -1;
}

static bool same_file(const struct file_id *a, const struct file_id *b)
{
	return a->present == b->present &&
	       (!a->present || (a->dev == b->dev && a->ino == b->ino && a->mtime_ns == b->mtime_ns && a->size == b->size));
}

/* Reads rel inside root_fd, at most CU_MAX_FILE bytes; *id says which file
 * it was. Only a regular file, checked on the O_PATH handle before it is
 * reopened for reading (through /proc/self/fd): the container may have made
 * it a FIFO (the read would block) or a device node (opening some, a
 * watchdog, has effects on the node). Returns the malloc'ed text, NULL when
 * it cannot be read. */
static char *read_in_root(int root_fd, const char *rel, size_t *len, struct file_id *id)
{
	*len = 0;
	int handle = handle_in_root(root_fd, rel, id);
	if (handle < 0) {
		return NULL;
	}
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", handle);
	int fd = open(self, O_RDONLY | O_NOCTTY | O_CLOEXEC); /* the same inode, now readable */
	close(handle);
	if (fd < 0) {
		id->present = false;
		return NULL;
	}
	/* sized by the file (a growing file is read as it was), not by the cap */
	size_t cap = id->size > 0 && (uint64_t)id->size < CU_MAX_FILE ? (size_t)id->size : CU_MAX_FILE;
	char *buf = malloc(cap);
	size_t have = 0;
	while (buf != NULL && have < cap) {
		ssize_t n = read(fd, buf + have, cap - have);
		if (n <= 0) {
			break;
		}
		have += (size_t)n;
	}
	close(fd);
	*len = have;
	return buf;
}

/* True when both files inside root_fd are the ones k was read from. */
static bool files_unchanged(int root_fd, const struct known *k)
{
	struct file_id pw, gr;
	int h1 = handle_in_root(root_fd, "etc/passwd", &pw);
	int h2 = handle_in_root(root_fd, "etc/group", &gr);
	if (h1 >= 0) {
		close(h1);
	}
	if (h2 >= 0) {
		close(h2);
	}
	return same_file(&pw, &k->passwd) && same_file(&gr, &k->group);
}

static struct known *find_known(struct ctr_users *cu, const char *id, uint64_t key)
{
	for (uint32_t i = 0; i < cu->used; i++) {
		if (cu->keys[i] == key && strcmp(cu->ctrs[i].id, id) == 0) {
			return &cu->ctrs[i];
		}
	}
	return NULL;
}

/* True when <proc>/<pid>/cgroup names the container full, read as exec
 * events carry cgroups (sc_proc_cgroups_string). */
static bool in_container(const struct ctr_users *cu, uint64_t pid, const char *full)
{
	char path[4200], text[8192], list[2 * (SC_CGROUP_PATH_MAX + 10)];
	snprintf(path, sizeof(path), "%s/%" PRIu64 "/cgroup", cu->proc_root, pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	if (fd >= 0) {
		close(fd);
	}
	if (n <= 0) {
		return false;
	}
	text[n] = '\0';
	size_t len = sc_proc_cgroups_string(text, list, sizeof(list));
	char id[SK_CONTAINER_ID_LEN + 1];
	const char *type;
	return len > 0 && sk_container_id_from_cgroups(list, len, id, &type) == SK_OK && strcmp(id, full) == 0;
}

/* True when pid still sees the node's mount namespace: a process that
 * joined the container's cgroup before its mounts (as Falco checks); its
 * /etc/passwd is the node's, not the image's. */
static bool in_host_mounts(const struct ctr_users *cu, uint64_t pid)
{
	char name[32], mnt[64];
	snprintf(name, sizeof(name), "%" PRIu64, pid);
	return cu->host_mnt[0] != '\0' && read_mnt_ns(cu, name, mnt, sizeof(mnt)) && strcmp(mnt, cu->host_mnt) == 0;
}

/* A directory fd on the root of the first of pids (0: none) that is still a
 * process of container full, in mounts of its own; -1 when none is. The
 * checks come after the open, so a pid reused meanwhile is not mistaken for
 * the container's. */
static int open_container_root(const struct ctr_users *cu, const uint64_t pids[2], const char *full)
{
	for (int i = 0; i < 2; i++) {
		if (pids[i] == 0) {
			continue;
		}
		char root[4200];
		snprintf(root, sizeof(root), "%s/%" PRIu64 "/root", cu->proc_root, pids[i]);
		int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && in_container(cu, pids[i], full) && !in_host_mounts(cu, pids[i])) {
			return fd;
		}
		if (fd >= 0) {
			close(fd);
		}
	}
	return -1;
}

sk_err ctr_users_note(struct ctr_users *cu, uint64_t pid, uint64_t ppid, const char *cgroups, size_t len,
		      uint32_t uid, uint64_t ts, uint64_t now_ns, uint16_t cpu, sk_strbuf *out, uint32_t *added)
{
	*added = 0;
	char full[SK_CONTAINER_ID_LEN + 1], id[SK_CONTAINER_SHORT_ID_LEN + 1];
	const char *type;
	if (cgroups == NULL || sk_container_id_from_cgroups(cgroups, len, full, &type) != SK_OK) {
		return SK_OK; /* the host's processes use the snapshot's user list */
	}
	memcpy(id, full, SK_CONTAINER_SHORT_ID_LEN);
	id[SK_CONTAINER_SHORT_ID_LEN] = '\0';
	uint64_t key = sk_container_key(id);
	struct known *k = find_known(cu, id, key);
	if (k != NULL && (has_id(k->ids.uids, k->ids.nuids, uid) ||
			  (k->unnamed_ns != 0 && k->unnamed_uid == uid && now_ns - k->unnamed_ns < CU_UNNAMED_NS))) {
		return SK_OK;
	}
	const uint64_t pids[2] = {pid, ppid != pid ? ppid : 0};
	int root_fd = open_container_root(cu, pids, full);
	if (root_fd < 0) {
		return SK_OK; /* gone already, or not ours to read: next process */
	}
	/* a uid the files do not name stays unnamed until they change; the
	 * check, about 17 µs, is made once a second for the same uid (a pod
	 * run as a random uid execs with it again and again) */
	if (k != NULL && files_unchanged(root_fd, k)) {
		close(root_fd);
		k->unnamed_uid = uid;
		k->unnamed_ns = now_ns;
		return SK_OK;
	}
	size_t plen = 0, glen = 0;
	struct file_id pw_id, gr_id;
	char *passwd = read_in_root(root_fd, "etc/passwd", &plen, &pw_id);
	char *group = read_in_root(root_fd, "etc/group", &glen, &gr_id);
	close(root_fd);
	struct cu_ids ids = {0};
	bool read_any = passwd != NULL || group != NULL;
	sk_err err = SK_OK;
	if (read_any) {
		err = ctr_users_encode(passwd, plen, group, glen, id, ts, cpu, out, added, &ids);
	}
	free(passwd);
	free(group);
	if (err != SK_OK || !read_any) {
		ctr_users_ids_free(&ids);
		return err;
	}
	if (k == NULL) {
		k = &cu->ctrs[cu->next];
		cu->keys[cu->next] = key;
		cu->next = (cu->next + 1) % cu->max;
		cu->used = cu->used < cu->max ? cu->used + 1 : cu->max;
		ctr_users_ids_free(&k->ids); /* the oldest container's, forgotten */
		memcpy(k->id, id, sizeof(k->id));
	} else {
		put_deleted(&k->ids, &ids, id, ts, cpu, out, added);
		ctr_users_ids_free(&k->ids);
	}
	k->ids = ids;
	k->passwd = pw_id;
	k->group = gr_id;
	k->unnamed_ns = 0;
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}
