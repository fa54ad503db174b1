/* file: one Falco JSON alert per line appended to `path`, rotated by size
 * (`maxsize` bytes, 0 = never) keeping `maxbackups` old files path.1 ... */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "saker/output_plugin.h"
#include "spl_util.h"

#define FILE_MAX_BACKUPS 100

typedef struct file_state {
	char path[PATH_MAX];
	int fd;
	off_t size;        /* bytes in the current file */
	ino_t ino;         /* identity of the open file, to notice logrotate */
	dev_t dev;
	int64_t maxsize;   /* rotate before a write would pass this; 0 = never */
	int64_t maxbackups;
	sk_strbuf lines;
} file_state;

static void file_close_fd(file_state *st)
{
	if (st->fd >= 0) {
		close(st->fd);
		st->fd = -1;
	}
}

static sk_err file_open(file_state *st, char *err, size_t errlen)
{
	struct stat sb;

	/* 0600: alerts carry command lines and user names. O_NONBLOCK keeps
	 * a FIFO planted at path from blocking the open. */
	st->fd = open(st->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (st->fd < 0 || fstat(st->fd, &sb) != 0) {
		snprintf(err, errlen, "open %s: %s", st->path, strerror(errno));
		file_close_fd(st);
		return SK_EIO;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", st->path);
		file_close_fd(st);
		return SK_EINVAL;
	}
	st->size = sb.st_size;
	st->ino = sb.st_ino;
	st->dev = sb.st_dev;
	return SK_OK;
}


/* Shifts path.N-1 -> path.N ... path -> path.1 and starts an empty file. */
static sk_err file_rotate(file_state *st, char *err, size_t errlen)
{
	char from[PATH_MAX + 24], to[PATH_MAX + 24];

	file_close_fd(st);
	for (int64_t i = st->maxbackups - 1; i >= 1; i--) {
		snprintf(from, sizeof(from), "%s.%lld", st->path, (long long)i);
		snprintf(to, sizeof(to), "%s.%lld", st->path, (long long)(i + 1));
		if (rename(from, to) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "rotate %s: %s", from, strerror(errno));
		}
	}
	snprintf(to, sizeof(to), "%s.1", st->path);
	if (st->maxbackups == 0) {
		if (unlink(st->path) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "rotate %s: %s", st->path, strerror(errno));
		}
	} else if (rename(st->path, to) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "rotate %s: %s", st->path, strerror(errno));
	}
	return file_open(st, err, errlen);
}

/* True when path no longer names the open file (moved or deleted by
 * logrotate or an operator): the next write goes to a fresh file. */
static bool file_moved(const file_state *st)
{
	struct stat sb;

	return stat(st->path, &sb) != 0 || sb.st_ino != st->ino || sb.st_dev != st->dev;
}

/* Makes fd ready for len more bytes: reopens a moved file, rotates a full one. */
static sk_err file_prepare(file_state *st, size_t len, char *err, size_t errlen)
{
	if (st->fd >= 0 && file_moved(st)) {
		file_close_fd(st);
	}
	if (st->fd < 0) {
		return file_open(st, err, errlen);
	}
	if (st->maxsize > 0 && st->size > 0 && st->size + (off_t)len > st->maxsize) {
		return file_rotate(st, err, errlen);
	}
	return SK_OK;
}

static void file_close(void *state)
{
	file_state *st = state;

	if (st != NULL) {
		file_close_fd(st);
		sk_strbuf_free(&st->lines);
		free(st);
	}
}

static bool file_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *path = host->config_string(host->ctx, "path", "");
	file_state *st = NULL;
	sk_err rc = SK_OK;

	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->fd = -1;
	st->maxsize = host->config_int(host->ctx, "maxsize", 0);
	st->maxbackups = host->config_int(host->ctx, "maxbackups", 5);
	if (*path == '\0' || strlen(path) >= sizeof(st->path)) {
		snprintf(err, errlen, "path: want a file name shorter than %zu bytes", sizeof(st->path));
		rc = SK_EINVAL;
	} else if (st->maxsize < 0) {
		snprintf(err, errlen, "maxsize %lld: want >= 0 bytes", (long long)st->maxsize);
		rc = SK_ERANGE;
	} else if (st->maxbackups < 0 || st->maxbackups > FILE_MAX_BACKUPS) {
		snprintf(err, errlen, "maxbackups %lld: want 0..%d", (long long)st->maxbackups, FILE_MAX_BACKUPS);
		rc = SK_ERANGE;
	}
	if (rc == SK_OK) {
		strcpy(st->path, path);
		rc = file_open(st, err, errlen);
	}
	if (rc != SK_OK) {
		file_close(st);
		return false;
	}
	*state = st;
	return true;
}

static saker_send_result file_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					 size_t errlen)
{
	file_state *st = state;
	saker_send_result res;
	size_t written = 0;

	res = spl_build_lines(&st->lines, alerts, n, err, errlen);
	if (res != SAKER_SEND_OK) {
		return res;
	}
	if (file_prepare(st, st->lines.len, err, errlen) != SK_OK) {
		return SAKER_SEND_RETRY;
	}
	if (spl_write_all(st->fd, st->lines.data, st->lines.len, &written) != SK_OK) {
		snprintf(err, errlen, "write %s: %s", st->path, strerror(errno));
		/* Take back a partial batch so the retry leaves no torn line. */
		if (written > 0 && ftruncate(st->fd, st->size) != 0) {
			file_close_fd(st);
		}
		return SAKER_SEND_RETRY;
	}
	st->size += (off_t)written;
	return SAKER_SEND_OK;
}

static saker_send_result file_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return file_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin file_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "file",
	.description = "one Falco JSON alert per line in a file, rotated by size",
	.required_key = "path",
	.max_batch = 256,
	.init = file_init,
	.send = file_send,
	.send_batch = file_send_batch,
	.close = file_close,
};

SPL_PLUGIN_ENTRY(file_plugin)
