/* statsd and dogstatsd plugin glue (one source, two plugins: built with
 * STATSD_FLAVOUR_DOG it is dogstatsd): forwarder ("host:port", or
 * "unix:///path" for a Unix datagram socket, as datadog-go takes it),
 * namespace, tags. One datagram per alert on a kept socket. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "statsd.h"

#ifdef STATSD_FLAVOUR_DOG
#define STATSD_NAME "dogstatsd"
#define STATSD_DESCRIPTION "DogStatsD counters over UDP, Falcosidekick's metrics with tags"
#define STATSD_DOG true
#else
#define STATSD_NAME "statsd"
#define STATSD_DESCRIPTION "StatsD counters over UDP, Falcosidekick's metrics"
#define STATSD_DOG false
#endif

typedef struct statsd_state {
	statsd_config cfg;
	spl_strlist tags;
	char host[256], port[8];
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* "" for UDP */
	int fd;
	sk_strbuf datagram;
} statsd_state;

static void statsd_close(void *state)
{
	statsd_state *st = state;
	if (st != NULL) {
		if (st->fd >= 0) {
			close(st->fd);
		}
		spl_strlist_free(&st->tags);
		sk_strbuf_free(&st->datagram);
		free(st);
	}
}

/* Splits forwarder into st: "unix:///path", "[v6]:port" or "host:port"
 * (an empty host is the local one, as Go dials it). */
static sk_err parse_forwarder(statsd_state *st, const char *forwarder, char *err, size_t errlen)
{
	if (strncmp(forwarder, "unix://", 7) == 0) {
		const char *path = forwarder + 7;
		if (path[0] == '\0' || strlen(path) >= sizeof(st->unix_path)) {
			snprintf(err, errlen, "forwarder '%.200s': want unix:// and a socket path", forwarder);
			return SK_EINVAL;
		}
		snprintf(st->unix_path, sizeof(st->unix_path), "%s", path);
		return SK_OK;
	}
	const char *colon = strrchr(forwarder, ':');
	const char *host = forwarder;
	size_t hostlen = colon != NULL ? (size_t)(colon - forwarder) : 0;
	if (colon != NULL && hostlen >= 2 && host[0] == '[' && host[hostlen - 1] == ']') {
		host++;
		hostlen -= 2;
	}
	long port = colon != NULL && colon[1] != '\0' && strlen(colon + 1) <= 5 &&
				    strspn(colon + 1, "0123456789") == strlen(colon + 1)
			    ? strtol(colon + 1, NULL, 10)
			    : 0;
	if (port < 1 || port > 65535 || hostlen >= sizeof(st->host) || memchr(host, '/', hostlen) != NULL) {
		snprintf(err, errlen, "forwarder '%.200s': want host:port or unix:///path", forwarder);
		return SK_EINVAL;
	}
	memcpy(st->host, host, hostlen);
	st->host[hostlen] = '\0';
	snprintf(st->port, sizeof(st->port), "%ld", port);
	return SK_OK;
}

/* Opens a datagram socket connected to the forwarder into st->fd. */
static sk_err dial(statsd_state *st, char *err, size_t errlen)
{
	if (st->unix_path[0] != '\0') {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		memcpy(sun.sun_path, st->unix_path, strlen(st->unix_path) + 1);
		int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0 || connect(fd, (const struct sockaddr *)&sun, sizeof(sun)) != 0) {
			snprintf(err, errlen, "unix://%s: %s", st->unix_path, strerror(errno));
			if (fd >= 0) {
				close(fd);
			}
			return SK_EIO;
		}
		st->fd = fd;
		return SK_OK;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *res = NULL;
	int rc = getaddrinfo(st->host[0] != '\0' ? st->host : NULL, st->port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s:%s: %s", st->host, st->port, gai_strerror(rc));
		return SK_ENOENT;
	}
	for (struct addrinfo *ai = res; ai != NULL && st->fd < 0; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			snprintf(err, errlen, "%s:%s: %s", st->host, st->port, strerror(errno));
			close(fd);
			continue;
		}
		st->fd = fd;
	}
	freeaddrinfo(res);
	return st->fd >= 0 ? SK_OK : SK_EIO;
}

/* Copies the tags list (blanks around each tag trimmed, empty tags
 * dropped), refusing a tag that would break the line format. */
static sk_err read_tags(statsd_state *st, const saker_plugin_host *host, char *err, size_t errlen)
{
	size_t kept = 0;
	if (spl_strlist_from_config(host, "tags", &st->tags) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < st->tags.n; i++) {
		char *tag = st->tags.items[i];
		size_t lead = strspn(tag, " \t"), len = strlen(tag + lead);
		memmove(tag, tag + lead, len + 1);
		while (len > 0 && (tag[len - 1] == ' ' || tag[len - 1] == '\t')) {
			tag[--len] = '\0';
		}
		if (len == 0) {
			free(tag);
			continue;
		}
		st->tags.items[kept++] = tag;
	}
	st->tags.n = kept;
	for (size_t i = 0; i < st->tags.n; i++) {
		if (!statsd_token_ok(st->tags.items[i], true)) {
			snprintf(err, errlen, "tags '%.200s': no control character or '|' in a tag", st->tags.items[i]);
			return SK_EINVAL;
		}
	}
	st->cfg.tags = &st->tags;
	return SK_OK;
}

static bool statsd_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	statsd_state *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->fd = -1;
	st->cfg.dogstatsd = STATSD_DOG;
	st->cfg.namespace_ = host->config_string(host->ctx, "namespace", "falcosidekick.");
	sk_err rc = parse_forwarder(st, host->config_string(host->ctx, "forwarder", ""), err, errlen);
	if (rc == SK_OK && !statsd_token_ok(st->cfg.namespace_, false)) {
		snprintf(err, errlen, "namespace '%.200s': no blank, control character or ':|#,@'", st->cfg.namespace_);
		rc = SK_EINVAL;
	}
	if (rc == SK_OK) {
		rc = read_tags(st, host, err, errlen);
	}
	if (rc != SK_OK) {
		statsd_close(st);
		return false;
	}
	*state = st; /* the first alert dials: the agent may start after the sidekick */
	return true;
}

static saker_send_result statsd_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	statsd_state *st = state;
	sk_strbuf_reset(&st->datagram);
	if (statsd_payload(&st->datagram, &st->cfg, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	if (st->datagram.len > STATSD_MAX_DATAGRAM) {
		snprintf(err, errlen, "datagram of %zu bytes: over %d", st->datagram.len, STATSD_MAX_DATAGRAM);
		return SAKER_SEND_FAIL;
	}
	if (st->fd < 0 && dial(st, err, errlen) != SK_OK) {
		return SAKER_SEND_RETRY;
	}
	ssize_t n = send(st->fd, st->datagram.data, st->datagram.len, MSG_NOSIGNAL);
	if (n == (ssize_t)st->datagram.len) {
		return SAKER_SEND_OK;
	}
	/* ECONNREFUSED: an earlier datagram found nobody listening (ICMP);
	 * this one did not go. Any error: a fresh socket next time. */
	snprintf(err, errlen, "send: %s", n < 0 ? strerror(errno) : "short datagram");
	close(st->fd);
	st->fd = -1;
	return SAKER_SEND_RETRY;
}

static const saker_output_plugin statsd_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = STATSD_NAME,
	.description = STATSD_DESCRIPTION,
	.required_key = "forwarder",
	.max_batch = 1,
	.init = statsd_init,
	.send = statsd_send,
	.send_batch = NULL,
	.close = statsd_close,
};

SPL_PLUGIN_ENTRY(statsd_plugin)
