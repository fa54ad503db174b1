#define _GNU_SOURCE /* pthread_setname_np */
#include "alert_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "sk_log.h"

#define SAL_MAGIC "SKALOG01"
#define SAL_SEG_HDR 16u
#define SAL_REC_HDR 24u
#define SAL_READ_CHUNK (64u << 10)
#define SAL_PENDING_MAX (64u << 20) /* appends fail with SK_EFULL beyond this much unwritten data */

struct sal_segment {
	uint64_t first_seq;
	uint64_t size; /* bytes, header included */
	int64_t mtime_s;
};

struct sal_cursor {
	sal_log *log;
	char name[64];
	_Atomic uint64_t seq;
	uint64_t persisted;
	int fd;
	struct sal_cursor *next;
};

struct sal_log {
	sal_options opt;
	char *dir;
	int dirfd;
	int lockfd;
	pthread_mutex_t mu;
	pthread_cond_t appended;
	struct sal_segment *segs; /* oldest first; the last one is active */
	size_t nsegs;
	size_t cap;
	int fd; /* active segment, O_APPEND */
	uint64_t next_seq;     /* sequence the next append gets */
	uint64_t written_next; /* records below this are in the file */
	char *pending;         /* encoded records not yet written (group commit) */
	size_t pending_len;
	size_t pending_cap;
	char *spare; /* the other buffer, swapped in while one is written */
	size_t spare_cap;
	bool flushing; /* a thread is writing a batch outside the lock */
	size_t inflight_len; /* bytes of that batch */
	pthread_cond_t written; /* broadcast after every batch write */
	pthread_cond_t work;    /* wakes the flusher: pending data or stop */
	uint64_t bytes;
	bool dirty;
	sal_cursor *cursors;
	pthread_t flusher;
	bool flusher_started;
	bool stopping;
};

struct sal_reader {
	sal_log *log;
	uint64_t seq;       /* next sequence wanted */
	uint64_t seg_first; /* segment the reader is in */
	int fd;             /* -1: not positioned */
	uint64_t off;       /* file offset of the next record */
	uint64_t limit;     /* bytes of the segment known to be complete */
	bool last;          /* the segment was the active one at the last refresh */
	char *buf;          /* file bytes [buf_off, buf_off + buf_len) */
	size_t buf_cap;
	size_t buf_len;
	uint64_t buf_off;
};

static void sal_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void sal_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint32_t sal_get32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--) {
		v = (v << 8) | p[i];
	}
	return v;
}

static uint64_t sal_get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--) {
		v = (v << 8) | p[i];
	}
	return v;
}

static uint32_t sal_crc(const uint8_t *hdr, const void *data, size_t len)
{
	uLong crc = crc32(0L, hdr + 8, 16);
	return (uint32_t)crc32(crc, data, (uInt)len);
}

static void sal_seg_name(uint64_t first_seq, char *buf, size_t n)
{
	snprintf(buf, n, "%016" PRIx64 ".seg", first_seq);
}

static int64_t sal_now_s(void)
{
	return (int64_t)time(NULL);
}

/* Writes all of iov or fails. */
static sk_err sal_writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return SK_EIO;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return SK_OK;
}

static sk_err sal_segs_push(sal_log *log, uint64_t first_seq, uint64_t size, int64_t mtime_s)
{
	if (log->nsegs == log->cap) {
		size_t cap = log->cap != 0 ? log->cap * 2 : 16;
		struct sal_segment *segs = realloc(log->segs, cap * sizeof(*segs));
		if (segs == NULL) {
			return SK_ENOMEM;
		}
		log->segs = segs;
		log->cap = cap;
	}
	log->segs[log->nsegs++] = (struct sal_segment){first_seq, size, mtime_s};
	log->bytes += size;
	return SK_OK;
}

/* Creates a new active segment starting at log->next_seq. Caller holds mu. */
static sk_err sal_new_segment(sal_log *log)
{
	char name[32];
	uint8_t hdr[SAL_SEG_HDR];
	struct iovec iov = {hdr, sizeof(hdr)};

	sal_seg_name(log->next_seq, name, sizeof(name));
	int fd = openat(log->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		sk_error("%s/%s: cannot create: %s", log->dir, name, strerror(errno));
		return SK_EIO;
	}
	memcpy(hdr, SAL_MAGIC, 8);
	sal_put64(hdr + 8, log->next_seq);
	sk_err e = sal_writev_all(fd, &iov, 1);
	if (e == SK_OK) {
		e = sal_segs_push(log, log->next_seq, SAL_SEG_HDR, sal_now_s());
	}
	if (e != SK_OK) {
		close(fd);
		unlinkat(log->dirfd, name, 0);
		return e;
	}
	/* The new file's directory entry must survive a power loss too. */
	fsync(log->dirfd);
	if (log->fd >= 0) {
		fdatasync(log->fd);
		close(log->fd);
	}
	log->fd = fd;
	return SK_OK;
}

