#include "spl_http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "spl_util.h"

#define SPL_HTTP_DEFAULT_TIMEOUT_MS 10000
#define SPL_HTTP_MAX_HEADER 8192
/* how much of a refusal's body an error message quotes (InfluxDB, Loki and
 * Elasticsearch say there what was wrong with the request) */
#define SPL_HTTP_ERROR_BODY 200

struct spl_http {
	CURL *curl;
	struct curl_slist *headers;
	char *url;
	char *shown_url; /* spl_http_hide_url(): what errors name instead of url */
	long last_status;
	char curl_err[CURL_ERROR_SIZE];
	char *answer; /* spl_http_keep_answer(): SPL_HTTP_MAX_ANSWER + 1 bytes */
	size_t answer_len;
	char head[SPL_HTTP_ERROR_BODY + 1]; /* the answer's first bytes, for error messages */
	size_t head_len;
	bool gzip;	/* spl_http_set_gzip() */
	sk_strbuf gz; /* the compressed body */
	bool grpc;	/* spl_http_set_grpc() */
	int grpc_status; /* the answer's grpc-status, -1 when none came */
	char grpc_message[SPL_HTTP_ERROR_BODY + 1];
};

static sk_err spl_http_append_line(spl_http *h, const char *line);
static sk_err spl_http_deflate(const char *body, size_t len, sk_strbuf *out);

static pthread_once_t spl_http_once = PTHREAD_ONCE_INIT;
static CURLcode spl_http_global_rc = CURLE_FAILED_INIT;

static void spl_http_global_init(void)
{
	/* Never cleaned up: the .so may be unloaded while another plugin still
	 * uses libcurl, and the global state is reference-counted by libcurl. */
	spl_http_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

sk_err spl_curl_global(char *err, size_t errlen)
{
	pthread_once(&spl_http_once, spl_http_global_init);
	if (spl_http_global_rc != CURLE_OK) {
		snprintf(err, errlen, "libcurl: %s", curl_easy_strerror(spl_http_global_rc));
		return SK_EINTERNAL;
	}
	return SK_OK;
}

/* Keeps the first bytes of the answer's body for an error message. */
static void spl_http_keep_head(spl_http *h, const char *ptr, size_t n)
{
	size_t take = SPL_HTTP_ERROR_BODY - h->head_len;

	take = n < take ? n : take;
	memcpy(h->head + h->head_len, ptr, take);
	h->head_len += take;
	h->head[h->head_len] = '\0';
}

/* Replies are read for their status and the head of their body. */
static size_t spl_http_discard(char *ptr, size_t size, size_t nmemb, void *user)
{
	spl_http_keep_head(user, ptr, size * nmemb);
	return size * nmemb;
}

struct spl_header_ctx {
	spl_http *h;
	sk_err err;
};

static void spl_http_custom_header(void *user, const char *key, const char *value)
{
	struct spl_header_ctx *ctx = user;

	if (ctx->err == SK_OK) {
		ctx->err = spl_http_add_header(ctx->h, key, value);
	}
}

/* Mutual TLS: explicit files in mutualtlsclient.* win over the folder
 * mutualtlsfilespath (client.crt, client.key, ca.crt), as in Falcosidekick;
 * the host answers these keys from the top level when the output's section
 * lacks them. tlsclient.cacertfile adds a CA to the system ones (libcurl's
 * CA path stays); with mutual TLS only the mutual TLS CA is trusted. */
sk_err spl_curl_tls(void *curl, const saker_plugin_host *host, char *err, size_t errlen)
{
	bool checkcert = host->config_bool(host->ctx, "checkcert", true);
	const char *ca = host->config_string(host->ctx, "tlsclient.cacertfile", "");
	spl_tls_files files;

	if (host->config_bool(host->ctx, "mutualtls", false)) {
		sk_err rc = spl_mutual_tls_files(host, &files, err, errlen);
		if (rc != SK_OK) {
			return rc;
		}
		curl_easy_setopt(curl, CURLOPT_SSLCERT, files.cert);
		curl_easy_setopt(curl, CURLOPT_SSLKEY, files.key);
		curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
		ca = files.ca;
		/* With mutual TLS the server certificate is always verified. */
		checkcert = true;
	}
	if (*ca != '\0') {
		curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
	}
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, checkcert ? 1L : 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, checkcert ? 2L : 0L);
	return SK_OK;
}

