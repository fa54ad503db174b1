/* proc_snap: the start-up snapshot of /proc as scap blocks, so the engine's
 * state is complete from t=0: a process-list block (one entry per thread)
 * and a user list (users and groups from /etc/passwd and /etc/group). */
#ifndef PROC_SNAP_H
#define PROC_SNAP_H

#include "sk_err.h"
#include "sk_strbuf.h"

/* Appends a process-list block for every thread under proc_root (normally
 * "/proc"). Threads that vanish while being read are skipped. */
sk_err proc_snap_processes(sk_strbuf *sb, const char *proc_root);

/* Appends a user-list block from the passwd and group files given. */
sk_err proc_snap_users(sk_strbuf *sb, const char *passwd_path, const char *group_path);

#endif
