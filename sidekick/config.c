#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

extern char **environ;

struct skc_builder {
	yaml_parser_t parser;
	const char *name;
	size_t nodes;
	char *err;
	size_t errlen;
};

static void skc_node_free(skc_node *n)
{
	if (n == NULL) {
		return;
	}
	for (size_t i = 0; i < n->nitems; i++) {
		skc_node_free(n->items[i]);
	}
	free(n->items);
	free(n->key);
	free(n->value);
	free(n);
}

static skc_node *skc_node_new(skc_kind kind, int line)
{
	skc_node *n = calloc(1, sizeof(*n));
	if (n != NULL) {
		n->kind = kind;
		n->line = line;
	}
	return n;
}

static sk_err skc_node_add(skc_node *parent, skc_node *child)
{
	skc_node **items = realloc(parent->items, (parent->nitems + 1) * sizeof(*items));
	if (items == NULL) {
		return SK_ENOMEM;
	}
	parent->items = items;
	parent->items[parent->nitems++] = child;
	return SK_OK;
}

static sk_err skc_fail(struct skc_builder *b, int line, sk_err e, const char *what)
{
	snprintf(b->err, b->errlen, "%s:%d: %s", b->name, line, what);
	return e;
}

static int skc_event_line(const yaml_event_t *ev)
{
	return (int)ev->start_mark.line + 1;
}

static sk_err skc_next(struct skc_builder *b, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&b->parser, ev)) {
		char what[256];
		snprintf(what, sizeof(what), "YAML syntax error: %s",
			 b->parser.problem != NULL ? b->parser.problem : "unknown");
		return skc_fail(b, (int)b->parser.problem_mark.line + 1, SK_EPARSE, what);
	}
	return SK_OK;
}

/* Builds the node that starts with ev (already parsed); consumes its events. */
static sk_err skc_build(struct skc_builder *b, yaml_event_t *ev, int depth, skc_node **out)
{
	sk_err err = SK_OK;
	skc_node *node = NULL;
	int line = skc_event_line(ev);

	*out = NULL;
	if (depth > SKC_MAX_DEPTH) {
		return skc_fail(b, line, SK_ERANGE, "nesting deeper than the limit");
	}
	if (++b->nodes > SKC_MAX_NODES) {
		return skc_fail(b, line, SK_ERANGE, "too many nodes");
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		node = skc_node_new(SKC_SCALAR, line);
		if (node == NULL) {
			return SK_ENOMEM;
		}
		node->value = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		if (node->value == NULL) {
			err = SK_ENOMEM;
			goto cleanup;
		}
		*out = node;
		return SK_OK;
	case YAML_ALIAS_EVENT:
		return skc_fail(b, line, SK_EUNSUPP, "YAML aliases are not supported");
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		break;
	default:
		return skc_fail(b, line, SK_EPARSE, "unexpected YAML event");
	}

	bool is_map = ev->type == YAML_MAPPING_START_EVENT;
	node = skc_node_new(is_map ? SKC_MAP : SKC_LIST, line);
	if (node == NULL) {
		return SK_ENOMEM;
	}
	for (;;) {
		yaml_event_t item;
		char *key = NULL;
		skc_node *child = NULL;

		err = skc_next(b, &item);
		if (err != SK_OK) {
			goto cleanup;
		}
		if (item.type == YAML_MAPPING_END_EVENT || item.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&item);
			break;
		}
		if (is_map) {
			if (item.type != YAML_SCALAR_EVENT) {
				err = skc_fail(b, skc_event_line(&item), SK_EPARSE, "map keys must be scalars");
				yaml_event_delete(&item);
				goto cleanup;
			}
			key = strndup((const char *)item.data.scalar.value, item.data.scalar.length);
			yaml_event_delete(&item);
			if (key == NULL) {
				err = SK_ENOMEM;
				goto cleanup;
			}
			err = skc_next(b, &item);
			if (err != SK_OK) {
				free(key);
				goto cleanup;
			}
		}
		err = skc_build(b, &item, depth + 1, &child);
		yaml_event_delete(&item);
		if (err == SK_OK) {
			child->key = key;
			key = NULL;
			err = skc_node_add(node, child);
		}
		if (err != SK_OK) {
			free(key);
			skc_node_free(child);
			goto cleanup;
		}
	}
	*out = node;
	return SK_OK;
