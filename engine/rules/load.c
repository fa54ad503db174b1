/* load: rules YAML to definitions (lists, macros, rules), with Falco's
 * override/append semantics. Every node keeps its line:column through
 * libyaml's document marks. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "ruleset_int.h"

typedef struct ld {
	sk_ruleset *rs;
	yaml_document_t *doc;
	int32_t file;
	char item[300];
	size_t errors;
	size_t copied; /* bytes taken out of the document (aliases can repeat a node) */
	size_t copy_limit;
	bool over_budget;
} ld;

enum { OV_NONE = 0, OV_APPEND, OV_REPLACE };

#define MAX_KEYS 16
typedef struct overrides {
	const char *keys[MAX_KEYS];
	int mode[MAX_KEYS];
	size_t n;
} overrides;

static yaml_node_t *node(ld *l, int id)
{
	return yaml_document_get_node(l->doc, id);
}

static sk_loc loc_of(ld *l, const yaml_node_t *n)
{
	uint32_t idx = sk_srcs_index(&l->rs->srcs, l->file, (uint32_t)n->start_mark.line,
				     (uint32_t)n->start_mark.column);
	return sk_srcs_loc(&l->rs->srcs, l->file, idx);
}

static void report(ld *l, const yaml_node_t *n, bool error, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report(ld *l, const yaml_node_t *n, bool error, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sk_diag_add(&l->rs->diags, &l->rs->srcs, error, code, loc_of(l, n), l->item[0] ? l->item : NULL, "%s", msg);
	l->errors += error;
}

static bool is_scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE;
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* Charges n copied bytes; false (with one error) past the budget, so a
 * small file of YAML aliases cannot expand into gigabytes. */
static bool charge(ld *l, const yaml_node_t *n, size_t bytes)
{
	l->copied += bytes + 1;
	if (l->copied <= l->copy_limit) {
		return true;
	}
	if (!l->over_budget) {
		report(l, n, true, "LOAD_ERR_VALIDATE", "the document expands to more than %zu bytes (YAML aliases?)",
		       l->copy_limit);
	}
	l->over_budget = true;
	return false;
}

/* A plain empty or ~/null scalar is YAML null. */
static bool is_null(const yaml_node_t *n)
{
	if (!is_scalar(n) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		return false;
	}
	const char *s = sval(n);
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0;
}

static yaml_node_t *map_get(ld *l, yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key);
		if (is_scalar(k) && strcmp(sval(k), key) == 0) {
			return node(l, p->value);
		}
	}
	return NULL;
}

static bool get_string(ld *l, yaml_node_t *n, const char *key, char **out)
{
	if (!is_scalar(n) || is_null(n)) {
		report(l, n, true, "LOAD_ERR_YAML_VALIDATE", "'%s' must be a string", key);
		return false;
	}
	if (!charge(l, n, n->data.scalar.length)) {
		return false;
	}
	*out = strdup(sval(n));
	return *out != NULL;
}

static bool get_bool(ld *l, yaml_node_t *n, const char *key, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "y"};
	static const char *const no[] = {"false", "no", "off", "n"};
	if (is_scalar(n)) {
		for (size_t i = 0; i < 4; i++) {
			if (strcasecmp(sval(n), yes[i]) == 0) {
				*out = true;
				return true;
			}
			if (strcasecmp(sval(n), no[i]) == 0) {
				*out = false;
				return true;
			}
		}
	}
	report(l, n, true, "LOAD_ERR_YAML_VALIDATE", "'%s' must be true or false", key);
	return false;
}

/* A scalar or a sequence of scalars into a string vector. */
static bool get_strings(ld *l, yaml_node_t *n, const char *key, bool allow_scalar, char ***out, uint32_t *count)
{
	*out = NULL;
	*count = 0;
	if (allow_scalar && is_scalar(n) && !is_null(n)) {
		*out = calloc(1, sizeof(char *));
		if (*out == NULL || ((*out)[0] = strdup(sval(n))) == NULL) {
			return false;
		}
		*count = 1;
		return true;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		report(l, n, true, "LOAD_ERR_YAML_VALIDATE", "'%s' must be a list%s", key,
		       allow_scalar ? " or a string" : "");
		return false;
	}
	size_t len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (len > SK_RULES_MAX_LIST_ITEMS) {
		report(l, n, true, "LOAD_ERR_VALIDATE", "'%s' has more than %u entries", key, SK_RULES_MAX_LIST_ITEMS);
		return false;
	}
	*out = calloc(len + 1, sizeof(char *));
	if (*out == NULL) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = node(l, n->data.sequence.items.start[i]);
		if (!is_scalar(it)) {
			report(l, it, true, "LOAD_ERR_YAML_VALIDATE", "entries of '%s' must be strings", key);
			return false;
		}
		if (!charge(l, it, it->data.scalar.length)) {
			return false;
		}
		(*out)[i] = strdup(sval(it));
		if ((*out)[i] == NULL) {
			return false;
		}
		*count = (uint32_t)i + 1;
	}
	return true;
}

