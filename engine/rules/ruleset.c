/* ruleset: loading entry points, compilation into the per-event-type
 * index, and matching (see ruleset.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ruleset_int.h"

static const char *const prio_names[SK_PRIO_COUNT] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

sk_err sk_priority_parse(const char *s, size_t len, sk_priority *out)
{
	for (int i = 0; i < SK_PRIO_COUNT; i++) {
		if (strlen(prio_names[i]) == len && strncasecmp(prio_names[i], s, len) == 0) {
			*out = (sk_priority)i;
			return SK_OK;
		}
	}
	if (len == 4 && strncasecmp(s, "info", 4) == 0) {
		*out = SK_PRIO_INFORMATIONAL;
		return SK_OK;
	}
	return SK_EINVAL;
}

const char *sk_priority_name(sk_priority p)
{
	return p < SK_PRIO_COUNT ? prio_names[p] : "?";
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		h = (h ^ (unsigned char)*s) * 16777619u;
	}
	return h;
}

/* Returns the slot holding name, or the empty slot where it would go. */
static uint32_t *index_slot(const sk_name_index *ix, const char *name, const char *(*name_at)(const sk_ruleset *, uint32_t),
			    const sk_ruleset *rs)
{
	uint32_t mask = ix->cap - 1;
	for (uint32_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
		uint32_t v = ix->slots[i];
		if (v == 0 || strcmp(name_at(rs, v - 1), name) == 0) {
			return &ix->slots[i];
		}
	}
}

static sk_err index_add(sk_name_index *ix, uint32_t idx, const char *(*name_at)(const sk_ruleset *, uint32_t),
			const sk_ruleset *rs)
{
	if ((ix->n + 1) * 2 > ix->cap) {
		sk_name_index bigger = {calloc(ix->cap ? ix->cap * 2 : 64, sizeof(uint32_t)), ix->cap ? ix->cap * 2 : 64, 0};
		if (bigger.slots == NULL) {
			return SK_ENOMEM;
		}
		for (uint32_t i = 0; i < ix->cap; i++) {
			if (ix->slots[i] != 0) {
				*index_slot(&bigger, name_at(rs, ix->slots[i] - 1), name_at, rs) = ix->slots[i];
				bigger.n++;
			}
		}
		free(ix->slots);
		*ix = bigger;
	}
	*index_slot(ix, name_at(rs, idx), name_at, rs) = idx + 1;
	ix->n++;
	return SK_OK;
}

static const char *list_name(const sk_ruleset *rs, uint32_t i)
{
	return rs->lists[i].name;
}

static const char *macro_name(const sk_ruleset *rs, uint32_t i)
{
	return rs->macros[i].name;
}

static const char *rule_name(const sk_ruleset *rs, uint32_t i)
{
	return rs->rules[i].name;
}

sk_err sk_rs_index_list(sk_ruleset *rs)
{
	return index_add(&rs->list_idx, (uint32_t)rs->nlists - 1, list_name, rs);
}

sk_err sk_rs_index_macro(sk_ruleset *rs)
{
	return index_add(&rs->macro_idx, (uint32_t)rs->nmacros - 1, macro_name, rs);
}

sk_err sk_rs_index_rule(sk_ruleset *rs)
{
	return index_add(&rs->rule_idx, (uint32_t)rs->nrules - 1, rule_name, rs);
}

static int64_t index_find(const sk_ruleset *rs, const sk_name_index *ix, const char *name,
			  const char *(*name_at)(const sk_ruleset *, uint32_t))
{
	if (ix->cap == 0) {
		return -1;
	}
	uint32_t v = *index_slot(ix, name, name_at, rs);
	return v == 0 ? -1 : (int64_t)v - 1;
}

sk_list_def *sk_rs_find_list(sk_ruleset *rs, const char *name)
{
	int64_t i = index_find(rs, &rs->list_idx, name, list_name);
	return i < 0 ? NULL : &rs->lists[i];
}

sk_macro_def *sk_rs_find_macro(sk_ruleset *rs, const char *name)
{
	int64_t i = index_find(rs, &rs->macro_idx, name, macro_name);
	return i < 0 ? NULL : &rs->macros[i];
}

sk_rule_def *sk_rs_find_rule(sk_ruleset *rs, const char *name)
{
	int64_t i = index_find(rs, &rs->rule_idx, name, rule_name);
	return i < 0 ? NULL : &rs->rules[i];
}

