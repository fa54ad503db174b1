/* gotify plugin: a Gotify message (POST hostport/message, X-Gotify-Key:
 * token) in Falcosidekick's layout: title "[Falco] [<priority>] <rule>",
 * Gotify priority 1 (Debug) .. 8 (Emergency), the message in format
 * markdown (default), plaintext (or text) or json (the Falco alert), and
 * extras.client::display.contentType saying which. */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "spl_post.h"
#include "spl_summary.h"
#include "spl_util.h"

typedef enum gotify_format { GOTIFY_MARKDOWN, GOTIFY_PLAIN, GOTIFY_JSON } gotify_format;

static sk_err gotify_build(sk_strbuf *sb, const void *cfg, const saker_alert *alert)
{
	gotify_format format = *(const gotify_format *)cfg;
	sk_strbuf text = SK_STRBUF_INIT;

	sk_strbuf_puts(sb, "{\"title\":");
	spl_summary_title(&text, alert, SPL_SUMMARY_PLAIN);
	spl_json_go_string(sb, sk_strbuf_str(&text));
	sk_strbuf_reset(&text);
	/* Falco's numbering: Debug 1 .. Emergency 8 */
	sk_strbuf_printf(sb, ",\"priority\":%d,\"message\":", 8 - (int)alert->priority_num);
	if (format == GOTIFY_JSON) {
		spl_json_go_stringn(sb, alert->json, alert->json_len);
	} else {
		spl_summary(&text, alert, format == GOTIFY_MARKDOWN ? SPL_SUMMARY_MARKDOWN : SPL_SUMMARY_PLAIN);
		spl_json_go_string(sb, sk_strbuf_str(&text));
	}
	sk_strbuf_printf(sb, ",\"extras\":{\"client::display\":{\"contentType\":\"%s\"}}}",
			 format == GOTIFY_MARKDOWN ? "text/markdown" : "text/plain");
	sk_err rc = sk_strbuf_failed(&text) || sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
	sk_strbuf_free(&text);
	return rc;
}

static bool gotify_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *name = host->config_string(host->ctx, "format", "markdown");
	const char *token = host->config_string(host->ctx, "token", "");
	gotify_format *format = malloc(sizeof(*format));
	sk_strbuf url = SK_STRBUF_INIT;
	spl_post *post = NULL;
	bool ok = false;

	if (format == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (name[0] == '\0' || strcasecmp(name, "markdown") == 0) {
		*format = GOTIFY_MARKDOWN;
	} else if (strcasecmp(name, "plaintext") == 0 || strcasecmp(name, "text") == 0) {
		*format = GOTIFY_PLAIN;
	} else if (strcasecmp(name, "json") == 0) {
		*format = GOTIFY_JSON;
	} else {
		snprintf(err, errlen, "format '%s': want markdown, plaintext or json", name);
		free(format);
		return false;
	}
	spl_put_base_url(&url, host->config_string(host->ctx, "hostport", ""));
	sk_strbuf_puts(&url, "/message");
	if (sk_strbuf_failed(&url)) {
		snprintf(err, errlen, "out of memory");
		free(format);
	} else if (spl_post_new(host, sk_strbuf_str(&url), gotify_build, format, free, &post, err, errlen) == SK_OK) {
		if (token[0] != '\0' && spl_http_add_header(post->http, "X-Gotify-Key", token) != SK_OK) {
			snprintf(err, errlen, "token: not a header value");
			spl_post_close(post);
		} else {
			*state = post;
			ok = true;
		}
	}
	sk_strbuf_free(&url);
	return ok;
}

static const saker_output_plugin gotify_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "gotify",
	.description = "Gotify message, Falcosidekick's layout",
	.required_key = "hostport",
	.max_batch = 1,
	.init = gotify_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(gotify_plugin)