sk_err spl_http_new(const saker_plugin_host *host, const char *url, spl_http **out, char *err, size_t errlen)
{
	sk_err rc = SK_OK;
	spl_http *h = NULL;
	struct spl_header_ctx hctx;
	int64_t timeout_ms = host->config_int(host->ctx, "timeout", SPL_HTTP_DEFAULT_TIMEOUT_MS);

	*out = NULL;
	if (spl_curl_global(err, errlen) != SK_OK) {
		return SK_EINTERNAL;
	}
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		/* without its query, which may hold credentials */
		snprintf(err, errlen, "url '%.*s': want http:// or https://", (int)strcspn(url, "?"), url);
		return SK_EINVAL;
	}
	if (timeout_ms <= 0 || timeout_ms > 600000) {
		snprintf(err, errlen, "timeout %lld ms: want 1..600000", (long long)timeout_ms);
		return SK_ERANGE;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		rc = SK_ENOMEM;
		goto cleanup;
	}
	h->url = strdup(url);
	h->curl = curl_easy_init();
	if (h->url == NULL || h->curl == NULL) {
		rc = SK_ENOMEM;
		goto cleanup;
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, h->url);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->curl_err);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "Saker/" SAKER_VERSION);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, spl_http_discard);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
	rc = spl_curl_tls(h->curl, host, err, errlen);
	if (rc != SK_OK) {
		goto cleanup;
	}
	rc = spl_http_add_header(h, "Content-Type", "application/json");
	if (rc != SK_OK) {
		goto cleanup;
	}
	/* libcurl waits for "100 Continue" on large bodies; peers rarely send it. */
	rc = spl_http_append_line(h, "Expect:");
	if (rc != SK_OK) {
		goto cleanup;
	}
	hctx.h = h;
	hctx.err = SK_OK;
	host->config_map(host->ctx, "customheaders", spl_http_custom_header, &hctx);
	rc = hctx.err;
	if (rc != SK_OK) {
		snprintf(err, errlen, "customheaders: invalid header name or value");
		goto cleanup;
	}
	*out = h;
	h = NULL;
cleanup:
	if (rc == SK_ENOMEM) {
		snprintf(err, errlen, "out of memory");
	}
	spl_http_free(h);
	return rc;
}

void spl_grpc_header(const char *line, size_t n, int *status, char *message, size_t message_size)
{
	const char *colon = memchr(line, ':', n);

	if (colon == NULL || message_size == 0) {
		return;
	}
	size_t name_len = (size_t)(colon - line);
	const char *value = colon + 1;
	size_t value_len = n - name_len - 1;
	while (value_len > 0 && (*value == ' ' || *value == '\t')) {
		value++;
		value_len--;
	}
	while (value_len > 0 && (value[value_len - 1] == '\r' || value[value_len - 1] == '\n' ||
				 value[value_len - 1] == ' ')) {
		value_len--;
	}
	if (name_len == 11 && strncasecmp(line, "grpc-status", 11) == 0) {
		int code = 0;
		bool digits = value_len > 0 && value_len <= 2;
		for (size_t i = 0; i < value_len && digits; i++) {
			digits = value[i] >= '0' && value[i] <= '9';
			code = code * 10 + (value[i] - '0');
		}
		/* an unreadable status is gRPC's UNKNOWN */
		*status = digits ? code : 2;
	} else if (name_len == 12 && strncasecmp(line, "grpc-message", 12) == 0) {
		/* percent-decoded, as gRPC sends it */
		size_t out = 0;
		for (size_t i = 0; i < value_len && out + 1 < message_size; i++) {
			int hi = i + 2 < value_len && value[i] == '%' ? sk_hex_digit(value[i + 1]) : -1;
			int lo = hi >= 0 ? sk_hex_digit(value[i + 2]) : -1;
			if (lo >= 0) {
				message[out++] = (char)(hi << 4 | lo);
				i += 2;
			} else {
				message[out++] = value[i];
			}
		}
		message[out] = '\0';
	}
}

