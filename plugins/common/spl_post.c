/* spl_post: the shared glue of one-POST-per-alert outputs. */
#include "spl_post.h"

#include <stdio.h>
#include <stdlib.h>

sk_err spl_post_new(const saker_plugin_host *host, const char *url, spl_post_build_fn build, void *cfg,
		    void (*cfg_free)(void *cfg), spl_post **out, char *err, size_t errlen)
{
	spl_post *p = calloc(1, sizeof(*p));
	sk_err rc;

	*out = NULL;
	if (p == NULL) {
		if (cfg_free != NULL) {
			cfg_free(cfg);
		}
		snprintf(err, errlen, "out of memory");
		return SK_ENOMEM;
	}
	p->build = build;
	p->cfg = cfg;
	p->cfg_free = cfg_free;
	rc = spl_http_new(host, url, &p->http, err, errlen);
	if (rc != SK_OK) {
		spl_post_close(p);
		return rc;
	}
	*out = p;
	return SK_OK;
}

saker_send_result spl_post_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	spl_post *p = state;

	sk_strbuf_reset(&p->body);
	if (p->build(&p->body, p->cfg, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory building the payload");
		return SAKER_SEND_RETRY;
	}
	return spl_http_send(p->http, p->body.data, p->body.len, err, errlen);
}

void spl_post_close(void *state)
{
	spl_post *p = state;

	if (p == NULL) {
		return;
	}
	spl_http_free(p->http);
	sk_strbuf_free(&p->body);
	if (p->cfg_free != NULL) {
		p->cfg_free(p->cfg);
	}
	free(p);
}
