/* nats: publishes the Falco JSON alert to the subject built from
 * subjecttemplate (default falco.<priority>.<rule>) on the `hostport`
 * servers, through libnats. Credentials ride in the URL as in Falcosidekick
 * (nats://user:password@host:4222, nats://token@host:4222); tls:// or
 * mutualtls turn TLS on.
 *
 * One connection per instance, opened lazily and kept. A send is OK once
 * the server answered the PING that follows the PUBs (flush), so it has
 * processed them. libnats's own reconnection is off: while it reconnects it
 * buffers and reports success, which would hide a down server; instead a
 * failed attempt drops the connection and the next one dials afresh.
 *
 * libnats runs process-wide threads. The .so is linked nodelete so that a
 * dlclose() never unmaps libnats under them; tearing the library down
 * (nats_Close) is the process's call, as only it knows who else uses it. */
#include <limits.h>
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nats_out.h"
#include "spl_util.h"

#define NATS_MAX_BATCH 256
#define NATS_DEFAULT_TIMEOUT_MS 5000
#define NATS_MAX_SERVERS 16

typedef struct nats_state {
	const saker_plugin_host *host;
	const char *tmpl;
	int64_t timeout_ms;
	natsOptions *opts;
	natsConnection *conn;
	sk_strbuf subject;
} nats_state;

static int64_t nats_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Statuses that another attempt cannot fix: credentials, permissions,
 * TLS required on one side only, a payload over the server's limit. */
static bool nats_status_is_permanent(natsStatus s)
{
	switch (s) {
	case NATS_CONNECTION_AUTH_FAILED:
	case NATS_NOT_PERMITTED:
	case NATS_SECURE_CONNECTION_WANTED:
	case NATS_SECURE_CONNECTION_REQUIRED:
	case NATS_MAX_PAYLOAD:
	case NATS_INVALID_SUBJECT:
	case NATS_INVALID_ARG:
		return true;
	default:
		return false;
	}
}

/* Writes "what: libnats's reason" into err and maps s to a result. */
static saker_send_result nats_fail(natsStatus s, const char *what, char *err, size_t errlen)
{
	natsStatus last = NATS_OK;
	const char *detail = nats_GetLastError(&last);

	if (detail == NULL || *detail == '\0' || last != s) {
		detail = natsStatus_GetText(s);
	}
	/* libnats prefixes its source position: "(conn.c:1905): ". */
	if (detail[0] == '(' && strstr(detail, "): ") != NULL) {
		detail = strstr(detail, "): ") + 3;
	}
	snprintf(err, errlen, "nats %s: %s", what, detail);
	return nats_status_is_permanent(s) ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
}

static void nats_disconnect(nats_state *st)
{
	if (st->conn != NULL) {
		natsConnection_Destroy(st->conn);
		st->conn = NULL;
	}
}

static saker_send_result nats_connect(nats_state *st, char *err, size_t errlen)
{
	natsStatus s = natsConnection_Connect(&st->conn, st->opts);

	if (s != NATS_OK) {
		st->conn = NULL;
		return nats_fail(s, "connect", err, errlen);
	}
	return SAKER_SEND_OK;
}

static void nats_close(void *state)
{
	nats_state *st = state;

	if (st == NULL) {
		return;
	}
	nats_disconnect(st);
	if (st->opts != NULL) {
		natsOptions_Destroy(st->opts);
	}
	sk_strbuf_free(&st->subject);
	free(st);
}

/* TLS when a URL is tls:// or mutualtls is set. Files follow the HTTP
 * outputs: mutualtlsclient.* or mutualtlsfilespath (client.crt,
 * client.key, ca.crt); tlsclient.cacertfile adds a CA. */
