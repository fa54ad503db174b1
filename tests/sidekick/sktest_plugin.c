/* saker_sktest: a test-only output plugin built against nothing but the
 * public header (the integration test compiles it out of tree with
 * `cc $(pkg-config --cflags saker-plugin)`). It POSTs alerts to `address`,
 * one per request, or a JSON array per batch: 2xx delivered, 4xx permanent,
 * anything else retry. Its tick does nothing: it is there for the loader
 * test. Built with SKTEST_ABI=1 it claims the first ABI, whose table has no
 * tick: the loader must not see the one it still carries. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saker/output_plugin.h"

#ifndef SKTEST_ABI
#define SKTEST_ABI SAKER_OUTPUT_ABI_VERSION
#endif

struct sktest {
	CURL *curl;
	char *buf;
	size_t cap;
};

static size_t sktest_discard(char *p, size_t size, size_t n, void *user)
{
	(void)p;
	(void)user;
	return size * n;
}

static bool sktest_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *address = host->config_string(host->ctx, "address", NULL);
	int64_t timeout = host->config_int(host->ctx, "timeoutms", 10000);
	struct sktest *t = calloc(1, sizeof(*t));
	if (t == NULL || address == NULL) {
		snprintf(err, errlen, "no address");
		free(t);
		return false;
	}
	t->curl = curl_easy_init();
	if (t->curl == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		free(t);
		return false;
	}
	curl_easy_setopt(t->curl, CURLOPT_URL, address);
	curl_easy_setopt(t->curl, CURLOPT_TIMEOUT_MS, (long)timeout);
	curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->curl, CURLOPT_WRITEFUNCTION, sktest_discard);
	host->log(host->ctx, SAKER_LOG_INFO, "posting to %s", address);
	*state = t;
	return true;
}

static saker_send_result sktest_post(struct sktest *t, const char *body, size_t len, char *err, size_t errlen)
{
	long status = 0;
	curl_easy_setopt(t->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(t->curl, CURLOPT_POSTFIELDSIZE, (long)len);
	CURLcode rc = curl_easy_perform(t->curl);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		return SAKER_SEND_RETRY;
	}
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300) {
		return SAKER_SEND_OK;
	}
	snprintf(err, errlen, "HTTP %ld", status);
	return status >= 400 && status < 500 && status != 429 ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
}

static saker_send_result sktest_send(void *state, const saker_alert *a, char *err, size_t errlen)
{
	return sktest_post(state, a->json, a->json_len, err, errlen);
}

static saker_send_result sktest_send_batch(void *state, const saker_alert *const *a, size_t n, char *err,
					   size_t errlen)
{
	struct sktest *t = state;
	size_t need = 2;
	for (size_t i = 0; i < n; i++) {
		need += a[i]->json_len + 1;
	}
	if (need > t->cap) {
		char *p = realloc(t->buf, need);
		if (p == NULL) {
			snprintf(err, errlen, "out of memory");
			return SAKER_SEND_RETRY;
		}
		t->buf = p;
		t->cap = need;
	}
	size_t len = 0;
	t->buf[len++] = '[';
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			t->buf[len++] = ',';
		}
		memcpy(t->buf + len, a[i]->json, a[i]->json_len);
		len += a[i]->json_len;
	}
	t->buf[len++] = ']';
	return sktest_post(t, t->buf, len, err, errlen);
}

static saker_send_result sktest_tick(void *state, char *err, size_t errlen)
{
	(void)state;
	(void)err;
	(void)errlen;
	return SAKER_SEND_OK;
}

static void sktest_close(void *state)
{
	struct sktest *t = state;
	curl_easy_cleanup(t->curl);
	free(t->buf);
	free(t);
}

static const saker_output_plugin sktest_plugin = {
	.abi_version = SKTEST_ABI,
	.name = "sktest",
	.description = "test-only HTTP poster with batches",
	.required_key = "address",
	.max_batch = 50,
	.init = sktest_init,
	.send = sktest_send,
	.send_batch = sktest_send_batch,
	.close = sktest_close,
	.tick_ms = 200,
	.tick = sktest_tick,
};

__attribute__((visibility("default"))) const saker_output_plugin *saker_output_plugin_entry(void)
{
	return &sktest_plugin;
}
