#include "spl_stream.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "spl_http.h"

struct spl_stream {
	char *url;
	int64_t timeout_ms;
	spl_stream_setup_fn setup;
	void *user;
	CURL *curl; /* connected, or NULL */
	char curl_err[CURL_ERROR_SIZE];
};

static long long spl_stream_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void spl_stream_drop(spl_stream *s)
{
	if (s->curl != NULL) {
		curl_easy_cleanup(s->curl);
		s->curl = NULL;
	}
}

sk_err spl_stream_new(const char *url, int64_t timeout_ms, spl_stream_setup_fn setup, void *user, spl_stream **out,
		      char *err, size_t errlen)
{
	spl_stream *s = NULL;
	sk_err rc = spl_curl_global(err, errlen);

	*out = NULL;
	if (rc != SK_OK) {
		return rc;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->url = strdup(url)) == NULL) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	s->timeout_ms = timeout_ms;
	s->setup = setup;
	s->user = user;
	*out = s;
	return SK_OK;
}

saker_send_result spl_stream_dial(spl_stream *s, char *err, size_t errlen)
{
	if (s->curl != NULL) {
		return SAKER_SEND_OK;
	}
	CURL *curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	s->curl_err[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, s->url);
	curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, s->curl_err);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)s->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	/* the files were checked at start; they may have gone since */
	if (s->setup != NULL && s->setup(s->user, curl, err, errlen) != SK_OK) {
		curl_easy_cleanup(curl);
		return SAKER_SEND_FAIL;
	}
	CURLcode cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s: %s", s->url, curl_easy_strerror(cc), s->curl_err[0] ? s->curl_err : "-");
		curl_easy_cleanup(curl);
		return SAKER_SEND_RETRY;
	}
	s->curl = curl;
	return SAKER_SEND_OK;
}

/* The connection's socket, or -1. */
static int spl_stream_socket(CURL *curl)
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
static bool spl_stream_gone(CURL *curl)
{
	int fd = spl_stream_socket(curl);
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
	return false; /* these servers do not write; whatever it was, it is read */
}

saker_send_result spl_stream_write(spl_stream *s, const char *data, size_t len, char *err, size_t errlen)
{
	long long deadline = spl_stream_now_ms() + s->timeout_ms;
	size_t done = 0;

	if (s->curl != NULL && spl_stream_gone(s->curl)) {
		spl_stream_drop(s);
	}
	saker_send_result r = spl_stream_dial(s, err, errlen);
	if (r != SAKER_SEND_OK) {
		return r;
	}
	while (done < len) {
		size_t n = 0;
		CURLcode cc = curl_easy_send(s->curl, data + done, len - done, &n);
		if (cc == CURLE_AGAIN) {
			struct pollfd p = {spl_stream_socket(s->curl), POLLOUT, 0};
			long long left = deadline - spl_stream_now_ms();
			if (left <= 0 || p.fd < 0 || poll(&p, 1, (int)left) <= 0) {
				snprintf(err, errlen, "%s: send timed out", s->url);
				spl_stream_drop(s);
				return SAKER_SEND_RETRY;
			}
			continue;
		}
		if (cc != CURLE_OK) {
			snprintf(err, errlen, "%s: %s", s->url, curl_easy_strerror(cc));
			spl_stream_drop(s);
			return SAKER_SEND_RETRY;
		}
		done += n;
	}
	return SAKER_SEND_OK;
}

void spl_stream_free(spl_stream *s)
{
	if (s == NULL) {
		return;
	}
	spl_stream_drop(s);
	free(s->url);
	free(s);
}
