/* scap_writer.h: writes scap section 1.2 blocks, to a .scap file that
 * `sysdig -r` and Falco read, or to a memory buffer (the blocks of one nng
 * message of the live stream, docs/protocol.md: no section header).
 *
 * Records are batched: consecutive threads go into one process-list block
 * (V9 layout), consecutive fds of one thread into one fd-list block (V2),
 * users and groups into one user-list block (V2), interfaces into one
 * interface-list block (V2). Writing a record of another kind, an event, or
 * taking/closing flushes the pending block. Events are written as EV_V2
 * blocks (header with nparams). */
#ifndef SK_SCAP_WRITER_H
#define SK_SCAP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "scap_reader.h"
#include "sk_err.h"

typedef struct sk_scap_writer sk_scap_writer;

/* Creates path (truncating it; a new file is readable by its owner only,
 * mode 0600) and writes the section header; gzip
 * compresses the whole file, at zlib's fastest level (the engine writes
 * capture files from its event path). Returns SK_EIO when it cannot be
 * created. */
sk_err sk_scap_writer_open_file(const char *path, bool gzip, sk_scap_writer **out);

/* Creates a writer that appends blocks to memory; collect them with
 * sk_scap_writer_take(). */
sk_err sk_scap_writer_open_buffer(sk_scap_writer **out);

/* Each appends one record (see the batching above). Strings may be NULL
 * (written empty). Returns SK_ERANGE for a string over 65535 bytes. */
sk_err sk_scap_writer_machine(sk_scap_writer *w, const sk_scap_machine *mi);
sk_err sk_scap_writer_thread(sk_scap_writer *w, const sk_scap_thread *th);
sk_err sk_scap_writer_fd(sk_scap_writer *w, uint64_t tid, const sk_scap_fd *fd);
sk_err sk_scap_writer_user(sk_scap_writer *w, const sk_scap_user *user);
sk_err sk_scap_writer_group(sk_scap_writer *w, const sk_scap_group *group);
sk_err sk_scap_writer_iface(sk_scap_writer *w, const sk_scap_iface *iface);

/* Appends Saker's capture-statistics block: per_cpu holds ncpus triples
 * (events, drops_full, drops_oversize). */
sk_err sk_scap_writer_capture_stats(sk_scap_writer *w, uint32_t ncpus, const uint64_t *per_cpu);

/* Appends evt (header fields, type and its nparams parameters; raw is not
 * used, so an event read from an old capture is re-encoded in the 1.2
 * layout). Large-payload types get u32 parameter lengths; otherwise a
 * parameter over 65535 bytes is SK_ERANGE. */
sk_err sk_scap_writer_event(sk_scap_writer *w, const sk_event *evt);

/* Bytes of the blocks emitted so far, before any compression (the
 * section header included, a pending batched record not). */
uint64_t sk_scap_writer_raw_bytes(const sk_scap_writer *w);

/* Bytes written so far: for a file, what is on disk (compressed, as zlib
 * has flushed it: up to one buffer behind; one lseek); for a buffer
 * writer, what it holds. */
uint64_t sk_scap_writer_disk_bytes(sk_scap_writer *w);

/* Buffer writers: flushes pending records and hands over the bytes written
 * since the last take (*data is malloc'ed, the caller frees it; NULL with
 * *len 0 when nothing was written). SK_EINVAL for a file writer. */
sk_err sk_scap_writer_take(sk_scap_writer *w, uint8_t **data, size_t *len);

/* Flushes, closes and frees; returns the first write error (a file writer
 * that returns SK_OK has written a complete file). NULL is a no-op. */
sk_err sk_scap_writer_close(sk_scap_writer *w);

#endif