/* Reads a whole record at off from fd (limit: usable file size). Returns
 * SK_OK, SK_ETRUNC (incomplete) or SK_EPARSE (corrupt). */
static sk_err sal_read_record_at(int fd, uint64_t off, uint64_t limit, uint8_t *hdr, char **payload,
				 size_t *cap)
{
	if (off + SAL_REC_HDR > limit) {
		return SK_ETRUNC;
	}
	if (pread(fd, hdr, SAL_REC_HDR, (off_t)off) != (ssize_t)SAL_REC_HDR) {
		return SK_ETRUNC;
	}
	uint32_t len = sal_get32(hdr);
	if (len > SAL_MAX_RECORD) {
		return SK_EPARSE;
	}
	if (off + SAL_REC_HDR + len > limit) {
		return SK_ETRUNC;
	}
	if (*cap < len + 1) {
		char *p = realloc(*payload, len + 1);
		if (p == NULL) {
			return SK_ENOMEM;
		}
		*payload = p;
		*cap = len + 1;
	}
	if (pread(fd, *payload, len, (off_t)(off + SAL_REC_HDR)) != (ssize_t)len) {
		return SK_ETRUNC;
	}
	if (sal_crc(hdr, *payload, len) != sal_get32(hdr + 4)) {
		return SK_EPARSE;
	}
	return SK_OK;
}

/* Scans the last segment to find where valid records end and the next
 * sequence; truncates anything after (a torn write from a crash). */
static sk_err sal_recover_tail(sal_log *log, char *err, size_t errlen)
{
	struct sal_segment *seg = &log->segs[log->nsegs - 1];
	char name[32];
	uint8_t hdr[SAL_REC_HDR];
	char *payload = NULL;
	size_t cap = 0;
	uint64_t off = SAL_SEG_HDR, expect = seg->first_seq;
	sk_err e;

	sal_seg_name(seg->first_seq, name, sizeof(name));
	int fd = openat(log->dirfd, name, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s/%s: cannot open: %s", log->dir, name, strerror(errno));
		return SK_EIO;
	}
	for (;;) {
		e = sal_read_record_at(fd, off, seg->size, hdr, &payload, &cap);
		if (e != SK_OK || sal_get64(hdr + 8) != expect) {
			break;
		}
		off += SAL_REC_HDR + sal_get32(hdr);
		expect++;
	}
	free(payload);
	if (e == SK_ENOMEM) {
		close(fd);
		return e;
	}
	if (off < seg->size) {
		sk_warn("%s/%s: dropping %" PRIu64 " bytes of an incomplete or corrupt tail after record %" PRIu64,
			log->dir, name, seg->size - off, expect - 1);
		if (ftruncate(fd, (off_t)off) != 0) {
			snprintf(err, errlen, "%s/%s: cannot truncate: %s", log->dir, name, strerror(errno));
			close(fd);
			return SK_EIO;
		}
		log->bytes -= seg->size - off;
		seg->size = off;
	}
	log->fd = fd;
	log->next_seq = expect;
	log->written_next = expect;
	return SK_OK;
}

static int sal_cmp_seg(const void *a, const void *b)
{
	uint64_t x = ((const struct sal_segment *)a)->first_seq, y = ((const struct sal_segment *)b)->first_seq;
	return x < y ? -1 : x > y;
}

