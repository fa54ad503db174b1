/* syslog plugin glue: syslog.host, port, protocol (tcp or udp), format
 * (json or cef). One message per alert on a kept connection (TCP: redialled
 * once when the server dropped it). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "spl_util.h"
#include "syslog_out.h"

#define SYSLOG_TIMEOUT_MS 5000

typedef struct syslog_state {
	const char *host, *port;
	bool udp, cef;
	int fd;
	char hostname[256];
	sk_strbuf msg, frame;
} syslog_state;

static void syslog_close(void *state)
{
	syslog_state *st = state;
	if (st != NULL) {
		if (st->fd >= 0) {
			close(st->fd);
		}
		sk_strbuf_free(&st->msg);
		sk_strbuf_free(&st->frame);
		free(st);
	}
}

/* Connects to host:port (TCP within SYSLOG_TIMEOUT_MS); -1 with err set. */
static int dial(const syslog_state *st, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = st->udp ? SOCK_DGRAM : SOCK_STREAM}, *res = NULL;
	int rc = getaddrinfo(st->host, st->port, &hints, &res);
	int fd = -1;
	if (rc != 0) {
		snprintf(err, errlen, "%s:%s: %s", st->host, st->port, gai_strerror(rc));
		return -1;
	}
	for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			continue;
		}
		rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc != 0 && errno == EINPROGRESS) {
			struct pollfd p = {fd, POLLOUT, 0};
			int soerr = 0;
			socklen_t len = sizeof(soerr);
			rc = poll(&p, 1, SYSLOG_TIMEOUT_MS) == 1 &&
					     getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0
				     ? 0
				     : -1;
			errno = soerr != 0 ? soerr : ETIMEDOUT;
		}
		if (rc != 0) {
			snprintf(err, errlen, "%s:%s: %s", st->host, st->port, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* Writes len bytes within the timeout; false with err set. */
static bool write_all(int fd, const char *buf, size_t len, char *err, size_t errlen)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd p = {fd, POLLOUT, 0};
			if (poll(&p, 1, SYSLOG_TIMEOUT_MS) != 1) {
				snprintf(err, errlen, "send: timed out");
				return false;
			}
			continue;
		}
		if (n < 0) {
			snprintf(err, errlen, "send: %s", strerror(errno));
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Whether a kept TCP connection still stands: a syslog server never
 * writes, so anything readable is its close (or an error). */
static bool still_open(int fd)
{
	struct pollfd p = {fd, POLLIN | POLLRDHUP, 0};
	return poll(&p, 1, 0) == 0;
}

static bool syslog_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *protocol = host->config_string(host->ctx, "protocol", "tcp");
	const char *format = host->config_string(host->ctx, "format", "json");
	syslog_state *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->fd = -1;
	st->host = host->config_string(host->ctx, "host", "");
	st->port = host->config_string(host->ctx, "port", "514");
	st->udp = strcasecmp(protocol, "udp") == 0;
	st->cef = strcasecmp(format, "cef") == 0;
	if (gethostname(st->hostname, sizeof(st->hostname)) != 0) {
		snprintf(st->hostname, sizeof(st->hostname), "localhost");
	}
	bool ok = true;
	if (!st->udp && protocol[0] != '\0' && strcasecmp(protocol, "tcp") != 0) {
		snprintf(err, errlen, "protocol '%s': want tcp or udp", protocol);
		ok = false;
	} else if (!st->cef && format[0] != '\0' && strcasecmp(format, "json") != 0) {
		snprintf(err, errlen, "format '%s': want json or cef", format);
		ok = false;
	} else if (st->host[0] == '\0' || st->port[0] == '\0') {
		snprintf(err, errlen, "host and port: both are needed");
		ok = false;
	}
	if (!ok) {
		syslog_close(st);
		return false;
	}
	*state = st; /* the first alert dials: the server may start after the sidekick */
	return true;
}

static saker_send_result syslog_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	syslog_state *st = state;
	sk_strbuf_reset(&st->msg);
	sk_strbuf_reset(&st->frame);
	if (st->cef) {
		syslog_cef(&st->msg, alert);
	} else {
		sk_strbuf_append(&st->msg, alert->json, alert->json_len);
	}
	syslog_frame(&st->frame, alert->priority_num, time(NULL), st->hostname, getpid(), sk_strbuf_str(&st->msg),
		     st->msg.len);
	if (spl_check_buf(&st->frame, err, errlen) != SAKER_SEND_OK || spl_check_buf(&st->msg, err, errlen) != SAKER_SEND_OK) {
		return SAKER_SEND_RETRY;
	}
	/* a kept TCP connection the server closed fails once: dial again */
	if (st->fd >= 0 && !st->udp && !still_open(st->fd)) {
		close(st->fd);
		st->fd = -1;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		if (st->fd < 0) {
			st->fd = dial(st, err, errlen);
			if (st->fd < 0) {
				return SAKER_SEND_RETRY;
			}
		}
		if (write_all(st->fd, st->frame.data, st->frame.len, err, errlen)) {
			return SAKER_SEND_OK;
		}
		close(st->fd);
		st->fd = -1;
	}
	return SAKER_SEND_RETRY;
}

static const saker_output_plugin syslog_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "syslog",
	.description = "remote syslog over TCP or UDP, Falcosidekick's JSON or CEF message",
	.required_key = "host",
	.max_batch = 1,
	.init = syslog_init,
	.send = syslog_send,
	.send_batch = NULL,
	.close = syslog_close,
};

SPL_PLUGIN_ENTRY(syslog_plugin)
