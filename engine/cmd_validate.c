/* cmd_validate: `saker-engine -V FILE...`, Falco's -V: load every -r and
 * -V file in order, compile, then report per -V file Ok / Ok, with
 * warnings / Invalid with each diagnostic, and a summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ruleset.h"
#include "sk_log.h"

/* Diagnostics without a file (unreadable file) name it in the message. */
static bool diag_is_for(const sk_diag *d, const sk_srcs *srcs, const char *path)
{
	if (d->loc.file >= 0) {
		return strcmp(srcs->v[d->loc.file].path, path) == 0;
	}
	return strstr(d->msg, path) != NULL;
}

static int diag_order(const void *a, const void *b)
{
	const sk_diag *x = *(const sk_diag *const *)a, *y = *(const sk_diag *const *)b;
	if (x->loc.line != y->loc.line) {
		return x->loc.line < y->loc.line ? -1 : 1;
	}
	return (x->loc.col > y->loc.col) - (x->loc.col < y->loc.col);
}

static bool report_file(const sk_ruleset *rs, const char *path, sk_strbuf *out)
{
	const sk_diags *ds = sk_ruleset_diags(rs);
	const sk_srcs *srcs = sk_ruleset_srcs(rs);
	size_t errors = 0, warnings = 0;
	for (size_t i = 0; i < ds->n; i++) {
		if (diag_is_for(&ds->v[i], srcs, path)) {
			errors += ds->v[i].error;
			warnings += !ds->v[i].error;
		}
	}
	sk_strbuf_printf(out, "%s: %s\n", path, errors ? "Invalid" : warnings ? "Ok, with warnings" : "Ok");
	const sk_diag **mine = calloc(errors + warnings + 1, sizeof(*mine));
	size_t n = 0;
	for (size_t i = 0; mine != NULL && i < ds->n; i++) {
		if (diag_is_for(&ds->v[i], srcs, path)) {
			mine[n++] = &ds->v[i];
		}
	}
	/* Loader and compiler find problems in different passes: show them in
	 * file order. */
	qsort(mine, n, sizeof(*mine), diag_order);
	for (size_t i = 0; i < n; i++) {
		sk_diag_render(mine[i], srcs, out);
	}
	free(mine);
	return errors == 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "execve:12 open:30 ..." counting rules indexed per event name. */
static void summarize_types(const sk_ruleset *rs, const sk_rules_env *env, sk_strbuf *out)
{
	uint16_t ntypes = env->evtype_count();
	const char **names = calloc(ntypes + 1u, sizeof(*names));
	size_t nnames = 0;
	if (names == NULL) {
		return;
	}
	for (uint16_t t = 0; t < ntypes; t++) {
		const char *name = env->evtype_name(t);
		bool seen = false;
		for (size_t k = 0; k < nnames && !seen; k++) {
			seen = strcmp(names[k], name) == 0;
		}
		if (!seen && name[0] != '\0') {
			names[nnames++] = name;
		}
	}
	qsort(names, nnames, sizeof(*names), name_cmp);
	sk_strbuf_puts(out, "Rules per event type:");
	size_t n = sk_ruleset_rule_count(rs);
	for (size_t k = 0; k < nnames; k++) {
		uint16_t ids[64];
		size_t nids = env->evtypes_by_name(names[k], ids, 64);
		size_t count = 0;
		for (size_t r = 0; r < n; r++) {
			bool hit = false;
			for (size_t j = 0; j < nids && j < 64 && !hit; j++) {
				hit = sk_ruleset_rule_has_type(rs, r, ids[j]);
			}
			count += hit;
		}
		if (count > 0) {
			sk_strbuf_printf(out, " %s:%zu", names[k], count);
		}
	}
	sk_strbuf_putc(out, '\n');
	free(names);
}

int cmd_validate(const sk_cli *cli)
{
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .verbose = cli->verbose};
	sk_ruleset *rs = NULL;
	if (sk_ruleset_new(&opts, &rs) != SK_OK) {
		sk_error("out of memory");
		return 1;
	}
	for (size_t i = 0; i < cli->nrules; i++) {
		sk_ruleset_load_path(rs, cli->rules[i]);
	}
	for (size_t i = 0; i < cli->nvalidate; i++) {
		sk_ruleset_load_file(rs, cli->validate[i]);
	}
	sk_err err = sk_ruleset_compile(rs);
	sk_strbuf out = SK_STRBUF_INIT;
	bool ok = err == SK_OK || err == SK_EPARSE;
	for (size_t i = 0; i < cli->nvalidate; i++) {
		ok &= report_file(rs, cli->validate[i], &out);
	}
	const char *name = NULL, *version = NULL;
	bool native = false;
	for (size_t i = 0; sk_ruleset_plugin_req(rs, i, &name, &version, &native); i++) {
		sk_strbuf_printf(&out, "Plugin requirement %s >= %s: %s\n", name, version,
				 native ? "provided natively by Saker" : "not available");
	}
	sk_ruleset_stats st;
	sk_ruleset_stats_get(rs, &st);
	const sk_diags *ds = sk_ruleset_diags(rs);
	sk_strbuf_printf(&out,
			 "Summary: %zu rules, %zu macros, %zu lists; %zu enabled, %zu compiled, %zu for every "
			 "event type; %zu errors, %zu warnings\n",
			 st.rules, st.macros, st.lists, st.enabled, st.compiled, st.all_types,
			 sk_diags_count(ds, -1, true), sk_diags_count(ds, -1, false));
	summarize_types(rs, sk_rules_env_default(), &out);
	fwrite(sk_strbuf_str(&out), 1, out.len, stdout);
	sk_strbuf_free(&out);
	sk_ruleset_free(rs);
	return ok && err == SK_OK ? 0 : 1;
}
