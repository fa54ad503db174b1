/* timescaledb plugin glue: Falcosidekick's timescaledb.* keys; one INSERT
 * per alert through libpq, on a connection opened at the first alert and
 * kept. The connection and its parameters are libpq's: TLS as libpq's
 * default sslmode (prefer, as Falcosidekick's driver) or PGSSLMODE says.
 *
 * Outcomes: the row stored is OK. A server that cannot be reached, a
 * connection lost, a shutdown, a timeout, a deadlock or a server out of
 * resources is RETRY (SQLSTATE classes 08, 40, 53, 57, 58, XX). A refused
 * login and every other SQL error (no such table or column, a value the
 * column refuses) is FAIL: sending the row again changes nothing. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_util.h"
#include "timescaledb.h"

#define TSDB_DEFAULT_TIMEOUT_MS 10000

typedef struct tsdb_state {
	tsdb_config cfg;
	tsdb_row row;
	PGconn *conn;
	char port[8], connect_timeout[16], tcp_timeout[16], options[64];
	const char *keys[10];
	const char *values[10];
	char where[300]; /* host:port/database, for messages */
} tsdb_state;

static void tsdb_close(void *state)
{
	tsdb_state *s = state;

	if (s == NULL) {
		return;
	}
	PQfinish(s->conn);
	tsdb_row_free(&s->row);
	tsdb_config_free(&s->cfg);
	free(s);
}

/* One column per customfields and templatedfields key (both lists append
 * to the same one). */
static bool tsdb_add_columns(const saker_plugin_host *host, tsdb_config *cfg, char *err, size_t errlen)
{
	if (spl_strlist_keys_from_config(host, "customfields", &cfg->columns) != SK_OK ||
	    spl_strlist_keys_from_config(host, "templatedfields", &cfg->columns) != SK_OK) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (cfg->columns.n > TSDB_MAX_CUSTOM) {
		snprintf(err, errlen, "customfields + templatedfields: %zu columns, at most %d", cfg->columns.n,
			 TSDB_MAX_CUSTOM);
		return false;
	}
	return true;
}

static bool tsdb_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *pghost = host->config_string(host->ctx, "host", "");
	const char *port = host->config_string(host->ctx, "port", "5432");
	const char *user = host->config_string(host->ctx, "user", "postgres");
	const char *password = host->config_string(host->ctx, "password", "postgres");
	const char *database = host->config_string(host->ctx, "database", "");
	const char *table = host->config_string(host->ctx, "hypertablename", "falco_events");
	int64_t timeout_ms = host->config_int(host->ctx, "timeout", TSDB_DEFAULT_TIMEOUT_MS);
	tsdb_state *s = calloc(1, sizeof(*s));
	char *end = NULL;
	long port_num = strtol(port, &end, 10);

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (end == port || *end != '\0' || port_num < 1 || port_num > 65535) {
		snprintf(err, errlen, "port '%s': want a number in 1..65535", port);
		goto fail;
	}
	if (timeout_ms < 1 || timeout_ms > 3600000) {
		snprintf(err, errlen, "timeout %lld ms: want 1..3600000", (long long)timeout_ms);
		goto fail;
	}
	if (tsdb_set_table(&s->cfg, table, err, errlen) != SK_OK || !tsdb_add_columns(host, &s->cfg, err, errlen)) {
		goto fail;
	}
	snprintf(s->port, sizeof(s->port), "%ld", port_num);
	/* libpq counts connect_timeout in whole seconds, 2 at least */
	snprintf(s->connect_timeout, sizeof(s->connect_timeout), "%lld", (long long)(timeout_ms + 999) / 1000);
	snprintf(s->tcp_timeout, sizeof(s->tcp_timeout), "%lld", (long long)timeout_ms);
	/* a locked table must not hold the worker forever either */
	snprintf(s->options, sizeof(s->options), "-c statement_timeout=%lld", (long long)timeout_ms);
	snprintf(s->where, sizeof(s->where), "%s:%s/%s", pghost, s->port, database[0] != '\0' ? database : user);
	const char *keys[] = {"host",		 "port",	     "user",	"password",
			      "dbname",		 "connect_timeout", "options", "tcp_user_timeout",
			      "application_name", NULL};
	const char *values[] = {pghost,		    s->port,	   user,       password, database[0] ? database : NULL,
				s->connect_timeout, s->options,   s->tcp_timeout, "saker-sidekick", NULL};
	memcpy(s->keys, keys, sizeof(keys));
	memcpy(s->values, values, sizeof(values));
	*state = s;
	return true;
