/* state_scap: feeds the scap reader's snapshot records into the state.
 *
 * sk_state_scap_callbacks() returns the reader vtable whose ctx is the
 * sk_state: process-list records become threads, fd-list records fds, user
 * and group records users and groups. */
#ifndef SK_STATE_SCAP_H
#define SK_STATE_SCAP_H

#include "scap_reader.h"
#include "state.h"

/* The callbacks for sk_scap_reader_open_file/_stream (ctx = the sk_state). */
const sk_scap_callbacks *sk_state_scap_callbacks(void);

#endif
