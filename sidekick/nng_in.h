/* nng_in: the engine -> sidekick alert link (nng PULL, docs/protocol.md).
 * One message is one Falco JSON alert; a receive thread hands each to the
 * same ingest function the HTTP input uses. */
#ifndef SK_NNG_IN_H
#define SK_NNG_IN_H

#include <stddef.h>

#include "http.h"
#include "sk_err.h"

typedef struct skn_input skn_input;

/* Listens on url (e.g. "ipc:///run/saker/alerts.sock"; for ipc:// the
 * directory is created if its parent exists, else a clear error) and starts
 * the receive thread. Messages above max_bytes are dropped by nng. */
sk_err skn_start(const char *url, size_t max_bytes, skh_ingest_fn ingest, void *user, skn_input **out,
		 char *err, size_t errlen);

/* Stops receiving and closes the socket. NULL is allowed. */
void skn_stop(skn_input *in);

#endif
