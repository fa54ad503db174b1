/* cgroup_cache: cgroup v2 ids (as the kernel side reads them from
 * task->cgroups->dfl_cgrp->kn->id) resolved to paths below the cgroup2 mount,
 * cached by id. Exec and clone events carry the id; the re-encoder replaces
 * it with the scap cgroups string the engine parses for container.id. */
#ifndef CGROUP_CACHE_H
#define CGROUP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

typedef struct cgc cgc;

/* Opens a cache over the cgroup2 hierarchy mounted at root (NULL: the first
 * cgroup2 mount in /proc/self/mountinfo). Returns SK_ENOENT when there is
 * none; *out is then NULL and events carry an empty cgroups parameter. */
sk_err cgc_open(const char *root, cgc **out);

/* Frees the cache (NULL is fine). */
void cgc_close(cgc *c);

/* Sets *path to the cgroup path of id relative to the mount ("/" for the
 * root, "/a/b" below it), valid until the next call. On a miss asks the
 * kernel by file handle, then walks the hierarchy (bounded depth and
 * entries). Returns SK_ENOENT when the cgroup is gone or unknown. */
sk_err cgc_path(cgc *c, uint64_t id, const char **path);

#endif