static void strings_free(char **v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		free(v[i]);
	}
	free(v);
}

/* Moves src's strings to the end of *dst. */
static bool strings_append(char ***dst, uint32_t *ndst, char **src, uint32_t nsrc)
{
	char **nv = realloc(*dst, (*ndst + nsrc + 1) * sizeof(char *));
	if (nv == NULL) {
		strings_free(src, nsrc);
		return false;
	}
	memcpy(nv + *ndst, src, nsrc * sizeof(char *));
	*dst = nv;
	*ndst += nsrc;
	free(src);
	return true;
}

static sk_err text_set(ld *l, sk_text *t, yaml_node_t *n, bool append)
{
	const char *s = sval(n);
	size_t len = n->data.scalar.length;
	if (!charge(l, n, len)) {
		return SK_ERANGE;
	}
	/* Block scalars keep a trailing newline Falco does not see. */
	while (len > 0 && isspace((unsigned char)s[len - 1])) {
		len--;
	}
	if (!append) {
		sk_text_free(t);
	} else if (t->s.len > 0) {
		sk_strbuf_putc(&t->s, ' ');
	}
	uint32_t start = sk_srcs_index(&l->rs->srcs, l->file, (uint32_t)n->start_mark.line,
				       (uint32_t)n->start_mark.column);
	uint32_t end =
		sk_srcs_index(&l->rs->srcs, l->file, (uint32_t)n->end_mark.line, (uint32_t)n->end_mark.column);
	return sk_text_append(t, s, len, l->file, start, end);
}

static bool valid_key(const char *key, const char *const *keys)
{
	for (; *keys; keys++) {
		if (strcmp(*keys, key) == 0) {
			return true;
		}
	}
	return false;
}

static void warn_unknown_keys(ld *l, yaml_node_t *map, const char *const *known)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key);
		if (is_scalar(k) && !valid_key(sval(k), known)) {
			report(l, k, false, "LOAD_UNKNOWN_KEY", "unknown key '%s'", sval(k));
		}
	}
}

static int override_mode(const overrides *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++) {
		if (strcmp(o->keys[i], key) == 0) {
			return o->mode[i];
		}
	}
	return OV_NONE;
}

/* Reads `override:` and checks it against the item: every override key is
 * present and allowed, every other key has an override. */
static bool parse_overrides(ld *l, yaml_node_t *map, const char *name_key, const char *const *appendable,
			    const char *const *replaceable, overrides *o)
{
	memset(o, 0, sizeof(*o));
	yaml_node_t *ov = map_get(l, map, "override");
	if (ov == NULL) {
		return true;
	}
	if (ov->type != YAML_MAPPING_NODE) {
		report(l, ov, true, "LOAD_ERR_YAML_VALIDATE", "'override' must be a mapping of key: append|replace");
		return false;
	}
	if (map_get(l, map, "append") != NULL) {
		report(l, ov, true, "LOAD_ERR_VALIDATE", "'override' and 'append' cannot be used together");
		return false;
	}
	for (yaml_node_pair_t *p = ov->data.mapping.pairs.start; p < ov->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key), *v = node(l, p->value);
		if (!is_scalar(k) || !is_scalar(v) || o->n == MAX_KEYS) {
			report(l, k, true, "LOAD_ERR_YAML_VALIDATE", "'override' entries must be key: append|replace");
			return false;
		}
		int mode = strcmp(sval(v), "append") == 0 ? OV_APPEND : strcmp(sval(v), "replace") == 0 ? OV_REPLACE : 0;
		if (mode == OV_NONE) {
			report(l, v, true, "LOAD_ERR_VALIDATE", "override for '%s' must be 'append' or 'replace', not '%s'",
			       sval(k), sval(v));
			return false;
		}
		if (!valid_key(sval(k), mode == OV_APPEND ? appendable : replaceable)) {
			report(l, k, true, "LOAD_ERR_VALIDATE", "key '%s' cannot be %s", sval(k),
			       mode == OV_APPEND ? "appended to" : "replaced");
			return false;
		}
		if (map_get(l, map, sval(k)) == NULL) {
			report(l, k, true, "LOAD_ERR_VALIDATE", "override for '%s' but the item has no '%s' key", sval(k),
			       sval(k));
			return false;
		}
		o->keys[o->n] = sval(k);
		o->mode[o->n++] = mode;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key);
		if (!is_scalar(k) || strcmp(sval(k), name_key) == 0 || strcmp(sval(k), "override") == 0) {
			continue;
		}
		if (override_mode(o, sval(k)) == OV_NONE &&
		    (valid_key(sval(k), appendable) || valid_key(sval(k), replaceable))) {
			report(l, k, true, "LOAD_ERR_VALIDATE", "key '%s' needs an entry in 'override' (append or replace)",
			       sval(k));
			return false;
		}
	}
	return true;
}

