/* spyderbat plugin glue: Falcosidekick's spyderbat keys (orguid, apikey,
 * apiurl, source, sourcedescription). The organization's source
 * falcosidekick_<orguid> is looked up, and created when missing, before
 * the first alert (so a Spyderbat API that is down at start delays it);
 * each alert is then one record (spyderbat.h), gzip-compressed ndjson as
 * Falcosidekick sends it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "saker/output_plugin.h"
#include "spl_http.h"
#include "spl_util.h"
#include "spyderbat.h"

typedef struct sb_out {
	spl_http *http; /* the data URL */
	bool source_ready;
	sk_strbuf sources_url;
	sk_strbuf auth; /* "Authorization: Bearer <apikey>" */
	sk_strbuf create_body;
	sk_strbuf body;
	char uid[128];
} sb_out;

static void sb_close(void *state)
{
	sb_out *o = state;
	if (o == NULL) {
		return;
	}
	spl_http_free(o->http);
	sk_strbuf_free(&o->sources_url);
	if (o->auth.data != NULL) {
		explicit_bzero(o->auth.data, o->auth.len);
	}
	sk_strbuf_free(&o->auth);
	sk_strbuf_free(&o->create_body);
	sk_strbuf_free(&o->body);
	free(o);
}

static bool sb_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *org = host->config_string(host->ctx, "orguid", "");
	const char *apikey = host->config_string(host->ctx, "apikey", "");
	const char *source = host->config_string(host->ctx, "source", "falcosidekick");
	sk_strbuf url = SK_STRBUF_INIT;
	sb_out *o = calloc(1, sizeof(*o));
	bool ok = false;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (strspn(org, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(org) ||
	    strlen(org) > 64) {
		snprintf(err, errlen, "orguid '%.80s': want the organization's uid", org);
		goto cleanup;
	}
	if (strlen(source) > 32) {
		snprintf(err, errlen, "source '%s': at most 32 characters", source);
		goto cleanup;
	}
	snprintf(o->uid, sizeof(o->uid), "falcosidekick_%s", org);
	spl_put_base_url(&o->sources_url, host->config_string(host->ctx, "apiurl", "https://api.spyderbat.com"));
	sk_strbuf_printf(&o->sources_url, "/api/v1/org/%s/source/", org);
	sk_strbuf_printf(&url, "%s%s/data/sb-agent", sk_strbuf_str(&o->sources_url), o->uid);
	sk_strbuf_printf(&o->auth, "Authorization: Bearer %s", apikey);
	sk_strbuf_puts(&o->create_body, "{\"name\":");
	spl_json_go_string(&o->create_body, source);
	sk_strbuf_puts(&o->create_body, ",\"description\":");
	spl_json_go_string(&o->create_body, host->config_string(host->ctx, "sourcedescription", ""));
	sk_strbuf_printf(&o->create_body, ",\"uid\":\"%s\"}", o->uid);
	if (sk_strbuf_failed(&o->sources_url) || sk_strbuf_failed(&url) || sk_strbuf_failed(&o->auth) ||
	    sk_strbuf_failed(&o->create_body)) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	if (spl_http_new(host, sk_strbuf_str(&url), &o->http, err, errlen) != SK_OK) {
		goto cleanup;
	}
	if (spl_http_add_header(o->http, "Content-Type", "application/ndjson") != SK_OK ||
	    spl_http_add_header(o->http, "Authorization", sk_strbuf_str(&o->auth) + strlen("Authorization: ")) != SK_OK ||
	    spl_http_set_gzip(o->http, true) != SK_OK) {
		snprintf(err, errlen, "apikey: not a header value");
		goto cleanup;
	}
	*state = o;
	o = NULL;
	ok = true;
cleanup:
	sk_strbuf_free(&url);
	sb_close(o);
	return ok;
}

/* The source, looked up and created when missing (a creation that fails
 * because another sidekick made it meanwhile is fine: looked up again). */
static saker_send_result sb_source(sb_out *o, char *err, size_t errlen)
{
	static const char *const json[] = {"Content-Type: application/json", NULL};
	sk_strbuf answer = SK_STRBUF_INIT;
	long status = 0;
	saker_send_result res = SAKER_SEND_RETRY;
	const char *headers[] = {sk_strbuf_str(&o->auth), NULL};

	for (int attempt = 0; attempt < 2; attempt++) {
		if (spl_http_fetch("GET", sk_strbuf_str(&o->sources_url), headers, NULL, &answer, &status, err, errlen) !=
		    SK_OK) {
			goto cleanup;
		}
		if (status != 200) {
			snprintf(err, errlen, "listing sources: HTTP %ld: %.200s", status, sk_strbuf_str(&answer));
			res = status == 401 || status == 403 || status == 404 ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
			goto cleanup;
		}
		if (sb_has_source(answer.data != NULL ? answer.data : "", answer.len, o->uid)) {
			o->source_ready = true;
			res = SAKER_SEND_OK;
			goto cleanup;
		}
		if (attempt == 1) {
			break;
		}
		const char *create_headers[] = {headers[0], json[0], NULL};
		if (spl_http_fetch("POST", sk_strbuf_str(&o->sources_url), create_headers, sk_strbuf_str(&o->create_body),
				   &answer, &status, err, errlen) != SK_OK) {
			goto cleanup;
		}
		if (status == 200 || status == 201) {
			o->source_ready = true;
			res = SAKER_SEND_OK;
			goto cleanup;
		}
		snprintf(err, errlen, "creating source %s: HTTP %ld: %.200s", o->uid, status, sk_strbuf_str(&answer));
	}
	res = SAKER_SEND_FAIL;
cleanup:
	for (char *c = err; res != SAKER_SEND_OK && *c != '\0'; c++) {
		*c = (unsigned char)*c < 0x20 ? ' ' : *c;
	}
	sk_strbuf_free(&answer);
	return res;
}

static saker_send_result sb_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	sb_out *o = state;
	struct timespec now;

	if (!o->source_ready) {
		saker_send_result res = sb_source(o, err, errlen);
		if (res != SAKER_SEND_OK) {
			return res;
		}
	}
	clock_gettime(CLOCK_REALTIME, &now);
	sk_err rc = sb_record(&o->body, alert, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec, err, errlen);
	if (rc != SK_OK) {
		return rc == SK_ENOMEM ? SAKER_SEND_RETRY : SAKER_SEND_FAIL;
	}
	return spl_http_send(o->http, o->body.data, o->body.len, err, errlen);
}

static const saker_output_plugin sb_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "spyderbat",
	.description = "Spyderbat source, falco_alert records (gzip ndjson)",
	.required_key = "orguid",
	.max_batch = 1,
	.init = sb_init,
	.send = sb_send,
	.send_batch = NULL,
	.close = sb_close,
};

SPL_PLUGIN_ENTRY(sb_plugin)
