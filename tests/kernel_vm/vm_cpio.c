#include "vm_cpio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CPIO_ALIGN    4
#define CPIO_MAX_FILE (256u << 20) /* no image member is near this: a wrong path is */

/* Records the first failure with its reason; returns it. */
static sk_err fail(vm_cpio *c, sk_err err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static sk_err fail(vm_cpio *c, sk_err err, const char *fmt, ...)
{
	va_list ap;

	if (c->failed != SK_OK)
		return c->failed;
	c->failed = err;
	va_start(ap, fmt);
	vsnprintf(c->err, c->err_len, fmt, ap);
	va_end(ap);
	return err;
}

static sk_err pad(vm_cpio *c, size_t written)
{
	static const char zeros[CPIO_ALIGN];
	size_t n = (CPIO_ALIGN - written % CPIO_ALIGN) % CPIO_ALIGN;

	if (n > 0 && fwrite(zeros, 1, n, c->out) != n)
		return fail(c, SK_EIO, "write: %s", strerror(errno));
	return SK_OK;
}

/* Writes the newc header and the padded name of one entry; rdev is the
 * major:minor of a device node. */
static sk_err put_node_header(vm_cpio *c, const char *name, uint32_t mode, size_t size, unsigned rdev_major,
                              unsigned rdev_minor)
{
	size_t name_size = strlen(name) + 1;
	char head[111];

	snprintf(head, sizeof(head), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
	         c->next_ino++, mode, 0u, 0u, (mode & S_IFMT) == S_IFDIR ? 2u : 1u, 0u, (uint32_t)size, 0u,
	         0u, rdev_major, rdev_minor, (uint32_t)name_size, 0u);
	if (fwrite(head, 1, 110, c->out) != 110 || fwrite(name, 1, name_size, c->out) != name_size)
		return fail(c, SK_EIO, "write %s: %s", name, strerror(errno));
	return pad(c, 110 + name_size);
}

static sk_err put_header(vm_cpio *c, const char *name, uint32_t mode, size_t size)
{
	return put_node_header(c, name, mode, size, 0, 0);
}

/* Drops leading slashes; rejects names the image could not hold. */
static sk_err entry_name(vm_cpio *c, const char *name, const char **out)
{
	while (*name == '/')
		name++;
	if (*name == '\0' || strlen(name) >= VM_CPIO_NAME_MAX || strstr(name, "..") != NULL)
		return fail(c, SK_EINVAL, "cpio entry '%s': empty, too long or with '..'", name);
	*out = name;
	return SK_OK;
}

static bool dir_written(const vm_cpio *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->ndirs; i++) {
		if (strlen(c->dirs[i]) == len && memcmp(c->dirs[i], name, len) == 0)
			return true;
	}
	return false;
}

/* Adds each missing directory of name's first len bytes, outermost first. */
static sk_err add_dirs(vm_cpio *c, const char *name, size_t len, unsigned mode)
{
	for (size_t end = 1; end <= len; end++) {
		sk_err err;

		if (end < len && name[end] != '/')
			continue;
		if (dir_written(c, name, end))
			continue;
		if (c->ndirs == VM_CPIO_MAX_DIRS)
			return fail(c, SK_EFULL, "cpio: more than %d directories", VM_CPIO_MAX_DIRS);
		memcpy(c->dirs[c->ndirs], name, end);
		c->dirs[c->ndirs][end] = '\0';
		err = put_header(c, c->dirs[c->ndirs], S_IFDIR | (mode & 07777), 0);
		if (err != SK_OK)
			return err;
		c->ndirs++;
	}
	return SK_OK;
}

static sk_err add_parents(vm_cpio *c, const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash == NULL ? SK_OK : add_dirs(c, name, (size_t)(slash - name), 0755);
}

sk_err vm_cpio_open(vm_cpio *c, const char *path, char *err, size_t err_len)
{
	memset(c, 0, sizeof(*c));
	c->err = err;
	c->err_len = err_len;
	c->next_ino = 1;
	if (err_len > 0)
		err[0] = '\0';
	c->out = fopen(path, "wbe");
	if (c->out == NULL)
		return fail(c, SK_EIO, "create %s: %s", path, strerror(errno));
	return SK_OK;
}

