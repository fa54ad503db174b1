/* plugin_host: the host side of the output-plugin ABI for tests and
 * benchmarks. Loads a real plugin .so from the build tree, serves its config
 * from a flat key/value list, and builds Falco-shaped alerts. */
#ifndef PLUGIN_HOST_H
#define PLUGIN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "saker/output_plugin.h"
#include "sk_err.h"

/* A loaded plugin and (after ph_init) one instance of it. Config is a
 * NULL-terminated array of "key", "value" pairs: maps are read from
 * "map.key" entries, lists from one comma-separated value. */
typedef struct ph_plugin {
	void *dl;
	const saker_output_plugin *api;
	void *state;
	saker_plugin_host host;
	const char *const *config;
	char err[4608];
} ph_plugin;

/* dlopens $SAKER_BUILD_DIR/lib/saker/plugins/saker_<name>.so and checks its
 * entry and ABI version. On failure, p->err says why. */
sk_err ph_load(ph_plugin *p, const char *name);

/* The same for a plugin file at path. */
sk_err ph_load_path(ph_plugin *p, const char *path);

/* Calls the plugin's init with config (kept by reference until
 * ph_unload). Returns its result; p->err holds the reason on false. */
bool ph_init(ph_plugin *p, const char *const *config);

/* ph_load + ph_init; prints p->err on stderr and returns false on failure. */
bool ph_open(ph_plugin *p, const char *name, const char *const *config);

/* Sends one alert through send(); p->err holds the reason on RETRY/FAIL. */
saker_send_result ph_send(ph_plugin *p, const saker_alert *alert);

/* Closes the instance (if any) and dlcloses the plugin. */
void ph_unload(ph_plugin *p);

/* One test alert with storage for its strings. */
typedef struct ph_alert {
	saker_alert a;
	char uuid[40];
	char output[256];
	char time[40];
	char json[2048];
	const char *tags[2];
	const char *names[3];
	const char *values[3];
	char cmdline[64];
} ph_alert;

/* Fills a Falco "Terminal shell in container" alert, distinct per seq
 * (uuid, output, proc.cmdline and time all carry seq). */
void ph_alert_make(ph_alert *pa, int seq);

/* Fills alerts[0..n-1] with ph_alert_make(seq i) and sends them as one
 * send_batch(); FAIL (p->err says why) when there is no instance or the
 * plugin takes fewer than n alerts a batch. */
saker_send_result ph_send_made_batch(ph_plugin *p, ph_alert *alerts, size_t n);

/* The output line ph_alert_make() gives seq 0, for payload expectations. */
#define PH_OUTPUT0                                                                                        \
	"22:00:00.000000789: Warning A shell was spawned in a container (user=root container_id=abc123 "   \
	"shell=bash cmdline=bash -i #0)"

/* Returns a TCP port on 127.0.0.1 that was free a moment ago (0 on error). */
int ph_free_port(void);

/* Returns the current CLOCK_MONOTONIC time in milliseconds. */
long long ph_now_ms(void);

/* Stops a child server the test started: SIGTERM, SIGKILL after grace_ms,
 * then reaps it. A pid <= 0 is ignored. */
void ph_stop_child(pid_t pid, int grace_ms);

#endif
