#include "plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void skp_unload(skp_plugin *p)
{
	if (p == NULL) {
		return;
	}
	if (p->handle != NULL) {
		dlclose(p->handle);
	}
	free(p->path);
	free(p);
}

static sk_err skp_check(const char *path, const saker_output_plugin *vt, char *err, size_t errlen)
{
	if (vt == NULL) {
		snprintf(err, errlen, "%s: %s() returned NULL", path, SAKER_OUTPUT_PLUGIN_ENTRY);
		return SK_EINVAL;
	}
	if (vt->abi_version < SAKER_OUTPUT_ABI_MIN_VERSION || vt->abi_version > SAKER_OUTPUT_ABI_VERSION) {
		snprintf(err, errlen,
			 "%s: built for output plugin ABI version %u, this saker-sidekick speaks versions %u to %u; "
			 "rebuild the plugin against this release's saker/output_plugin.h",
			 path, (unsigned)vt->abi_version, (unsigned)SAKER_OUTPUT_ABI_MIN_VERSION,
			 (unsigned)SAKER_OUTPUT_ABI_VERSION);
		return SK_EVERSION;
	}
	if (vt->name == NULL || vt->name[0] == '\0' || vt->required_key == NULL || vt->required_key[0] == '\0') {
		snprintf(err, errlen, "%s: plugin table lacks a name or required_key", path);
		return SK_EINVAL;
	}
	if (vt->init == NULL || vt->send == NULL || vt->close == NULL) {
		snprintf(err, errlen, "%s: plugin \"%s\" lacks init, send or close", path, vt->name);
		return SK_EINVAL;
	}
	if (vt->max_batch > 1 && vt->send_batch == NULL) {
		snprintf(err, errlen, "%s: plugin \"%s\" has max_batch %u but no send_batch", path, vt->name,
			 (unsigned)vt->max_batch);
		return SK_EINVAL;
	}
	return SK_OK;
}

sk_err skp_load(const char *path, skp_plugin **out, char *err, size_t errlen)
{
	skp_plugin *p = calloc(1, sizeof(*p));
	sk_err e = SK_OK;

	*out = NULL;
	if (p == NULL) {
		return SK_ENOMEM;
	}
	p->path = strdup(path);
	if (p->path == NULL) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	/* RTLD_LOCAL: two plugins may link different versions of a library. */
	p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (p->handle == NULL) {
		snprintf(err, errlen, "%s: cannot load: %s", path, dlerror());
		e = SK_ENOENT;
		goto cleanup;
	}
	saker_output_plugin_entry_fn entry;
	void *sym = dlsym(p->handle, SAKER_OUTPUT_PLUGIN_ENTRY);
	if (sym == NULL) {
		snprintf(err, errlen, "%s: not a Saker output plugin (no %s symbol)", path,
			 SAKER_OUTPUT_PLUGIN_ENTRY);
		e = SK_EINVAL;
		goto cleanup;
	}
	memcpy(&entry, &sym, sizeof(entry));
	const saker_output_plugin *vt = entry();
	e = skp_check(path, vt, err, errlen);
	if (e != SK_OK) {
		goto cleanup;
	}
	/* a version 1 table ends before tick_ms: copy only what it has */
	memcpy(&p->table, vt,
	       vt->abi_version >= 2 ? sizeof(p->table) : offsetof(saker_output_plugin, tick_ms));
	p->vt = &p->table;
	*out = p;
	return SK_OK;
cleanup:
	skp_unload(p);
	return e;
}

sk_err skp_path(const char *dir, const char *name, char *buf, size_t n)
{
	int len = snprintf(buf, n, "%s/saker_%s.so", dir, name);
	return len < 0 || (size_t)len >= n ? SK_ERANGE : SK_OK;
}

static int skp_filter(const struct dirent *de)
{
	size_t len = strlen(de->d_name);
	return len > 9 && strncmp(de->d_name, "saker_", 6) == 0 && strcmp(de->d_name + len - 3, ".so") == 0;
}

size_t skp_list_dir(const char *dir, void (*fn)(void *user, const char *name), void *user)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, skp_filter, alphasort);
	if (n < 0) {
		return 0;
	}
	for (int i = 0; i < n; i++) {
		char name[256];
		size_t len = strlen(names[i]->d_name) - 9;
		if (len < sizeof(name)) {
			memcpy(name, names[i]->d_name + 6, len);
			name[len] = '\0';
			fn(user, name);
		}
		free(names[i]);
	}
	free(names);
	return (size_t)n;
}
