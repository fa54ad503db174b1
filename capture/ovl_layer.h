/* ovl_layer: which overlayfs layer a running process's executable comes
 * from, found in user space for the start-up snapshot (the eBPF side reads
 * the overlay inode itself for exec events). A file that exists in the
 * overlay's upperdir is the one the merged view shows: it was written after
 * the overlay was mounted (a container's writable layer). */
#ifndef OVL_LAYER_H
#define OVL_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

/* One overlay mount as /proc/<pid>/mountinfo describes it, unescaped. */
struct ovl_mount {
	char root[1024];       /* path inside the file system mounted ("/") */
	char mountpoint[1024]; /* where, in the process's mount namespace */
	char upperdir[1024];   /* upper layer, in the mounter's namespace */
};

/* Parses one mountinfo line (NUL-terminated, no newline) into *out when it
 * describes mount mnt_id of type overlay with an upperdir. SK_ENOENT for
 * another mount or an overlay without an upper layer, SK_EINVAL for a line
 * that does not parse, SK_ERANGE for a path longer than its field. */
sk_err ovl_mountinfo_parse(const char *line, uint64_t mnt_id, struct ovl_mount *out);

/* Scap exe flags (2 upper layer, 8 lower layer) of the executable of pid,
 * read under proc_root ("/proc"; host paths are taken relative to its
 * parent, so "/host/proc" reads "/host/<upperdir>"). exepath is the
 * process's /proc/<pid>/exe link. 0 when the exe is not on an overlay or
 * its layer cannot be told (process gone, deleted file, unknown mount). */
uint32_t ovl_exe_layer(const char *proc_root, uint64_t pid, const char *exepath);

#endif
