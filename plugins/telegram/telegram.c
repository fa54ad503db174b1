/* telegram plugin: a Bot API sendMessage (POST host/bot<token>/sendMessage)
 * as Falcosidekick sends it: the message in MarkdownV2, link previews off,
 * chat_id, and message_thread_id for a forum topic when set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_post.h"
#include "spl_summary.h"
#include "spl_util.h"

typedef struct telegram_config {
	const char *chat_id;
	const char *thread_id; /* digits, or "" */
} telegram_config;

static sk_err telegram_build(sk_strbuf *sb, const void *p, const saker_alert *alert)
{
	const telegram_config *cfg = p;
	sk_strbuf text = SK_STRBUF_INIT;

	spl_summary(&text, alert, SPL_SUMMARY_MARKDOWNV2);
	sk_strbuf_puts(sb, "{\"text\":");
	spl_json_go_string(sb, sk_strbuf_str(&text));
	sk_strbuf_puts(sb, ",\"parse_mode\":\"MarkdownV2\",\"disable_web_page_preview\":true,\"chat_id\":");
	spl_json_go_string(sb, cfg->chat_id);
	if (cfg->thread_id[0] != '\0') {
		sk_strbuf_printf(sb, ",\"message_thread_id\":%s", cfg->thread_id);
	}
	sk_strbuf_putc(sb, '}');
	sk_err rc = sk_strbuf_failed(&text) || sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
	sk_strbuf_free(&text);
	return rc;
}

static bool telegram_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *token = host->config_string(host->ctx, "token", "");
	telegram_config *cfg = calloc(1, sizeof(*cfg));
	sk_strbuf url = SK_STRBUF_INIT;
	spl_post *post = NULL;
	bool ok = false;

	if (cfg == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	cfg->chat_id = host->config_string(host->ctx, "chatid", "");
	cfg->thread_id = host->config_string(host->ctx, "messagethreadid", "");
	if (cfg->chat_id[0] == '\0') {
		snprintf(err, errlen, "chatid: not set");
		free(cfg);
		return false;
	}
	if (strspn(cfg->thread_id, "0123456789") != strlen(cfg->thread_id) || strlen(cfg->thread_id) > 18) {
		snprintf(err, errlen, "messagethreadid '%s': want a topic's number", cfg->thread_id);
		free(cfg);
		return false;
	}
	/* the token is a path segment: a '/' or '?' in it would change the URL */
	if (strpbrk(token, "/?#% ") != NULL) {
		snprintf(err, errlen, "token: not a bot token");
		free(cfg);
		return false;
	}
	const char *api = host->config_string(host->ctx, "host", "https://api.telegram.org");
	/* checked here: spl_http's message would show the URL, token and all */
	if (strncmp(api, "http://", 7) != 0 && strncmp(api, "https://", 8) != 0) {
		snprintf(err, errlen, "host '%s': want http:// or https://", api);
		free(cfg);
		return false;
	}
	spl_put_base_url(&url, api);
	sk_strbuf_printf(&url, "/bot%s/sendMessage", token);
	if (sk_strbuf_failed(&url)) {
		snprintf(err, errlen, "out of memory");
		free(cfg);
	} else if (spl_post_new(host, sk_strbuf_str(&url), telegram_build, cfg, free, &post, err, errlen) == SK_OK) {
		sk_strbuf_reset(&url);
		spl_put_base_url(&url, api);
		sk_strbuf_puts(&url, "/bot<token>/sendMessage");
		if (sk_strbuf_failed(&url) || spl_http_hide_url(post->http, sk_strbuf_str(&url)) != SK_OK) {
			snprintf(err, errlen, "out of memory");
			spl_post_close(post);
		} else {
			*state = post;
			ok = true;
		}
	}
	sk_strbuf_free(&url);
	return ok;
}

static const saker_output_plugin telegram_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "telegram",
	.description = "Telegram Bot API sendMessage, MarkdownV2",
	.required_key = "token",
	.max_batch = 1,
	.init = telegram_init,
	.send = spl_post_send,
	.send_batch = NULL,
	.close = spl_post_close,
};

SPL_PLUGIN_ENTRY(telegram_plugin)
