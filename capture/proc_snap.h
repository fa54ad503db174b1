/* proc_snap: the start-up snapshot of the host as scap records, so the
 * engine's state is complete from t=0: machine info, every thread of every
 * process (/proc), each process's open fds (files, pipes, TCP/UDP/unix
 * sockets from /proc/net) and the users and groups. Written through the
 * engine's scap writer (engine/event/scap_writer.h), so the block layouts
 * exist once in the project. */
#ifndef PROC_SNAP_H
#define PROC_SNAP_H

#include "scap_writer.h"
#include "sk_err.h"
#include "sk_strbuf.h"

struct proc_snap_paths {
	const char *proc;   /* "/proc" */
	const char *passwd; /* "/etc/passwd" */
	const char *group;  /* "/etc/group" */
};

/* Writes the whole snapshot to w. Processes that exit while being read are
 * skipped. SK_ENOENT when the proc root cannot be read. */
sk_err proc_snap_write(sk_scap_writer *w, const struct proc_snap_paths *paths);

/* The snapshot as stream blocks (no section header), appended to sb. */
sk_err proc_snap_blocks(sk_strbuf *sb, const struct proc_snap_paths *paths);

#endif
