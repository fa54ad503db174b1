/* channels.c: the built-in output channels (Falco's stdout, syslog, file, program
 * and http outputs, plus nng PUSH to saker-sidekick). Each runs on the
 * output worker thread only. */
#include <curl/curl.h>
#include <errno.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/push.h>
#include <nng/supplemental/util/platform.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "output.h"
#include "sk_log.h"

/* ---- stdout --------------------------------------------------------------- */

typedef struct stream_ch {
	sk_output_channel base;
	FILE *f;
	bool keep_alive;
	bool buffered;
	char *target; /* file name or program; NULL for stdout */
	bool is_program;
} stream_ch;

static sk_err write_line(FILE *f, const char *line, size_t len, bool buffered)
{
	if (fwrite(line, 1, len, f) != len || fputc('\n', f) == EOF) {
		return SK_EIO;
	}
	if (!buffered && fflush(f) != 0) {
		return SK_EIO;
	}
	return SK_OK;
}

static sk_err stdout_emit(sk_output_channel *ch, const sk_output_item *item)
{
	stream_ch *s = (stream_ch *)ch;
	return write_line(stdout, item->line, item->line_len, s->buffered);
}

static void stream_close(sk_output_channel *ch)
{
	stream_ch *s = (stream_ch *)ch;
	if (s->f != NULL && s->f != stdout) {
		if (s->is_program) {
			pclose(s->f);
		} else {
			fclose(s->f);
		}
	} else if (s->f == stdout) {
		fflush(stdout);
	}
	free(s->target);
	free(s);
}

static const sk_output_channel_ops stdout_ops = {.name = "stdout", .emit = stdout_emit, .close = stream_close};

static sk_err stream_new(const sk_output_channel_ops *ops, const sk_output_config *cfg, const char *target,
			 bool keep_alive, bool is_program, sk_output_channel **out)
{
	stream_ch *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return SK_ENOMEM;
	}
	s->base.ops = ops;
	s->buffered = cfg->buffered_outputs;
	s->keep_alive = keep_alive;
	s->is_program = is_program;
	if (target != NULL) {
		s->target = strdup(target);
		if (s->target == NULL) {
			free(s);
			return SK_ENOMEM;
		}
	}
	*out = &s->base;
	return SK_OK;
}

sk_err sk_output_stdout_open(const sk_output_config *cfg, sk_output_channel **out)
{
	sk_err err = stream_new(&stdout_ops, cfg, NULL, true, false, out);
	if (err == SK_OK) {
		((stream_ch *)*out)->f = stdout;
	}
	return err;
}

/* ---- file and program ------------------------------------------------------ */

/* Opens the target for one alert (or once, with keep_alive). */
static FILE *stream_open(stream_ch *s)
{
	return s->is_program ? popen(s->target, "w") : fopen(s->target, "a");
}

static sk_err stream_emit(sk_output_channel *ch, const sk_output_item *item)
{
	stream_ch *s = (stream_ch *)ch;
	sk_err err;

	if (s->f == NULL) {
		s->f = stream_open(s);
		if (s->f == NULL) {
			return SK_EIO;
		}
	}
	err = write_line(s->f, item->line, item->line_len, s->buffered && s->keep_alive);
	if (!s->keep_alive || err != SK_OK) {
		int rc = s->is_program ? pclose(s->f) : fclose(s->f);
		s->f = NULL;
		if (rc != 0 && err == SK_OK) {
			err = SK_EIO;
		}
	}
	return err;
}

/* SIGUSR1: the file (or the program's pipe) kept open is closed; the next
 * alert opens it again by name (a rotated log gets a new file). */
static void stream_reopen(sk_output_channel *ch)
{
	stream_ch *s = (stream_ch *)ch;
	if (s->f != NULL) {
		int rc = s->is_program ? pclose(s->f) : fclose(s->f);
		s->f = NULL;
		if (rc != 0) {
			sk_warn("%s output: closing %s for SIGUSR1 failed", s->is_program ? "program" : "file", s->target);
		}
	}
}

