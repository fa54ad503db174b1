/* proc_snap.c: /proc and /etc readers producing PL v9 and UL v2 blocks. */
#include "proc_snap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scap_out.h"

struct task_info {
	uint64_t tid, pid, ptid, sid, pgid;
	char comm[64];
	char cmdline[4096];
	size_t cmdline_len;
	char exepath[PATH_MAX];
	char cwd[PATH_MAX];
	uint64_t fdlimit;
	uint32_t uid, gid, vmsize, vmrss, vmswap, tty, loginuid;
	uint64_t pfmaj, pfmin, cap_inh, cap_prm, cap_eff, exe_ino, exe_ctime, exe_mtime;
	uint8_t exe_writable;
};

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

static int load_task(const char *proc_root, uint64_t pid, uint64_t tid, struct task_info *t)
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
	snprintf(path, sizeof(path), "%s/%llu/status", proc_root, (unsigned long long)pid);
	if (read_small(path, buf, sizeof(buf)) >= 0) {
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
	}
	snprintf(path, sizeof(path), "%s/%llu/cwd", proc_root, (unsigned long long)pid);
	read_link(path, t->cwd, sizeof(t->cwd));
	snprintf(path, sizeof(path), "%s/%llu/loginuid", proc_root, (unsigned long long)pid);
	t->loginuid = read_small(path, buf, sizeof(buf)) > 0 ? (uint32_t)strtoul(buf, NULL, 10) : UINT32_MAX;
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

/* Readers reject paths longer than the public format's limit. */
#define SNAP_PATH_MAX 1023u

static size_t path_len(size_t n)
{
	return n < SNAP_PATH_MAX ? n : SNAP_PATH_MAX;
}

/* One PL v9 entry; the field order of the public format. */
static void put_task(sk_strbuf *sb, const struct task_info *t)
{
	size_t start = sb->len;
	size_t argv0 = strnlen(t->cmdline, t->cmdline_len);
	size_t args_off = argv0 < t->cmdline_len ? argv0 + 1 : t->cmdline_len;
	scap_put_u32(sb, 0); /* entry length, patched below */
	scap_put_u64(sb, t->tid);
	scap_put_u64(sb, t->pid);
	scap_put_u64(sb, t->ptid);
	scap_put_u64(sb, t->sid);
	scap_put_u64(sb, t->pgid);
	scap_put_lstr(sb, t->comm, strlen(t->comm));
	const char *exe = t->cmdline_len ? t->cmdline : t->comm;
	scap_put_lstr(sb, exe, path_len(t->cmdline_len ? argv0 : strlen(t->comm)));
	scap_put_lstr(sb, t->exepath, path_len(strlen(t->exepath)));
	scap_put_lstr(sb, t->cmdline + args_off, t->cmdline_len - args_off);
	scap_put_lstr(sb, t->cwd, path_len(strlen(t->cwd)));
	scap_put_u64(sb, t->fdlimit);
	scap_put_u32(sb, 0); /* flags */
	scap_put_u32(sb, t->uid);
	scap_put_u32(sb, t->gid);
	scap_put_u32(sb, t->vmsize);
	scap_put_u32(sb, t->vmrss);
	scap_put_u32(sb, t->vmswap);
	scap_put_u64(sb, t->pfmaj);
	scap_put_u64(sb, t->pfmin);
	scap_put_lstr(sb, "", 0); /* env */
	scap_put_u64(sb, t->tid);   /* vtid: host namespace */
	scap_put_u64(sb, t->pid);   /* vpid */
	scap_put_lstr(sb, "", 0); /* cgroups */
	scap_put_lstr(sb, "/", 1); /* root */
	scap_put_u64(sb, 0);       /* clone_ts */
	scap_put_u32(sb, t->tty);
	scap_put_u32(sb, t->loginuid);
	scap_put_u8(sb, t->exe_writable);
	scap_put_u64(sb, t->cap_inh);
	scap_put_u64(sb, t->cap_prm);
	scap_put_u64(sb, t->cap_eff);
	scap_put_u8(sb, 0); /* exe_upper_layer */
	scap_put_u64(sb, t->exe_ino);
	scap_put_u64(sb, t->exe_ctime);
	scap_put_u64(sb, t->exe_mtime);
	if (!sk_strbuf_failed(sb)) {
		uint32_t elen = (uint32_t)(sb->len - start);
		memcpy(sb->data + start, &elen, 4);
	}
}

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

sk_err proc_snap_processes(sk_strbuf *sb, const char *proc_root)
{
	DIR *procs = opendir(proc_root);
	if (procs == NULL) {
		return SK_ENOENT;
	}
	struct task_info *t = malloc(sizeof(*t));
	if (t == NULL) {
		closedir(procs);
		return SK_ENOMEM;
	}
	size_t b = scap_block_begin(sb, SCAP_BLOCK_PL_V9);
	struct dirent *pe;
	while ((pe = readdir(procs)) != NULL) {
		if (!is_number(pe->d_name)) {
			continue;
		}
		uint64_t pid = strtoull(pe->d_name, NULL, 10);
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s/task", proc_root, pe->d_name);
		DIR *tasks = opendir(path);
		if (tasks == NULL) {
			continue; /* exited meanwhile */
		}
		struct dirent *te;
		while ((te = readdir(tasks)) != NULL) {
			if (is_number(te->d_name) && load_task(proc_root, pid, strtoull(te->d_name, NULL, 10), t) == 0) {
				put_task(sb, t);
			}
		}
		closedir(tasks);
	}
	closedir(procs);
	free(t);
	scap_block_end(sb, b);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

/* Splits a colon-separated line in place; returns the field count. */
static int split_colon(char *line, char **fields, int max)
{
	int n = 0;
	fields[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == ':') {
			*p = 0;
			fields[n++] = p + 1;
		}
	}
	return n;
}

static void put_user_file(sk_strbuf *sb, const char *path, int is_group)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return;
	}
	char line[1024];
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = 0;
		char *fld[8];
		int n = split_colon(line, fld, 8);
		if ((is_group && n < 3) || (!is_group && n < 7)) {
			continue;
		}
		size_t start = sb->len;
		scap_put_u32(sb, 0);
		scap_put_u8(sb, is_group ? 1 : 0);
		if (is_group) {
			scap_put_u32(sb, (uint32_t)strtoul(fld[2], NULL, 10));
			scap_put_lstr(sb, fld[0], strlen(fld[0]));
		} else {
			scap_put_u32(sb, (uint32_t)strtoul(fld[2], NULL, 10));
			scap_put_u32(sb, (uint32_t)strtoul(fld[3], NULL, 10));
			scap_put_lstr(sb, fld[0], strlen(fld[0]));
			scap_put_lstr(sb, fld[5], strlen(fld[5]));
			scap_put_lstr(sb, fld[6], strlen(fld[6]));
		}
		if (!sk_strbuf_failed(sb)) {
			uint32_t elen = (uint32_t)(sb->len - start);
			memcpy(sb->data + start, &elen, 4);
		}
	}
	fclose(f);
}

sk_err proc_snap_users(sk_strbuf *sb, const char *passwd_path, const char *group_path)
{
	size_t b = scap_block_begin(sb, SCAP_BLOCK_UL_V2);
	put_user_file(sb, passwd_path, 0);
	put_user_file(sb, group_path, 1);
	scap_block_end(sb, b);
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
