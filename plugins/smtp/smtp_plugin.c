/* smtp plugin glue: smtp.hostport, tls (STARTTLS), authmechanism (plain,
 * oauthbearer, external; anonymous is sent without AUTH), user, password,
 * token, identity, trace, from, to, outputformat (html or text). One mail
 * per alert over libcurl's SMTP, on a fresh connection each time (as
 * Falcosidekick dials for every mail). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtp.h"
#include "spl_http.h"
#include "spl_util.h"

#define SMTP_DEFAULT_TIMEOUT_MS 10000

typedef struct smtp_state {
	CURL *curl;
	struct curl_slist *rcpt; /* "<address>" of every recipient */
	char *to_header;         /* the recipients as configured, joined by ", " */
	smtp_config cfg;
	sk_strbuf msg;
	size_t msg_sent; /* bytes of msg libcurl has read */
	char curl_err[CURL_ERROR_SIZE];
} smtp_state;

static void smtp_close(void *state)
{
	smtp_state *st = state;
	if (st != NULL) {
		if (st->curl != NULL) {
			curl_easy_cleanup(st->curl);
		}
		curl_slist_free_all(st->rcpt);
		free(st->to_header);
		sk_strbuf_free(&st->msg);
		free(st);
	}
}

/* Checks "host:port" (a name, an IPv4 address or a bracketed IPv6 one, and
 * a port 1..65535) as Falcosidekick's ".*:[0-9]+" wants, minus what would
 * change the URL it becomes (a path, user info, blanks). */
static sk_err check_hostport(const char *hostport)
{
	const char *colon = strrchr(hostport, ':');
	if (colon == NULL || colon == hostport || colon[1] == '\0' || strlen(colon + 1) > 5 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
		return SK_EINVAL;
	}
	long port = strtol(colon + 1, NULL, 10);
	size_t hostlen = (size_t)(colon - hostport);
	if (port < 1 || port > 65535) {
		return SK_ERANGE;
	}
	if (hostport[0] == '[') {
		return hostlen > 2 && hostport[hostlen - 1] == ']' && strspn(hostport + 1, "0123456789abcdefABCDEF:.") == hostlen - 2
			       ? SK_OK
			       : SK_EINVAL;
	}
	return strspn(hostport, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == hostlen
		       ? SK_OK
		       : SK_EINVAL;
}

typedef struct rcpt_ctx {
	smtp_state *st;
	sk_strbuf header; /* the To header being joined */
	size_t n;
	char err[256];
} rcpt_ctx;

/* Adds one configured recipient: its envelope address to the RCPT list,
 * its text (blanks trimmed) to the To header. */
static void add_recipient(void *user, const char *value)
{
	rcpt_ctx *ctx = user;
	char addr[SMTP_MAX_ADDRESS + 1], path[SMTP_MAX_ADDRESS + 3];
	size_t len;
	value += strspn(value, " \t");
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t')) {
		len--;
	}
	if (ctx->err[0] != '\0' || len == 0) {
		return;
	}
	if (!smtp_header_safe(value) || smtp_address(value, addr, sizeof(addr)) != SK_OK) {
		snprintf(ctx->err, sizeof(ctx->err), "to '%.*s': not an email address", (int)(len > 200 ? 200 : len),
			 value);
		return;
	}
	snprintf(path, sizeof(path), "<%s>", addr);
	struct curl_slist *next = curl_slist_append(ctx->st->rcpt, path);
	if (next == NULL) {
		snprintf(ctx->err, sizeof(ctx->err), "out of memory");
		return;
	}
	ctx->st->rcpt = next;
	if (ctx->n > 0) {
		sk_strbuf_puts(&ctx->header, ", ");
	}
	sk_strbuf_append(&ctx->header, value, len);
	ctx->n++;
}

/* Reads to (a list or a comma-separated string) into the recipients and
 * the To header. */
static sk_err read_recipients(smtp_state *st, const saker_plugin_host *host, char *err, size_t errlen)
{
	rcpt_ctx ctx = {.st = st, .header = SK_STRBUF_INIT, .n = 0, .err = ""};
	host->config_list(host->ctx, "to", add_recipient, &ctx);
	sk_err rc = SK_OK;
	if (ctx.err[0] != '\0') {
		snprintf(err, errlen, "%s", ctx.err);
		rc = SK_EINVAL;
	} else if (ctx.n == 0) {
		snprintf(err, errlen, "to: at least one recipient is needed");
		rc = SK_EINVAL;
	} else if (sk_strbuf_failed(&ctx.header)) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
	} else {
		st->to_header = strdup(sk_strbuf_str(&ctx.header));
		if (st->to_header == NULL) {
			snprintf(err, errlen, "out of memory");
			rc = SK_ENOMEM;
		}
	}
	sk_strbuf_free(&ctx.header);
	return rc;
}