static const sk_output_channel_ops file_ops = {
	.name = "file", .emit = stream_emit, .reopen = stream_reopen, .close = stream_close};
static const sk_output_channel_ops program_ops = {
	.name = "program", .emit = stream_emit, .reopen = stream_reopen, .close = stream_close};

sk_err sk_output_file_open(const sk_output_config *cfg, sk_output_channel **out)
{
	sk_err err;
	if (cfg->file_name == NULL || cfg->file_name[0] == '\0') {
		sk_error("file_output: filename is empty");
		return SK_EINVAL;
	}
	err = stream_new(&file_ops, cfg, cfg->file_name, cfg->file_keep_alive, false, out);
	if (err != SK_OK) {
		return err;
	}
	/* Fail at start-up rather than on the first alert. */
	((stream_ch *)*out)->f = fopen(cfg->file_name, "a");
	if (((stream_ch *)*out)->f == NULL) {
		sk_error("file_output: cannot open %s", cfg->file_name);
		stream_close(*out);
		*out = NULL;
		return SK_EIO;
	}
	if (!cfg->file_keep_alive) {
		fclose(((stream_ch *)*out)->f);
		((stream_ch *)*out)->f = NULL;
	}
	return SK_OK;
}

sk_err sk_output_program_open(const sk_output_config *cfg, sk_output_channel **out)
{
	if (cfg->program == NULL || cfg->program[0] == '\0') {
		sk_error("program_output: program is empty");
		return SK_EINVAL;
	}
	return stream_new(&program_ops, cfg, cfg->program, cfg->program_keep_alive, true, out);
}

/* ---- syslog ---------------------------------------------------------------- */

static sk_err syslog_emit(sk_output_channel *ch, const sk_output_item *item)
{
	(void)ch;
	/* no delivery report: syslog(3) drops what no daemon takes, as in Falco */
	syslog(LOG_USER | (item->severity & 7), "%.*s", (int)item->line_len, item->line);
	return SK_OK;
}

static void syslog_close(sk_output_channel *ch)
{
	free(ch);
}

static const sk_output_channel_ops syslog_ops = {.name = "syslog", .emit = syslog_emit, .close = syslog_close};

sk_err sk_output_syslog_open(const sk_output_config *cfg, sk_output_channel **out)
{
	(void)cfg;
	sk_output_channel *ch = calloc(1, sizeof(*ch));
	if (ch == NULL) {
		return SK_ENOMEM;
	}
	ch->ops = &syslog_ops;
	*out = ch;
	return SK_OK;
}

/* ---- http ------------------------------------------------------------------ */

typedef struct http_ch {
	sk_output_channel base;
	CURL *curl;
	struct curl_slist *headers;
	bool json;
	uint32_t timeout_retries; /* http_output.max_consecutive_timeouts */
	bool echo;		  /* http_output.echo */
	size_t echoed;		  /* bytes of the current answer echoed */
	char echoed_last;	  /* and the last of them */
} http_ch;

static size_t discard(char *ptr, size_t size, size_t n, void *user)
{
	return size * n;
}

static sk_err http_emit(sk_output_channel *ch, const sk_output_item *item)
{
	http_ch *h = (http_ch *)ch;
	long code = 0;
	CURLcode rc;

	/* Falco posts the JSON document when json_output is on, else the text. */
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, h->json ? item->json : item->line);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)(h->json ? item->json_len : item->line_len));
	rc = curl_easy_perform(h->curl);
	/* a slow receiver gets a few more tries, as Falco gives it */
	for (uint32_t retry = 0; rc == CURLE_OPERATION_TIMEDOUT && retry < h->timeout_retries; retry++) {
		rc = curl_easy_perform(h->curl);
	}
	if (h->echo && h->echoed > 0) {
		/* one answer per line, so the next alert on stdout starts its own */
		if (h->echoed_last != '\n') {
			fputc('\n', stdout);
		}
		fflush(stdout);
		h->echoed = 0;
	}
	if (rc != CURLE_OK) {
		return SK_EIO;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	return code >= 200 && code < 300 ? SK_OK : SK_EIO;
}

