/* vm_cpio: writes an initramfs archive in the kernel's "newc" cpio format.
 *
 *   vm_cpio c;
 *   vm_cpio_open(&c, "initramfs.cpio", err, sizeof(err));
 *   vm_cpio_add_host_file(&c, "/usr/bin/saker-capture", 0755, "build/bin/saker-capture");
 *   vm_cpio_close(&c);
 *
 * Names are absolute paths inside the image (the leading '/' is dropped as
 * the kernel expects); missing parent directories are added on the way.
 * Every entry is owned by root. The first failure is sticky: later calls
 * return it again and err holds "what: why". */
#ifndef VM_CPIO_H
#define VM_CPIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sk_err.h"

#define VM_CPIO_MAX_DIRS 128
#define VM_CPIO_NAME_MAX 256

typedef struct vm_cpio {
	FILE *out;
	uint32_t next_ino;
	sk_err failed; /* first error, SK_OK while none */
	char *err;     /* caller's buffer for the first error's text */
	size_t err_len;
	size_t ndirs;
	char dirs[VM_CPIO_MAX_DIRS][VM_CPIO_NAME_MAX]; /* directories written so far */
} vm_cpio;

/* Creates (truncates) the archive at path. err (err_len bytes) receives the
 * text of the first error of this and every later call. */
sk_err vm_cpio_open(vm_cpio *c, const char *path, char *err, size_t err_len);

/* Adds directory name (and its missing parents) with permission bits mode. */
sk_err vm_cpio_add_dir(vm_cpio *c, const char *name, unsigned mode);

/* Adds a regular file name holding len bytes of data. */
sk_err vm_cpio_add_data(vm_cpio *c, const char *name, unsigned mode, const void *data, size_t len);

/* Adds a regular file name with the content of host_path (symlinks followed). */
sk_err vm_cpio_add_host_file(vm_cpio *c, const char *name, unsigned mode, const char *host_path);

/* Adds a symbolic link name pointing at target. */
sk_err vm_cpio_add_symlink(vm_cpio *c, const char *name, const char *target);

/* Adds a character device node name (major:minor), e.g. /dev/console 5:1. */
sk_err vm_cpio_add_chardev(vm_cpio *c, const char *name, unsigned mode, unsigned major, unsigned minor);

/* Writes the trailer and closes the file; returns the first error of the
 * archive's life. Always closes, even after a failure. */
sk_err vm_cpio_close(vm_cpio *c);

#endif