/* TLS for STARTTLS with the keys every output shares (spl_curl_tls()): a
 * client certificate is what SASL EXTERNAL usually rests on. */
static sk_err setup_tls(smtp_state *st, const saker_plugin_host *host, char *err, size_t errlen)
{
	sk_err rc = spl_curl_tls(st->curl, host, err, errlen);

	/* Falcosidekick's floor */
	curl_easy_setopt(st->curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	return rc;
}

/* authmechanism and its credentials. libcurl speaks PLAIN, OAUTHBEARER and
 * EXTERNAL but has no ANONYMOUS: that one (which proves nothing) sends the
 * mail without AUTH, with a warning. */
static sk_err setup_auth(smtp_state *st, const saker_plugin_host *host, char *err, size_t errlen)
{
	const char *mech = host->config_string(host->ctx, "authmechanism", "plain");
	const char *user = host->config_string(host->ctx, "user", "");
	const char *password = host->config_string(host->ctx, "password", "");
	const char *token = host->config_string(host->ctx, "token", "");
	const char *identity = host->config_string(host->ctx, "identity", "");
	if (mech[0] == '\0' || strcasecmp(mech, "none") == 0) {
		return SK_OK;
	}
	/* the initial response goes with the AUTH command, as go-sasl sends it */
	curl_easy_setopt(st->curl, CURLOPT_SASL_IR, 1L);
	if (strcasecmp(mech, "plain") == 0) {
		/* plain is the default: without a user the mail goes without AUTH */
		if (user[0] != '\0') {
			curl_easy_setopt(st->curl, CURLOPT_LOGIN_OPTIONS, "AUTH=PLAIN");
			curl_easy_setopt(st->curl, CURLOPT_USERNAME, user);
			curl_easy_setopt(st->curl, CURLOPT_PASSWORD, password);
			if (identity[0] != '\0') {
				curl_easy_setopt(st->curl, CURLOPT_SASL_AUTHZID, identity);
			}
		}
		return SK_OK;
	}
	if (strcasecmp(mech, "oauthbearer") == 0) {
		if (token[0] == '\0') {
			snprintf(err, errlen, "authmechanism oauthbearer: token is empty");
			return SK_EINVAL;
		}
		curl_easy_setopt(st->curl, CURLOPT_LOGIN_OPTIONS, "AUTH=OAUTHBEARER");
		curl_easy_setopt(st->curl, CURLOPT_USERNAME, user);
		curl_easy_setopt(st->curl, CURLOPT_XOAUTH2_BEARER, token);
		return SK_OK;
	}
	if (strcasecmp(mech, "external") == 0) {
		/* libcurl sends the user name as EXTERNAL's authorization identity */
		curl_easy_setopt(st->curl, CURLOPT_LOGIN_OPTIONS, "AUTH=EXTERNAL");
		curl_easy_setopt(st->curl, CURLOPT_USERNAME, identity);
		return SK_OK;
	}
	if (strcasecmp(mech, "anonymous") == 0) {
		host->log(host->ctx, SAKER_LOG_WARNING,
			  "authmechanism anonymous: libcurl has no SASL ANONYMOUS, mail is sent without AUTH "
			  "(trace unused)");
		return SK_OK;
	}
	snprintf(err, errlen, "authmechanism '%s': want plain, oauthbearer, external, anonymous or none", mech);
	return SK_EINVAL;
}

/* Reads every key into st and sets up the libcurl handle. */
static sk_err smtp_configure(smtp_state *st, const saker_plugin_host *host, char *err, size_t errlen)
{
	const char *hostport = host->config_string(host->ctx, "hostport", "");
	const char *format = host->config_string(host->ctx, "outputformat", "html");
	int64_t timeout_ms = host->config_int(host->ctx, "timeout", SMTP_DEFAULT_TIMEOUT_MS);
	char from[SMTP_MAX_ADDRESS + 1], path[SMTP_MAX_ADDRESS + 3], url[1100];
	st->cfg.from = host->config_string(host->ctx, "from", "");
	st->cfg.hostname = host->hostname != NULL ? host->hostname : "";
	st->cfg.html = strcasecmp(format, "text") != 0;
	if (check_hostport(hostport) != SK_OK || strlen(hostport) > 1000) {
		snprintf(err, errlen, "hostport '%.200s': want host:port", hostport);
		return SK_EINVAL;
	}
	if (format[0] != '\0' && strcasecmp(format, "html") != 0 && strcasecmp(format, "text") != 0) {
		snprintf(err, errlen, "outputformat '%.100s': want html or text", format);
		return SK_EINVAL;
	}
	if (st->cfg.from[0] == '\0') {
		snprintf(err, errlen, "from: the sender address is needed");
		return SK_EINVAL;
	}
	if (!smtp_header_safe(st->cfg.from) || smtp_address(st->cfg.from, from, sizeof(from)) != SK_OK) {
		snprintf(err, errlen, "from '%.200s': not an email address", st->cfg.from);
		return SK_EINVAL;
	}
	if (timeout_ms <= 0 || timeout_ms > 600000) {
		snprintf(err, errlen, "timeout %lld ms: want 1..600000", (long long)timeout_ms);
		return SK_ERANGE;
	}
	sk_err rc = read_recipients(st, host, err, errlen);
	if (rc != SK_OK) {
		return rc;
	}
	st->cfg.to = st->to_header;
	snprintf(url, sizeof(url), "smtp://%s", hostport);
	snprintf(path, sizeof(path), "<%s>", from);
	curl_easy_setopt(st->curl, CURLOPT_URL, url);
	curl_easy_setopt(st->curl, CURLOPT_PROTOCOLS_STR, "smtp");
	curl_easy_setopt(st->curl, CURLOPT_MAIL_FROM, path);
	curl_easy_setopt(st->curl, CURLOPT_MAIL_RCPT, st->rcpt);
	curl_easy_setopt(st->curl, CURLOPT_ERRORBUFFER, st->curl_err);
	curl_easy_setopt(st->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(st->curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(st->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	/* one connection per mail: no idle session for the server to drop */
	curl_easy_setopt(st->curl, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(st->curl, CURLOPT_UPLOAD, 1L);
	if (host->config_bool(host->ctx, "tls", true)) {
		/* Falcosidekick dials with STARTTLS, which must then succeed */
		curl_easy_setopt(st->curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	}
	rc = setup_tls(st, host, err, errlen);
	if (rc == SK_OK) {
		rc = setup_auth(st, host, err, errlen);
	}
	return rc;
}

static bool smtp_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	if (spl_curl_global(err, errlen) != SK_OK) {
		return false;
	}
	smtp_state *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->curl = curl_easy_init();
	if (st->curl == NULL) {
		snprintf(err, errlen, "out of memory");
		smtp_close(st);
		return false;
	}
	if (smtp_configure(st, host, err, errlen) != SK_OK) {
		smtp_close(st);
		return false;
	}
	*state = st;
	return true;
}

/* libcurl's read callback: the next bytes of the message. */
static size_t read_message(char *buf, size_t size, size_t nitems, void *user)
{
	smtp_state *st = user;
	size_t room = size * nitems, left = st->msg.len - st->msg_sent;
	size_t n = left < room ? left : room;
	memcpy(buf, st->msg.data + st->msg_sent, n);
	st->msg_sent += n;
	return n;
}

/* The outcome of one transfer: the server's last reply decides when it
 * was a 4xx (transient) or 5xx (permanent) one; otherwise a local set-up
 * that will not heal, a refused login or a server without STARTTLS fail,
 * and connection trouble and timeouts are retried. */
static saker_send_result smtp_outcome(CURLcode cc, long reply)
{
	if (cc == CURLE_OK) {
		return SAKER_SEND_OK;
	}
	if (reply >= 400 && reply < 500) {
		return SAKER_SEND_RETRY;
	}
	if (reply >= 500 && reply < 600) {
		return SAKER_SEND_FAIL;
	}
	switch (cc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_LOGIN_DENIED:
	case CURLE_USE_SSL_FAILED:
		return SAKER_SEND_FAIL;
	default:
		return SAKER_SEND_RETRY;
	}
}

static saker_send_result smtp_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	smtp_state *st = state;
	long reply = 0;
	sk_strbuf_reset(&st->msg);
	if (smtp_message(&st->msg, &st->cfg, alert) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return SAKER_SEND_RETRY;
	}
	st->msg_sent = 0;
	st->curl_err[0] = '\0';
	curl_easy_setopt(st->curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(st->curl, CURLOPT_READDATA, st);
	curl_easy_setopt(st->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st->msg.len);
	CURLcode cc = curl_easy_perform(st->curl);
	if (cc == CURLE_OK) {
		return SAKER_SEND_OK;
	}
	curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &reply);
	snprintf(err, errlen, "%s: %s (last reply %ld)", curl_easy_strerror(cc),
		 st->curl_err[0] != '\0' ? st->curl_err : "-", reply);
	return smtp_outcome(cc, reply);
}

static const saker_output_plugin smtp_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "smtp",
	.description = "email over SMTP (STARTTLS, SASL), Falcosidekick's subject, text or html body",
	.required_key = "hostport",
	.max_batch = 1,
	.init = smtp_init,
	.send = smtp_send,
	.send_batch = NULL,
	.close = smtp_close,
};

SPL_PLUGIN_ENTRY(smtp_plugin)