static natsStatus nats_setup_tls(nats_state *st, bool tls_url, char *err, size_t errlen)
{
	const saker_plugin_host *host = st->host;
	bool mutual = host->config_bool(host->ctx, "mutualtls", false);
	bool checkcert = host->config_bool(host->ctx, "checkcert", true);
	const char *ca = host->config_string(host->ctx, "tlsclient.cacertfile", "");
	spl_tls_files files;
	natsStatus s = NATS_OK;

	if (!tls_url && !mutual) {
		return NATS_OK;
	}
	s = natsOptions_SetSecure(st->opts, true);
	if (s == NATS_OK && mutual) {
		if (spl_mutual_tls_files(host, &files, err, errlen) != SK_OK) {
			return NATS_NOT_FOUND;
		}
		s = natsOptions_LoadCertificatesChain(st->opts, files.cert, files.key);
		ca = files.ca;
		/* With mutual TLS the server certificate is always verified. */
		checkcert = true;
	}
	if (s == NATS_OK && *ca != '\0') {
		if (!spl_file_readable(ca)) {
			snprintf(err, errlen, "tls: cannot read CA file %s", ca);
			return NATS_NOT_FOUND;
		}
		s = natsOptions_LoadCATrustedCertificates(st->opts, ca);
	}
	if (s == NATS_OK && !checkcert) {
		s = natsOptions_SkipServerVerification(st->opts, true);
	}
	if (s != NATS_OK) {
		nats_fail(s, "tls", err, errlen);
	}
	return s;
}

/* Splits hostport into libnats's server list (trimmed, empties skipped). */
static natsStatus nats_set_servers(nats_state *st, const char *hostport, char *err, size_t errlen)
{
	char *copy = strdup(hostport);
	const char *servers[NATS_MAX_SERVERS];
	int n = 0;
	natsStatus s = NATS_OK;

	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return NATS_NO_MEMORY;
	}
	for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		size_t len;

		tok += strspn(tok, " ");
		len = strlen(tok);
		while (len > 0 && tok[len - 1] == ' ') {
			tok[--len] = '\0';
		}
		if (len == 0) {
			continue;
		}
		if (n == NATS_MAX_SERVERS) {
			snprintf(err, errlen, "hostport: at most %d servers", NATS_MAX_SERVERS);
			s = NATS_INVALID_ARG;
			goto cleanup;
		}
		servers[n++] = tok;
	}
	s = natsOptions_SetServers(st->opts, servers, n);
	if (s != NATS_OK) {
		nats_fail(s, "hostport", err, errlen);
	}
cleanup:
	free(copy);
	return s;
}

static bool nats_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *hostport = host->config_string(host->ctx, "hostport", "");
	static const char *const unsupported[] = {"credsfile", "nkeyseedfile", "jwtfile"};
	nats_state *st = calloc(1, sizeof(*st));
	bool tls_url = false;
	natsStatus s = NATS_OK;
	sk_err rc = SK_OK;

	err[0] = '\0';
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->host = host;
	st->tmpl = host->config_string(host->ctx, "subjecttemplate", "");
	if (*st->tmpl == '\0') {
		st->tmpl = NATS_DEFAULT_SUBJECT_TEMPLATE;
	}
	st->timeout_ms = host->config_int(host->ctx, "timeout", NATS_DEFAULT_TIMEOUT_MS);
	rc = nats_check_hostport(hostport, &tls_url, err, errlen);
	if (rc == SK_OK) {
		rc = nats_check_template(st->tmpl, err, errlen);
	}
	if (rc == SK_OK && (st->timeout_ms <= 0 || st->timeout_ms > 600000)) {
		snprintf(err, errlen, "timeout %lld ms: want 1..600000", (long long)st->timeout_ms);
		rc = SK_ERANGE;
	}
	/* Newer Falcosidekick auth keys: refused rather than silently ignored. */
	for (size_t i = 0; rc == SK_OK && i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		if (*host->config_string(host->ctx, unsupported[i], "") != '\0') {
			snprintf(err, errlen, "%s: not supported; put user:password@ or token@ in hostport",
				 unsupported[i]);
			rc = SK_EUNSUPP;
		}
	}
	if (rc != SK_OK) {
		goto cleanup;
	}
	s = natsOptions_Create(&st->opts);
	if (s != NATS_OK) {
		nats_fail(s, "options", err, errlen);
		goto cleanup;
	}
	s = nats_set_servers(st, hostport, err, errlen);
	if (s == NATS_OK) {
		s = natsOptions_SetTimeout(st->opts, st->timeout_ms);
	}
	if (s == NATS_OK) {
		s = natsOptions_SetAllowReconnect(st->opts, false);
	}
	if (s == NATS_OK) {
		/* A blocked socket write fails within the budget too. */
		s = natsOptions_SetWriteDeadline(st->opts, st->timeout_ms);
	}
	if (s == NATS_OK) {
		s = nats_setup_tls(st, tls_url, err, errlen);
	}
	if (s != NATS_OK && *err == '\0') {
		nats_fail(s, "options", err, errlen);
	}
