/* logstash plugin glue: logstash.address, port (5044), tls, mutualtls with
 * certfile, keyfile and cacertfile (over the shared mutual TLS files),
 * checkcert, tags. One JSON line per alert on a kept TCP connection.
 *
 * libcurl opens the connection (CONNECT_ONLY: TCP, and the TLS handshake
 * with the keys every output shares), then its raw send carries the lines:
 * no TLS code of our own. Logstash never answers on this connection: before
 * each write, a close seen on it drops the connection and dials again. */
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "logstash.h"
#include "spl_http.h"
#include "spl_util.h"

#define LOGSTASH_DEFAULT_TIMEOUT_MS 5000

typedef struct logstash_state {
	const saker_plugin_host *host;
	char url[600];
	bool tls;
	int64_t timeout_ms;
	spl_strlist tags;
	CURL *curl; /* connected, or NULL */
	char curl_err[CURL_ERROR_SIZE];
	sk_strbuf line;
} logstash_state;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drop_connection(logstash_state *st)
{
	if (st->curl != NULL) {
		curl_easy_cleanup(st->curl);
		st->curl = NULL;
	}
}

static void logstash_close(void *state)
{
	logstash_state *st = state;

	if (st != NULL) {
		drop_connection(st);
		spl_strlist_free(&st->tags);
		sk_strbuf_free(&st->line);
		free(st);
	}
}

/* TLS settings: with mutualtls, each client file is the first readable of
 * logstash's own key, the shared mutualtlsclient.* key and the file in
 * mutualtlsfilespath, as in Falcosidekick (its CA is added to the system
 * ones, the server always verified); otherwise the keys every output shares
 * (checkcert, tlsclient.cacertfile). SK_ENOENT with err set when a mutual
 * TLS file is missing. */
static sk_err tls_setup(const saker_plugin_host *host, CURL *curl, char *err, size_t errlen)
{
	static const struct {
		const char *own, *shared, *file;
		CURLoption opt;
	} files[] = {{"certfile", "mutualtlsclient.certfile", "client.crt", CURLOPT_SSLCERT},
		     {"keyfile", "mutualtlsclient.keyfile", "client.key", CURLOPT_SSLKEY},
		     {"cacertfile", "mutualtlsclient.cacertfile", "ca.crt", CURLOPT_CAINFO}};

	curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (!host->config_bool(host->ctx, "mutualtls", false)) {
		return spl_curl_tls(curl, host, err, errlen);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char in_dir[4096];
		const char *candidates[3] = {host->config_string(host->ctx, files[i].own, ""),
					     host->config_string(host->ctx, files[i].shared, ""), in_dir};
		const char *path = NULL;

		snprintf(in_dir, sizeof(in_dir), "%s/%s",
			 host->config_string(host->ctx, "mutualtlsfilespath", "/etc/certs"), files[i].file);
		for (size_t c = 0; c < 3 && path == NULL; c++) {
			if (candidates[c][0] != '\0' && spl_file_readable(candidates[c])) {
				path = candidates[c];
			}
		}
		if (path == NULL) {
			snprintf(err, errlen, "mutualtls: no readable %s (%s, %s or %s)", files[i].file, files[i].own,
				 files[i].shared, in_dir);
			return SK_ENOENT;
		}
		curl_easy_setopt(curl, files[i].opt, path);
	}
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	return SK_OK;
}

/* Dials the server (and does the TLS handshake); RETRY with err set when
 * it cannot, FAIL when the TLS setup itself is wrong. */
static saker_send_result dial(logstash_state *st, char *err, size_t errlen)
{
	CURL *curl = curl_easy_init();
	CURLcode cc;

	if (curl == NULL) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	st->curl_err[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, st->url);
	curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, st->curl_err);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)st->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	/* the files were checked by init; they may have gone since */
	if (st->tls && tls_setup(st->host, curl, err, errlen) != SK_OK) {
		curl_easy_cleanup(curl);
		return SAKER_SEND_FAIL;
	}
	cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s: %s", st->url, curl_easy_strerror(cc), st->curl_err[0] ? st->curl_err : "-");
		curl_easy_cleanup(curl);
		return SAKER_SEND_RETRY;
	}
	st->curl = curl;
	return SAKER_SEND_OK;
}

/* The connection's socket, or -1. */
static int active_socket(CURL *curl)
{
	curl_socket_t fd = CURL_SOCKET_BAD;

	if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD) {
		return -1;
	}
	return (int)fd;
}

/* True when the server has closed the kept connection. Readable bytes are
 * read through libcurl: TLS records such as TLS 1.3 session tickets are
 * taken by the TLS layer (CURLE_AGAIN), an end of stream or an error means
 * the connection is gone. */
