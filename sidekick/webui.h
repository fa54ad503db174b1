/* webui: the web UI and its JSON API, served by saker-sidekick itself.
 *
 * A second HTTP server (libmicrohttpd, default 127.0.0.1:2802) serves the
 * static page (embedded at build time from sidekick/webui/) and /api/v1/:
 * events (search with filters and paging), counts (by priority, rule,
 * source, tags, hostname, container), timeline, outputs (health), info
 * (version and the configuration with secrets masked) and stream (Server-Sent
 * Events, one per new alert). History comes from the sidekick's alert log
 * through an in-memory index (webui_index.h); no other service is needed.
 * docs/webui.md documents the API. */
#ifndef SK_WEBUI_H
#define SK_WEBUI_H

#include <stddef.h>
#include <stdint.h>

#include "alert_log.h"
#include "config.h"
#include "sk_err.h"

/* One output's health as the Info page shows it. */
typedef struct skw_output_info {
	const char *name;
	uint64_t queue_depth; /* alerts in the log not yet handled by this output */
	uint64_t sent;
	uint64_t retries;
	uint64_t failed;
	uint64_t lost;
	char last_error[256]; /* newest delivery problem, "" when none */
} skw_output_info;

typedef struct skw_options {
	const char *listen_address; /* default "127.0.0.1" */
	uint16_t port;              /* default 2802 */
	const char *token;          /* bearer token (also ?token= for the stream); NULL: none */
	const char *user;           /* basic auth user and password; NULL: none */
	const char *password;
	size_t max_entries;          /* index bound (default 2,000,000) */
	unsigned max_connections;    /* default 64 */
	const skc_config *cfg;       /* shown masked on the Info page (may be NULL) */
	sal_log *log;                /* the alert log; must outlive the server */
	/* Fills up to max outputs' health; returns how many. May be NULL. */
	size_t (*outputs)(void *user, skw_output_info *out, size_t max);
	void *outputs_user;
} skw_options;

typedef struct skw_server skw_server;

/* Reads the `webui:` section (enabled, listenaddress, listenport, token,
 * user, password, maxalerts) into *opt, leaving log/outputs for the caller.
 * *enabled tells whether the UI is on. Bad values: SK_EINVAL with file:line. */
sk_err skw_options_load(const skc_config *cfg, skw_options *opt, int *enabled, char *err, size_t errlen);

/* Indexes the alert log, then starts the server. Errors (port in use, bad
 * address) carry the address in err. */
sk_err skw_start(const skw_options *opt, skw_server **out, char *err, size_t errlen);

/* Stops the server, ends open streams and frees everything. NULL allowed. */
void skw_stop(skw_server *s);

/* The port actually bound (useful with port 0 in tests). */
uint16_t skw_port(const skw_server *s);

#endif