/* Finds the segments in the directory. */
static sk_err sal_scan(sal_log *log, char *err, size_t errlen)
{
	DIR *d = fdopendir(dup(log->dirfd));
	struct dirent *de;
	sk_err e = SK_OK;

	if (d == NULL) {
		snprintf(err, errlen, "%s: cannot list: %s", log->dir, strerror(errno));
		return SK_EIO;
	}
	for (de = readdir(d); de != NULL; de = readdir(d)) {
		char name[32];
		uint64_t first;
		struct stat st;
		uint8_t hdr[SAL_SEG_HDR];

		if (strlen(de->d_name) != 20 || strcmp(de->d_name + 16, ".seg") != 0 ||
		    sscanf(de->d_name, "%16" SCNx64, &first) != 1) {
			continue;
		}
		sal_seg_name(first, name, sizeof(name));
		if (strcmp(name, de->d_name) != 0 || fstatat(log->dirfd, name, &st, 0) != 0) {
			continue;
		}
		int fd = openat(log->dirfd, name, O_RDONLY | O_CLOEXEC);
		bool ok = fd >= 0 && pread(fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr) &&
			  memcmp(hdr, SAL_MAGIC, 8) == 0 && sal_get64(hdr + 8) == first;
		if (fd >= 0) {
			close(fd);
		}
		if (!ok) {
			sk_warn("%s/%s: not a Saker alert log segment (bad header), ignoring it", log->dir, name);
			continue;
		}
		e = sal_segs_push(log, first, (uint64_t)st.st_size, (int64_t)st.st_mtime);
		if (e != SK_OK) {
			break;
		}
	}
	closedir(d);
	if (log->nsegs > 1) {
		qsort(log->segs, log->nsegs, sizeof(*log->segs), sal_cmp_seg);
	}
	return e;
}

static void sal_persist_cursors(sal_log *log)
{
	/* Cursors are only ever added at the head and freed by sal_close(), so
	 * the list after the head read under the lock is stable. */
	pthread_mutex_lock(&log->mu);
	sal_cursor *head = log->cursors;
	pthread_mutex_unlock(&log->mu);
	for (sal_cursor *c = head; c != NULL; c = c->next) {
		uint64_t seq = atomic_load(&c->seq);
		char text[32];
		if (seq == c->persisted) {
			continue;
		}
		int n = snprintf(text, sizeof(text), "%020" PRIu64 "\n", seq);
		if (pwrite(c->fd, text, (size_t)n, 0) != n || fdatasync(c->fd) != 0) {
			sk_warn("%s/cursor.%s: cannot persist: %s", log->dir, c->name, strerror(errno));
			continue;
		}
		c->persisted = seq;
	}
}

static sk_err sal_drain_locked(sal_log *log);

sk_err sal_sync(sal_log *log)
{
	pthread_mutex_lock(&log->mu);
	sk_err e = sal_drain_locked(log);
	int fd = log->dirty ? dup(log->fd) : -1;
	log->dirty = false;
	pthread_mutex_unlock(&log->mu);
	if (fd < 0) {
		return e;
	}
	/* Outside the lock: appends continue while the disk catches up. */
	int rc = fdatasync(fd);
	close(fd);
	return rc == 0 ? e : SK_EIO;
}

void sal_enforce_bounds(sal_log *log, int64_t now_s)
{
	pthread_mutex_lock(&log->mu);
	while (log->nsegs > 1) {
		struct sal_segment *old = &log->segs[0];
		bool too_big = log->bytes > log->opt.max_bytes;
		bool too_old = log->opt.max_age_s > 0 && now_s - log->segs[1].mtime_s > log->opt.max_age_s;
		char name[32];
		if (!too_big && !too_old) {
			break;
		}
		sal_seg_name(old->first_seq, name, sizeof(name));
		if (unlinkat(log->dirfd, name, 0) != 0 && errno != ENOENT) {
			sk_warn("%s/%s: cannot delete: %s", log->dir, name, strerror(errno));
			break;
		}
		sk_debug("%s/%s: deleted (%s bound)", log->dir, name, too_big ? "size" : "age");
		log->bytes -= old->size;
		memmove(log->segs, log->segs + 1, (log->nsegs - 1) * sizeof(*log->segs));
		log->nsegs--;
	}
	pthread_mutex_unlock(&log->mu);
}

/* Writes the pending batch. Caller holds mu, nothing else is flushing and
 * pending is not empty; the lock is dropped during the write so appends go
 * on filling the other buffer. On a write error the batch is put back in
 * front of what arrived meanwhile and retried later. */