cleanup:
	skc_node_free(node);
	return err;
}

sk_err skc_load_buffer(const char *name, const char *buf, size_t len, skc_config **out, char *err,
		       size_t errlen)
{
	struct skc_builder b = {.name = name, .err = err, .errlen = errlen};
	skc_config *cfg = NULL;
	skc_node *root = NULL;
	yaml_event_t ev;
	sk_err e = SK_OK;

	*out = NULL;
	if (len > SKC_MAX_FILE_BYTES) {
		snprintf(err, errlen, "%s: larger than %u bytes", name, SKC_MAX_FILE_BYTES);
		return SK_ERANGE;
	}
	if (!yaml_parser_initialize(&b.parser)) {
		return SK_ENOMEM;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
	/* Skip stream/document starts until the top node or the stream end. */
	for (;;) {
		e = skc_next(&b, &ev);
		if (e != SK_OK) {
			goto cleanup;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		break;
	}
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
	} else if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0) {
		yaml_event_delete(&ev); /* a file of comments only */
	} else if (ev.type != YAML_MAPPING_START_EVENT) {
		e = skc_fail(&b, skc_event_line(&ev), SK_EPARSE, "the top level must be a map of keys");
		yaml_event_delete(&ev);
		goto cleanup;
	} else {
		e = skc_build(&b, &ev, 0, &root);
		yaml_event_delete(&ev);
		if (e != SK_OK) {
			goto cleanup;
		}
	}
	if (root == NULL) {
		root = skc_node_new(SKC_MAP, 1);
		if (root == NULL) {
			e = SK_ENOMEM;
			goto cleanup;
		}
	}
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	cfg->name = strdup(name);
	if (cfg->name == NULL) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	cfg->root = root;
	root = NULL;
	*out = cfg;
	cfg = NULL;
cleanup:
	if (cfg != NULL) {
		free(cfg->name);
		free(cfg);
	}
	skc_node_free(root);
	yaml_parser_delete(&b.parser);
	return e;
}

sk_err skc_load_file(const char *path, skc_config **out, char *err, size_t errlen)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0;
	sk_err e = SK_OK;

	if (path == NULL) {
		return skc_load_buffer("(defaults)", "", 0, out, err, errlen);
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return SK_ENOENT;
	}
	buf = malloc(SKC_MAX_FILE_BYTES + 1);
	if (buf == NULL) {
		e = SK_ENOMEM;
		goto cleanup;
	}
	len = fread(buf, 1, SKC_MAX_FILE_BYTES + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		e = SK_EIO;
		goto cleanup;
	}
	e = skc_load_buffer(path, buf, len, out, err, errlen);
cleanup:
	free(buf);
	fclose(f);
	return e;
}

void skc_free(skc_config *cfg)
{
	if (cfg == NULL) {
		return;
	}
	skc_node_free(cfg->root);
	free(cfg->name);
	free(cfg);
}

static const skc_node *skc_child(const skc_node *n, const char *key, size_t keylen)
{
	if (n == NULL || n->kind != SKC_MAP) {
		return NULL;
	}
	/* The last duplicate wins, as in viper. */
	for (size_t i = n->nitems; i-- > 0;) {
		const char *k = n->items[i]->key;
		if (strlen(k) == keylen && strncasecmp(k, key, keylen) == 0) {
			return n->items[i];
		}
	}
	return NULL;
}

static const skc_node *skc_walk(const skc_node *n, const char *path)
{
	while (n != NULL && path != NULL && *path != '\0') {
		const char *dot = strchr(path, '.');
		size_t len = dot != NULL ? (size_t)(dot - path) : strlen(path);
		n = skc_child(n, path, len);
		path = dot != NULL ? dot + 1 : NULL;
	}
	return n;
}