static void http_close(sk_output_channel *ch)
{
	http_ch *h = (http_ch *)ch;
	curl_slist_free_all(h->headers);
	curl_easy_cleanup(h->curl);
	free(h);
}

static const sk_output_channel_ops http_ops = {.name = "http", .emit = http_emit, .close = http_close};

/* echo: the server's answer on stdout. */
static size_t echo_answer(char *ptr, size_t size, size_t n, void *user)
{
	http_ch *h = user;
	size_t len = size * n;
	if (len > 0) {
		fwrite(ptr, 1, len, stdout);
		h->echoed += len;
		h->echoed_last = ptr[len - 1];
	}
	return len;
}

/* A file http_output names must be readable now, not at the first alert. */
static bool readable(const char *key, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		sk_error("http_output.%s: %s: %s", key, path, strerror(errno));
		return false;
	}
	fclose(f);
	return true;
}

/* The TLS and transfer settings, as Falco's http output sets them. */
static bool http_tls_setup(http_ch *h, const sk_output_config *cfg)
{
	CURL *c = h->curl;
	if (cfg->http_mtls) {
		if (!readable("client_cert", cfg->http_client_cert) || !readable("client_key", cfg->http_client_key)) {
			return false;
		}
		curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->http_client_cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->http_client_key);
	}
	if (cfg->http_ca_cert[0] != '\0') {
		if (!readable("ca_cert", cfg->http_ca_cert)) {
			return false;
		}
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->http_ca_cert);
	} else if (cfg->http_ca_bundle[0] != '\0') {
		if (!readable("ca_bundle", cfg->http_ca_bundle)) {
			return false;
		}
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->http_ca_bundle);
	} else if (cfg->http_ca_path[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_CAPATH, cfg->http_ca_path);
	}
	h->echo = cfg->http_echo;
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, cfg->http_echo ? echo_answer : discard);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	if (cfg->http_compress_uploads) {
		curl_easy_setopt(c, CURLOPT_TRANSFER_ENCODING, 1L);
	}
	if (cfg->http_keep_alive) {
		curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	}
	h->timeout_retries = cfg->http_max_consecutive_timeouts < 255 ? cfg->http_max_consecutive_timeouts : 255;
	return true;
}

