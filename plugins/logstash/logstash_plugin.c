/* logstash plugin glue: logstash.address, port (5044), tls, mutualtls with
 * certfile, keyfile and cacertfile (over the shared mutual TLS files),
 * checkcert, tags. One JSON line per alert on a kept TCP connection
 * (spl_stream: libcurl dials it, TCP and the TLS handshake with the keys
 * every output shares, so no TLS code of our own). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logstash.h"
#include "spl_http.h"
#include "spl_stream.h"
#include "spl_util.h"

#define LOGSTASH_DEFAULT_TIMEOUT_MS 5000

typedef struct logstash_state {
	const saker_plugin_host *host;
	bool tls;
	spl_strlist tags;
	spl_stream *stream;
	sk_strbuf line;
} logstash_state;

static void logstash_close(void *state)
{
	logstash_state *st = state;

	if (st != NULL) {
		spl_stream_free(st->stream);
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

/* spl_stream's setup: TLS from logstash's keys (user is the host). */
static sk_err logstash_tls(void *user, void *curl, char *err, size_t errlen)
{
	return tls_setup(user, curl, err, errlen);
}

static saker_send_result logstash_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	logstash_state *st = state;

	sk_strbuf_reset(&st->line);
	if (logstash_line(&st->line, alert, &st->tags) != SK_OK) {
		snprintf(err, errlen, "out of memory building the event");
		return SAKER_SEND_RETRY;
	}
	return spl_stream_write(st->stream, st->line.data, st->line.len, err, errlen);
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
	int64_t timeout_ms = host->config_int(host->ctx, "timeout", LOGSTASH_DEFAULT_TIMEOUT_MS);
	/* an IPv6 literal needs its brackets in the URL */
	bool v6 = strchr(address, ':') != NULL && address[0] != '[';
	char url[600];
	snprintf(url, sizeof(url), "%s://%s%s%s:%lld", st->tls ? "https" : "http", v6 ? "[" : "", address, v6 ? "]" : "",
		 (long long)port);
	if (spl_stream_new(url, timeout_ms, st->tls ? logstash_tls : NULL, (void *)host, &st->stream, err, errlen) !=
	    SK_OK) {
		logstash_close(st);
		return false;
	}
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
	if (spl_stream_dial(st->stream, why, sizeof(why)) != SAKER_SEND_OK) {
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