/* Legacy `append: true`. */
static bool legacy_append(ld *l, yaml_node_t *map, bool *append)
{
	*append = false;
	yaml_node_t *a = map_get(l, map, "append");
	return a == NULL || get_bool(l, a, "append", append);
}

static bool item_name(ld *l, yaml_node_t *map, const char *kind, char **name)
{
	yaml_node_t *n = map_get(l, map, kind);
	if (!is_scalar(n) || is_null(n) || sval(n)[0] == '\0') {
		report(l, n != NULL ? n : map, true, "LOAD_ERR_YAML_VALIDATE", "%s name must be a non-empty string",
		       kind);
		return false;
	}
	*name = strdup(sval(n));
	snprintf(l->item, sizeof(l->item), "%s \"%s\"", kind, sval(n));
	return *name != NULL;
}

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap) {
		return v;
	}
	size_t ncap = *cap ? *cap * 2 : 64;
	void *nv = realloc(v, ncap * size);
	if (nv != NULL) {
		*cap = ncap;
	}
	return nv;
}

/* Appends a zeroed definition to one of the arrays (lists, macros, rules:
 * their first member is the name), takes ownership of *name and indexes
 * it. Returns NULL when memory runs out. */
static void *new_def(ld *l, void **arr, size_t *cap, size_t *n, size_t size, char **name,
		     sk_err (*index)(sk_ruleset *))
{
	char *nv = grow(*arr, cap, *n, size);
	if (nv == NULL) {
		return NULL;
	}
	*arr = nv;
	char *def = nv + (*n)++ * size;
	memset(def, 0, size);
	memcpy(def, name, sizeof(char *));
	*name = NULL;
	return index(l->rs) == SK_OK ? def : NULL;
}

static void load_list(ld *l, yaml_node_t *map)
{
	static const char *const known[] = {"list", "items", "append", "override", NULL};
	static const char *const items_only[] = {"items", NULL};
	char *name = NULL;
	char **items = NULL;
	uint32_t nitems = 0;
	overrides ov;
	bool append = false;
	if (!item_name(l, map, "list", &name)) {
		goto cleanup;
	}
	warn_unknown_keys(l, map, known);
	if (!parse_overrides(l, map, "list", items_only, items_only, &ov) || !legacy_append(l, map, &append)) {
		goto cleanup;
	}
	yaml_node_t *in = map_get(l, map, "items");
	if (in == NULL) {
		report(l, map, true, "LOAD_ERR_YAML_VALIDATE", "list has no 'items'");
		goto cleanup;
	}
	if (!(is_null(in) || get_strings(l, in, "items", false, &items, &nitems))) {
		goto cleanup;
	}
	int mode = append ? OV_APPEND : override_mode(&ov, "items");
	sk_list_def *old = sk_rs_find_list(l->rs, name);
	if (old == NULL && mode != OV_NONE) {
		report(l, map, true, "LOAD_ERR_VALIDATE", "list '%s' is not defined yet: cannot %s it", name,
		       mode == OV_APPEND ? "append to" : "replace");
		goto cleanup;
	}
	if (old != NULL && mode == OV_APPEND) {
		strings_append(&old->items, &old->nitems, items, nitems);
		items = NULL;
		nitems = 0;
		goto cleanup;
	}
	if (old == NULL) {
		old = new_def(l, (void **)&l->rs->lists, &l->rs->caplists, &l->rs->nlists, sizeof(*old), &name,
			      sk_rs_index_list);
		if (old == NULL) {
			goto cleanup;
		}
	}
	strings_free(old->items, old->nitems);
	old->items = items;
	old->nitems = nitems;
	old->loc = loc_of(l, map);
	items = NULL;
	nitems = 0;
cleanup:
	strings_free(items, nitems);
	free(name);
}