cleanup:
	if (rc != SK_OK || s != NATS_OK) {
		nats_close(st);
		return false;
	}
	/* A server that is down now may be up by the first alert: connect
	 * lazily, but say so early. */
	if (nats_connect(st, err, errlen) != SAKER_SEND_OK) {
		host->log(host->ctx, SAKER_LOG_WARNING, "%s (will retry on send)", err);
		err[0] = '\0';
	}
	*state = st;
	return true;
}

/* Publishes one alert to its subject (the PUB is only buffered). */
static saker_send_result nats_publish(nats_state *st, const saker_alert *alert, char *err, size_t errlen)
{
	natsStatus s;

	if (alert->json_len > INT_MAX) {
		snprintf(err, errlen, "alert of %zu bytes: too large", alert->json_len);
		return SAKER_SEND_FAIL;
	}
	sk_strbuf_reset(&st->subject);
	nats_subject(&st->subject, st->tmpl, alert);
	if (spl_check_buf(&st->subject, err, errlen) != SAKER_SEND_OK) {
		return SAKER_SEND_RETRY;
	}
	s = natsConnection_Publish(st->conn, sk_strbuf_str(&st->subject), alert->json, (int)alert->json_len);
	if (s != NATS_OK) {
		char what[320];

		snprintf(what, sizeof(what), "publish to %s", sk_strbuf_str(&st->subject));
		return nats_fail(s, what, err, errlen);
	}
	return SAKER_SEND_OK;
}

static saker_send_result nats_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					 size_t errlen)
{
	nats_state *st = state;
	saker_send_result res = SAKER_SEND_OK;
	int64_t deadline = nats_now_ms() + st->timeout_ms;
	const char *why = NULL;
	natsStatus s;

	if (n == 0 || n > NATS_MAX_BATCH) {
		snprintf(err, errlen, "batch of %zu alerts: want 1..%d", n, NATS_MAX_BATCH);
		return SAKER_SEND_FAIL;
	}
	/* The server dropped us since the last attempt: start afresh. */
	if (st->conn != NULL && natsConnection_IsClosed(st->conn)) {
		nats_disconnect(st);
	}
	if (st->conn == NULL) {
		res = nats_connect(st, err, errlen);
		if (res != SAKER_SEND_OK) {
			return res;
		}
	}
	for (size_t i = 0; i < n && res == SAKER_SEND_OK; i++) {
		res = nats_publish(st, alerts[i], err, errlen);
	}
	if (res == SAKER_SEND_OK) {
		int64_t left = deadline - nats_now_ms();

		s = natsConnection_FlushTimeout(st->conn, left > 0 ? left : 1);
		if (s != NATS_OK) {
			res = nats_fail(s, "flush", err, errlen);
		}
	}
	/* A publish permission violation comes back as an asynchronous -ERR
	 * that the read loop records before the flush's PONG. */
	if (natsConnection_GetLastError(st->conn, &why) == NATS_NOT_PERMITTED) {
		snprintf(err, errlen, "nats publish to %s: %s", sk_strbuf_str(&st->subject),
			 why != NULL ? why : "not permitted");
		res = SAKER_SEND_FAIL;
	}
	/* Whatever went wrong, what libnats still holds of this attempt must
	 * not go out with the next one (and its error state is sticky). */
	if (res != SAKER_SEND_OK) {
		nats_disconnect(st);
	}
	return res;
}

static saker_send_result nats_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return nats_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin nats_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "nats",
	.description = "NATS publish of Falco JSON alerts to falco.<priority>.<rule> (libnats), flushed per send",
	.required_key = "hostport",
	.max_batch = NATS_MAX_BATCH,
	.init = nats_init,
	.send = nats_send,
	.send_batch = nats_send_batch,
	.close = nats_close,
};

SPL_PLUGIN_ENTRY(nats_plugin)
