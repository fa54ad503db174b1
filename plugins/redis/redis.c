/* redis: RPUSH (storagetype list) or HSET by uuid (storagetype hashmap) of
 * the Falco JSON alert into `key`, as Falcosidekick does. A batch is one
 * command, so it lands all or none. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "saker/output_plugin.h"
#include "spl_util.h"

#define REDIS_MAX_BATCH 256
#define REDIS_DEFAULT_TIMEOUT_MS 5000

typedef struct redis_state {
	char hostname[256];
	int port;
	const char *username;
	const char *password;
	int64_t database;
	const char *key;
	bool hashmap;
	struct timeval timeout;
	redisContext *ctx;
	/* argv for one command: verb, key, then 1 or 2 args per alert. */
	const char *argv[2 + 2 * REDIS_MAX_BATCH];
	size_t argvlen[2 + 2 * REDIS_MAX_BATCH];
} redis_state;

/* Server errors that say "later" rather than "never". */
static bool redis_error_is_transient(const char *msg)
{
	static const char *const transient[] = {"LOADING", "BUSY",       "OOM",     "READONLY",
						"MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS"};

	for (size_t i = 0; i < sizeof(transient) / sizeof(transient[0]); i++) {
		if (strncmp(msg, transient[i], strlen(transient[i])) == 0) {
			return true;
		}
	}
	return false;
}

static void redis_disconnect(redis_state *st)
{
	if (st->ctx != NULL) {
		redisFree(st->ctx);
		st->ctx = NULL;
	}
}

/* Runs one command and maps its reply; on a connection error the context
 * is dropped so the next call reconnects. */
static saker_send_result redis_run(redis_state *st, int argc, const char **argv, const size_t *argvlen,
				   char *err, size_t errlen)
{
	redisReply *reply = redisCommandArgv(st->ctx, argc, argv, argvlen);
	saker_send_result res = SAKER_SEND_OK;

	if (reply == NULL) {
		snprintf(err, errlen, "redis %s:%d: %s", st->hostname, st->port,
			 st->ctx->errstr[0] ? st->ctx->errstr : "connection lost");
		redis_disconnect(st);
		return SAKER_SEND_RETRY;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "redis %s %s: %s", argv[0], argc > 1 ? argv[1] : "", reply->str);
		res = redis_error_is_transient(reply->str) ? SAKER_SEND_RETRY : SAKER_SEND_FAIL;
	}
	freeReplyObject(reply);
	return res;
}

static saker_send_result redis_connect(redis_state *st, char *err, size_t errlen)
{
	saker_send_result res = SAKER_SEND_OK;
	char db[24];
	const char *argv[3];
	size_t argvlen[3];
	int argc = 0;

	st->ctx = redisConnectWithTimeout(st->hostname, st->port, st->timeout);
	if (st->ctx == NULL || st->ctx->err != 0) {
		snprintf(err, errlen, "redis %s:%d: %s", st->hostname, st->port,
			 st->ctx != NULL ? st->ctx->errstr : "out of memory");
		redis_disconnect(st);
		return SAKER_SEND_RETRY;
	}
	redisSetTimeout(st->ctx, st->timeout);
	redisEnableKeepAlive(st->ctx);
	if (*st->password != '\0') {
		argv[argc++] = "AUTH";
		if (*st->username != '\0') {
			argv[argc++] = st->username;
		}
		argv[argc++] = st->password;
		for (int i = 0; i < argc; i++) {
			argvlen[i] = strlen(argv[i]);
		}
		res = redis_run(st, argc, argv, argvlen, err, errlen);
	}
	if (res == SAKER_SEND_OK && st->database != 0) {
		snprintf(db, sizeof(db), "%lld", (long long)st->database);
		argv[0] = "SELECT";
		argv[1] = db;
		argvlen[0] = 6;
		argvlen[1] = strlen(db);
		res = redis_run(st, 2, argv, argvlen, err, errlen);
	}
	if (res != SAKER_SEND_OK) {
		redis_disconnect(st);
	}
	return res;
}

static void redis_close(void *state)
{
	redis_state *st = state;

	if (st != NULL) {
		redis_disconnect(st);
		free(st);
	}
}

/* "host:port", "host" (port 6379) or "[v6]:port". */
static sk_err redis_parse_address(redis_state *st, const char *address)
{
	const char *colon = strrchr(address, ':');
	const char *host = address;
	size_t hostlen = colon != NULL ? (size_t)(colon - address) : strlen(address);
	char *end = NULL;
	long port = 6379;

	if (colon != NULL) {
		port = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end != '\0' || port < 1 || port > 65535) {
			return SK_EINVAL;
		}
	}
	if (hostlen >= 2 && host[0] == '[' && host[hostlen - 1] == ']') {
		host++;
		hostlen -= 2;
	}
	if (hostlen == 0 || hostlen >= sizeof(st->hostname)) {
		return SK_EINVAL;
	}
	memcpy(st->hostname, host, hostlen);
	st->hostname[hostlen] = '\0';
	st->port = (int)port;
	return SK_OK;
}

