#include "nng_in.h"

#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sk_log.h"
#include "sk_ipc.h"

#define SKN_RECV_QUEUE 128 /* messages nng may hold before applying back-pressure */

struct skn_input {
	nng_socket sock;
	bool open;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	skh_ingest_fn ingest;
	void *user;
	char url[512];
};

/* For ipc:// URLs, makes sure the socket's directory exists. */
static sk_err skn_prepare_dir(const char *url, char *err, size_t errlen)
{
	char why[512];
	sk_err e = sk_ipc_prepare_dir(url, why, sizeof(why));

	if (e == SK_ENOENT) {
		snprintf(err, errlen, "nng: %s; create it or set nng.listen", why);
	} else if (e != SK_OK) {
		snprintf(err, errlen, "nng: %s", why);
	}
	return e;
}

static void *skn_main(void *arg)
{
	skn_input *in = arg;
	char err[512];
	time_t last_log = 0;
	uint64_t rejected = 0;

	while (!atomic_load(&in->stop)) {
		nng_msg *msg = NULL;
		int rv = nng_recvmsg(in->sock, &msg, 0);
		if (rv == NNG_ETIMEDOUT) {
			continue;
		}
		if (rv != 0) {
			if (rv != NNG_ECLOSED) {
				sk_warn("nng: receive on %s failed: %s", in->url, nng_strerror(rv));
			}
			break;
		}
		sk_err e = in->ingest(in->user, SKM_SOURCE_NNG, nng_msg_body(msg), nng_msg_len(msg), err, sizeof(err));
		if (e != SK_OK) {
			/* One line per second at most; the metrics count every one. */
			time_t now = time(NULL);
			rejected++;
			if (now != last_log) {
				sk_warn("nng: %llu alert(s) rejected, last: %s", (unsigned long long)rejected, err);
				last_log = now;
				rejected = 0;
			}
		}
		nng_msg_free(msg);
	}
	return NULL;
}

sk_err skn_start(const char *url, size_t max_bytes, skh_ingest_fn ingest, void *user, skn_input **out,
		 char *err, size_t errlen)
{
	skn_input *in = calloc(1, sizeof(*in));
	sk_err e = SK_OK;
	int rv;

	*out = NULL;
	if (in == NULL) {
		return SK_ENOMEM;
	}
	in->ingest = ingest;
	in->user = user;
	snprintf(in->url, sizeof(in->url), "%s", url);
	e = skn_prepare_dir(url, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	rv = nng_pull0_open(&in->sock);
	if (rv != 0) {
		snprintf(err, errlen, "nng: cannot open a PULL socket: %s", nng_strerror(rv));
		e = SK_EIO;
		goto cleanup;
	}
	in->open = true;
	nng_socket_set_ms(in->sock, NNG_OPT_RECVTIMEO, 200);
	nng_socket_set_size(in->sock, NNG_OPT_RECVMAXSZ, max_bytes);
	/* A small receive queue lets the engine keep sending while an append
	 * is in progress; bounded so memory stays small. */
	nng_socket_set_int(in->sock, NNG_OPT_RECVBUF, SKN_RECV_QUEUE);
	rv = nng_listen(in->sock, url, NULL, 0);
	if (rv != 0) {
		snprintf(err, errlen, "nng: cannot listen on %s: %s", url, nng_strerror(rv));
		e = SK_EIO;
		goto cleanup;
	}
	if (pthread_create(&in->thread, NULL, skn_main, in) != 0) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	in->started = true;
	*out = in;
	return SK_OK;
cleanup:
	skn_stop(in);
	return e;
}

void skn_stop(skn_input *in)
{
	if (in == NULL) {
		return;
	}
	atomic_store(&in->stop, true);
	if (in->started) {
		pthread_join(in->thread, NULL);
	}
	if (in->open) {
		nng_close(in->sock);
	}
	free(in);
}
