/* cmd_replay: `saker-engine -e FILE.scap`, Falco's -e: every event of a
 * capture goes through the state, the rules and the outputs, in order;
 * alerts go to the configured outputs (stdout by default) and a summary
 * to stderr. The hostname in alerts is this machine's, or FALCO_HOSTNAME /
 * SAKER_HOSTNAME when set (as Falco honours FALCO_HOSTNAME). */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "config.h"
#include "eval_ctx.h"
#include "output.h"
#include "ruleset.h"
#include "scap_reader.h"
#include "sk_log.h"
#include "state.h"
#include "state_scap.h"

typedef struct replay {
	sk_outputs *out;
	sk_eval_ctx *ctx;
	sk_strbuf msg, fields;
	uint64_t alerts, failed;
	uint64_t by_priority[SK_PRIO_COUNT];
} replay;

static bool on_match(const sk_rule *rule, void *user)
{
	replay *rp = user;
	const sk_event *evt = rp->ctx->evt;
	sk_alert a;
	sk_err err;

	sk_strbuf_reset(&rp->msg);
	sk_strbuf_reset(&rp->fields);
	if (sk_fmt_render_text(rule->output, rp->ctx, &rp->msg) != SK_OK ||
	    sk_fmt_render_json(rule->output, rp->ctx, &rp->fields) != SK_OK) {
		rp->failed++;
		return true;
	}
	memset(&a, 0, sizeof(a));
	a.ts = evt->ts;
	a.rule = rule->name;
	a.priority = sk_priority_name(rule->priority);
	a.source = rule->source != NULL ? rule->source : "syscall";
	a.tags = rule->tags;
	a.ntags = rule->ntags;
	a.hostname = rp->ctx->hostname;
	a.message = sk_strbuf_str(&rp->msg);
	a.output_fields = sk_strbuf_str(&rp->fields);
	err = sk_outputs_submit(rp->out, &a);
	rp->alerts++;
	if (rule->priority < SK_PRIO_COUNT) {
		rp->by_priority[rule->priority]++;
	}
	if (err != SK_OK && err != SK_EFULL) {
		rp->failed++;
	}
	return true;
}

/* A directory loads its *.yaml files in name order, like -r DIR. */
static void load_rules_path(sk_ruleset *rs, const char *path)
{
	struct stat st;
	char pattern[4096];
	glob_t g;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		sk_ruleset_load_file(rs, path);
		return;
	}
	snprintf(pattern, sizeof(pattern), "%s/*.yaml", path);
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			sk_ruleset_load_file(rs, g.gl_pathv[i]);
		}
	}
	globfree(&g);
}

/* Loads and compiles the rules; prints their diagnostics on failure. */
static sk_err build_rules(const sk_engine_config *cfg, sk_ruleset **out)
{
	sk_rules_opts opts = {0};
	sk_ruleset *rs = NULL;
	sk_err err;

	opts.match_all = cfg->rule_matching_all;
	opts.min_priority = SK_PRIO_DEBUG;
	if (sk_priority_parse(cfg->priority, strlen(cfg->priority), &opts.min_priority) != SK_OK) {
		sk_error("configuration: priority: unknown priority '%s'", cfg->priority);
		return SK_EINVAL;
	}
	err = sk_ruleset_new(&opts, &rs);
	if (err != SK_OK) {
		return err;
	}
	for (size_t i = 0; i < cfg->nrules_files; i++) {
		load_rules_path(rs, cfg->rules_files[i]);
	}
	err = sk_ruleset_compile(rs);
	const sk_diags *ds = sk_ruleset_diags(rs);
	bool errors = false;
	for (size_t i = 0; i < ds->n; i++) {
		errors |= ds->v[i].error;
	}
	if (err != SK_OK || errors) {
		sk_strbuf text = SK_STRBUF_INIT;
		for (size_t i = 0; i < ds->n; i++) {
			if (ds->v[i].error) {
				sk_diag_render(&ds->v[i], sk_ruleset_srcs(rs), &text);
			}
		}
		sk_error("rules could not be loaded:\n%s", sk_strbuf_str(&text));
		sk_strbuf_free(&text);
		sk_ruleset_free(rs);
		return err != SK_OK ? err : SK_EPARSE;
	}
	*out = rs;
	return SK_OK;
}