static bool redis_init(const saker_plugin_host *host, void **state, char *err, size_t errlen)
{
	const char *address = host->config_string(host->ctx, "address", "");
	const char *storage = host->config_string(host->ctx, "storagetype", "list");
	int64_t timeout_ms = host->config_int(host->ctx, "timeout", REDIS_DEFAULT_TIMEOUT_MS);
	redis_state *st = calloc(1, sizeof(*st));
	sk_err rc = SK_OK;

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	st->username = host->config_string(host->ctx, "username", "");
	st->password = host->config_string(host->ctx, "password", "");
	st->database = host->config_int(host->ctx, "database", 0);
	st->key = host->config_string(host->ctx, "key", "falco");
	st->hashmap = strcasecmp(storage, "hashmap") == 0;
	st->timeout.tv_sec = (time_t)(timeout_ms / 1000);
	st->timeout.tv_usec = (suseconds_t)(timeout_ms % 1000) * 1000;
	if (redis_parse_address(st, address) != SK_OK) {
		snprintf(err, errlen, "address '%s': want host:port", address);
		rc = SK_EINVAL;
	} else if (!st->hashmap && strcasecmp(storage, "list") != 0 && *storage != '\0') {
		snprintf(err, errlen, "storagetype '%s': want list or hashmap", storage);
		rc = SK_EINVAL;
	} else if (st->database < 0 || st->database > 1000000) {
		snprintf(err, errlen, "database %lld: want 0 or more", (long long)st->database);
		rc = SK_ERANGE;
	} else if (timeout_ms <= 0 || timeout_ms > 600000) {
		snprintf(err, errlen, "timeout %lld ms: want 1..600000", (long long)timeout_ms);
		rc = SK_ERANGE;
	} else if (*st->key == '\0') {
		snprintf(err, errlen, "key: must not be empty");
		rc = SK_EINVAL;
	}
	if (rc != SK_OK) {
		redis_close(st);
		return false;
	}
	/* A server that is down now may be up by the first alert: connect
	 * lazily, but say so early. */
	if (redis_connect(st, err, errlen) != SAKER_SEND_OK) {
		host->log(host->ctx, SAKER_LOG_WARNING, "%s (will retry on send)", err);
	}
	*state = st;
	return true;
}

static saker_send_result redis_send_batch(void *state, const saker_alert *const *alerts, size_t n, char *err,
					  size_t errlen)
{
	redis_state *st = state;
	saker_send_result res;
	int argc = 0;

	if (n == 0 || n > REDIS_MAX_BATCH) {
		snprintf(err, errlen, "batch of %zu alerts: want 1..%d", n, REDIS_MAX_BATCH);
		return SAKER_SEND_FAIL;
	}
	if (st->ctx == NULL) {
		res = redis_connect(st, err, errlen);
		if (res != SAKER_SEND_OK) {
			return res;
		}
	}
	st->argv[argc] = st->hashmap ? "HSET" : "RPUSH";
	st->argvlen[argc++] = st->hashmap ? 4 : 5;
	st->argv[argc] = st->key;
	st->argvlen[argc++] = strlen(st->key);
	for (size_t i = 0; i < n; i++) {
		if (st->hashmap) {
			st->argv[argc] = alerts[i]->uuid;
			st->argvlen[argc++] = strlen(alerts[i]->uuid);
		}
		st->argv[argc] = alerts[i]->json;
		st->argvlen[argc++] = alerts[i]->json_len;
	}
	return redis_run(st, argc, st->argv, st->argvlen, err, errlen);
}

static saker_send_result redis_send(void *state, const saker_alert *alert, char *err, size_t errlen)
{
	return redis_send_batch(state, &alert, 1, err, errlen);
}

static const saker_output_plugin redis_plugin = {
	.abi_version = SAKER_OUTPUT_ABI_VERSION,
	.name = "redis",
	.description = "Redis list (RPUSH) or hash (HSET by uuid) of Falco JSON alerts",
	.required_key = "address",
	.max_batch = REDIS_MAX_BATCH,
	.init = redis_init,
	.send = redis_send,
	.send_batch = redis_send_batch,
	.close = redis_close,
};

SPL_PLUGIN_ENTRY(redis_plugin)
