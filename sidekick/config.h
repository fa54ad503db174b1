/* config: Falcosidekick-style YAML configuration with environment overrides.
 *
 * The file is loaded into a small tree (maps, lists, scalars, each with its
 * line) and queried by section + dotted path. Keys compare case-insensitively
 * (Falcosidekick's viper does the same, so "customHeaders" == "customheaders").
 * An environment variable named SECTION_PATH (upper-case, '.' -> '_', e.g.
 * SLACK_WEBHOOKURL, TLSSERVER_DEPLOY, LISTENPORT) wins over the file. Maps
 * and lists given through the environment use Falcosidekick's convention:
 * "k1:v1,k2:v2" and "a,b". */
#ifndef SK_CONFIG_H
#define SK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

/* Limits on what a config file may contain. */
#define SKC_MAX_FILE_BYTES (4u << 20)
#define SKC_MAX_DEPTH 32
#define SKC_MAX_NODES 200000

typedef enum skc_kind {
	SKC_SCALAR,
	SKC_MAP,
	SKC_LIST,
} skc_kind;

typedef struct skc_node {
	skc_kind kind;
	char *key;   /* key when the node is a map entry, else NULL */
	char *value; /* text of a scalar ("" for null), else NULL */
	int line;    /* 1-based line in the file */
	struct skc_node **items;
	size_t nitems;
} skc_node;

typedef struct skc_config {
	char *name;     /* file name used in messages */
	skc_node *root; /* always a map (empty when no file was given) */
} skc_config;

/* Loads and parses the YAML file at path (NULL: an empty config). On error
 * returns SK_EPARSE/SK_EIO/SK_ERANGE with "file:line: what" in err. */
sk_err skc_load_file(const char *path, skc_config **out, char *err, size_t errlen);

/* Same as skc_load_file over an in-memory document; name labels messages. */
sk_err skc_load_buffer(const char *name, const char *buf, size_t len, skc_config **out, char *err,
		       size_t errlen);

/* Frees the config and every node. NULL is allowed. */
void skc_free(skc_config *cfg);

/* Returns the node at section.path (section NULL: from the root), or NULL. */
const skc_node *skc_find(const skc_config *cfg, const char *section, const char *path);

/* Returns the environment override for section.path, or NULL. */
const char *skc_env(const char *section, const char *path);

/* Returns the scalar at section.path after env overrides, or def when absent
 * or empty. The pointer lives as long as cfg (or the environment). */
const char *skc_string(const skc_config *cfg, const char *section, const char *path, const char *def);

/* Reads an integer (suffixes k, m, g multiply by 1024^n). Absent: *out = def.
 * Not a number: SK_EINVAL with "file:line: key: ..." in err. */
sk_err skc_int(const skc_config *cfg, const char *section, const char *path, int64_t def, int64_t *out,
	       char *err, size_t errlen);

/* Reads a boolean (true/false/yes/no/on/off/1/0). Absent: def. */
sk_err skc_bool(const skc_config *cfg, const char *section, const char *path, bool def, bool *out, char *err,
		size_t errlen);

/* Calls fn for each key/value of the map at section.path (or of each map
 * in a list there, "- KEY: value"); returns the count. */
size_t skc_map(const skc_config *cfg, const char *section, const char *path,
	       void (*fn)(void *user, const char *key, const char *value), void *user);

/* Calls fn for each scalar of the list (or comma-separated string) at
 * section.path; returns the count. */
size_t skc_list(const skc_config *cfg, const char *section, const char *path,
		void (*fn)(void *user, const char *value), void *user);

/* Writes "file:line" (or "environment") locating section.path into buf. */
void skc_where(const skc_config *cfg, const char *section, const char *path, char *buf, size_t n);

/* Returns true if the file has a section named section or any environment
 * variable starts with SECTION_. */
bool skc_has_section(const skc_config *cfg, const char *section);

#endif
