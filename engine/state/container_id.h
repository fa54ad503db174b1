/* container_id: which container a thread's cgroups name.
 *
 * Pure string work on the NUL-separated "subsys=path" cgroup list, shared
 * by the engine (container.id) and saker-capture (whose container's
 * /etc/passwd to read), so it needs no JSON or runtime state. */
#ifndef SK_CONTAINER_ID_H
#define SK_CONTAINER_ID_H

#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

#define SK_CONTAINER_ID_LEN 64
#define SK_CONTAINER_SHORT_ID_LEN 12 /* Falco's container.id, and the key of container users */

/* Finds a container id in NUL-separated "subsys=path" cgroup entries.
 * On success copies the 64-hex id into id (NUL-terminated) and sets *type
 * to the runtime the path names ("docker", "containerd", "cri-o",
 * "podman"). Returns SK_ENOENT when no entry names a container. */
sk_err sk_container_id_from_cgroups(const char *cgroups, size_t len, char id[SK_CONTAINER_ID_LEN + 1],
				    const char **type);

/* The hash container tables are keyed by (FNV-1a of the id string, full
 * or short): the engine's records and users, saker-capture's tracker. */
uint64_t sk_container_key(const char *id);

#endif