static void load_macro(ld *l, yaml_node_t *map)
{
	static const char *const known[] = {"macro", "condition", "append", "override", NULL};
	static const char *const cond_only[] = {"condition", NULL};
	char *name = NULL;
	overrides ov;
	bool append = false;
	if (!item_name(l, map, "macro", &name)) {
		goto cleanup;
	}
	warn_unknown_keys(l, map, known);
	if (!parse_overrides(l, map, "macro", cond_only, cond_only, &ov) || !legacy_append(l, map, &append)) {
		goto cleanup;
	}
	yaml_node_t *cn = map_get(l, map, "condition");
	if (cn == NULL || !is_scalar(cn) || is_null(cn)) {
		report(l, cn != NULL ? cn : map, true, "LOAD_ERR_YAML_VALIDATE", "macro needs a 'condition' string");
		goto cleanup;
	}
	int mode = append ? OV_APPEND : override_mode(&ov, "condition");
	sk_macro_def *m = sk_rs_find_macro(l->rs, name);
	if (m == NULL && mode != OV_NONE) {
		report(l, map, true, "LOAD_ERR_VALIDATE", "macro '%s' is not defined yet: cannot %s it", name,
		       mode == OV_APPEND ? "append to" : "replace");
		goto cleanup;
	}
	if (m == NULL) {
		m = new_def(l, (void **)&l->rs->macros, &l->rs->capmacros, &l->rs->nmacros, sizeof(*m), &name,
			    sk_rs_index_macro);
		if (m == NULL) {
			goto cleanup;
		}
	}
	if (mode != OV_APPEND) {
		m->loc = loc_of(l, map);
	}
	sk_ast_free(m->ast);
	m->ast = NULL;
	m->parse_failed = false;
	text_set(l, &m->cond, cn, mode == OV_APPEND);
	/* Syntax errors are reported at load, like Falco; fields at use. */
	sk_cc_macro_parse(l->rs, m);
cleanup:
	free(name);
}

static void exc_free(sk_exc_def *e)
{
	free(e->name);
	strings_free(e->fields, e->nfields);
	strings_free(e->comps, e->ncomps);
	uint32_t ncells = e->nvalues * (e->single ? 1 : e->nfields);
	for (uint32_t i = 0; i < ncells; i++) {
		free(e->cells[i].text);
		strings_free(e->cells[i].items, e->cells[i].nitems);
	}
	free(e->cells);
	memset(e, 0, sizeof(*e));
}

/* Appends the rows of `values` to e (shape checked against e's fields). */
static bool exc_values(ld *l, sk_exc_def *e, yaml_node_t *vn)
{
	if (vn->type != YAML_SEQUENCE_NODE) {
		report(l, vn, true, "LOAD_ERR_YAML_VALIDATE", "exception '%s': 'values' must be a list", e->name);
		return false;
	}
	uint32_t width = e->single ? 1 : e->nfields;
	size_t rows = (size_t)(vn->data.sequence.items.top - vn->data.sequence.items.start);
	if (rows > SK_RULES_MAX_LIST_ITEMS) {
		report(l, vn, true, "LOAD_ERR_VALIDATE", "exception '%s': too many values", e->name);
		return false;
	}
	sk_exc_cell *nc = realloc(e->cells, (e->nvalues + rows) * width * sizeof(*nc) + 1);
	if (nc == NULL) {
		return false;
	}
	e->cells = nc;
	for (size_t r = 0; r < rows; r++) {
		yaml_node_t *row = node(l, vn->data.sequence.items.start[r]);
		sk_exc_cell *cells = &e->cells[e->nvalues * width];
		memset(cells, 0, width * sizeof(*cells));
		if (e->single) {
			if (!get_string(l, row, "values", &cells[0].text)) {
				return false;
			}
			e->nvalues++;
			continue;
		}
		size_t n = row->type == YAML_SEQUENCE_NODE
				   ? (size_t)(row->data.sequence.items.top - row->data.sequence.items.start)
				   : 0;
		if (row->type != YAML_SEQUENCE_NODE || n != width) {
			report(l, row, true, "LOAD_ERR_VALIDATE",
			       "exception '%s': each value must be a list of %u items (one per field)", e->name, width);
			return false;
		}
		e->nvalues++;
		for (uint32_t f = 0; f < width; f++) {
			yaml_node_t *cn = node(l, row->data.sequence.items.start[f]);
			bool ok = is_scalar(cn) ? charge(l, cn, cn->data.scalar.length) &&
							  (cells[f].text = strdup(sval(cn))) != NULL
						: get_strings(l, cn, "values", false, &cells[f].items, &cells[f].nitems);
			if (!ok) {
				return false;
			}
		}
	}
	return true;
}