sk_err sk_output_http_open(const sk_output_config *cfg, sk_output_channel **out)
{
	http_ch *h;
	if (cfg->http_url == NULL || cfg->http_url[0] == '\0') {
		sk_error("http_output: url is empty");
		return SK_EINVAL;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		return SK_ENOMEM;
	}
	h->base.ops = &http_ops;
	h->json = cfg->json_output;
	h->curl = curl_easy_init();
	h->headers = curl_slist_append(NULL, cfg->json_output ? "Content-Type: application/json"
							       : "Content-Type: text/plain");
	if (h->curl == NULL || h->headers == NULL) {
		http_close(&h->base);
		return SK_ENOMEM;
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, cfg->http_url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT,
			 cfg->http_user_agent != NULL ? cfg->http_user_agent : "falcosecurity/falco");
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (cfg->http_insecure) {
		curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (!http_tls_setup(h, cfg)) {
		http_close(&h->base);
		return SK_EINVAL;
	}
	*out = &h->base;
	return SK_OK;
}

/* ---- nng PUSH to saker-sidekick ---------------------------------------------- */

/* Alerts are batched into one nng message, '\n' between them: the per-message
 * cost of nng (tens of microseconds) would otherwise cap the link well below
 * the sidekick's own rate (docs/protocol.md, "Alerts"). */
typedef struct nng_ch {
	sk_output_channel base;
	nng_socket sock;
	nng_msg *batch;      /* NULL when nothing is held */
	uint64_t nbatch;     /* alerts in batch */
	bool sent_any;
	nng_time last_sent;  /* when the last batch was handed to nng */
} nng_ch;

/* nng_sendmsg returns once the pipe has the message, before it is written;
 * nng_close would drop it. nng 1.x has no linger option, so close waits
 * this long after the last send. */
#define NNG_CH_LINGER_MS 200

/* Sends the held batch; its alerts are counted sent or failed together. */
static void nng_ch_flush(sk_output_channel *ch)
{
	nng_ch *n = (nng_ch *)ch;
	int rv;

	if (n->batch == NULL) {
		return;
	}
	if (n->nbatch == 0) {
		nng_msg_free(n->batch); /* an append failed on a fresh message */
		n->batch = NULL;
		return;
	}
	rv = nng_sendmsg(n->sock, n->batch, 0);
	if (rv == 0) {
		n->sent_any = true;
		n->last_sent = nng_clock();
		n->base.sent += n->nbatch;
	} else {
		nng_msg_free(n->batch); /* nng keeps the message only on success */
		n->base.failed += n->nbatch;
	}
	n->batch = NULL;
	n->nbatch = 0;
}

static sk_err nng_emit(sk_output_channel *ch, const sk_output_item *item)
{
	nng_ch *n = (nng_ch *)ch;
	const char *json = item->json;
	size_t json_len = item->json_len;

	if (n->batch != NULL && (n->nbatch >= SK_OUTPUT_NNG_BATCH_ALERTS ||
				 nng_msg_len(n->batch) + 1 + json_len > SK_OUTPUT_NNG_BATCH_BYTES)) {
		nng_ch_flush(ch);
	}
	if (n->batch == NULL) {
		size_t want = json_len > SK_OUTPUT_NNG_BATCH_BYTES ? json_len : SK_OUTPUT_NNG_BATCH_BYTES;
		if (nng_msg_alloc(&n->batch, 0) != 0 || nng_msg_reserve(n->batch, want) != 0) {
			if (n->batch != NULL) {
				nng_msg_free(n->batch);
				n->batch = NULL;
			}
			return SK_ENOMEM;
		}
	} else if (nng_msg_append(n->batch, "\n", 1) != 0) {
		return SK_ENOMEM;
	}
	if (nng_msg_append(n->batch, json, json_len) != 0) {
		if (n->nbatch > 0) {
			nng_msg_chop(n->batch, 1); /* the separator: keep the batch well formed */
		}
		return SK_ENOMEM;
	}
	n->nbatch++;
	return SK_EAGAIN;
}

static void nng_ch_close(sk_output_channel *ch)
{
	nng_ch *n = (nng_ch *)ch;
	nng_ch_flush(ch);
	if (n->sent_any && nng_clock() - n->last_sent < NNG_CH_LINGER_MS) {
		nng_msleep(NNG_CH_LINGER_MS - (nng_duration)(nng_clock() - n->last_sent));
	}
	nng_close(n->sock);
	free(n);
}

static const sk_output_channel_ops nng_ops = {
	.name = "nng", .emit = nng_emit, .flush = nng_ch_flush, .close = nng_ch_close};

sk_err sk_output_nng_open(const sk_output_config *cfg, sk_output_channel **out)
{
	nng_ch *n;
	int rv;
	const char *url = cfg->nng_url != NULL ? cfg->nng_url : SK_OUTPUT_NNG_DEFAULT_URL;

	n = calloc(1, sizeof(*n));
	if (n == NULL) {
		return SK_ENOMEM;
	}
	n->base.ops = &nng_ops;
	rv = nng_push0_open(&n->sock);
	if (rv != 0) {
		free(n);
		return SK_EIO;
	}
	/* A missing sidekick must not hold alerts forever: sends give up
	 * after 2 s (counted as failed), dialing retries in the background. */
	nng_socket_set_ms(n->sock, NNG_OPT_SENDTIMEO, 2000);
	rv = nng_dial(n->sock, url, NULL, NNG_FLAG_NONBLOCK);
	if (rv != 0) {
		sk_error("nng_output: cannot dial %s: %s", url, nng_strerror(rv));
		nng_close(n->sock);
		free(n);
		return SK_EINVAL;
	}
	*out = &n->base;
	return SK_OK;
}
