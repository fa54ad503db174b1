/* nng_in: the engine -> sidekick alert link (nng PULL, docs/protocol.md).
 * A message carries one or more Falco JSON alerts separated by '\n'
 * (protocol v2; a single alert without newline is v1 and stays valid). A
 * receive thread hands each alert to the same ingest function the HTTP
 * input uses, one call per alert. */
#ifndef SK_NNG_IN_H
#define SK_NNG_IN_H

#include <stddef.h>

#include "http.h"
#include "sk_err.h"

/* Most alerts one message may carry; the lines past it are rejected and
 * counted, the ones before it kept. */
#define SKN_MAX_ALERTS 1024u
/* Messages up to this size are always received, whatever the per-alert
 * limit, so the engine's 64 KiB batches fit a small http.bodylimit. */
#define SKN_MIN_MESSAGE_BYTES (256u * 1024u)

typedef struct skn_counts {
	size_t accepted; /* lines ingest took */
	size_t rejected; /* bad lines, oversized lines, lines past max_alerts */
} skn_counts;

/* Splits one message into its alert lines and calls ingest (with
 * SKM_SOURCE_NNG) once per line; empty lines (a trailing '\n') are skipped.
 * Each line is judged alone: a bad one is rejected (ingest counts it) and
 * the others in the message are still ingested. A line above max_line
 * bytes and every line past max_alerts are rejected without parsing
 * (ingest with a NULL body counts them). A message with no alert at all
 * counts as one rejected alert. Returns SK_OK when every line was
 * accepted, else the error of the last rejected line, with its reason
 * ("alert N of the message: ...") in err. */
sk_err skn_split(const char *msg, size_t len, size_t max_line, size_t max_alerts, skh_ingest_fn ingest, void *user,
		 skn_counts *counts, char *err, size_t errlen);

typedef struct skn_input skn_input;

/* Listens on url (e.g. "ipc:///run/saker/alerts.sock"; for ipc:// the
 * directory is created if its parent exists, else a clear error) and starts
 * the receive thread. max_bytes bounds one alert; a message may be up to
 * max(max_bytes, SKN_MIN_MESSAGE_BYTES), nng drops larger ones. */
sk_err skn_start(const char *url, size_t max_bytes, skh_ingest_fn ingest, void *user, skn_input **out,
		 char *err, size_t errlen);

/* Stops receiving and closes the socket. NULL is allowed. */
void skn_stop(skn_input *in);

#endif