static sk_err sal_flush_locked(sal_log *log)
{
	char *buf = log->pending;
	size_t len = log->pending_len, cap = log->pending_cap;
	uint64_t upto = log->next_seq;
	struct iovec iov = {buf, len};

	log->flushing = true;
	log->inflight_len = len;
	log->pending = log->spare;
	log->pending_cap = log->spare_cap;
	log->pending_len = 0;
	pthread_mutex_unlock(&log->mu);
	sk_err e = sal_writev_all(log->fd, &iov, 1);
	int saved = errno;
	pthread_mutex_lock(&log->mu);
	struct sal_segment *active = &log->segs[log->nsegs - 1];
	if (e == SK_OK) {
		active->size += len;
		active->mtime_s = sal_now_s();
		log->bytes += len;
		log->dirty = true;
		log->written_next = upto;
		log->spare = buf;
		log->spare_cap = cap;
		pthread_cond_broadcast(&log->appended);
	} else {
		sk_warn("%s: write failed (%s); %zu bytes stay queued in memory", log->dir, strerror(saved), len);
		if (ftruncate(log->fd, (off_t)active->size) != 0) {
			sk_error("%s: cannot undo a partial write: %s", log->dir, strerror(errno));
		}
		/* Put the batch back in front of what arrived meanwhile. */
		size_t total = len + log->pending_len;
		char *merged = realloc(buf, total);
		if (merged != NULL) {
			memcpy(merged + len, log->pending, log->pending_len);
			log->spare = log->pending;
			log->spare_cap = log->pending_cap;
			log->pending = merged;
			log->pending_len = total;
			log->pending_cap = total;
		} else {
			sk_error("%s: out of memory re-queueing %zu bytes; those alerts are lost", log->dir, len);
			free(buf);
		}
	}
	log->flushing = false;
	log->inflight_len = 0;
	pthread_cond_broadcast(&log->written);
	return e;
}

/* One step towards an empty queue: waits for the flush in progress or
 * writes what is pending. Loop on the condition: the lock is dropped. */
static sk_err sal_drain_step(sal_log *log)
{
	if (log->flushing) {
		pthread_cond_wait(&log->written, &log->mu);
		return SK_OK;
	}
	return log->pending_len > 0 ? sal_flush_locked(log) : SK_OK;
}

/* Returns with nothing queued or being written (the lock held), unless a
 * write fails. */
static sk_err sal_drain_locked(sal_log *log)
{
	sk_err e = SK_OK;
	while (e == SK_OK && (log->flushing || log->pending_len > 0)) {
		e = sal_drain_step(log);
	}
	return e;
}

static void *sal_flusher_main(void *arg)
{
	sal_log *log = arg;
	int64_t last_bounds = 0;
	int64_t next_sync = 0;

	pthread_mutex_lock(&log->mu);
	while (!log->stopping) {
		/* After a failed write, wait for the timer before trying again. */
		if (log->pending_len > 0 && !log->flushing && sal_flush_locked(log) == SK_OK) {
			continue;
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)log->opt.sync_ms * 1000000u;
		ts.tv_sec += (time_t)(ns / 1000000000u);
		ts.tv_nsec = (long)(ns % 1000000000u);
		pthread_cond_timedwait(&log->work, &log->mu, &ts);
		struct timespec mono;
		clock_gettime(CLOCK_MONOTONIC, &mono);
		int64_t now_ms = (int64_t)mono.tv_sec * 1000 + mono.tv_nsec / 1000000;
		if (now_ms < next_sync) {
			continue;
		}
		next_sync = now_ms + log->opt.sync_ms;
		pthread_mutex_unlock(&log->mu);
		sal_sync(log);
		sal_persist_cursors(log);
		int64_t now = sal_now_s();
		if (now != last_bounds) {
			sal_enforce_bounds(log, now);
			last_bounds = now;
		}
		pthread_mutex_lock(&log->mu);
	}
	sal_drain_locked(log);
	pthread_mutex_unlock(&log->mu);
	return NULL;
}

static sk_err sal_mkdirs(const char *dir)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		return SK_ERANGE;
	}
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0700) != 0 && errno != EEXIST) {
				return SK_EIO;
			}
			*p = '/';
		}
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		return SK_EIO;
	}
	return SK_OK;
}