const skc_node *skc_find(const skc_config *cfg, const char *section, const char *path)
{
	const skc_node *n = cfg != NULL ? cfg->root : NULL;
	if (section != NULL) {
		n = skc_walk(n, section);
	}
	return skc_walk(n, path);
}

/* Builds SECTION_PATH into buf; returns false if it does not fit. */
static bool skc_env_name(const char *section, const char *path, char *buf, size_t n)
{
	int len = snprintf(buf, n, "%s%s%s", section != NULL ? section : "", section != NULL ? "_" : "", path);
	if (len < 0 || (size_t)len >= n) {
		return false;
	}
	for (char *p = buf; *p != '\0'; p++) {
		*p = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
	}
	return true;
}

const char *skc_env(const char *section, const char *path)
{
	char name[256];
	if (!skc_env_name(section, path, name, sizeof(name))) {
		return NULL;
	}
	return getenv(name);
}

const char *skc_string(const skc_config *cfg, const char *section, const char *path, const char *def)
{
	const char *env = skc_env(section, path);
	if (env != NULL && *env != '\0') {
		return env;
	}
	const skc_node *n = skc_find(cfg, section, path);
	if (n == NULL || n->kind != SKC_SCALAR || n->value[0] == '\0') {
		return def;
	}
	return n->value;
}

void skc_where(const skc_config *cfg, const char *section, const char *path, char *buf, size_t n)
{
	char name[256];
	const skc_node *node = skc_find(cfg, section, path);
	const char *env = skc_env(section, path);

	if (env != NULL && *env != '\0' && skc_env_name(section, path, name, sizeof(name))) {
		snprintf(buf, n, "environment %s", name);
	} else if (node != NULL) {
		snprintf(buf, n, "%s:%d", cfg->name, node->line);
	} else {
		snprintf(buf, n, "%s", cfg != NULL ? cfg->name : "config");
	}
}

static sk_err skc_bad_value(const skc_config *cfg, const char *section, const char *path, const char *value,
			    const char *want, char *err, size_t errlen)
{
	char where[300];
	skc_where(cfg, section, path, where, sizeof(where));
	snprintf(err, errlen, "%s: %s%s%s: \"%s\" is not %s", where, section != NULL ? section : "",
		 section != NULL ? "." : "", path, value, want);
	return SK_EINVAL;
}

sk_err skc_int(const skc_config *cfg, const char *section, const char *path, int64_t def, int64_t *out,
	       char *err, size_t errlen)
{
	const char *s = skc_string(cfg, section, path, NULL);
	char *end = NULL;
	long long v;

	*out = def;
	if (s == NULL) {
		return SK_OK;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s) {
		return skc_bad_value(cfg, section, path, s, "an integer", err, errlen);
	}
	int shift = 0;
	if (*end == 'k' || *end == 'K') {
		shift = 10;
	} else if (*end == 'm' || *end == 'M') {
		shift = 20;
	} else if (*end == 'g' || *end == 'G') {
		shift = 30;
	}
	if (shift != 0) {
		end++;
		if (*end == 'b' || *end == 'B') {
			end++;
		}
		if (v > (INT64_MAX >> shift) || v < (INT64_MIN >> shift)) {
			return skc_bad_value(cfg, section, path, s, "an integer in range", err, errlen);
		}
		v *= (long long)1 << shift;
	}
	if (*end != '\0') {
		return skc_bad_value(cfg, section, path, s, "an integer", err, errlen);
	}
	*out = v;
	return SK_OK;
}

sk_err skc_bool(const skc_config *cfg, const char *section, const char *path, bool def, bool *out, char *err,
		size_t errlen)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	const char *s = skc_string(cfg, section, path, NULL);

	*out = def;
	if (s == NULL) {
		return SK_OK;
	}
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return SK_OK;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return SK_OK;
		}
	}
	return skc_bad_value(cfg, section, path, s, "a boolean", err, errlen);
}

