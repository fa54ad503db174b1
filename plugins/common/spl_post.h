/* spl_post: the instance state, send() and close() of an output that POSTs
 * one body per alert, so such a plugin is its payload builder, an init()
 * that reads its keys, and its table. */
#ifndef SPL_POST_H
#define SPL_POST_H

#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"
#include "spl_http.h"

/* Appends the body for alert to sb; cfg is the one given to spl_post_new().
 * Returns SK_ENOMEM when memory ran out (the alert is then retried). */
typedef sk_err (*spl_post_build_fn)(sk_strbuf *sb, const void *cfg, const saker_alert *alert);

typedef struct spl_post {
	spl_http *http;
	sk_strbuf body;
	spl_post_build_fn build;
	void *cfg;
	void (*cfg_free)(void *cfg);
} spl_post;

/* Creates the state of one instance posting to url with the shared HTTP keys
 * of host (spl_http_new()). Takes cfg in every case: it is freed with
 * cfg_free (when not NULL) by spl_post_close(), or here on failure. On
 * failure writes a one-line reason to err. */
sk_err spl_post_new(const saker_plugin_host *host, const char *url, spl_post_build_fn build, void *cfg,
		    void (*cfg_free)(void *cfg), spl_post **out, char *err, size_t errlen);

/* The plugin table's send(): builds the body and posts it. */
saker_send_result spl_post_send(void *state, const saker_alert *alert, char *err, size_t errlen);

/* The plugin table's close(); NULL is fine. */
void spl_post_close(void *state);

#endif