static bool exc_shape(ld *l, sk_exc_def *e, yaml_node_t *en)
{
	yaml_node_t *fn = map_get(l, en, "fields");
	yaml_node_t *cn = map_get(l, en, "comps");
	if (fn == NULL) {
		report(l, en, true, "LOAD_ERR_YAML_VALIDATE", "exception '%s' has no 'fields'", e->name);
		return false;
	}
	e->single = is_scalar(fn);
	if (!get_strings(l, fn, "fields", true, &e->fields, &e->nfields)) {
		return false;
	}
	if (e->nfields == 0) {
		report(l, fn, true, "LOAD_ERR_YAML_VALIDATE", "exception '%s': 'fields' is empty", e->name);
		return false;
	}
	if (cn != NULL && !get_strings(l, cn, "comps", true, &e->comps, &e->ncomps)) {
		return false;
	}
	for (uint32_t i = 0; i < e->ncomps; i++) {
		sk_op op;
		if (sk_op_parse(e->comps[i], strlen(e->comps[i]), &op) != SK_OK || op == SK_OP_EXISTS) {
			report(l, cn, true, "LOAD_ERR_VALIDATE", "exception '%s': '%s' is not a comparison operator",
			       e->name, e->comps[i]);
			return false;
		}
		if (e->single && !sk_op_takes_list(op)) {
			report(l, cn, true, "LOAD_ERR_VALIDATE",
			       "exception '%s': with a single field, comps must be in, pmatch or intersects", e->name);
			return false;
		}
	}
	if (!e->single && e->ncomps != 0 && e->ncomps != e->nfields) {
		report(l, cn, true, "LOAD_ERR_VALIDATE", "exception '%s': %u comps for %u fields", e->name, e->ncomps,
		       e->nfields);
		return false;
	}
	return true;
}

/* Reads `exceptions:`; with append, rows join an existing exception of the
 * same name. */
static bool load_exceptions(ld *l, sk_rule_def *rd, yaml_node_t *xn, bool append)
{
	if (xn->type != YAML_SEQUENCE_NODE) {
		report(l, xn, true, "LOAD_ERR_YAML_VALIDATE", "'exceptions' must be a list");
		return false;
	}
	for (yaml_node_item_t *it = xn->data.sequence.items.start; it < xn->data.sequence.items.top; it++) {
		yaml_node_t *en = node(l, *it);
		yaml_node_t *nn = en->type == YAML_MAPPING_NODE ? map_get(l, en, "name") : NULL;
		if (!is_scalar(nn) || is_null(nn)) {
			report(l, en, true, "LOAD_ERR_YAML_VALIDATE", "each exception needs a 'name'");
			return false;
		}
		sk_exc_def *e = NULL;
		for (uint32_t i = 0; i < rd->nexcs; i++) {
			if (strcmp(rd->excs[i].name, sval(nn)) == 0) {
				e = &rd->excs[i];
			}
		}
		if (e != NULL && !append) {
			report(l, nn, false, "LOAD_EXCEPTION_NAME_NOT_UNIQUE", "exception name '%s' is used twice",
			       sval(nn));
		}
		if (e == NULL || !append) {
			sk_exc_def *nv = realloc(rd->excs, (rd->nexcs + 1) * sizeof(*nv));
			if (nv == NULL) {
				return false;
			}
			rd->excs = nv;
			e = &nv[rd->nexcs++];
			memset(e, 0, sizeof(*e));
			e->name = strdup(sval(nn));
			e->loc = loc_of(l, en);
			if (e->name == NULL || !exc_shape(l, e, en)) {
				return false;
			}
		}
		yaml_node_t *vn = map_get(l, en, "values");
		if (vn != NULL && !is_null(vn) && !exc_values(l, e, vn)) {
			return false;
		}
	}
	return true;
}

static void rule_def_clear(sk_rule_def *rd)
{
	sk_text_free(&rd->cond);
	sk_text_free(&rd->output);
	free(rd->desc);
	free(rd->source);
	strings_free(rd->tags, rd->ntags);
	for (uint32_t i = 0; i < rd->nexcs; i++) {
		exc_free(&rd->excs[i]);
	}
	free(rd->excs);
	char *name = rd->name;
	memset(rd, 0, sizeof(*rd));
	rd->name = name;
}