fail:
	tsdb_close(s);
	return false;
}

/* The first line of libpq's message, without "FATAL:  " / "ERROR:  ". */
static void tsdb_reason(const char *msg, char *out, size_t outlen)
{
	static const char *const prefixes[] = {"FATAL:  ", "ERROR:  "};
	const char *text = msg != NULL ? msg : "";

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *p = strstr(text, prefixes[i]);
		if (p != NULL) {
			text = p + strlen(prefixes[i]);
			break;
		}
	}
	size_t n = strcspn(text, "\n");
	snprintf(out, outlen, "%.*s", (int)n, text);
}

/* libpq 15 gives a failed connection no SQLSTATE: a refused login is told
 * apart by what the server said (28000, 28P01, 3D000 in its messages). */
static bool tsdb_login_refused(const PGconn *conn)
{
	const char *msg = PQerrorMessage(conn);

	return PQconnectionNeedsPassword(conn) || strstr(msg, "authentication failed") != NULL ||
	       strstr(msg, "no pg_hba.conf entry") != NULL || strstr(msg, "does not exist") != NULL;
}

static saker_send_result tsdb_connect(tsdb_state *s, char *err, size_t errlen)
{
	char reason[256];

	if (s->conn != NULL && PQstatus(s->conn) == CONNECTION_OK) {
		return SAKER_SEND_OK;
	}
	PQfinish(s->conn);
	s->conn = PQconnectdbParams(s->keys, s->values, 0);
	if (s->conn != NULL && PQstatus(s->conn) == CONNECTION_OK) {
		return SAKER_SEND_OK;
	}
	if (s->conn == NULL) {
		snprintf(err, errlen, "timescaledb %s: out of memory", s->where);
		return SAKER_SEND_RETRY;
	}
	tsdb_reason(PQerrorMessage(s->conn), reason, sizeof(reason));
	snprintf(err, errlen, "timescaledb %s: %s", s->where, reason);
	saker_send_result r = tsdb_login_refused(s->conn) ? SAKER_SEND_FAIL : SAKER_SEND_RETRY;
	PQfinish(s->conn);
	s->conn = NULL;
	return r;
}

/* SQLSTATE classes another attempt may get past. */
static bool tsdb_sqlstate_transient(const char *state)
{
	static const char *const classes[] = {"08", "40", "53", "57", "58", "XX"};

	if (state == NULL) {
		return true; /* no answer at all: the connection went */
	}
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (strncmp(state, classes[i], 2) == 0) {
			return true;
		}
	}
	return false;
}

static saker_send_result tsdb_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	tsdb_state *s = state;
	char reason[256];

	if (tsdb_row_build(&s->row, &s->cfg, alert) != SK_OK) {
		snprintf(err, errlen, "timescaledb: out of memory");
		return SAKER_SEND_RETRY;
	}
	saker_send_result r = tsdb_connect(s, err, errlen);
	if (r != SAKER_SEND_OK) {
		return r;
	}
	PGresult *res = PQexecParams(s->conn, sk_strbuf_str(&s->row.sql), s->row.n, NULL, s->row.values, NULL, NULL,
				     0);
	if (res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK) {
		PQclear(res);
		return SAKER_SEND_OK;
	}
	const char *sqlstate = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	tsdb_reason(res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(s->conn), reason, sizeof(reason));
	if (reason[0] == '\0') {
		tsdb_reason(PQerrorMessage(s->conn), reason, sizeof(reason));
	}
	snprintf(err, errlen, "timescaledb %s: insert into %s: %s%s%s%s", s->where, sk_strbuf_str(&s->cfg.table),
		 reason, sqlstate != NULL ? " (SQLSTATE " : "", sqlstate != NULL ? sqlstate : "",
		 sqlstate != NULL ? ")" : "");
	r = tsdb_sqlstate_transient(sqlstate) ? SAKER_SEND_RETRY : SAKER_SEND_FAIL;
	PQclear(res);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		PQfinish(s->conn); /* dialled afresh next time */
		s->conn = NULL;
		r = SAKER_SEND_RETRY;
	}
	return r;
}

static const saker_output_plugin timescaledb_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "timescaledb",
	.description = "TimescaleDB / PostgreSQL table, Falcosidekick's row per alert (libpq)",
	.required_key = "host",
	.max_batch = 1,
	.init = tsdb_init,
	.send = tsdb_send,
	.send_batch = NULL,
	.close = tsdb_close,
};

SPL_PLUGIN_ENTRY(timescaledb_plugin)