static bool connection_gone(CURL *curl)
{
	int fd = active_socket(curl);
	struct pollfd p = {fd, POLLIN | POLLRDHUP, 0};
	char buf[512];

	if (fd < 0) {
		return true;
	}
	if (poll(&p, 1, 0) == 0) {
		return false;
	}
	if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
		return true;
	}
	for (int i = 0; i < 16; i++) {
		size_t n = 0;
		CURLcode cc = curl_easy_recv(curl, buf, sizeof(buf), &n);
		if (cc == CURLE_AGAIN) {
			return false;
		}
		if (cc != CURLE_OK || n == 0) {
			return true;
		}
	}
	return false; /* Logstash does not write; whatever it was, it is read */
}

/* Writes len bytes within the deadline; RETRY with err set when it cannot. */
static saker_send_result write_all(logstash_state *st, const char *data, size_t len, long long deadline, char *err,
				   size_t errlen)
{
	size_t done = 0;

	while (done < len) {
		size_t n = 0;
		CURLcode cc = curl_easy_send(st->curl, data + done, len - done, &n);
		if (cc == CURLE_AGAIN) {
			struct pollfd p = {active_socket(st->curl), POLLOUT, 0};
			long long left = deadline - now_ms();
			if (left <= 0 || p.fd < 0 || poll(&p, 1, (int)left) <= 0) {
				snprintf(err, errlen, "%s: send timed out", st->url);
				return SAKER_SEND_RETRY;
			}
			continue;
		}
		if (cc != CURLE_OK) {
			snprintf(err, errlen, "%s: %s", st->url, curl_easy_strerror(cc));
			return SAKER_SEND_RETRY;
		}
		done += n;
	}
	return SAKER_SEND_OK;
}

static saker_send_result logstash_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	logstash_state *st = state;
	long long deadline = now_ms() + st->timeout_ms;
	saker_send_result r;

	sk_strbuf_reset(&st->line);
	if (logstash_line(&st->line, alert, &st->tags) != SK_OK) {
		snprintf(err, errlen, "out of memory building the event");
		return SAKER_SEND_RETRY;
	}
	if (st->curl != NULL && connection_gone(st->curl)) {
		drop_connection(st);
	}
	if (st->curl == NULL) {
		r = dial(st, err, errlen);
		if (r != SAKER_SEND_OK) {
			return r;
		}
	}
	r = write_all(st, st->line.data, st->line.len, deadline, err, errlen);
	if (r != SAKER_SEND_OK) {
		drop_connection(st);
	}
	return r;
}

static bool logstash_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *address = host->config_string(host->ctx, "address", "");
	int64_t port = host->config_int(host->ctx, "port", 5044);
	logstash_state *st = NULL;
	char why[512];

	if (spl_curl_global(err, errlen) != SK_OK) {
		return false;
	}
	if (port < 1 || port > 65535) {
		snprintf(err, errlen, "port %lld: want 1..65535", (long long)port);
		return false;
	}
	/* a host name or address, not a URL: it becomes one here */
	if (address[0] == '\0' || strpbrk(address, "/?#@ ") != NULL) {
		snprintf(err, errlen, "address '%s': want a host name or IP address", address);
		return false;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->host = host;
	st->tls = host->config_bool(host->ctx, "tls", false) || host->config_bool(host->ctx, "mutualtls", false);
	st->timeout_ms = host->config_int(host->ctx, "timeout", LOGSTASH_DEFAULT_TIMEOUT_MS);
	/* an IPv6 literal needs its brackets in the URL */
	bool v6 = strchr(address, ':') != NULL && address[0] != '[';
	snprintf(st->url, sizeof(st->url), "%s://%s%s%s:%lld", st->tls ? "https" : "http", v6 ? "[" : "", address,
		 v6 ? "]" : "", (long long)port);
	if (spl_strlist_from_config(host, "tags", &st->tags) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		logstash_close(st);
		return false;
	}
	/* the TLS files must be readable now, as for every output */
	if (st->tls) {
		CURL *probe = curl_easy_init();
		bool ok = probe != NULL && tls_setup(host, probe, why, sizeof(why)) == SK_OK;
		if (probe != NULL) {
			curl_easy_cleanup(probe);
		}
		if (!ok) {
			snprintf(err, errlen, "%s", probe != NULL ? why : "out of memory");
			logstash_close(st);
			return false;
		}
	}
	/* Falcosidekick connects at start; a server not there yet is retried */
	if (dial(st, why, sizeof(why)) != SAKER_SEND_OK) {
		host->log(host->ctx, SAKER_LOG_WARNING, "%s (retried with the first alert)", why);
	}
	*state = st;
	return true;
}

static const saker_output_plugin logstash_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "logstash",
	.description = "Logstash tcp input (json_lines), the Falco alert, TLS optional",
	.required_key = "address",
	.max_batch = 1,
	.init = logstash_init,
	.send = logstash_send,
	.send_batch = NULL,
	.close = logstash_close,
};

SPL_PLUGIN_ENTRY(logstash_plugin)