static bool set_priority(ld *l, sk_rule_def *rd, yaml_node_t *pn)
{
	if (is_scalar(pn) && sk_priority_parse(sval(pn), pn->data.scalar.length, &rd->priority) == SK_OK) {
		return true;
	}
	report(l, pn, true, "LOAD_ERR_VALIDATE", "invalid priority '%s' (Emergency, Alert, Critical, Error, Warning, "
		"Notice, Informational, Debug)", is_scalar(pn) ? sval(pn) : "");
	return false;
}

/* Applies one key of a rule item in the given mode (replace for new rules). */
static bool rule_key(ld *l, sk_rule_def *rd, const char *key, yaml_node_t *v, int mode)
{
	bool app = mode == OV_APPEND;
	if (strcmp(key, "condition") == 0 || strcmp(key, "output") == 0) {
		if (!is_scalar(v) || is_null(v)) {
			report(l, v, true, "LOAD_ERR_YAML_VALIDATE", "'%s' must be a string", key);
			return false;
		}
		return text_set(l, key[0] == 'c' ? &rd->cond : &rd->output, v, app) == SK_OK;
	}
	if (strcmp(key, "desc") == 0) {
		char *d = NULL;
		if (!get_string(l, v, key, &d)) {
			return false;
		}
		if (app && rd->desc != NULL) {
			size_t n = strlen(rd->desc) + strlen(d) + 2;
			char *j = malloc(n);
			if (j != NULL) {
				snprintf(j, n, "%s %s", rd->desc, d);
			}
			free(d);
			d = j;
		}
		free(rd->desc);
		rd->desc = d;
		return d != NULL;
	}
	if (strcmp(key, "tags") == 0) {
		char **tags = NULL;
		uint32_t n = 0;
		if (!is_null(v) && !get_strings(l, v, key, false, &tags, &n)) {
			strings_free(tags, n);
			return false;
		}
		if (!app) {
			strings_free(rd->tags, rd->ntags);
			rd->tags = NULL;
			rd->ntags = 0;
		}
		return n == 0 || strings_append(&rd->tags, &rd->ntags, tags, n);
	}
	if (strcmp(key, "exceptions") == 0) {
		if (!app) {
			for (uint32_t i = 0; i < rd->nexcs; i++) {
				exc_free(&rd->excs[i]);
			}
			rd->nexcs = 0;
		}
		return is_null(v) || load_exceptions(l, rd, v, app);
	}
	if (strcmp(key, "priority") == 0) {
		return set_priority(l, rd, v);
	}
	if (strcmp(key, "source") == 0) {
		free(rd->source);
		rd->source = NULL;
		return get_string(l, v, key, &rd->source);
	}
	if (strcmp(key, "capture_duration") == 0) {
		char *end = NULL;
		rd->capture_duration_ms = is_scalar(v) ? strtoull(sval(v), &end, 10) : 0;
		if (end == NULL || *end != '\0' || sval(v)[0] == '\0') {
			report(l, v, true, "LOAD_ERR_YAML_VALIDATE", "'capture_duration' must be a number of milliseconds");
			return false;
		}
		return true;
	}
	bool *flag = strcmp(key, "enabled") == 0		   ? &rd->enabled
		     : strcmp(key, "skip-if-unknown-filter") == 0 ? &rd->skip_if_unknown
		     : strcmp(key, "warn_evttypes") == 0	   ? &rd->warn_evttypes
		     : strcmp(key, "capture") == 0		   ? &rd->capture
								   : NULL;
	return flag == NULL || get_bool(l, v, key, flag);
}

