/* ovl_layer.c: see ovl_layer.h. */
#define _GNU_SOURCE
#include "ovl_layer.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "capture_shared.h"

#define OVERLAYFS_MAGIC  0x794c7630L
#define MOUNTINFO_LINES  100000 /* a host with more mounts is not read to the end */

/* Copies one space-delimited mountinfo field from *s into out, undoing the
 * kernel's octal escapes (\040 for a space); advances *s past it. */
static sk_err take_field(const char **s, char *out, size_t cap)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ') {
		p++;
	}
	if (*p == '\0') {
		return SK_EINVAL;
	}
	while (*p != '\0' && *p != ' ') {
		char c = *p++;
		if (c == '\\' && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7') {
			c = (char)((p[0] - '0') * 64 + (p[1] - '0') * 8 + (p[2] - '0'));
			p += 3;
		}
		if (n + 1 >= cap) {
			return SK_ERANGE;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	*s = p;
	return SK_OK;
}

/* The value of key=... in a comma-separated option list (escaped commas are
 * octal, so every raw comma separates), unescaped into out. */
static sk_err option_value(const char *opts, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	const char *p = opts;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			char raw[sizeof(((struct ovl_mount *)0)->upperdir) * 4];
			const char *start = p + klen + 1;
			size_t len = strcspn(start, ",");
			if (len >= sizeof(raw)) {
				return SK_ERANGE;
			}
			memcpy(raw, start, len);
			raw[len] = '\0';
			const char *r = raw;
			return len == 0 ? SK_EINVAL : take_field(&r, out, cap);
		}
		p = strchr(p, ',');
		p = p != NULL ? p + 1 : NULL;
	}
	return SK_ENOENT;
}

sk_err ovl_mountinfo_parse(const char *line, uint64_t mnt_id, struct ovl_mount *out)
{
	char field[4096];
	unsigned long long id;
	int used = 0;
	const char *p = line;
	sk_err err;

	if (sscanf(line, "%llu %*u %*u:%*u%n", &id, &used) != 1 || used == 0) {
		return SK_EINVAL;
	}
	if (id != mnt_id) {
		return SK_ENOENT;
	}
	p += used;
	err = take_field(&p, out->root, sizeof(out->root));
	if (err == SK_OK) {
		err = take_field(&p, out->mountpoint, sizeof(out->mountpoint));
	}
	/* mount options, then optional fields up to the "-" separator */
	while (err == SK_OK) {
		err = take_field(&p, field, sizeof(field));
		if (err == SK_OK && strcmp(field, "-") == 0) {
			break;
		}
	}
	if (err == SK_OK) {
		err = take_field(&p, field, sizeof(field));
	}
	if (err != SK_OK) {
		return err == SK_ERANGE ? SK_ERANGE : SK_EINVAL;
	}
	if (strcmp(field, "overlay") != 0) {
		return SK_ENOENT;
	}
	/* the source, then the super options, kept raw for option_value */
	while (*p == ' ') {
		p++;
	}
	p += strcspn(p, " ");
	while (*p == ' ') {
		p++;
	}
	return option_value(p, "upperdir", out->upperdir, sizeof(out->upperdir));
}

/* The overlay mount mnt_id of pid's mount namespace. */
static sk_err find_mount(const char *proc_root, uint64_t pid, uint64_t mnt_id, struct ovl_mount *out)
{
	char path[PATH_MAX], line[8192];
	sk_err err = SK_ENOENT;

	snprintf(path, sizeof(path), "%s/%llu/mountinfo", proc_root, (unsigned long long)pid);
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return SK_ENOENT;
	}
	for (int i = 0; i < MOUNTINFO_LINES && err == SK_ENOENT && fgets(line, sizeof(line), f) != NULL; i++) {
		line[strcspn(line, "\n")] = '\0';
		err = ovl_mountinfo_parse(line, mnt_id, out);
		if (err == SK_EINVAL) {
			err = SK_ENOENT; /* a line cut by the buffer: not ours */
		}
	}
	fclose(f);
	return err;
}

uint32_t ovl_exe_layer(const char *proc_root, uint64_t pid, const char *exepath)
{
	char link[PATH_MAX], upper_path[PATH_MAX * 3 + 16];
	struct statfs sfs;
	struct statx stx;
	struct stat st;
	struct ovl_mount m;

	snprintf(link, sizeof(link), "%s/%llu/exe", proc_root, (unsigned long long)pid);
	if (exepath[0] != '/' || strstr(exepath, " (deleted)") != NULL || statfs(link, &sfs) != 0 ||
	    sfs.f_type != OVERLAYFS_MAGIC) {
		return 0;
	}
	if (statx(AT_FDCWD, link, 0, STATX_MNT_ID, &stx) != 0 || (stx.stx_mask & STATX_MNT_ID) == 0 ||
	    find_mount(proc_root, pid, stx.stx_mnt_id, &m) != SK_OK) {
		return 0;
	}
	size_t mlen = strcmp(m.mountpoint, "/") == 0 ? 0 : strlen(m.mountpoint);
	if (strncmp(exepath, m.mountpoint, mlen) != 0 || exepath[mlen] != '/') {
		return 0; /* the link is not below the mount (another root): cannot tell */
	}
	/* host paths sit beside the proc root: "/host/proc" -> "/host" */
	size_t plen = strlen(proc_root);
	int host_len = plen >= 5 && strcmp(proc_root + plen - 5, "/proc") == 0 ? (int)(plen - 5) : 0;
	snprintf(upper_path, sizeof(upper_path), "%.*s%s%s%s", host_len, proc_root, m.upperdir,
		 strcmp(m.root, "/") == 0 ? "" : m.root, exepath + mlen);
	return lstat(upper_path, &st) == 0 && S_ISREG(st.st_mode) ? SKC_EXE_UPPER_LAYER : SKC_EXE_LOWER_LAYER;
}
