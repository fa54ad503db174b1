/* sk_push.h: hands a .scap capture to a live saker-engine's events socket
 * the way saker-capture streams (the same scap blocks, in one nng message).
 * Header-only, for tests that link nng. */
#ifndef SK_PUSH_H
#define SK_PUSH_H

#include <nng/nng.h>
#include <nng/protocol/pipeline0/push.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "sk_live.h"
#include "sk_strbuf.h"

/* Decompresses scap_gz into scratch (a path the test owns) and pushes its
 * bytes to url, waiting up to 5 s for the engine. */
static inline bool sk_push_scap(const char *url, const char *scap_gz, const char *scratch)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > '%s'", scap_gz, scratch);
	if (system(cmd) != 0) {
		return false;
	}
	sk_strbuf data = SK_STRBUF_INIT;
	(void)sk_strbuf_read_file(&data, scratch, 64u << 20); /* nothing read: nothing sent */
	nng_socket push;
	bool sent = false;
	if (data.len > 0 && nng_push0_open(&push) == 0) {
		nng_socket_set_ms(push, NNG_OPT_SENDTIMEO, 5000);
		sent = nng_dial(push, url, NULL, 0) == 0 && nng_send(push, data.data, data.len, 0) == 0;
		sk_live_sleep_ms(200); /* let the pipe deliver before closing */
		nng_close(push);
	}
	sk_strbuf_free(&data);
	return sent;
}

#endif