static void load_rule(ld *l, yaml_node_t *map)
{
	static const char *const known[] = {"rule", "condition", "output", "desc", "priority", "source", "enabled",
		"tags", "exceptions", "override", "append", "warn_evttypes", "skip-if-unknown-filter", "capture",
		"capture_duration", NULL};
	static const char *const appendable[] = {"condition", "output", "desc", "tags", "exceptions", NULL};
	static const char *const replaceable[] = {"condition", "output", "desc", "priority", "tags", "exceptions",
		"enabled", "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration", "source", NULL};
	static const char *const required[] = {"condition", "output", "desc", "priority"};
	char *name = NULL;
	overrides ov;
	bool append = false;
	if (!item_name(l, map, "rule", &name)) {
		goto cleanup;
	}
	warn_unknown_keys(l, map, known);
	if (!parse_overrides(l, map, "rule", appendable, replaceable, &ov) || !legacy_append(l, map, &append)) {
		goto cleanup;
	}
	sk_rule_def *rd = sk_rs_find_rule(l->rs, name);
	size_t nkeys = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	bool toggle = map_get(l, map, "enabled") != NULL && nkeys == 2;
	bool partial = append || ov.n > 0 || toggle;
	if (partial && rd == NULL) {
		report(l, map, true, "LOAD_ERR_VALIDATE", "rule '%s' is not defined yet: cannot %s it", name,
		       toggle ? "enable or disable" : append || override_mode(&ov, "condition") == OV_APPEND ? "append to"
													 : "override");
		goto cleanup;
	}
	if (!partial) {
		for (size_t i = 0; i < 4; i++) {
			if (map_get(l, map, required[i]) == NULL) {
				report(l, map, true, "LOAD_ERR_YAML_VALIDATE", "rule has no '%s'", required[i]);
				goto cleanup;
			}
		}
		if (rd == NULL) {
			rd = new_def(l, (void **)&l->rs->rules, &l->rs->caprules, &l->rs->nrules, sizeof(*rd), &name,
				     sk_rs_index_rule);
			if (rd == NULL) {
				goto cleanup;
			}
		}
		/* Redefinition: new content, original position. */
		rule_def_clear(rd);
		rd->loc = loc_of(l, map);
		rd->enabled = true;
		rd->warn_evttypes = true;
		rd->priority = SK_PRIO_DEBUG;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key);
		if (!is_scalar(k) || !valid_key(sval(k), known) || strcmp(sval(k), "rule") == 0 ||
		    strcmp(sval(k), "override") == 0 || strcmp(sval(k), "append") == 0) {
			continue;
		}
		int mode = append ? OV_APPEND : partial ? override_mode(&ov, sval(k)) : OV_REPLACE;
		if (toggle) {
			mode = OV_REPLACE;
		}
		if (append && !valid_key(sval(k), appendable)) {
			report(l, k, true, "LOAD_ERR_VALIDATE", "key '%s' cannot be appended to", sval(k));
			goto cleanup;
		}
		if (!rule_key(l, rd, sval(k), node(l, p->value), mode)) {
			goto cleanup;
		}
	}
cleanup:
	free(name);
}

/* "0.57.0" or an integer N meaning 0.N.0. */
static bool parse_version(const char *s, unsigned v[3])
{
	char *end = NULL;
	v[0] = v[1] = v[2] = 0;
	if (strchr(s, '.') == NULL) {
		unsigned long n = strtoul(s, &end, 10);
		v[1] = (unsigned)n;
		return *s != '\0' && *end == '\0' && n < 100000;
	}
	return sscanf(s, "%u.%u.%u", &v[0], &v[1], &v[2]) == 3 && strspn(s, "0123456789.") == strlen(s);
}

static void load_engine_version(ld *l, yaml_node_t *vn)
{
	unsigned need[3], have[3];
	snprintf(l->item, sizeof(l->item), "required_engine_version");
	if (!is_scalar(vn) || !parse_version(sval(vn), need)) {
		report(l, vn, true, "LOAD_ERR_VALIDATE", "invalid engine version '%s' (want N or X.Y.Z)",
		       is_scalar(vn) ? sval(vn) : "");
		return;
	}
	parse_version(SK_RULES_ENGINE_VERSION, have);
	for (int i = 0; i < 3; i++) {
		if (need[i] != have[i]) {
			if (need[i] > have[i]) {
				report(l, vn, true, "LOAD_ERR_VALIDATE",
				       "rules require engine version %u.%u.%u, Saker implements %s", need[0], need[1],
				       need[2], SK_RULES_ENGINE_VERSION);
			}
			return;
		}
	}
}