/* Reads grpc-status and grpc-message from the answer's header lines, which
 * for HTTP/2 include its trailers (where gRPC puts them after a body). */
static size_t spl_http_grpc_header(char *line, size_t size, size_t nmemb, void *user)
{
	spl_http *h = user;
	spl_grpc_header(line, size * nmemb, &h->grpc_status, h->grpc_message, sizeof(h->grpc_message));
	return size * nmemb;
}

sk_err spl_http_set_grpc(spl_http *h)
{
	/* HTTP/2 without an upgrade on http://, by ALPN on https:// */
	if (curl_easy_setopt(h->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE) != CURLE_OK) {
		return SK_EINTERNAL;
	}
	/* libcurl before 8.0 fails the second request on a reused cleartext
	 * HTTP/2 connection ("Error in the HTTP2 framing layer", curl/curl#10634;
	 * bookworm has 7.88): a connection per request there */
	if (strncmp(h->url, "http://", 7) == 0 && curl_version_info(CURLVERSION_NOW)->version_num < 0x080000) {
		curl_easy_setopt(h->curl, CURLOPT_FORBID_REUSE, 1L);
	}
	sk_err rc = spl_http_add_header(h, "Content-Type", "application/grpc");
	if (rc == SK_OK) {
		rc = spl_http_add_header(h, "TE", "trailers");
	}
	if (rc != SK_OK) {
		return rc;
	}
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, spl_http_grpc_header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, h);
	h->grpc = true;
	return SK_OK;
}

/* The outcome of a gRPC call that answered HTTP 200, from its grpc-status:
 * the codes OTLP's specification calls retryable are RETRY. */
static saker_send_result spl_http_grpc_result(spl_http *h, char *err, size_t errlen)
{
	static const char *const names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
					    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
					    "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
					    "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
	int code = h->grpc_status;
	const char *shown = h->shown_url != NULL ? h->shown_url : h->url;

	if (code == 0) {
		return SAKER_SEND_OK;
	}
	if (code < 0) {
		snprintf(err, errlen, "no grpc-status from %.*s (not a gRPC server?)", (int)strcspn(shown, "?"), shown);
		return SAKER_SEND_FAIL;
	}
	for (size_t i = 0; h->grpc_message[i] != '\0'; i++) {
		if ((unsigned char)h->grpc_message[i] < 0x20 || h->grpc_message[i] == 0x7f) {
			h->grpc_message[i] = ' ';
		}
	}
	snprintf(err, errlen, "gRPC status %d (%s) from %.*s%s%s", code,
		 (size_t)code < sizeof(names) / sizeof(names[0]) ? names[code] : "?", (int)strcspn(shown, "?"), shown,
		 h->grpc_message[0] != '\0' ? ": " : "", h->grpc_message);
	switch (code) {
	case 1:  /* CANCELLED */
	case 4:  /* DEADLINE_EXCEEDED */
	case 8:  /* RESOURCE_EXHAUSTED */
	case 10: /* ABORTED */
	case 11: /* OUT_OF_RANGE */
	case 14: /* UNAVAILABLE */
	case 15: /* DATA_LOSS */
		return SAKER_SEND_RETRY;
	default:
		return SAKER_SEND_FAIL;
	}
}

sk_err spl_http_set_timeout(spl_http *h, int64_t ms)
{
	if (ms <= 0 || ms > 600000) {
		return SK_ERANGE;
	}
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)ms);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)ms);
	return SK_OK;
}

sk_err spl_http_set_method(spl_http *h, const char *method)
{
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, NULL);
		return SK_OK;
	}
	if (strcmp(method, "PUT") == 0) {
		curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, "PUT");
		return SK_OK;
	}
	return SK_EINVAL;
}

