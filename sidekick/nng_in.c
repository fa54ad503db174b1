#define _GNU_SOURCE /* pthread_setname_np */
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
	size_t max_line; /* bytes of one alert */
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

/* True for a line with nothing but blanks (a trailing "\r" or "\n"). */
static bool skn_blank(const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
			return false;
		}
	}
	return true;
}

sk_err skn_split(const char *msg, size_t len, size_t max_line, size_t max_alerts, skh_ingest_fn ingest, void *user,
		 skn_counts *counts, char *err, size_t errlen)
{
	const char *p = msg, *end = len > 0 ? msg + len : msg;
	size_t nalerts = 0;
	sk_err last = SK_OK;
	char why[512];

	counts->accepted = counts->rejected = 0;
	if (errlen > 0) {
		err[0] = '\0';
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line = p;
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		sk_err e;

		p = nl != NULL ? nl + 1 : end;
		if (skn_blank(line, n)) {
			continue;
		}
		nalerts++;
		why[0] = '\0';
		if (nalerts > max_alerts || n > max_line) {
			if (nalerts > max_alerts) {
				snprintf(why, sizeof(why), "more than %zu alerts in one message", max_alerts);
			} else {
				snprintf(why, sizeof(why), "%zu bytes, over the %zu-byte limit", n, max_line);
			}
			ingest(user, SKM_SOURCE_NNG, NULL, 0, why, 0); /* counts the rejection */
			e = SK_ERANGE;
		} else {
			e = ingest(user, SKM_SOURCE_NNG, line, n, why, sizeof(why));
		}
		if (e == SK_OK) {
			counts->accepted++;
			continue;
		}
		counts->rejected++;
		last = e;
		snprintf(err, errlen, "alert %zu of the message: %s", nalerts, why);
	}
	if (nalerts == 0) {
		ingest(user, SKM_SOURCE_NNG, NULL, 0, why, 0);
		counts->rejected = 1;
		snprintf(err, errlen, "empty message (no alert in %zu bytes)", len);
		return SK_EINVAL;
	}
	return last;
}

static void *skn_main(void *arg)
{
	skn_input *in = arg;
	char err[600], last_err[600] = "";
	time_t last_log = 0;
	uint64_t rejected = 0;

	while (!atomic_load(&in->stop)) {
		nng_msg *msg = NULL;
		skn_counts counts;
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
		skn_split(nng_msg_body(msg), nng_msg_len(msg), in->max_line, SKN_MAX_ALERTS, in->ingest, in->user,
			  &counts, err, sizeof(err));
		nng_msg_free(msg);
		if (counts.rejected > 0) {
			rejected += counts.rejected;
			memcpy(last_err, err, sizeof(last_err));
		}
		if (rejected > 0) {
			/* One line per second at most; the metrics count every one. */
			time_t now = time(NULL);
			if (now != last_log) {
				sk_warn("nng: %llu alert(s) rejected, last: %s", (unsigned long long)rejected, last_err);
				last_log = now;
				rejected = 0;
			}
		}
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
	in->max_line = max_bytes;
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
	nng_socket_set_size(in->sock, NNG_OPT_RECVMAXSZ,
			    max_bytes > SKN_MIN_MESSAGE_BYTES ? max_bytes : SKN_MIN_MESSAGE_BYTES);
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
	pthread_setname_np(in->thread, "nng-in");
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