static void load_plugin_versions(ld *l, yaml_node_t *pn)
{
	snprintf(l->item, sizeof(l->item), "required_plugin_versions");
	if (pn->type != YAML_SEQUENCE_NODE) {
		report(l, pn, true, "LOAD_ERR_YAML_VALIDATE", "required_plugin_versions must be a list");
		return;
	}
	for (yaml_node_item_t *it = pn->data.sequence.items.start; it < pn->data.sequence.items.top; it++) {
		yaml_node_t *e = node(l, *it);
		yaml_node_t *nn = e->type == YAML_MAPPING_NODE ? map_get(l, e, "name") : NULL;
		yaml_node_t *vn = e->type == YAML_MAPPING_NODE ? map_get(l, e, "version") : NULL;
		if (!is_scalar(nn) || !is_scalar(vn)) {
			report(l, e, true, "LOAD_ERR_YAML_VALIDATE", "each plugin requirement needs 'name' and 'version'");
			return;
		}
		/* container.* and k8s.* fields are built into Saker's state. */
		bool native = strcmp(sval(nn), "container") == 0;
		if (!native) {
			report(l, nn, false, "LOAD_UNSUPPORTED_PLUGIN",
			       "plugin '%s' is not available in Saker; rules using its fields will not compile", sval(nn));
		}
		sk_plugin_req *nv = realloc(l->rs->plugins, (l->rs->nplugins + 1) * sizeof(*nv));
		if (nv == NULL) {
			return;
		}
		l->rs->plugins = nv;
		nv[l->rs->nplugins] = (sk_plugin_req){strdup(sval(nn)), strdup(sval(vn)), native};
		l->rs->nplugins++;
	}
}

static void load_item(ld *l, yaml_node_t *it)
{
	l->item[0] = '\0';
	if (it->type != YAML_MAPPING_NODE) {
		report(l, it, true, "LOAD_ERR_YAML_VALIDATE", "each item must be a mapping (list, macro, rule, ...)");
		return;
	}
	yaml_node_t *v = NULL;
	if ((v = map_get(l, it, "required_engine_version")) != NULL) {
		load_engine_version(l, v);
	} else if ((v = map_get(l, it, "required_plugin_versions")) != NULL) {
		load_plugin_versions(l, v);
	} else if (map_get(l, it, "list") != NULL) {
		load_list(l, it);
	} else if (map_get(l, it, "macro") != NULL) {
		load_macro(l, it);
	} else if (map_get(l, it, "rule") != NULL) {
		load_rule(l, it);
	} else {
		report(l, it, false, "LOAD_UNKNOWN_ITEM", "unknown item (not a list, macro or rule): ignored");
	}
}

sk_err sk_rs_load_yaml(sk_ruleset *rs, int32_t file)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	ld l = {.rs = rs, .doc = &doc, .file = file};
	const sk_src *src = &rs->srcs.v[file];
	l.copy_limit = src->len * SK_RULES_MAX_COPY_FACTOR + (1u << 20);
	if (!yaml_parser_initialize(&parser)) {
		return SK_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)src->text, src->len);
	size_t items = 0;
	for (;;) {
		if (!yaml_parser_load(&parser, &doc)) {
			uint32_t idx = sk_srcs_index(&rs->srcs, file, (uint32_t)parser.problem_mark.line,
						     (uint32_t)parser.problem_mark.column);
			sk_diag_add(&rs->diags, &rs->srcs, true, "LOAD_ERR_YAML_PARSE", sk_srcs_loc(&rs->srcs, file, idx),
				    NULL, "%s%s%s", parser.problem ? parser.problem : "invalid YAML",
				    parser.context ? " " : "", parser.context ? parser.context : "");
			l.errors++;
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		if (root->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = root->data.sequence.items.start; it < root->data.sequence.items.top;
			     it++) {
				if (++items > SK_RULES_MAX_ITEMS) {
					report(&l, root, true, "LOAD_ERR_VALIDATE", "more than %u items", SK_RULES_MAX_ITEMS);
					break;
				}
				load_item(&l, node(&l, *it));
			}
		} else if (!is_null(root)) {
			l.item[0] = '\0';
			report(&l, root, true, "LOAD_ERR_YAML_VALIDATE", "rules content must be a list of items");
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	return l.errors > 0 ? SK_EPARSE : SK_OK;
}

void sk_rs_defs_free(sk_ruleset *rs)
{
	for (size_t i = 0; i < rs->nlists; i++) {
		free(rs->lists[i].name);
		strings_free(rs->lists[i].items, rs->lists[i].nitems);
	}
	for (size_t i = 0; i < rs->nmacros; i++) {
		free(rs->macros[i].name);
		sk_text_free(&rs->macros[i].cond);
		sk_ast_free(rs->macros[i].ast);
	}
	for (size_t i = 0; i < rs->nrules; i++) {
		rule_def_clear(&rs->rules[i]);
		free(rs->rules[i].name);
	}
	for (size_t i = 0; i < rs->nplugins; i++) {
		free(rs->plugins[i].name);
		free(rs->plugins[i].version);
	}
	free(rs->lists);
	free(rs->macros);
	free(rs->rules);
	free(rs->plugins);
}