static sk_err spl_http_append_line(spl_http *h, const char *line)
{
	struct curl_slist *next = curl_slist_append(h->headers, line);

	if (next == NULL) {
		return SK_ENOMEM;
	}
	h->headers = next;
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	return SK_OK;
}

/* Removes the header lines named name (any case), so a later value (a
 * plugin's own Content-Type, a customheaders entry) replaces an earlier one
 * instead of both being sent. */
sk_err spl_http_drop_header(spl_http *h, const char *name)
{
	size_t len = strlen(name);
	struct curl_slist *kept = NULL;
	bool dropped = false;

	for (const struct curl_slist *l = h->headers; l != NULL; l = l->next) {
		if (strncasecmp(l->data, name, len) == 0 && (l->data[len] == ':' || l->data[len] == ';')) {
			dropped = true;
			continue;
		}
		struct curl_slist *next = curl_slist_append(kept, l->data);
		if (next == NULL) {
			curl_slist_free_all(kept);
			return SK_ENOMEM;
		}
		kept = next;
	}
	if (!dropped) {
		curl_slist_free_all(kept);
		return SK_OK;
	}
	curl_slist_free_all(h->headers);
	h->headers = kept;
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	return SK_OK;
}

sk_err spl_http_add_header(spl_http *h, const char *name, const char *value)
{
	char line[SPL_HTTP_MAX_HEADER];
	int n;

	/* A CR or LF would let a config value smuggle extra headers. */
	if (*name == '\0' || strpbrk(name, ":;\r\n \t") != NULL || strpbrk(value, "\r\n") != NULL) {
		return SK_EINVAL;
	}
	/* "Name;" is how libcurl sends a header with an empty value. */
	if (*value == '\0') {
		n = snprintf(line, sizeof(line), "%s;", name);
	} else {
		n = snprintf(line, sizeof(line), "%s: %s", name, value);
	}
	if (n < 0 || (size_t)n >= sizeof(line)) {
		return SK_ERANGE;
	}
	sk_err rc = spl_http_drop_header(h, name);
	if (rc != SK_OK) {
		return rc;
	}
	return spl_http_append_line(h, line);
}

sk_err spl_http_hide_url(spl_http *h, const char *shown)
{
	char *copy = strdup(shown);

	if (copy == NULL) {
		return SK_ENOMEM;
	}
	free(h->shown_url);
	h->shown_url = copy;
	return SK_OK;
}

sk_err spl_http_set_url(spl_http *h, const char *url)
{
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		return SK_EINVAL;
	}
	char *copy = strdup(url);
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	free(h->url);
	h->url = copy;
	curl_easy_setopt(h->curl, CURLOPT_URL, h->url);
	return SK_OK;
}

/* Keeps what fits of the answer's body. */
static size_t spl_http_keep(char *ptr, size_t size, size_t nmemb, void *user)
{
	spl_http *h = user;
	size_t n = size * nmemb, room = SPL_HTTP_MAX_ANSWER - h->answer_len;

	spl_http_keep_head(h, ptr, n);
	size_t take = n < room ? n : room;
	memcpy(h->answer + h->answer_len, ptr, take);
	h->answer_len += take;
	h->answer[h->answer_len] = '\0';
	return n;
}

void spl_http_keep_answer(spl_http *h)
{
	if (h->answer == NULL) {
		h->answer = calloc(1, SPL_HTTP_MAX_ANSWER + 1);
	}
	if (h->answer != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, spl_http_keep);
		curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	}
}

const char *spl_http_last_answer(const spl_http *h)
{
	return h->answer != NULL ? h->answer : "";
}

size_t spl_http_last_answer_len(const spl_http *h)
{
	return h->answer != NULL ? h->answer_len : 0;
}

sk_err spl_http_set_basic_auth(spl_http *h, const char *user, const char *password)
{
	curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(h->curl, CURLOPT_USERNAME, user);
	curl_easy_setopt(h->curl, CURLOPT_PASSWORD, password);
	return SK_OK;
}

