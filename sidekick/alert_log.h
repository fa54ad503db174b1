/* alert_log: the sidekick's durable, segmented, append-only alert log.
 *
 * Every accepted alert is appended once; each output reads the log through
 * its own reader and persists how far it got in a cursor, so a slow output
 * costs disk, not memory, and a restart resumes where every output stopped.
 *
 * On disk (the spool directory): NNNNNNNNNNNNNNNN.seg files named by the
 * sequence number (hex) of their first record, each a 16-byte header
 * ("SKALOG01", u64 first seq) followed by records
 *     u32 len, u32 crc32(seq, time, payload), u64 seq, i64 time_ns, payload
 * (little-endian), plus one "cursor.<name>" text file per output and a LOCK.
 *
 * Durability: sal_append() returns after write(2), so an appended alert
 * survives the process being killed (sal_append_nowait() within
 * milliseconds); a flusher thread fdatasync()s every sync_ms for power loss. The log is bounded by bytes
 * and age: whole segments are deleted oldest first, and readers that had not
 * reached them report the lost records as skipped (never silently).
 *
 * Readers are also the history API for a web UI: open at a sequence number
 * or seek to a time, then iterate records in arrival order. */
#ifndef SK_ALERT_LOG_H
#define SK_ALERT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

#define SAL_MAX_RECORD (4u << 20) /* largest payload accepted */

typedef struct sal_options {
	const char *dir;        /* spool directory, created if missing */
	uint64_t segment_bytes; /* rotate after this many bytes (default 16 MiB) */
	uint64_t max_bytes;     /* delete oldest segments beyond this (default 1 GiB) */
	int64_t max_age_s;      /* delete segments older than this (0: no age bound) */
	unsigned sync_ms;       /* group-commit interval (default 200) */
} sal_options;

typedef struct sal_record {
	uint64_t seq;     /* 1, 2, 3... in append order, never reused */
	int64_t time_ns;  /* the time given to sal_append() */
	const char *data; /* valid until the next call on the same reader */
	uint32_t len;
} sal_record;

typedef struct sal_stats {
	uint64_t first_seq; /* oldest record still on disk */
	uint64_t next_seq;  /* sequence the next append gets */
	uint64_t bytes;     /* disk used by segments */
	size_t segments;
} sal_stats;

typedef struct sal_log sal_log;
typedef struct sal_reader sal_reader;
typedef struct sal_cursor sal_cursor;

/* Opens (creating if needed) the log in opt->dir, recovers from a crash by
 * truncating a torn last record, and starts the flusher thread. Refuses a
 * directory another process holds. Errors carry the path in err. */
sk_err sal_open(const sal_options *opt, sal_log **out, char *err, size_t errlen);

/* Persists cursors, syncs and closes. Readers and cursors must be closed
 * first (cursors are freed here). */
void sal_close(sal_log *log);

/* Appends one record and returns once it is written to the file (group
 * commit: concurrent appends share one write). *seq gets its sequence number
 * (may be NULL). Thread-safe. SK_ERANGE if len > SAL_MAX_RECORD; SK_EFULL if
 * 64 MiB are already waiting for the disk; SK_EIO if the write failed (the
 * record stays queued and is written later: the caller may see it twice). */
sk_err sal_append(sal_log *log, int64_t time_ns, const void *data, size_t len, uint64_t *seq);

/* Same, but returns once the record is queued; the flusher writes it within
 * moments. For inputs with no acknowledgement to delay (nng). */
sk_err sal_append_nowait(sal_log *log, int64_t time_ns, const void *data, size_t len, uint64_t *seq);

/* Writes every queued record and fdatasync()s now (the flusher also does it
 * every sync_ms). */
sk_err sal_sync(sal_log *log);

/* Deletes segments beyond the size/age bounds (the flusher calls it every
 * second); now_s is the current time in seconds. */
void sal_enforce_bounds(sal_log *log, int64_t now_s);

/* Fills *st. */
void sal_get_stats(sal_log *log, sal_stats *st);

/* Blocks until a record with sequence >= seq exists or timeout_ms passed;
 * returns true if one exists. */
bool sal_wait(sal_log *log, uint64_t seq, unsigned timeout_ms);

/* Wakes every sal_wait() caller (used at shutdown). */
void sal_wake_all(sal_log *log);

/* Opens a reader positioned at seq (0: the oldest record). */
sk_err sal_reader_open(sal_log *log, uint64_t seq, sal_reader **out);

/* Positions the reader at the first record whose time is >= time_ns, scanning
 * from the segment that may hold it (records are in arrival order). */
sk_err sal_reader_seek_time(sal_reader *r, int64_t time_ns);

/* Reads the next record. SK_EAGAIN when caught up with the writer.
 * *skipped (may be NULL) gets the number of records between the previous
 * position and this one that were deleted by the bounds or found corrupt. */
sk_err sal_reader_next(sal_reader *r, sal_record *rec, uint64_t *skipped);

/* Returns the sequence the next sal_reader_next() looks for. */
uint64_t sal_reader_position(const sal_reader *r);

/* Frees the reader. NULL is allowed. */
void sal_reader_close(sal_reader *r);

/* Opens the persisted cursor "name" ([A-Za-z0-9_-], at most 63 chars). A new
 * cursor starts at the current end of the log (a new output gets new alerts,
 * not the history). The log owns it; it is freed by sal_close(). */
sk_err sal_cursor_open(sal_log *log, const char *name, sal_cursor **out);

/* Returns the next sequence the cursor's owner has to deliver. */
uint64_t sal_cursor_get(const sal_cursor *c);

/* Records that everything before seq was handled; persisted by the flusher
 * within sync_ms. Never moves backwards. */
void sal_cursor_set(sal_cursor *c, uint64_t seq);

#endif
