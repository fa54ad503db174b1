/* state_scap: the state as scap snapshot records, both ways.
 *
 * sk_state_scap_callbacks() returns the reader vtable whose ctx is the
 * sk_state: process-list records become threads, fd-list records fds, user
 * and group records users and groups. sk_state_scap_write() writes the
 * state back as such records, so that a capture file started in the middle
 * of a stream replays with the processes and fds known at its start. */
#ifndef SK_STATE_SCAP_H
#define SK_STATE_SCAP_H

#include "scap_reader.h"
#include "scap_writer.h"
#include "state.h"

/* The callbacks for sk_scap_reader_open_file/_stream (ctx = the sk_state). */
const sk_scap_callbacks *sk_state_scap_callbacks(void);

/* Writes st's interface addresses, host users and groups, every live thread
 * (process list, main threads first) and then each process's fds (on its
 * main thread; on each of its threads when the state lost the main one).
 * Container users are not written. Returns the writer's first error. */
sk_err sk_state_scap_write(const sk_state *st, sk_scap_writer *w);

#endif