sk_err spl_http_set_aws_sigv4(spl_http *h, const char *provider, const char *key_id, const char *secret)
{
	if (curl_easy_setopt(h->curl, CURLOPT_AWS_SIGV4, provider) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_USERNAME, key_id) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_PASSWORD, secret) != CURLE_OK) {
		return SK_ENOMEM;
	}
	/* libcurl signs every line of the header list, the "Expect:" that
	 * suppresses a header included: AWS would miss a signed header */
	return spl_http_drop_header(h, "Expect");
}

sk_err spl_http_set_gzip(spl_http *h, bool on)
{
	/* gRPC compresses the message, not the HTTP body, and says so in its own header */
	const char *header = h->grpc ? "grpc-encoding" : "Content-Encoding";
	h->gzip = on;
	return on ? spl_http_add_header(h, header, "gzip") : spl_http_drop_header(h, header);
}

void spl_grpc_prefix(uint8_t prefix[SPL_GRPC_PREFIX], bool compressed, uint32_t len)
{
	prefix[0] = compressed ? 1 : 0;
	prefix[1] = (uint8_t)(len >> 24);
	prefix[2] = (uint8_t)(len >> 16);
	prefix[3] = (uint8_t)(len >> 8);
	prefix[4] = (uint8_t)len;
}

bool spl_grpc_message(const uint8_t *data, size_t len, const uint8_t **message, size_t *message_len)
{
	if (len < SPL_GRPC_PREFIX || data[0] != 0) {
		return false;
	}
	size_t n = (size_t)data[1] << 24 | (size_t)data[2] << 16 | (size_t)data[3] << 8 | data[4];
	if (n > len - SPL_GRPC_PREFIX) {
		return false;
	}
	*message = data + SPL_GRPC_PREFIX;
	*message_len = n;
	return true;
}

/* A gRPC frame (flag byte, length, message) with its message gzipped: flag
 * 1 and the new length. */
static sk_err spl_http_grpc_deflate(const char *frame, size_t len, sk_strbuf *out)
{
	if (len < SPL_GRPC_PREFIX) {
		return SK_EINVAL;
	}
	/* the prefix's place first, filled once the compressed size is known */
	uint8_t prefix[SPL_GRPC_PREFIX] = {0};
	sk_strbuf_reset(out);
	sk_strbuf_append(out, prefix, sizeof(prefix));
	sk_err e = spl_http_deflate(frame + SPL_GRPC_PREFIX, len - SPL_GRPC_PREFIX, out);
	if (e != SK_OK) {
		return e;
	}
	size_t size = out->len - SPL_GRPC_PREFIX;
	if (size > UINT32_MAX) {
		return SK_ERANGE;
	}
	spl_grpc_prefix((uint8_t *)out->data, true, (uint32_t)size);
	return SK_OK;
}

/* Appends body (len bytes) as a gzip member to out. */
static sk_err spl_http_deflate(const char *body, size_t len, sk_strbuf *out)
{
	z_stream z;
	int zr;

	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip header and trailer around the deflate stream */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		return SK_ENOMEM;
	}
	uLong bound = deflateBound(&z, (uLong)len);
	if (len > UINT32_MAX || bound > UINT32_MAX) {
		deflateEnd(&z);
		return SK_ERANGE;
	}
	char *buf = malloc(bound);
	if (buf == NULL) {
		deflateEnd(&z);
		return SK_ENOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)bound;
	zr = deflate(&z, Z_FINISH);
	if (zr == Z_STREAM_END) {
		sk_strbuf_append(out, buf, z.total_out);
	}
	free(buf);
	deflateEnd(&z);
	if (zr != Z_STREAM_END) {
		return SK_EINTERNAL;
	}
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