/* Splits s on commas, trims blanks, calls fn on each non-empty piece. */
static size_t skc_split(const char *s, void (*fn)(void *user, char *piece), void *user)
{
	char *copy = strdup(s);
	char *save = NULL;
	size_t count = 0;

	if (copy == NULL) {
		return 0;
	}
	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok)) {
			tok++;
		}
		size_t len = strlen(tok);
		while (len > 0 && isspace((unsigned char)tok[len - 1])) {
			tok[--len] = '\0';
		}
		if (len > 0) {
			fn(user, tok);
			count++;
		}
	}
	free(copy);
	return count;
}

struct skc_map_env {
	void (*fn)(void *user, const char *key, const char *value);
	void *user;
};

static void skc_map_piece(void *user, char *piece)
{
	struct skc_map_env *m = user;
	char *colon = strchr(piece, ':');
	if (colon == NULL) {
		m->fn(m->user, piece, "");
		return;
	}
	*colon = '\0';
	m->fn(m->user, piece, colon + 1);
}

/* Calls fn for each scalar entry of n when it is a map; returns how many. */
static size_t skc_map_scalars(const skc_node *n, void (*fn)(void *user, const char *key, const char *value),
			      void *user)
{
	size_t count = 0;
	for (size_t i = 0; n->kind == SKC_MAP && i < n->nitems; i++) {
		if (n->items[i]->kind == SKC_SCALAR) {
			fn(user, n->items[i]->key, n->items[i]->value);
			count++;
		}
	}
	return count;
}

size_t skc_map(const skc_config *cfg, const char *section, const char *path,
	       void (*fn)(void *user, const char *key, const char *value), void *user)
{
	const char *env = skc_env(section, path);
	if (env != NULL && *env != '\0') {
		struct skc_map_env m = {fn, user};
		return skc_split(env, skc_map_piece, &m);
	}
	const skc_node *n = skc_find(cfg, section, path);
	if (n == NULL || n->kind == SKC_SCALAR) {
		return 0;
	}
	if (n->kind == SKC_MAP) {
		return skc_map_scalars(n, fn, user);
	}
	/* a list of one-key maps ("- KEY: value"), as Falcosidekick's chart
	 * writes otlp.metrics.extraenvvars: read as one map */
	size_t count = 0;
	for (size_t i = 0; i < n->nitems; i++) {
		count += skc_map_scalars(n->items[i], fn, user);
	}
	return count;
}

struct skc_list_env {
	void (*fn)(void *user, const char *value);
	void *user;
};

static void skc_list_piece(void *user, char *piece)
{
	struct skc_list_env *l = user;
	l->fn(l->user, piece);
}

size_t skc_list(const skc_config *cfg, const char *section, const char *path,
		void (*fn)(void *user, const char *value), void *user)
{
	const char *env = skc_env(section, path);
	struct skc_list_env l = {fn, user};
	if (env != NULL && *env != '\0') {
		return skc_split(env, skc_list_piece, &l);
	}
	const skc_node *n = skc_find(cfg, section, path);
	size_t count = 0;
	if (n == NULL) {
		return 0;
	}
	if (n->kind == SKC_SCALAR) {
		return skc_split(n->value, skc_list_piece, &l);
	}
	if (n->kind != SKC_LIST) {
		return 0;
	}
	for (size_t i = 0; i < n->nitems; i++) {
		if (n->items[i]->kind == SKC_SCALAR && n->items[i]->value[0] != '\0') {
			fn(user, n->items[i]->value);
			count++;
		}
	}
	return count;
}

bool skc_has_section(const skc_config *cfg, const char *section)
{
	char prefix[128];
	if (skc_find(cfg, NULL, section) != NULL) {
		return true;
	}
	if (!skc_env_name(NULL, section, prefix, sizeof(prefix) - 1)) {
		return false;
	}
	strcat(prefix, "_");
	size_t plen = strlen(prefix);
	for (char **e = environ; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, prefix, plen) == 0) {
			return true;
		}
	}
	return false;
}
