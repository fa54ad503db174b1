/* container: container metadata from runtime state.
 *
 * Ids come from the thread's cgroups (container_id.h: docker,
 * containerd/CRI, CRI-O and podman naming). Metadata is read from the runtime's on-disk state, never
 * from its API: docker's containers/<id>/config.v2.json + hostconfig.json,
 * and the OCI config.json annotations containerd and CRI-O write under
 * their state directories. */
#ifndef SK_CONTAINER_H
#define SK_CONTAINER_H

#include <stddef.h>

#include "container_id.h"
#include "sk_err.h"
#include "state.h"

/* Builds the container record for id, reading whatever runtime state is
 * found under cfg's roots (metadata_found tells whether any was). Returns
 * SK_ENOMEM only; unreadable or malformed files leave fields empty. */
sk_err sk_container_load(const sk_state_config *cfg, const char *id, const char *type, sk_container **out);

/* Builds a record from runtime state already in memory: type "docker"
 * reads config (config.v2.json) and hostconfig (may be NULL); any other
 * type reads config as an OCI config.json. Malformed JSON leaves fields
 * empty (metadata_found false). Returns SK_ENOMEM only. */
sk_err sk_container_parse(const char *id, const char *type, const char *config, size_t len,
			  const char *hostconfig, size_t host_len, sk_container **out);

/* Frees a record from sk_container_load(). NULL is a no-op. */
void sk_container_free(sk_container *c);

#endif
