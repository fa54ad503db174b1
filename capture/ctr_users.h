/* ctr_users: each container's own users and groups, for the engine.
 *
 * A process in a container is named by the container's /etc/passwd and
 * /etc/group, not the node's (Falco's rule: user.name of uid 1000 in an
 * image is whatever that image calls it, or <NA>). The engine runs without
 * privileges and cannot read them, so the capture reads them through
 * <proc>/<pid>/root when it first meets a process of the container (an exec,
 * or the snapshot) and sends them as Falco's useradded/groupadded meta
 * events, keyed by the 12-character container id, ahead of the event that
 * needs them.
 *
 * The files belong to the container: they are opened inside its root
 * (openat2 RESOLVE_IN_ROOT, so a symlink cannot point at the node's files),
 * must be regular files (checked before they are opened for reading, so a
 * FIFO or device node is never opened), and only their first CU_MAX_FILE
 * bytes and CU_MAX_ENTRIES entries are read. */
#ifndef CTR_USERS_H
#define CTR_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"
#include "sk_strbuf.h"

#define CU_MAX_FILE (1u << 20)
#define CU_MAX_ENTRIES 4096u
#define CU_UNNAMED_NS 1000000000ull /* an unnamed uid checks for changed files once a second */

struct ctr_users;

/* Creates a tracker reading processes below proc_root ("/proc", or
 * $HOST_ROOT/proc), remembering at most max_containers containers (the
 * oldest forgotten first; a forgotten container's users are sent again at
 * its next process). SK_ENOMEM or SK_EINVAL (max_containers 0). */
sk_err ctr_users_new(const char *proc_root, uint32_t max_containers, struct ctr_users **out);

/* Frees the tracker. NULL is a no-op. */
void ctr_users_free(struct ctr_users *cu);

/* Forgets every container: a new engine connection gets them all again. */
void ctr_users_reset(struct ctr_users *cu);

/* The ids a read found, sorted. */
struct cu_ids {
	uint32_t *uids, *gids;
	uint32_t nuids, ngids;
};

/* Frees the arrays and zeroes ids. */
void ctr_users_ids_free(struct cu_ids *ids);

/* Process pid (a host pid; its parent ppid, 0 when unknown) runs as uid with
 * the NUL-separated "subsys=path" cgroup list cgroups (now_ns: a monotonic
 * clock). When the list names a container whose files were not read yet,
 * or were read without uid and have changed since (another file, size or
 * modification time: a useradd, or mounts the container finished after its
 * first process; for the uid last found unnamed, checked at most once every
 * CU_UNNAMED_NS), reads them
 * and appends one EV_V2 block per user and group to out (event time ts, on
 * cpu, thread id -1), then userdeleted/groupdeleted for the ids a previous
 * read sent that are gone; *added counts them. The files are read through
 * pid's root, or through ppid's when pid is gone already (a short command
 * run by a shell of the container); either must still be in the container
 * (its /proc/<pid>/cgroup), so a reused pid is not mistaken for it, and in
 * a mount namespace other than the node's (pid 1's ns/mnt, or the sensor's
 * when that cannot be read), so a process that joined the cgroup before
 * its mounts does not pass the node's files off as the image's. Returns
 * SK_ENOMEM only: files that cannot be read add nothing, and the container
 * is tried again at its next process. */
sk_err ctr_users_note(struct ctr_users *cu, uint64_t pid, uint64_t ppid, const char *cgroups, size_t len,
		      uint32_t uid, uint64_t ts, uint64_t now_ns, uint16_t cpu, sk_strbuf *out, uint32_t *added);

/* Appends the events for the passwd-format text passwd and group-format
 * text group (either may be NULL) naming container (a short id) to out, as
 * ctr_users_note() does, and fills ids (free with ctr_users_ids_free(),
 * also on error). Exposed for tests and the fuzzer. SK_ENOMEM only. */
sk_err ctr_users_encode(const char *passwd, size_t passwd_len, const char *group, size_t group_len,
			const char *container, uint64_t ts, uint16_t cpu, sk_strbuf *out, uint32_t *added,
			struct cu_ids *ids);

/* Splits a passwd/group line in place at ':'; returns the field count (at
 * most max). */
int ctr_users_split_line(char *line, char **fld, int max);

#endif
