/* proc_snap: the start-up snapshot of the host as scap records, so the
 * engine's state is complete from t=0: machine info, every thread of every
 * process (/proc), each process's open fds (files, pipes, TCP/UDP/unix
 * sockets from /proc/net) and the users and groups, the containers' own
 * among them (ctr_users.h). Written through the
 * engine's scap writer (engine/event/scap_writer.h), so the block layouts
 * exist once in the project. */
#ifndef PROC_SNAP_H
#define PROC_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "scap_writer.h"
#include "sk_err.h"
#include "sk_strbuf.h"

struct proc_snap_paths {
	const char *proc;   /* "/proc" */
	const char *passwd; /* "/etc/passwd" */
	const char *group;  /* "/etc/group" */
};

struct ctr_users;

/* What the kernel says of each thread: the records of the sensor's task
 * iterator (sensor_task_records(): SKC_EVT_TASK_INFO, cgroup paths as exec
 * events carry them and the exe's overlay layer). Threads it names take
 * those from it instead of /proc, whose cgroup paths are relative to the
 * reader's cgroup namespace and whose overlay layer needs the layer's
 * directories mounted. */
struct proc_snap_kernel {
	const uint8_t *records;
	size_t len;
};

/* Writes the whole snapshot to w. Processes that exit while being read are
 * skipped. kernel (may be NULL) is what the kernel says of the threads.
 * With users (may be NULL), the user and group events of the containers
 * its processes run in go to user_events (ctr_users.h), for the caller to
 * put after the snapshot. SK_ENOENT when the proc root cannot be read. */
sk_err proc_snap_write(sk_scap_writer *w, const struct proc_snap_paths *paths, const struct proc_snap_kernel *kernel,
		       struct ctr_users *users, sk_strbuf *user_events);

/* The snapshot as stream blocks (no section header), appended to sb, then
 * the containers' user and group events when users is not NULL. */
sk_err proc_snap_blocks(sk_strbuf *sb, const struct proc_snap_paths *paths, const struct proc_snap_kernel *kernel,
			struct ctr_users *users);

#endif