sk_err sk_ruleset_new(const sk_rules_opts *opts, sk_ruleset **out)
{
	sk_ruleset *rs = calloc(1, sizeof(*rs));
	if (rs == NULL) {
		return SK_ENOMEM;
	}
	if (opts != NULL) {
		rs->opts = *opts;
	} else {
		rs->opts.min_priority = SK_PRIO_DEBUG;
	}
	rs->env = rs->opts.env != NULL ? *rs->opts.env : *sk_rules_env_default();
	rs->opts.env = NULL; /* may dangle once this returns: rs->env is the one */
	rs->ntypes = rs->env.evtype_count != NULL ? rs->env.evtype_count() : 0;
	*out = rs;
	return SK_OK;
}

sk_err sk_ruleset_load_string(sk_ruleset *rs, const char *name, const char *text, size_t len)
{
	if (rs->compiled) {
		return SK_EINVAL;
	}
	if (len > SK_RULES_MAX_FILE) {
		sk_diag_add(&rs->diags, &rs->srcs, true, "LOAD_ERR_FILE_READ", SK_LOC_NONE, NULL,
			    "%s: larger than %u bytes", name, SK_RULES_MAX_FILE);
		return SK_ERANGE;
	}
	char *copy = malloc(len + 1);
	if (copy == NULL) {
		return SK_ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	int32_t file = -1;
	sk_err err = sk_srcs_add(&rs->srcs, name, copy, len, &file);
	if (err != SK_OK) {
		free(copy);
		return err;
	}
	if (memchr(copy, '\0', len) != NULL) {
		sk_diag_add(&rs->diags, &rs->srcs, true, "LOAD_ERR_YAML_PARSE", sk_srcs_loc(&rs->srcs, file, 0), NULL,
			    "file contains a NUL byte");
		return SK_EPARSE;
	}
	return sk_rs_load_yaml(rs, file);
}

sk_err sk_ruleset_load_file(sk_ruleset *rs, const char *path)
{
	sk_strbuf text = SK_STRBUF_INIT;
	sk_err err = sk_strbuf_read_file(&text, path, SK_RULES_MAX_FILE);
	if (err == SK_ERANGE) {
		sk_diag_add(&rs->diags, &rs->srcs, true, "LOAD_ERR_FILE_READ", SK_LOC_NONE, NULL,
			    "rules file '%s' is larger than %u bytes", path, SK_RULES_MAX_FILE);
	} else if (err == SK_ENOENT || err == SK_EIO) {
		sk_diag_add(&rs->diags, &rs->srcs, true, "LOAD_ERR_FILE_READ", SK_LOC_NONE, NULL,
			    "cannot read rules file '%s': %s", path,
			    errno == EISDIR ? "not a regular file" : strerror(errno));
	} else if (err == SK_OK) {
		err = sk_ruleset_load_string(rs, path, text.data != NULL ? text.data : "", text.len);
	}
	sk_strbuf_free(&text);
	return err;
}

static bool is_rules_file_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && ((n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
				  (n > 4 && strcmp(name + n - 4, ".yml") == 0));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rules files of directory path, sorted; *names owns the strings. */
static sk_err list_rules_dir(sk_ruleset *rs, const char *path, char ***names, size_t *count)
{
	sk_err err = SK_OK;
	size_t n = 0;
	char **v = NULL;
	DIR *d = opendir(path);
	if (d == NULL) {
		err = SK_EIO;
		sk_diag_add(&rs->diags, &rs->srcs, true, "LOAD_ERR_FILE_READ", SK_LOC_NONE, NULL,
			    "cannot read rules directory '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	v = calloc(SK_RULES_MAX_DIR_FILES, sizeof(*v));
	if (v == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
		if (!is_rules_file_name(e->d_name)) {
			continue;
		}
		if (n == SK_RULES_MAX_DIR_FILES) {
			err = SK_ERANGE;
			sk_diag_add(&rs->diags, &rs->srcs, true, "LOAD_ERR_FILE_READ", SK_LOC_NONE, NULL,
				    "rules directory '%s' has more than %u rules files", path, SK_RULES_MAX_DIR_FILES);
			goto cleanup;
		}
		v[n] = strdup(e->d_name);
		if (v[n] == NULL) {
			err = SK_ENOMEM;
			goto cleanup;
		}
		n++;
	}
	qsort(v, n, sizeof(*v), name_cmp);
cleanup:
	if (d != NULL) {
		closedir(d);
	}
	if (err != SK_OK) {
		for (size_t i = 0; i < n; i++) {
			free(v[i]);
		}
		free(v);
		v = NULL;
		n = 0;
	}
	*names = v;
	*count = n;
	return err;
}

sk_err sk_ruleset_load_path(sk_ruleset *rs, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		return sk_ruleset_load_file(rs, path);
	}
	char **names = NULL;
	size_t n = 0;
	sk_err err = list_rules_dir(rs, path, &names, &n);
	sk_strbuf full = SK_STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_reset(&full);
		sk_strbuf_printf(&full, "%s/%s", path, names[i]);
		sk_err ferr = sk_strbuf_failed(&full) ? SK_ENOMEM : sk_ruleset_load_file(rs, sk_strbuf_str(&full));
		err = err != SK_OK ? err : ferr;
		free(names[i]);
	}
	sk_strbuf_free(&full);
	free(names);
	return err;
}

static void crules_free(sk_ruleset *rs)
{
	for (size_t i = 0; i < rs->ncrules; i++) {
		sk_crule *cr = &rs->crules[i];
		sk_cc_specs_free(cr);
		sk_cc_free(cr->root);
		sk_fmt_free(cr->fmt);
		sk_fmt_free(cr->json_fmt);
		for (size_t k = 0; k < cr->nextra; k++) {
			free(cr->extra_names[k]);
			sk_fmt_free(cr->extra_fmts[k]);
		}
		free(cr->extra_names);
		free(cr->extra_fmts);
		free(cr->evtypes);
	}
	free(rs->crules);
	rs->crules = NULL;
	rs->ncrules = 0;
	if (rs->by_type != NULL) {
		for (uint32_t t = 0; t < rs->ntypes; t++) {
			free(rs->by_type[t]);
		}
	}
	free(rs->by_type);
	free(rs->by_type_n);
	for (int g = 0; g < 2; g++) {
		for (uint32_t i = 0; rs->by_sysid[g] != NULL && i < rs->nsysid_lists; i++) {
			free(rs->by_sysid[g][i]);
		}
		free(rs->by_sysid[g]);
		free(rs->by_sysid_n[g]);
		rs->by_sysid[g] = NULL;
		rs->by_sysid_n[g] = NULL;
	}
	free(rs->sysid_list);
	rs->sysid_list = NULL;
	rs->nsysids = 0;
	free(rs->all_types);
}

static bool has_type(const sk_crule *cr, uint16_t t)
{
	return cr->evtypes == NULL || ((cr->evtypes[t / 64] >> (t % 64)) & 1);
}

static bool indexed_under(const sk_ruleset *rs, const sk_crule *cr, uint16_t t)
{
	return rs->opts.no_index || has_type(cr, t);
}

/* The rules that may match events of type t (carrying syscall sysid, or
 * -1), each with the tree to run for them: *list stays NULL when none. */
static sk_err build_list(sk_ruleset *rs, uint16_t t, int sysid, sk_type_entry **list, uint32_t *len)
{
	uint32_t n = 0;
	for (size_t i = 0; i < rs->ncrules; i++) {
		n += indexed_under(rs, &rs->crules[i], t);
	}
	*list = NULL;
	*len = 0;
	if (n == 0) {
		return SK_OK;
	}
	*list = malloc(n * sizeof(**list));
	if (*list == NULL) {
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < rs->ncrules; i++) {
		sk_crule *cr = &rs->crules[i];
		if (!indexed_under(rs, cr, t)) {
			continue;
		}
		const sk_cnode *root = cr->root;
		if (!rs->opts.no_index && !rs->opts.no_type_fold) {
			sk_err err = sk_cc_for_type(cr, t, sysid, &root);
			if (err != SK_OK) {
				return err;
			}
		}
		if (root != NULL) {
			(*list)[*len].rule = (uint32_t)i;
			(*list)[*len].root = root;
			(*len)++;
		}
	}
	/* Folding leaves most generic-event lists short or empty. */
	if (*len == 0) {
		free(*list);
		*list = NULL;
	} else if (*len < n) {
		sk_type_entry *fit = realloc(*list, *len * sizeof(**list));
		*list = fit != NULL ? fit : *list;
	}
	return SK_OK;
}

/* Generic events name their syscall in a parameter: one list per id a
 * rule names (plus one for all others), so such an event runs only the
 * rules that can match its syscall, evt.type tests decided. */
static sk_err build_sysid_index(sk_ruleset *rs)
{
	const sk_rules_env *env = &rs->env;
	if (env->event_syscall_id == NULL || env->ngeneric_types == 0 || rs->opts.no_index ||
	    rs->opts.no_type_fold) {
		return SK_OK;
	}
	int max = -1;
	for (size_t i = 0; i < rs->ncrules; i++) {
		sk_err err = sk_cc_max_sysid(&rs->crules[i], &max);
		if (err != SK_OK) {
			return err;
		}
	}
	if (max < 0 || max >= UINT16_MAX) {
		return SK_OK; /* no rule names a syscall generic events carry */
	}
	rs->nsysids = (uint32_t)max + 1;
	uint8_t *named = calloc(rs->nsysids, 1);
	int *ids = calloc(rs->nsysids + 1, sizeof(*ids)); /* the id each list is for */
	rs->sysid_list = calloc(rs->nsysids, sizeof(*rs->sysid_list));
	if (named == NULL || ids == NULL || rs->sysid_list == NULL) {
		free(named);
		free(ids);
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < rs->ncrules; i++) {
		sk_cc_mark_sysids(&rs->crules[i], named, rs->nsysids);
	}
	uint32_t nlists = 1;
	ids[0] = (int)rs->nsysids; /* an id no rule names */
	for (uint32_t sid = 0; sid < rs->nsysids; sid++) {
		if (named[sid]) {
			rs->sysid_list[sid] = (uint16_t)nlists;
			ids[nlists++] = (int)sid;
		}
	}
	free(named);
	rs->nsysid_lists = nlists;
	for (uint16_t g = 0; g < env->ngeneric_types && g < 2; g++) {
		uint16_t t = env->generic_types[g];
		if (t >= rs->ntypes) {
			continue;
		}
		rs->by_sysid[g] = calloc(nlists, sizeof(*rs->by_sysid[g]));
		rs->by_sysid_n[g] = calloc(nlists, sizeof(*rs->by_sysid_n[g]));
		if (rs->by_sysid[g] == NULL || rs->by_sysid_n[g] == NULL) {
			free(ids);
			return SK_ENOMEM;
		}
		for (uint32_t k = 0; k < nlists; k++) {
			sk_err err = build_list(rs, t, ids[k], &rs->by_sysid[g][k], &rs->by_sysid_n[g][k]);
			if (err != SK_OK) {
				free(ids);
				return err;
			}
		}
	}
	free(ids);
	return SK_OK;
}

/* Per event type, the compiled rules that may match, in definition order,
 * each with its tree specialised for the type. */
static sk_err build_index(sk_ruleset *rs)
{
	rs->all_types = calloc(rs->ncrules + 1, sizeof(uint32_t));
	if (rs->all_types == NULL) {
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < rs->ncrules; i++) {
		if (rs->crules[i].evtypes == NULL) {
			rs->all_types[rs->nall_types++] = (uint32_t)i;
		}
	}
	if (rs->ntypes == 0) {
		return SK_OK;
	}
	rs->by_type = calloc(rs->ntypes, sizeof(*rs->by_type));
	rs->by_type_n = calloc(rs->ntypes, sizeof(*rs->by_type_n));
	if (rs->by_type == NULL || rs->by_type_n == NULL) {
		return SK_ENOMEM;
	}
	for (uint32_t t = 0; t < rs->ntypes; t++) {
		sk_err err = build_list(rs, (uint16_t)t, -1, &rs->by_type[t], &rs->by_type_n[t]);
		if (err != SK_OK) {
			return err;
		}
	}
	return build_sysid_index(rs);
}

static void rule_report(sk_ruleset *rs, const sk_rule_def *rd, sk_loc loc, bool error, const char *code,
			const char *msg)
{
	char item[300];
	snprintf(item, sizeof(item), "rule \"%s\"", rd->name);
	sk_diag_add(&rs->diags, &rs->srcs, error, code, loc, item, "%s", msg);
}

/* Whether append_output entry add applies to rule rd. */
static bool addition_matches(const sk_output_addition *add, const sk_rule_def *rd)
{
	const char *source = rd->source != NULL ? rd->source : "syscall";
	if ((add->rule != NULL && strcmp(add->rule, rd->name) != 0) ||
	    (add->source != NULL && strcmp(add->source, source) != 0)) {
		return false;
	}
	for (size_t t = 0; t < add->ntags; t++) {
		bool has = false;
		for (uint32_t k = 0; k < rd->ntags && !has; k++) {
			has = strcmp(rd->tags[k], add->tags[t]) == 0;
		}
		if (!has) {
			return false;
		}
	}
	return true;
}

/* rd's output with append_output's extra_output joined (*json_text gets
 * that plus the fields by name, for output_fields; empty when none). */
static void output_texts(const sk_ruleset *rs, const sk_rule_def *rd, sk_strbuf *text, sk_strbuf *json_text)
{
	bool by_name = false;
	sk_strbuf_append(text, sk_strbuf_str(&rd->output.s), rd->output.s.len);
	for (size_t i = 0; i < rs->opts.nadditions; i++) {
		const sk_output_addition *add = &rs->opts.additions[i];
		if (add->extra_output != NULL && add->extra_output[0] != '\0' && addition_matches(add, rd)) {
			sk_strbuf_printf(text, " %s", add->extra_output);
		}
	}
	sk_strbuf_append(json_text, sk_strbuf_str(text), text->len);
	for (size_t i = 0; i < rs->opts.nadditions; i++) {
		const sk_output_addition *add = &rs->opts.additions[i];
		bool hit = add->nfields > 0 && addition_matches(add, rd);
		for (size_t f = 0; hit && f < add->nfields; f++) {
			if (add->field_formats[f] == NULL) {
				sk_strbuf_printf(json_text, " %%%s", add->field_names[f]);
				by_name = true;
			}
		}
	}
	if (!by_name) {
		sk_strbuf_reset(json_text);
	}
}

/* append_output's fields with a format, for rule rd, into cr. The
 * pipeline checked every format before compiling, so an error here is
 * memory. */
static sk_err compile_named_extras(sk_ruleset *rs, const sk_rule_def *rd, sk_crule *cr)
{
	size_t n = 0;
	for (size_t i = 0; i < rs->opts.nadditions; i++) {
		const sk_output_addition *add = &rs->opts.additions[i];
		bool hit = add->nfields > 0 && addition_matches(add, rd);
		for (size_t f = 0; hit && f < add->nfields; f++) {
			n += add->field_formats[f] != NULL;
		}
	}
	if (n == 0) {
		return SK_OK;
	}
	cr->extra_names = calloc(n, sizeof(*cr->extra_names));
	cr->extra_fmts = calloc(n, sizeof(*cr->extra_fmts));
	if (cr->extra_names == NULL || cr->extra_fmts == NULL) {
		return SK_ENOMEM;
	}
	for (size_t i = 0; i < rs->opts.nadditions; i++) {
		const sk_output_addition *add = &rs->opts.additions[i];
		bool hit = add->nfields > 0 && addition_matches(add, rd);
		for (size_t f = 0; hit && f < add->nfields; f++) {
			const char *format = add->field_formats[f];
			uint32_t pos = 0;
			sk_strbuf why = SK_STRBUF_INIT;
			if (format == NULL) {
				continue;
			}
			sk_err err = sk_fmt_compile(&rs->env, format, strlen(format), &cr->extra_fmts[cr->nextra], &pos, &why);
			sk_strbuf_free(&why);
			cr->extra_names[cr->nextra] = strdup(add->field_names[f]);
			cr->nextra++;
			if (err != SK_OK || cr->extra_names[cr->nextra - 1] == NULL) {
				return err != SK_OK ? err : SK_ENOMEM;
			}
		}
	}
	return SK_OK;
}

/* Falco 0.41+ prints nothing for the old %container.info placeholder (its
 * container plugin suggests the container fields instead): every one goes.
 * Returns whether there was one. */
static bool drop_container_info(sk_strbuf *sb)
{
	static const char placeholder[] = "%container.info";
	const size_t n = sizeof(placeholder) - 1;
	bool found = false;
	size_t w = 0;
	for (size_t r = 0; r < sb->len;) {
		if (sb->len - r >= n && memcmp(sb->data + r, placeholder, n) == 0) {
			r += n;
			found = true;
			continue;
		}
		sb->data[w++] = sb->data[r++];
	}
	if (found) {
		sb->len = w;
		sb->data[w] = '\0';
	}
	return found;
}

static sk_err compile_output(sk_ruleset *rs, const sk_rule_def *rd, sk_fmt **fmt, sk_fmt **json_fmt)
{
	uint32_t pos = 0;
	sk_strbuf why = SK_STRBUF_INIT, text = SK_STRBUF_INIT, json_text = SK_STRBUF_INIT;
	output_texts(rs, rd, &text, &json_text);
	if (drop_container_info(&text)) {
		drop_container_info(&json_text);
		const char *own = strstr(sk_strbuf_str(&rd->output.s), "%container.info");
		uint32_t at = own != NULL ? (uint32_t)(own - sk_strbuf_str(&rd->output.s)) : 0;
		rule_report(rs, rd, sk_text_loc(&rd->output, &rs->srcs, at), false, "LOAD_DEPRECATED_ITEM",
			    "%container.info is deprecated and prints nothing, as in Falco 0.41+: append_output's "
			    "suggested_output adds the container fields");
	}
	sk_err err = sk_fmt_compile(&rs->env, sk_strbuf_str(&text), text.len, fmt, &pos, &why);
	if (err == SK_OK && json_text.len > 0) {
		err = sk_fmt_compile(&rs->env, sk_strbuf_str(&json_text), json_text.len, json_fmt, &pos, &why);
	}
	/* an append_output addition past the rule's own text: at the rule */
	pos = pos < rd->output.s.len ? pos : 0;
	sk_strbuf_free(&text);
	sk_strbuf_free(&json_text);
	if (err != SK_OK) {
		sk_fmt_free(*fmt);
		*fmt = NULL;
	}
	if (err == SK_ENOENT && rd->skip_if_unknown) {
		rule_report(rs, rd, sk_text_loc(&rd->output, &rs->srcs, pos), false, "LOAD_UNKNOWN_FILTER",
			    sk_strbuf_str(&why));
	} else if (err != SK_OK) {
		rule_report(rs, rd, sk_text_loc(&rd->output, &rs->srcs, pos), true, "LOAD_ERR_COMPILE_OUTPUT",
			    err == SK_ENOMEM ? "out of memory" : sk_strbuf_str(&why));
	}
	sk_strbuf_free(&why);
	return err;
}

static sk_err compile_rule(sk_ruleset *rs, const sk_rule_def *rd, bool *failed)
{
	sk_cnode *root = NULL;
	uint64_t *evtypes = NULL;
	sk_fmt *fmt = NULL, *json_fmt = NULL;
	if (rd->source != NULL && strcmp(rd->source, "syscall") != 0) {
		rule_report(rs, rd, rd->loc, false, "LOAD_UNKNOWN_SOURCE",
			    "rule source is not 'syscall': Saker has no such event source, rule skipped");
		return SK_OK;
	}
	sk_err err = sk_cc_rule(rs, rd, &root, &evtypes);
	if (err == SK_OK) {
		err = compile_output(rs, rd, &fmt, &json_fmt);
	}
	if (err != SK_OK) {
		sk_cc_free(root);
		free(evtypes);
		*failed |= !(rd->skip_if_unknown && err == SK_ENOENT);
		return err == SK_ENOMEM ? err : SK_OK;
	}
	if (evtypes == NULL && rs->ntypes > 0 && rd->warn_evttypes) {
		rule_report(rs, rd, rd->cond.npieces ? sk_text_loc(&rd->cond, &rs->srcs, 0) : rd->loc, false,
			    "LOAD_NO_EVTTYPE",
			    "rule matches every event type (no evt.type restriction): this costs performance");
	}
	sk_crule *cr = &rs->crules[rs->ncrules++];
	memset(cr, 0, sizeof(*cr));
	cr->root = root;
	cr->fmt = fmt;
	cr->json_fmt = json_fmt;
	cr->evtypes = evtypes;
	cr->pub.name = rd->name;
	cr->pub.desc = rd->desc != NULL ? rd->desc : "";
	cr->pub.source = rd->source != NULL ? rd->source : "syscall";
	cr->pub.priority = rd->priority;
	cr->pub.tags = (const char *const *)rd->tags;
	cr->pub.ntags = rd->ntags;
	cr->pub.output = fmt;
	cr->pub.output_json = json_fmt != NULL ? json_fmt : fmt;
	cr->pub.order = (uint32_t)(rs->ncrules - 1);
	cr->pub.capture = rd->capture;
	cr->pub.capture_duration_ms = rd->capture_duration_ms;
	err = compile_named_extras(rs, rd, cr);
	cr->pub.extra_names = (const char *const *)cr->extra_names;
	cr->pub.extra_formats = (const sk_fmt *const *)cr->extra_fmts;
	cr->pub.nextra = cr->nextra;
	return err;
}

static void warn_unused(sk_ruleset *rs)
{
	char item[300];
	for (size_t i = 0; i < rs->nmacros; i++) {
		if (!rs->macros[i].used) {
			snprintf(item, sizeof(item), "macro \"%s\"", rs->macros[i].name);
			sk_diag_add(&rs->diags, &rs->srcs, false, "LOAD_UNUSED_MACRO", rs->macros[i].loc, item,
				    "macro not referenced by any enabled rule");
		}
	}
	for (size_t i = 0; i < rs->nlists; i++) {
		if (!rs->lists[i].used) {
			snprintf(item, sizeof(item), "list \"%s\"", rs->lists[i].name);
			sk_diag_add(&rs->diags, &rs->srcs, false, "LOAD_UNUSED_LIST", rs->lists[i].loc, item,
				    "list not referenced by any enabled rule");
		}
	}
}

/* Falco's rule-name wildcard: '*' matches any run of characters, every
 * other character itself. Backtracks to the last '*' only, which is
 * enough for a pattern made of literal runs and stars. */
static bool wildcard_match(const char *pattern, const char *name)
{
	const char *star = NULL, *resume = NULL;
	while (*name != '\0') {
		if (*pattern == '*') {
			star = pattern++;
			resume = name;
		} else if (*pattern == *name) {
			pattern++;
			name++;
		} else if (star != NULL) {
			pattern = star + 1;
			name = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*') {
		pattern++;
	}
	return *pattern == '\0';
}

sk_err sk_ruleset_select(sk_ruleset *rs, bool enable, const char *name_pattern, const char *tag, size_t *matched)
{
	size_t n = 0;
	if (rs == NULL || rs->compiled) {
		return SK_EINVAL;
	}
	for (size_t i = 0; i < rs->nrules; i++) {
		sk_rule_def *rd = &rs->rules[i];
		bool hit = name_pattern != NULL && wildcard_match(name_pattern, rd->name);
		for (uint32_t t = 0; !hit && tag != NULL && t < rd->ntags; t++) {
			hit = strcmp(rd->tags[t], tag) == 0;
		}
		if (hit) {
			rd->enabled = enable;
			n++;
		}
	}
	if (matched != NULL) {
		*matched = n;
	}
	return SK_OK;
}

/* sk_ruleset_compile's work, once marked compiled. */
static sk_err compile_all(sk_ruleset *rs)
{
	rs->crules = calloc(rs->nrules + 1, sizeof(*rs->crules));
	if (rs->crules == NULL) {
		return SK_ENOMEM;
	}
	bool failed = false;
	for (size_t i = 0; i < rs->nrules; i++) {
		const sk_rule_def *rd = &rs->rules[i];
		if (!rd->enabled || rd->priority > rs->opts.min_priority) {
			continue;
		}
		sk_err err = compile_rule(rs, rd, &failed);
		if (err != SK_OK) {
			return err;
		}
	}
	/* Lists used only by exceptions or macros count as used through them. */
	for (size_t i = 0; i < rs->nmacros; i++) {
		sk_cc_macro_parse(rs, &rs->macros[i]);
	}
	if (rs->opts.verbose) {
		warn_unused(rs);
	}
	sk_err err = build_index(rs);
	if (err != SK_OK) {
		return err;
	}
	if (rs->nmacros > 0 && !rs->opts.no_macro_memo) {
		rs->memo_gen = calloc(rs->nmacros, sizeof(*rs->memo_gen));
		rs->memo_val = calloc(rs->nmacros, sizeof(*rs->memo_val));
		if (rs->memo_gen == NULL || rs->memo_val == NULL) {
			return SK_ENOMEM;
		}
	}
	if (rs->nslots > 0 && !rs->opts.no_field_cache) {
		rs->cache = calloc(rs->nslots, sizeof(*rs->cache));
		rs->cache_gen = calloc(rs->nslots, sizeof(*rs->cache_gen));
		if (rs->cache == NULL || rs->cache_gen == NULL) {
			return SK_ENOMEM;
		}
	}
	for (size_t i = 0; i < rs->nmacros; i++) {
		failed |= rs->macros[i].parse_failed;
	}
	return failed || sk_diags_count(&rs->diags, -1, true) > 0 ? SK_EPARSE : SK_OK;
}

sk_err sk_ruleset_compile(sk_ruleset *rs)
{
	if (rs->compiled) {
		return SK_EINVAL;
	}
	rs->compiled = true;
	sk_err done = compile_all(rs);
	/* the caller's append_output entries are not kept past this call */
	rs->opts.additions = NULL;
	rs->opts.nadditions = 0;
	return done;
}

sk_err sk_ruleset_match(sk_ruleset *rs, uint16_t evtype, struct sk_eval_ctx *ctx, sk_rule_match_fn fn, void *user)
{
	const sk_type_entry *entries = NULL;
	const uint32_t *idx = rs->all_types;
	uint32_t n = rs->nall_types;
	if (rs->by_type != NULL && evtype < rs->ntypes) {
		entries = rs->by_type[evtype];
		n = rs->by_type_n[evtype];
		for (int g = 0; g < 2; g++) {
			/* a generic type the table lacks has no lists; the next may */
			if (rs->by_sysid[g] == NULL || evtype != rs->env.generic_types[g]) {
				continue;
			}
			int sid = rs->env.event_syscall_id(ctx);
			if (sid >= 0) {
				uint32_t at = (uint32_t)sid < rs->nsysids ? rs->sysid_list[sid] : 0;
				entries = rs->by_sysid[g][at];
				n = rs->by_sysid_n[g][at];
			}
		}
	}
	/* A new generation empties the field cache for this event. */
	if (++rs->gen == 0) {
		if (rs->cache_gen != NULL) {
			memset(rs->cache_gen, 0, rs->nslots * sizeof(*rs->cache_gen));
		}
		if (rs->memo_gen != NULL) {
			memset(rs->memo_gen, 0, rs->nmacros * sizeof(*rs->memo_gen));
		}
		rs->gen = 1;
	}
	sk_cc_state st = {ctx, evtype, &rs->scratch, rs->cache, rs->cache_gen, rs->gen, rs->memo_gen, rs->memo_val};
	for (uint32_t i = 0; i < n; i++) {
		const sk_crule *cr = &rs->crules[entries != NULL ? entries[i].rule : idx[i]];
		bool hit = false;
		sk_err err = sk_cc_eval(entries != NULL ? entries[i].root : cr->root, &st, &hit);
		if (err != SK_OK) {
			return err;
		}
		if (hit && (!fn(&cr->pub, user) || !rs->opts.match_all)) {
			break;
		}
	}
	return SK_OK;
}

void sk_ruleset_stats_get(const sk_ruleset *rs, sk_ruleset_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->rules = rs->nrules;
	out->macros = rs->nmacros;
	out->lists = rs->nlists;
	for (size_t i = 0; i < rs->nrules; i++) {
		out->enabled += rs->rules[i].enabled && rs->rules[i].priority <= rs->opts.min_priority;
	}
	out->compiled = rs->ncrules;
	out->all_types = rs->nall_types;
	for (size_t i = 0; i < rs->ncrules; i++) {
		out->type_trees += rs->crules[i].nspecs;
	}
}

size_t sk_ruleset_rule_count(const sk_ruleset *rs)
{
	return rs->ncrules;
}

const sk_rule *sk_ruleset_rule(const sk_ruleset *rs, size_t i)
{
	return i < rs->ncrules ? &rs->crules[i].pub : NULL;
}

size_t sk_ruleset_rules_for_type(const sk_ruleset *rs, uint16_t evtype)
{
	if (rs->by_type == NULL || evtype >= rs->ntypes) {
		return rs->nall_types;
	}
	return rs->by_type_n[evtype];
}

bool sk_ruleset_rule_has_type(const sk_ruleset *rs, size_t i, uint16_t evtype)
{
	return i < rs->ncrules && (rs->crules[i].evtypes == NULL || evtype < rs->ntypes) &&
	       has_type(&rs->crules[i], evtype);
}

bool sk_ruleset_plugin_req(const sk_ruleset *rs, size_t i, const char **name, const char **version, bool *native)
{
	if (i >= rs->nplugins) {
		return false;
	}
	*name = rs->plugins[i].name;
	*version = rs->plugins[i].version;
	*native = rs->plugins[i].native;
	return true;
}

const sk_diags *sk_ruleset_diags(const sk_ruleset *rs)
{
	return &rs->diags;
}

const sk_srcs *sk_ruleset_srcs(const sk_ruleset *rs)
{
	return &rs->srcs;
}

void sk_ruleset_free(sk_ruleset *rs)
{
	if (rs == NULL) {
		return;
	}
	crules_free(rs);
	sk_cc_slots_free(rs);
	sk_rs_defs_free(rs);
	sk_diags_free(&rs->diags);
	sk_srcs_free(&rs->srcs);
	sk_strbuf_free(&rs->scratch);
	free(rs->list_idx.slots);
	free(rs->macro_idx.slots);
	free(rs->rule_idx.slots);
	free(rs);
}
