/* daemon: the saker-sidekick process wired together: settings from the
 * config, the alert log, outputs (plugins + workers), metrics and the HTTP
 * and nng inputs. main.c only parses the command line and waits for a
 * signal. */
#ifndef SK_DAEMON_H
#define SK_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "metrics.h"
#include "sk_err.h"

typedef struct skd_daemon skd_daemon;

/* Builds everything from cfg (borrowed; must outlive the daemon) and starts
 * serving. plugin_dir overrides the config's plugindir when not NULL. */
sk_err skd_start(const skc_config *cfg, const char *plugin_dir, skd_daemon **out, char *err, size_t errlen);

/* Queues one Falco JSON alert from src (the ingest function of both inputs;
 * body NULL only counts a rejection). Thread-safe. */
sk_err skd_ingest(void *daemon, skm_source src, const char *body, size_t len, char *err, size_t errlen);

/* Stops the inputs, lets every output deliver what was queued for up to the
 * configured drain time, then stops and frees everything. Returns false if
 * a worker is stuck inside a plugin: then the log is synced but nothing is
 * freed (the thread may still use it) and the caller should exit at once. */
bool skd_stop(skd_daemon *d);

/* Prints name, description and required key of every plugin in dir. */
sk_err skd_list_plugins(const char *dir);

#endif
