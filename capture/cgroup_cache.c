/* cgroup_cache.c: cgroup v2 id -> path, by file handle or a bounded walk. */
#define _GNU_SOURCE
#include "cgroup_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CGC_SLOTS      512u   /* direct-mapped: a host has few live cgroups */
#define CGC_WALK_DEPTH 8      /* kubepods.slice/.../cri-containerd-<id>.scope is 4 deep */
#define CGC_WALK_MAX   20000u /* directories visited per miss */
#define FILEID_KERNFS  0xfe   /* kernfs handle: the 8-byte node id */

struct cgc_slot {
	uint64_t id;
	char *path; /* NULL: unknown id (ids are never reused, so misses are cached too) */
	bool used;
};

struct cgc {
	char root[PATH_MAX];
	size_t root_len;
	int root_fd;
	struct cgc_slot slot[CGC_SLOTS];
};

/* The mount point of the first cgroup2 file system in mountinfo. */
static sk_err find_cgroup2(char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (f == NULL) {
		return SK_ENOENT;
	}
	sk_err err = SK_ENOENT;
	char line[4096];
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *sep = strstr(line, " - cgroup2 ");
		char mnt[PATH_MAX];
		if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 || strlen(mnt) >= cap) {
			continue;
		}
		strcpy(out, mnt);
		err = SK_OK;
		break;
	}
	fclose(f);
	return err;
}

sk_err cgc_open(const char *root, cgc **out)
{
	*out = NULL;
	cgc *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return SK_ENOMEM;
	}
	sk_err err = SK_OK;
	if (root != NULL) {
		if (strlen(root) >= sizeof(c->root)) {
			err = SK_ERANGE;
			goto cleanup;
		}
		strcpy(c->root, root);
	} else {
		err = find_cgroup2(c->root, sizeof(c->root));
		if (err != SK_OK) {
			goto cleanup;
		}
	}
	c->root_len = strlen(c->root);
	while (c->root_len > 1 && c->root[c->root_len - 1] == '/') {
		c->root[--c->root_len] = '\0';
	}
	c->root_fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0) {
		err = SK_ENOENT;
		goto cleanup;
	}
	*out = c;
	return SK_OK;
cleanup:
	free(c);
	return err;
}

void cgc_close(cgc *c)
{
	if (c == NULL) {
		return;
	}
	for (size_t i = 0; i < CGC_SLOTS; i++) {
		free(c->slot[i].path);
	}
	close(c->root_fd);
	free(c);
}

/* Strips the mount point from an absolute path; "/" for the root itself. */
static char *relative_to_root(const cgc *c, const char *abs)
{
	size_t skip = c->root_len > 1 ? c->root_len : 0;
	if (strncmp(abs, c->root, c->root_len) != 0 || (abs[skip] != '/' && abs[skip] != '\0')) {
		return NULL;
	}
	return strdup(abs[skip] == '\0' ? "/" : abs + skip);
}

/* Asks the kernel: open the cgroup directory by its kernfs handle. */
static char *path_by_handle(const cgc *c, uint64_t id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = {.fh = {.handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS}};
	memcpy(h.fh.f_handle, &id, sizeof(id));
	int fd = open_by_handle_at(c->root_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return NULL;
	}
	char link[64], abs[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, abs, sizeof(abs) - 1);
	close(fd);
	if (n <= 0) {
		return NULL;
	}
	abs[n] = '\0';
	return relative_to_root(c, abs);
}

/* Depth-first search for the directory whose inode number is id. */
static bool walk(const char *dir, uint64_t id, int depth, unsigned *budget, char *found, size_t cap)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		return false;
	}
	bool hit = false;
	struct dirent *de;
	while (!hit && *budget > 0 && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
			continue;
		}
		(*budget)--;
		char sub[PATH_MAX];
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= sizeof(sub)) {
			continue;
		}
		if (de->d_ino == id) {
			snprintf(found, cap, "%s", sub);
			hit = true;
		} else if (depth > 1) {
			hit = walk(sub, id, depth - 1, budget, found, cap);
		}
	}
	closedir(d);
	return hit;
}

static char *path_by_walk(const cgc *c, uint64_t id)
{
	struct stat st;
	if (stat(c->root, &st) == 0 && st.st_ino == id) {
		return strdup("/");
	}
	unsigned budget = CGC_WALK_MAX;
	char abs[PATH_MAX];
	if (!walk(c->root, id, CGC_WALK_DEPTH, &budget, abs, sizeof(abs))) {
		return NULL;
	}
	return relative_to_root(c, abs);
}

sk_err cgc_path(cgc *c, uint64_t id, const char **path)
{
	*path = NULL;
	struct cgc_slot *s = &c->slot[(id ^ (id >> 9)) % CGC_SLOTS];
	if (!s->used || s->id != id) {
		free(s->path);
		s->path = path_by_handle(c, id);
		if (s->path == NULL) {
			s->path = path_by_walk(c, id);
		}
		s->id = id;
		s->used = true;
	}
	if (s->path == NULL) {
		return SK_ENOENT;
	}
	*path = s->path;
	return SK_OK;
}
