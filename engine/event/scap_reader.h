/* scap_reader.h: the block reader shared by .scap files and the live stream.
 *
 * A file reader opens a .scap file (plain or gzip, section versions 1.0-1.2)
 * and yields its events in order, numbering them (evt.num, from 1). A stream
 * reader has no section header: it is fed nng messages that each carry whole
 * blocks (docs/protocol.md) and yields the events of the current message.
 * Both decode every block with the same code.
 *
 * Process, fd, user, group, interface and machine records found on the way
 * go to a vtable of callbacks (the state module implements it); a NULL
 * entry ignores that kind. Strings in records are NUL-terminated copies
 * valid only during the callback.
 *
 * Damage never crashes the reader: a block whose body does not parse is
 * skipped and counted (stats.malformed, with the offset of the first one in
 * sk_scap_reader_error()); unknown block types are skipped by length. Only a
 * broken block length (nothing to resync on) or a truncated file ends the
 * read with an error. */
#ifndef SK_SCAP_READER_H
#define SK_SCAP_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "sk_err.h"

typedef struct sk_scap_machine {
	uint32_t num_cpus;
	uint64_t memory_bytes;
	uint64_t max_cpu_freq;
	const char *hostname;
	uint64_t boot_ts; /* 0 when the block predates it */
} sk_scap_machine;

typedef struct sk_scap_thread {
	uint64_t tid, pid, ptid;
	int64_t sid, vpgid, pgid; /* -1 when the record predates them */
	const char *comm, *exe, *exepath, *cwd, *root;
	const char *args; /* NUL-separated, args_len bytes */
	uint32_t args_len;
	const char *env; /* NUL-separated, env_len bytes */
	uint32_t env_len;
	const char *cgroups; /* NUL-separated "subsys=path", cgroups_len bytes */
	uint32_t cgroups_len;
	uint64_t fdlimit;
	uint32_t flags, uid, gid;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t pfmajor, pfminor;
	int64_t vtid, vpid; /* -1 when absent */
	uint64_t pidns_init_start_ts;
	uint32_t tty;
	uint32_t loginuid; /* UINT32_MAX when absent */
	bool exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
	uint64_t cap_inheritable, cap_permitted, cap_effective;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
} sk_scap_thread;

typedef struct sk_scap_fd {
	int64_t fd;
	uint64_t ino;
	uint8_t type;  /* SK_SCAP_FD_* */
	const char *name; /* path (files, unix sockets, others); "" when none */
	uint32_t open_flags; /* FILE_V2: open flags (scap encoding) */
	uint32_t dev;        /* FILE_V2: device, 0 when absent */
	uint64_t mount_id;   /* FILE_V2: 0 when absent */
	uint8_t l4proto;     /* sockets */
	uint8_t sip[16], dip[16]; /* IPv4 in the first 4 bytes; server sockets use sip */
	uint16_t sport, dport;
	uint64_t unix_source, unix_dest;
} sk_scap_fd;

typedef struct sk_scap_user {
	uint32_t uid, gid;
	const char *name, *home, *shell;
} sk_scap_user;

typedef struct sk_scap_group {
	uint32_t gid;
	const char *name;
} sk_scap_group;

typedef struct sk_scap_iface {
	uint16_t type; /* SK_SCAP_IF_* */
	const char *name;
	uint8_t addr[16], netmask[16], bcast[16]; /* IPv4 in the first 4 bytes */
	uint64_t linkspeed;
} sk_scap_iface;

typedef struct sk_scap_capture_stats {
	uint32_t ncpus;
	uint64_t events, drops_full, drops_oversize; /* summed over CPUs */
} sk_scap_capture_stats;

/* What the reader tells the state. Each returns SK_OK to go on; any other
 * value stops the read and is returned from sk_scap_reader_next(). */
typedef struct sk_scap_callbacks {
	sk_err (*on_machine)(void *ctx, const sk_scap_machine *mi);
	sk_err (*on_thread)(void *ctx, const sk_scap_thread *th);
	sk_err (*on_fd)(void *ctx, uint64_t tid, const sk_scap_fd *fd);
	sk_err (*on_user)(void *ctx, const sk_scap_user *user);
	sk_err (*on_group)(void *ctx, const sk_scap_group *group);
	sk_err (*on_iface)(void *ctx, const sk_scap_iface *iface);
	sk_err (*on_capture_stats)(void *ctx, const sk_scap_capture_stats *st);
} sk_scap_callbacks;

typedef struct sk_scap_stats {
	uint64_t bytes;     /* bytes consumed (decompressed) */
	uint64_t blocks;    /* blocks read */
	uint64_t events;    /* events returned */
	uint64_t threads, fds, users, groups, ifaces;
	uint64_t unknown_blocks; /* skipped by length */
	uint64_t malformed;      /* blocks or records that did not parse, skipped */
	uint16_t major, minor;   /* section version (files) */
} sk_scap_stats;

typedef struct sk_scap_reader sk_scap_reader;

/* Opens path (gzip or plain) and checks its section header. cb may be NULL.
 * Returns SK_ENOENT/SK_EIO when it cannot be opened, SK_EINVAL when it is not
 * a .scap file, SK_EVERSION for an unsupported major version or byte order. */
sk_err sk_scap_reader_open_file(const char *path, const sk_scap_callbacks *cb, void *ctx,
				sk_scap_reader **out);

/* Creates a reader for the live stream (no section header); feed it with
 * sk_scap_reader_feed(). */
sk_err sk_scap_reader_open_stream(const sk_scap_callbacks *cb, void *ctx, sk_scap_reader **out);

/* Hands one message of whole blocks to a stream reader. buf is not copied:
 * it must stay valid until sk_scap_reader_next() returns SK_ENOENT for it.
 * Returns SK_EINVAL for a file reader, SK_EAGAIN if the previous message is
 * not consumed yet. */
sk_err sk_scap_reader_feed(sk_scap_reader *r, const void *buf, size_t len);

/* Decodes the next event into *evt (pointing into the reader's buffer or the
 * fed message, valid until the next call). Returns SK_OK with an event,
 * SK_ENOENT at the end of the file or message, SK_ETRUNC when the file ends
 * inside a block, SK_EINVAL when a block length is unusable, SK_EIO on a
 * read error, or a callback's error. After an error it keeps returning
 * SK_ENOENT. */
sk_err sk_scap_reader_next(sk_scap_reader *r, sk_event *evt);

/* Copies the counters into *out. */
void sk_scap_reader_stats(const sk_scap_reader *r, sk_scap_stats *out);

/* Returns the first problem seen ("offset 1234: fd list: record overruns
 * block"), or "" when none. Valid until the reader is closed. */
const char *sk_scap_reader_error(const sk_scap_reader *r);

/* Closes the file and frees the reader; NULL is a no-op. */
void sk_scap_reader_close(sk_scap_reader *r);

#endif