saker_send_result spl_http_send(spl_http *h, const char *body, size_t len, char *err, size_t errlen)
{
	CURLcode cc;

	if (h->gzip) {
		sk_strbuf_reset(&h->gz);
		sk_err z = h->grpc ? spl_http_grpc_deflate(body, len, &h->gz) : spl_http_deflate(body, len, &h->gz);
		if (z != SK_OK) {
			snprintf(err, errlen, "gzip: %s", sk_strerror(z));
			return z == SK_EINVAL ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
		}
		body = h->gz.data;
		len = h->gz.len;
	}

	h->last_status = 0;
	h->curl_err[0] = '\0';
	h->head_len = 0;
	h->head[0] = '\0';
	h->grpc_status = -1;
	h->grpc_message[0] = '\0';
	if (h->answer != NULL) {
		h->answer_len = 0;
		h->answer[0] = '\0';
	}
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	cc = curl_easy_perform(h->curl);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", curl_easy_strerror(cc), h->curl_err[0] ? h->curl_err : "-");
		/* Bad local setup (unreadable cert, malformed url) will not heal. */
		switch (cc) {
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_URL_MALFORMAT:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_OUT_OF_MEMORY:
			return SAKER_SEND_FAIL;
		default:
			return SAKER_SEND_RETRY;
		}
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &h->last_status);
	if (h->grpc && h->last_status == 200) {
		return spl_http_grpc_result(h, err, errlen);
	}
	if (h->last_status >= 200 && h->last_status < 300) {
		return SAKER_SEND_OK;
	}
	/* the body's head on one line, control bytes as spaces */
	for (size_t i = 0; i < h->head_len; i++) {
		if ((unsigned char)h->head[i] < 0x20 || h->head[i] == 0x7f) {
			h->head[i] = ' ';
		}
	}
	/* the URL without its query, which may hold credentials (InfluxDB's u, p) */
	const char *shown = h->shown_url != NULL ? h->shown_url : h->url;
	snprintf(err, errlen, "HTTP %ld from %.*s%s%.*s", h->last_status, (int)strcspn(shown, "?"), shown,
		 h->head_len > 0 ? ": " : "", (int)h->head_len, h->head);
	if (h->last_status == 429 || h->last_status >= 500 || h->last_status < 200) {
		return SAKER_SEND_RETRY;
	}
	return SAKER_SEND_FAIL;
}

static size_t spl_http_fetch_keep(char *ptr, size_t size, size_t nmemb, void *user)
{
	sk_strbuf *sb = user;
	size_t n = size * nmemb;
	if (sb->len + n > SPL_HTTP_MAX_FETCH) {
		return 0; /* too large: the transfer fails */
	}
	sk_strbuf_append(sb, ptr, n);
	return n;
}

sk_err spl_http_fetch(const char *method, const char *url, const char *const *headers, const char *body,
		      sk_strbuf *answer, long *status, char *err, size_t errlen)
{
	CURL *curl = NULL;
	struct curl_slist *list = NULL;
	char curl_err[CURL_ERROR_SIZE] = "";
	sk_err rc = spl_curl_global(err, errlen);

	*status = 0;
	sk_strbuf_reset(answer);
	if (rc != SK_OK) {
		return rc;
	}
	curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		struct curl_slist *next = curl_slist_append(list, headers[i]);
		if (next == NULL) {
			rc = SK_ENOMEM;
			snprintf(err, errlen, "out of memory");
			goto cleanup;
		}
		list = next;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "Saker/" SAKER_VERSION);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, spl_http_fetch_keep);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	}
	CURLcode cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		/* the URL without its query */
		snprintf(err, errlen, "%s %.*s: %s", method, (int)strcspn(url, "?"), url,
			 curl_err[0] != '\0' ? curl_err : curl_easy_strerror(cc));
		rc = SK_EIO;
		goto cleanup;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	if (sk_strbuf_failed(answer)) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
	}
cleanup:
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
	return rc;
}

long spl_http_last_status(const spl_http *h)
{
	return h->last_status;
}

void spl_http_free(spl_http *h)
{
	if (h == NULL) {
		return;
	}
	if (h->curl != NULL) {
		curl_easy_cleanup(h->curl);
	}
	curl_slist_free_all(h->headers);
	sk_strbuf_free(&h->gz);
	free(h->url);
	free(h->shown_url);
	free(h->answer);
	free(h);
}