sk_err vm_cpio_add_dir(vm_cpio *c, const char *name, unsigned mode)
{
	sk_err err = c->failed;

	if (err == SK_OK)
		err = entry_name(c, name, &name);
	if (err == SK_OK)
		err = add_dirs(c, name, strlen(name), mode);
	return err;
}

/* Starts a non-directory entry: checks the name, adds the missing parents
 * and writes the header. */
static sk_err begin_entry(vm_cpio *c, const char *name, uint32_t mode, size_t size, unsigned rdev_major,
                          unsigned rdev_minor)
{
	sk_err err = c->failed;

	if (err == SK_OK)
		err = entry_name(c, name, &name);
	if (err == SK_OK)
		err = add_parents(c, name);
	if (err == SK_OK)
		err = put_node_header(c, name, mode, size, rdev_major, rdev_minor);
	return err;
}

/* Writes an entry's whole body (len bytes) and its padding. */
static sk_err put_body(vm_cpio *c, const char *name, const void *data, size_t len)
{
	if (len > 0 && fwrite(data, 1, len, c->out) != len)
		return fail(c, SK_EIO, "write %s: %s", name, strerror(errno));
	return pad(c, len);
}

sk_err vm_cpio_add_data(vm_cpio *c, const char *name, unsigned mode, const void *data, size_t len)
{
	sk_err err = begin_entry(c, name, S_IFREG | (mode & 07777), len, 0, 0);

	return err == SK_OK ? put_body(c, name, data, len) : err;
}

sk_err vm_cpio_add_host_file(vm_cpio *c, const char *name, unsigned mode, const char *host_path)
{
	char buf[65536];
	struct stat st;
	size_t left;
	sk_err err = c->failed;
	int fd = -1;

	if (err != SK_OK)
		goto cleanup;
	fd = open(host_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		err = fail(c, SK_ENOENT, "read %s: %s", host_path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > CPIO_MAX_FILE) {
		err = fail(c, SK_ERANGE, "%s: not a regular file or larger than %u MiB", host_path,
		           CPIO_MAX_FILE >> 20);
		goto cleanup;
	}
	err = begin_entry(c, name, S_IFREG | (mode & 07777), (size_t)st.st_size, 0, 0);
	if (err != SK_OK)
		goto cleanup;
	for (left = (size_t)st.st_size; left > 0;) {
		ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (n <= 0) {
			/* The header already promised st_size bytes: a short file breaks the archive. */
			err = fail(c, SK_EIO, "read %s: %s", host_path,
			           n == 0 ? "file shrank" : strerror(errno));
			goto cleanup;
		}
		if (fwrite(buf, 1, (size_t)n, c->out) != (size_t)n) {
			err = fail(c, SK_EIO, "write %s: %s", name, strerror(errno));
			goto cleanup;
		}
		left -= (size_t)n;
	}
	err = pad(c, (size_t)st.st_size);
cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}

sk_err vm_cpio_add_symlink(vm_cpio *c, const char *name, const char *target)
{
	size_t len = strlen(target);
	sk_err err = begin_entry(c, name, S_IFLNK | 0777, len, 0, 0);

	return err == SK_OK ? put_body(c, name, target, len) : err;
}

sk_err vm_cpio_add_chardev(vm_cpio *c, const char *name, unsigned mode, unsigned major, unsigned minor)
{
	return begin_entry(c, name, S_IFCHR | (mode & 07777), 0, major, minor);
}

sk_err vm_cpio_close(vm_cpio *c)
{
	if (c->out == NULL)
		return c->failed;
	if (c->failed == SK_OK)
		put_header(c, "TRAILER!!!", 0, 0);
	/* The kernel reads the archive in 512-byte blocks. */
	while (c->failed == SK_OK && ftell(c->out) % 512 != 0) {
		if (fputc(0, c->out) == EOF)
			fail(c, SK_EIO, "write trailer: %s", strerror(errno));
	}
	if (fclose(c->out) != 0)
		fail(c, SK_EIO, "close archive: %s", strerror(errno));
	c->out = NULL;
	return c->failed;
}