static const char *hostname_override(void)
{
	const char *h = getenv("SAKER_HOSTNAME");
	return h != NULL && h[0] != '\0' ? h : getenv("FALCO_HOSTNAME");
}

int cmd_replay(const sk_cli *cli)
{
	sk_engine_config cfg;
	sk_ruleset *rs = NULL;
	sk_state *st = NULL;
	sk_scap_reader *rd = NULL;
	sk_eval_ctx ctx;
	replay rp = {NULL, &ctx, SK_STRBUF_INIT, SK_STRBUF_INIT, 0, 0, {0}};
	bool ctx_ready = false;
	uint64_t events = 0;
	int rc = 1;
	sk_err err;

	if (cmd_config_load(cli, &cfg) != 0) {
		return 2;
	}
	if (cfg.nrules_files == 0) {
		sk_error("no rules: give -r FILE or rules_files in the configuration");
		rc = 2;
		goto cleanup;
	}
	err = build_rules(&cfg, &rs);
	if (err != SK_OK) {
		rc = 2;
		goto cleanup;
	}
	err = sk_state_new(NULL, &st);
	if (err == SK_OK) {
		err = sk_eval_ctx_init(&ctx, st, hostname_override());
		ctx_ready = err == SK_OK;
	}
	if (err == SK_OK) {
		err = sk_scap_reader_open_file(cli->replay_file, sk_state_scap_callbacks(), st, &rd);
		if (err != SK_OK) {
			sk_error("%s: cannot read capture: %s", cli->replay_file, sk_strerror(err));
		}
	}
	if (err == SK_OK) {
		err = sk_outputs_open(&cfg.out, &rp.out);
	}
	if (err != SK_OK) {
		goto cleanup;
	}
	for (;;) {
		sk_event evt;
		sk_state_view view;
		err = sk_scap_reader_next(rd, &evt);
		if (err != SK_OK) {
			break;
		}
		events++;
		err = sk_state_apply(st, &evt, &view);
		if (err != SK_OK) {
			break;
		}
		sk_eval_ctx_set_event(&ctx, &evt, &view);
		err = sk_ruleset_match(rs, evt.type, &ctx, on_match, &rp);
		if (err != SK_OK) {
			break;
		}
	}
	sk_outputs_drain(rp.out);
	if (err != SK_ENOENT) {
		sk_error("%s: stopped after %llu events: %s (%s)", cli->replay_file, (unsigned long long)events,
			 sk_strerror(err), sk_scap_reader_error(rd));
	} else {
		rc = rp.failed > 0 ? 1 : 0;
	}
	sk_scap_stats rs_stats;
	sk_scap_reader_stats(rd, &rs_stats);
	fprintf(stderr, "Events read: %llu, alerts: %llu", (unsigned long long)events, (unsigned long long)rp.alerts);
	if (rs_stats.malformed > 0) {
		fprintf(stderr, ", damaged blocks skipped: %llu (first: %s)", (unsigned long long)rs_stats.malformed,
			sk_scap_reader_error(rd));
	}
	fprintf(stderr, "\n");
	for (int p = 0; p < SK_PRIO_COUNT; p++) {
		if (rp.by_priority[p] > 0) {
			fprintf(stderr, "   %s: %llu\n", sk_priority_name((sk_priority)p),
				(unsigned long long)rp.by_priority[p]);
		}
	}
cleanup:
	sk_outputs_close(rp.out);
	sk_scap_reader_close(rd);
	if (ctx_ready) {
		sk_eval_ctx_free(&ctx);
	}
	sk_state_free(st);
	sk_ruleset_free(rs);
	sk_strbuf_free(&rp.msg);
	sk_strbuf_free(&rp.fields);
	sk_engine_config_free(&cfg);
	return rc;
}