sk_err sal_open(const sal_options *opt, sal_log **out, char *err, size_t errlen)
{
	sal_log *log = calloc(1, sizeof(*log));
	sk_err e = SK_OK;

	*out = NULL;
	if (log == NULL) {
		return SK_ENOMEM;
	}
	log->opt = *opt;
	log->opt.segment_bytes = opt->segment_bytes != 0 ? opt->segment_bytes : 16u << 20;
	log->opt.max_bytes = opt->max_bytes != 0 ? opt->max_bytes : 1u << 30;
	log->opt.sync_ms = opt->sync_ms != 0 ? opt->sync_ms : 200;
	log->fd = -1;
	log->lockfd = -1;
	log->dirfd = -1;
	pthread_mutex_init(&log->mu, NULL);
	pthread_cond_init(&log->appended, NULL);
	pthread_cond_init(&log->written, NULL);
	pthread_cond_init(&log->work, NULL);
	log->dir = strdup(opt->dir != NULL ? opt->dir : "");
	if (log->dir == NULL) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	if (log->dir[0] == '\0' || sal_mkdirs(log->dir) != SK_OK) {
		snprintf(err, errlen, "spool directory \"%s\": cannot create: %s", log->dir, strerror(errno));
		e = SK_EIO;
		goto cleanup;
	}
	log->dirfd = open(log->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (log->dirfd < 0) {
		snprintf(err, errlen, "spool directory \"%s\": %s", log->dir, strerror(errno));
		e = SK_EIO;
		goto cleanup;
	}
	log->lockfd = openat(log->dirfd, "LOCK", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (log->lockfd < 0 || flock(log->lockfd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen, "spool directory \"%s\" is in use by another saker-sidekick (%s)", log->dir,
			 strerror(errno));
		e = SK_EEXIST;
		goto cleanup;
	}
	e = sal_scan(log, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	if (log->nsegs > 0) {
		e = sal_recover_tail(log, err, errlen);
	} else {
		log->next_seq = 1;
		log->written_next = 1;
		e = sal_new_segment(log);
		if (e != SK_OK) {
			snprintf(err, errlen, "spool directory \"%s\": cannot create a segment", log->dir);
		}
	}
	if (e != SK_OK) {
		goto cleanup;
	}
	if (pthread_create(&log->flusher, NULL, sal_flusher_main, log) != 0) {
		snprintf(err, errlen, "cannot start the spool flusher thread");
		e = SK_ENOMEM;
		goto cleanup;
	}
	pthread_setname_np(log->flusher, "spool-sync");
	log->flusher_started = true;
	*out = log;
	return SK_OK;
cleanup:
	sal_close(log);
	return e;
}

void sal_close(sal_log *log)
{
	if (log == NULL) {
		return;
	}
	if (log->flusher_started) {
		pthread_mutex_lock(&log->mu);
		log->stopping = true;
		pthread_cond_broadcast(&log->work);
		pthread_mutex_unlock(&log->mu);
		pthread_join(log->flusher, NULL);
	}
	if (log->fd >= 0) {
		fdatasync(log->fd);
		close(log->fd);
	}
	sal_persist_cursors(log);
	while (log->cursors != NULL) {
		sal_cursor *c = log->cursors;
		log->cursors = c->next;
		close(c->fd);
		free(c);
	}
	if (log->lockfd >= 0) {
		close(log->lockfd);
	}
	if (log->dirfd >= 0) {
		close(log->dirfd);
	}
	pthread_cond_destroy(&log->appended);
	pthread_cond_destroy(&log->written);
	pthread_cond_destroy(&log->work);
	free(log->pending);
	free(log->spare);
	pthread_mutex_destroy(&log->mu);
	free(log->segs);
	free(log->dir);
	free(log);
}

/* Makes room for n more pending bytes. Caller holds mu. */
static sk_err sal_pending_reserve(sal_log *log, size_t n)
{
	if (log->pending_len + n <= log->pending_cap) {
		return SK_OK;
	}
	size_t cap = log->pending_cap != 0 ? log->pending_cap : 64u << 10;
	while (cap < log->pending_len + n) {
		cap *= 2;
	}
	char *p = realloc(log->pending, cap);
	if (p == NULL) {
		return SK_ENOMEM;
	}
	log->pending = p;
	log->pending_cap = cap;
	return SK_OK;
}

static sk_err sal_append_mode(sal_log *log, int64_t time_ns, const void *data, size_t len, uint64_t *seq,
			      bool wait)
{
	uint8_t hdr[SAL_REC_HDR];
	sk_err e = SK_OK;

	if (len > SAL_MAX_RECORD) {
		return SK_ERANGE;
	}
	pthread_mutex_lock(&log->mu);
	if (log->pending_len + SAL_REC_HDR + len > SAL_PENDING_MAX) {
		e = SK_EFULL; /* the disk is not keeping up or failing */
		goto cleanup;
	}
	/* Rotate when this record would overflow the active segment. Queued
	 * bytes belong to the active segment, so they are written first; the
	 * check is redone after every step because the lock was dropped. */
	for (;;) {
		uint64_t logical = log->segs[log->nsegs - 1].size + log->inflight_len + log->pending_len;
		if (logical <= SAL_SEG_HDR || logical + SAL_REC_HDR + len <= log->opt.segment_bytes) {
			break;
		}
		if (log->flushing || log->pending_len > 0) {
			e = sal_drain_step(log);
		} else {
			e = sal_new_segment(log);
			break;
		}
		if (e != SK_OK) {
			break;
		}
	}
	if (e != SK_OK) {
		goto cleanup;
	}
	e = sal_pending_reserve(log, SAL_REC_HDR + len);
	if (e != SK_OK) {
		goto cleanup;
	}
	uint64_t mine = log->next_seq;
	sal_put32(hdr, (uint32_t)len);
	sal_put64(hdr + 8, mine);
	sal_put64(hdr + 16, (uint64_t)time_ns);
	sal_put32(hdr + 4, sal_crc(hdr, data, len));
	bool was_empty = log->pending_len == 0;
	memcpy(log->pending + log->pending_len, hdr, SAL_REC_HDR);
	memcpy(log->pending + log->pending_len + SAL_REC_HDR, data, len);
	log->pending_len += SAL_REC_HDR + len;
	log->next_seq++;
	if (seq != NULL) {
		*seq = mine;
	}
	if (!wait) {
		if (was_empty) {
			pthread_cond_signal(&log->work);
		}
		goto cleanup;
	}
	/* Group commit: whoever finds no write in progress writes everything
	 * pending, its own record and the ones queued behind it. */
	while (log->written_next <= mine) {
		if (!log->flushing) {
			e = sal_flush_locked(log);
			if (e != SK_OK) {
				break;
			}
		} else {
			pthread_cond_wait(&log->written, &log->mu);
		}
	}
cleanup:
	pthread_mutex_unlock(&log->mu);
	return e;
}

sk_err sal_append(sal_log *log, int64_t time_ns, const void *data, size_t len, uint64_t *seq)
{
	return sal_append_mode(log, time_ns, data, len, seq, true);
}

sk_err sal_append_nowait(sal_log *log, int64_t time_ns, const void *data, size_t len, uint64_t *seq)
{
	return sal_append_mode(log, time_ns, data, len, seq, false);
}

void sal_get_stats(sal_log *log, sal_stats *st)
{
	pthread_mutex_lock(&log->mu);
	st->first_seq = log->segs[0].first_seq;
	st->next_seq = log->next_seq;
	st->bytes = log->bytes;
	st->segments = log->nsegs;
	pthread_mutex_unlock(&log->mu);
}

bool sal_wait(sal_log *log, uint64_t seq, unsigned timeout_ms)
{
	struct timespec ts;
	bool have;

	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)timeout_ms * 1000000u;
	ts.tv_sec += (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	pthread_mutex_lock(&log->mu);
	if (log->written_next <= seq && !log->stopping) {
		pthread_cond_timedwait(&log->appended, &log->mu, &ts);
	}
	have = log->written_next > seq;
	pthread_mutex_unlock(&log->mu);
	return have;
}

void sal_wake_all(sal_log *log)
{
	pthread_mutex_lock(&log->mu);
	pthread_cond_broadcast(&log->appended);
	pthread_mutex_unlock(&log->mu);
}

sk_err sal_reader_open(sal_log *log, uint64_t seq, sal_reader **out)
{
	sal_reader *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return SK_ENOMEM;
	}
	r->log = log;
	r->seq = seq;
	r->fd = -1;
	if (seq == 0) {
		pthread_mutex_lock(&log->mu);
		r->seq = log->segs[0].first_seq;
		pthread_mutex_unlock(&log->mu);
	}
	*out = r;
	return SK_OK;
}

void sal_reader_close(sal_reader *r)
{
	if (r == NULL) {
		return;
	}
	if (r->fd >= 0) {
		close(r->fd);
	}
	free(r->buf);
	free(r);
}

uint64_t sal_reader_position(const sal_reader *r)
{
	return r->seq;
}

static void sal_reader_unposition(sal_reader *r)
{
	if (r->fd >= 0) {
		close(r->fd);
	}
	r->fd = -1;
	r->buf_len = 0;
}

/* Index of the segment holding seq (the last with first_seq <= seq), or -1
 * if seq precedes all. Caller holds mu. */
static long sal_find_segment(const sal_log *log, uint64_t seq)
{
	long lo = 0, hi = (long)log->nsegs - 1, found = -1;
	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		if (log->segs[mid].first_seq <= seq) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

/* Re-reads the reader's segment bounds under the lock; moves to the oldest
 * segment if retention deleted the one it wanted. Returns SK_EAGAIN when
 * there is nothing to read yet. */
static sk_err sal_reader_refresh(sal_reader *r, uint64_t *skipped)
{
	sal_log *log = r->log;
	sk_err e = SK_OK;

	pthread_mutex_lock(&log->mu);
	if (r->seq < log->segs[0].first_seq) {
		*skipped += log->segs[0].first_seq - r->seq;
		r->seq = log->segs[0].first_seq;
		sal_reader_unposition(r);
	}
	if (r->fd >= 0) {
		long idx = sal_find_segment(log, r->seg_first);
		if (idx < 0 || log->segs[idx].first_seq != r->seg_first) {
			sal_reader_unposition(r); /* deleted under us: reposition by seq */
		} else {
			r->limit = log->segs[idx].size;
			r->last = (size_t)idx == log->nsegs - 1;
		}
	}
	if (r->fd < 0) {
		long idx = sal_find_segment(log, r->seq);
		char name[32];
		if (r->seq >= log->next_seq || idx < 0) {
			e = SK_EAGAIN;
			goto cleanup;
		}
		sal_seg_name(log->segs[idx].first_seq, name, sizeof(name));
		r->fd = openat(log->dirfd, name, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			e = SK_EIO;
			goto cleanup;
		}
		r->seg_first = log->segs[idx].first_seq;
		r->off = SAL_SEG_HDR;
		r->limit = log->segs[idx].size;
		r->last = (size_t)idx == log->nsegs - 1;
		r->buf_len = 0;
	}
cleanup:
	pthread_mutex_unlock(&log->mu);
	return e;
}

/* Makes bytes [r->off, r->off + need) available in r->buf; false if the
 * segment does not hold them (yet). */
static bool sal_reader_fill(sal_reader *r, size_t need)
{
	if (r->off >= r->buf_off && r->off + need <= r->buf_off + r->buf_len) {
		return true;
	}
	if (r->off + need > r->limit) {
		return false;
	}
	size_t want = need > SAL_READ_CHUNK ? need : SAL_READ_CHUNK;
	if (r->off + want > r->limit) {
		want = (size_t)(r->limit - r->off);
	}
	if (r->buf_cap < want) {
		char *p = realloc(r->buf, want);
		if (p == NULL) {
			return false;
		}
		r->buf = p;
		r->buf_cap = want;
	}
	ssize_t got = pread(r->fd, r->buf, want, (off_t)r->off);
	if (got < (ssize_t)need) {
		return false;
	}
	r->buf_off = r->off;
	r->buf_len = (size_t)got;
	return true;
}

/* Leaves the current segment for the next one, counting what was not read
 * from it (a corrupt rest) as skipped. */
static void sal_reader_next_segment(sal_reader *r, uint64_t *skipped, bool corrupt)
{
	sal_log *log = r->log;
	pthread_mutex_lock(&log->mu);
	long idx = sal_find_segment(log, r->seg_first);
	uint64_t next_first = log->next_seq;
	if (idx >= 0 && (size_t)idx + 1 < log->nsegs) {
		next_first = log->segs[idx + 1].first_seq;
	}
	pthread_mutex_unlock(&log->mu);
	if (corrupt) {
		sk_warn("%s/%016" PRIx64 ".seg: corrupt record at offset %" PRIu64 ", skipping %" PRIu64
			" records",
			log->dir, r->seg_first, r->off, next_first > r->seq ? next_first - r->seq : 0);
	}
	if (next_first > r->seq) {
		*skipped += next_first - r->seq;
		r->seq = next_first;
	}
	sal_reader_unposition(r);
}

sk_err sal_reader_next(sal_reader *r, sal_record *rec, uint64_t *skipped)
{
	uint64_t dummy = 0;
	uint64_t *skip = skipped != NULL ? skipped : &dummy;
	/* Bounded: each pass consumes a record or a segment, or returns. */
	for (int pass = 0; pass < 1 << 30; pass++) {
		if (r->fd < 0 || r->off + SAL_REC_HDR > r->limit) {
			sk_err e = sal_reader_refresh(r, skip);
			if (e != SK_OK) {
				return e;
			}
			if (r->off + SAL_REC_HDR > r->limit) {
				if (r->last) {
					return SK_EAGAIN;
				}
				sal_reader_next_segment(r, skip, false);
				continue;
			}
		}
		if (!sal_reader_fill(r, SAL_REC_HDR)) {
			sal_reader_next_segment(r, skip, true);
			continue;
		}
		const uint8_t *hdr = (const uint8_t *)r->buf + (r->off - r->buf_off);
		uint32_t len = sal_get32(hdr);
		if (len > SAL_MAX_RECORD || r->off + SAL_REC_HDR + len > r->limit ||
		    !sal_reader_fill(r, SAL_REC_HDR + len)) {
			sal_reader_next_segment(r, skip, true);
			continue;
		}
		hdr = (const uint8_t *)r->buf + (r->off - r->buf_off);
		const char *data = (const char *)hdr + SAL_REC_HDR;
		uint64_t seq = sal_get64(hdr + 8);
		if (sal_crc(hdr, data, len) != sal_get32(hdr + 4)) {
			sal_reader_next_segment(r, skip, true);
			continue;
		}
		r->off += SAL_REC_HDR + len;
		if (seq < r->seq) {
			continue; /* seeking forward inside the segment */
		}
		*skip += seq - r->seq;
		r->seq = seq + 1;
		rec->seq = seq;
		rec->time_ns = (int64_t)sal_get64(hdr + 16);
		rec->data = data;
		rec->len = len;
		return SK_OK;
	}
	return SK_EINTERNAL;
}

sk_err sal_reader_seek_time(sal_reader *r, int64_t time_ns)
{
	sal_log *log = r->log;
	uint8_t hdr[SAL_REC_HDR];
	char *payload = NULL;
	size_t cap = 0;
	uint64_t start = 0;

	/* The last segment whose first record is not after time_ns. */
	pthread_mutex_lock(&log->mu);
	for (size_t i = 0; i < log->nsegs; i++) {
		char name[32];
		sal_seg_name(log->segs[i].first_seq, name, sizeof(name));
		int fd = openat(log->dirfd, name, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			continue;
		}
		sk_err e = sal_read_record_at(fd, SAL_SEG_HDR, log->segs[i].size, hdr, &payload, &cap);
		close(fd);
		if (e != SK_OK || (int64_t)sal_get64(hdr + 16) > time_ns) {
			break;
		}
		start = log->segs[i].first_seq;
	}
	if (start == 0) {
		start = log->segs[0].first_seq;
	}
	pthread_mutex_unlock(&log->mu);
	free(payload);
	sal_reader_unposition(r);
	r->seq = start;
	/* Then forward to the first record at or after time_ns. */
	for (;;) {
		sal_record rec;
		sk_err e = sal_reader_next(r, &rec, NULL);
		if (e != SK_OK) {
			return e == SK_EAGAIN ? SK_OK : e;
		}
		if (rec.time_ns >= time_ns) {
			/* Re-open at this record: next() skips forward to it. */
			sal_reader_unposition(r);
			r->seq = rec.seq;
			return SK_OK;
		}
	}
}

sk_err sal_cursor_open(sal_log *log, const char *name, sal_cursor **out)
{
	char file[80];
	char text[32] = {0};
	size_t len = strlen(name);

	*out = NULL;
	/* an output's name ("aws.sqs"): a file name after "cursor.", never a path */
	if (len == 0 || len >= 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != len) {
		return SK_EINVAL;
	}
	sal_cursor *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return SK_ENOMEM;
	}
	memcpy(c->name, name, len + 1);
	c->log = log;
	snprintf(file, sizeof(file), "cursor.%s", name);
	c->fd = openat(log->dirfd, file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (c->fd < 0) {
		free(c);
		return SK_EIO;
	}
	ssize_t n = pread(c->fd, text, sizeof(text) - 1, 0);
	uint64_t seq = 0;
	if (n > 0) {
		seq = strtoull(text, NULL, 10);
	}
	pthread_mutex_lock(&log->mu);
	if (seq == 0 || seq > log->next_seq) {
		seq = log->next_seq;
	}
	atomic_store(&c->seq, seq);
	c->persisted = n > 0 ? seq : 0;
	c->next = log->cursors;
	log->cursors = c;
	pthread_mutex_unlock(&log->mu);
	*out = c;
	return SK_OK;
}

uint64_t sal_cursor_get(const sal_cursor *c)
{
	return atomic_load(&c->seq);
}

void sal_cursor_set(sal_cursor *c, uint64_t seq)
{
	uint64_t cur = atomic_load(&c->seq);
	while (seq > cur && !atomic_compare_exchange_weak(&c->seq, &cur, seq)) {
	}
}
