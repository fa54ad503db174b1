/* plugin: loads output plugins (saker_<name>.so) with dlopen and checks
 * their ABI version against saker/output_plugin.h. */
#ifndef SK_PLUGIN_H
#define SK_PLUGIN_H

#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"

typedef struct skp_plugin {
	char *path;
	void *handle;
	const saker_output_plugin *vt; /* &table */
	saker_output_plugin table;     /* the plugin's, what an older ABI lacks zeroed */
} skp_plugin;

/* dlopen()s path, resolves the entry symbol and validates the table (ABI
 * version, name, required_key, init/send/close, send_batch when max_batch
 * > 1). On failure err names the file and the problem, e.g. "built for ABI
 * version 3, this saker-sidekick speaks versions 1 to 2". */
sk_err skp_load(const char *path, skp_plugin **out, char *err, size_t errlen);

/* dlclose()s and frees. NULL is allowed. */
void skp_unload(skp_plugin *p);

/* Writes "<dir>/saker_<name>.so" into buf; SK_ERANGE if it does not fit. */
sk_err skp_path(const char *dir, const char *name, char *buf, size_t n);

/* Calls fn with the plugin name (the part between "saker_" and ".so") of
 * every plugin file in dir, in name order; returns how many. */
size_t skp_list_dir(const char *dir, void (*fn)(void *user, const char *name), void *user);

#endif
