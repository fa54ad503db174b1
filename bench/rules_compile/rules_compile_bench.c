/* rules_compile_bench: ms per load of falco_rules.yaml +
 * falco-incubating_rules.yaml (read, YAML, overrides, macro expansion,
 * compile, event-type index, free), against the 100 ms target and against
 * a baseline measured in the same run: libyaml alone building the document
 * trees of the same bytes. Rounds alternate so machine noise hits both.
 *
 * Then evaluation: ns per sk_ruleset_match() of the loaded rules on an
 * openat event (real registry and state), as configured, then without one
 * more of: the per-event macro results, the trees specialised per event
 * type, the per-event field cache, the event-type index. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "eval_ctx.h"
#include "evbuild.h"
#include "event_table.h"
#include "ruleset.h"
#include "scap_ids.h"
#include "state.h"

static const char *const files[] = {
	"../shared/upstream/rules/falco_rules.yaml",
	"../shared/upstream/rules/falco-incubating_rules.yaml",
};
#define NFILES 2

static char *text[NFILES];
static size_t len[NFILES];

/* CPU time of this thread: on a shared, loaded machine wall time mostly
 * measures the other processes. */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int read_all(const char *path, char **out, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return -1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	*out = malloc((size_t)size + 1);
	*n = *out != NULL && size >= 0 ? fread(*out, 1, (size_t)size, f) : 0;
	fclose(f);
	return *out != NULL && *n == (size_t)size ? 0 : -1;
}

static int yaml_only(void)
{
	for (int i = 0; i < NFILES; i++) {
		yaml_parser_t p;
		yaml_document_t d;
		yaml_parser_initialize(&p);
		yaml_parser_set_input_string(&p, (const unsigned char *)text[i], len[i]);
		for (;;) {
			if (!yaml_parser_load(&p, &d)) {
				yaml_parser_delete(&p);
				return -1;
			}
			int empty = yaml_document_get_root_node(&d) == NULL;
			yaml_document_delete(&d);
			if (empty) {
				break;
			}
		}
		yaml_parser_delete(&p);
	}
	return 0;
}

static int saker_load(size_t *compiled)
{
	sk_ruleset *rs = NULL;
	if (sk_ruleset_new(NULL, &rs) != SK_OK) {
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < NFILES; i++) {
		rc |= sk_ruleset_load_string(rs, files[i], text[i], len[i]) != SK_OK;
	}
	rc |= sk_ruleset_compile(rs) != SK_OK;
	*compiled = sk_ruleset_rule_count(rs);
	sk_ruleset_free(rs);
	return rc ? -1 : 0;
}

static bool count_match(const sk_rule *r, void *user)
{
	(*(uint64_t *)user)++;
	return true;
}

/* cat (under bash, sshd, init) opening path read-only. */
static int make_event(sk_state **st, sk_evbuild *b, sk_state_view *view, const char *path)
{
	sk_state_config cfg = {0};
	cfg.passwd_path = "tests/data/state/passwd";
	cfg.group_path = "tests/data/state/group";
	if (sk_state_new(&cfg, st) != SK_OK || sk_state_load_host_users(*st) != SK_OK) {
		return -1;
	}
	const char *names[] = {"init", "sshd", "bash", "cat"};
	for (int i = 0; i < 4; i++) {
		sk_thread_info info = {0};
		info.tid = info.pid = 10 + i;
		info.ptid = i == 0 ? 0 : 9 + i;
		info.comm = names[i];
		info.exe = names[i];
		info.cwd = "/root";
		if (sk_state_add_thread(*st, &info) != SK_OK) {
			return -1;
		}
	}
	sk_evb_start(b, SK_EV_OPENAT_2_X, 13, 1000);
	sk_evb_i64(b, 3);
	sk_evb_i64(b, SK_AT_FDCWD);
	sk_evb_str(b, path);
	sk_evb_u32(b, SK_O_RDONLY);
	sk_evb_u32(b, 0);
	sk_evb_u32(b, 0);
	sk_evb_i64(b, 77);
	b->ev.info = sk_event_info_get(b->ev.type);
	return sk_state_apply(*st, &b->ev, view) == SK_OK ? 0 : -1;
}

/* Saker as configured with the first `without` of memo, fold, cache, index off. */
static sk_ruleset *load_upstream(int without)
{
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG,
			      .no_macro_memo = without >= 1,
			      .no_type_fold = without >= 2,
			      .no_field_cache = without >= 3,
			      .no_index = without >= 4};
	sk_ruleset *rs = NULL;
	if (sk_ruleset_new(&opts, &rs) != SK_OK) {
		return NULL;
	}
	for (int i = 0; i < NFILES; i++) {
		sk_ruleset_load_string(rs, files[i], text[i], len[i]);
	}
	if (sk_ruleset_compile(rs) != SK_OK) {
		sk_ruleset_free(rs);
		return NULL;
	}
	return rs;
}

/* ns per match of one event, best of 5 batches. */
static double time_match(sk_ruleset *rs, sk_eval_ctx *ctx, const sk_evbuild *b, const sk_state_view *view,
			 int iters, uint64_t *alerts)
{
	double best = 1e18;
	for (int batch = 0; batch < 5; batch++) {
		double t0 = now_ms();
		for (int i = 0; i < iters; i++) {
			sk_eval_ctx_set_event(ctx, &b->ev, view);
			sk_ruleset_match(rs, b->ev.type, ctx, count_match, alerts);
		}
		double ns = (now_ms() - t0) * 1e6 / iters;
		best = ns < best ? ns : best;
	}
	return best;
}

static int bench_eval(int iters)
{
	enum { NCONF = 5 };
	sk_ruleset *rs[NCONF];
	const char *paths[] = {"/tmp/notes.txt", "/etc/shadow"};
	int rc = 0;
	for (int k = 0; k < NCONF; k++) {
		rs[k] = load_upstream(k);
		rc |= rs[k] != NULL ? 0 : -1;
	}
	printf("  eval (ns per event; full / no macro memo / nor type fold / nor field cache / nor index):\n");
	for (int p = 0; rc == 0 && p < 2; p++) {
		sk_state *st = NULL;
		sk_evbuild b;
		sk_state_view view;
		sk_eval_ctx ctx;
		uint64_t alerts[NCONF] = {0};
		double ns[NCONF];
		if (make_event(&st, &b, &view, paths[p]) != 0 || sk_eval_ctx_init(&ctx, st, "bench") != SK_OK) {
			sk_state_free(st);
			rc = -1;
			break;
		}
		bool agree = true;
		for (int k = 0; k < NCONF; k++) {
			ns[k] = time_match(rs[k], &ctx, &b, &view, iters, &alerts[k]);
			agree &= (alerts[k] > 0) == (alerts[0] > 0);
		}
		printf("    openat %-15s %4.0f / %4.0f / %4.0f / %4.0f / %4.0f  (x%.2f x%.2f x%.2f x%.2f; "
		       "%zu of %zu rules indexed; alert: %s)\n",
		       paths[p], ns[0], ns[1], ns[2], ns[3], ns[4], ns[1] / ns[0], ns[2] / ns[0], ns[3] / ns[0],
		       ns[4] / ns[0],
		       sk_ruleset_rules_for_type(rs[0], b.ev.type), sk_ruleset_rule_count(rs[0]),
		       agree ? (alerts[0] > 0 ? "yes" : "no") : "DIFFERS");
		rc |= agree ? 0 : -1;
		sk_eval_ctx_free(&ctx);
		sk_state_free(st);
	}
	for (int k = 0; k < NCONF; k++) {
		sk_ruleset_free(rs[k]);
	}
	return rc;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 50;
	if (rounds < 1) {
		rounds = 1;
	}
	for (int i = 0; i < NFILES; i++) {
		if (read_all(files[i], &text[i], &len[i]) != 0) {
			fprintf(stderr, "rules_compile_bench: cannot read %s (run from the repo root)\n", files[i]);
			return 1;
		}
	}
	size_t compiled = 0;
	double *t_saker = calloc((size_t)rounds, sizeof(double));
	double *t_yaml = calloc((size_t)rounds, sizeof(double));
	if (t_saker == NULL || t_yaml == NULL) {
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		double t0 = now_ms();
		if (saker_load(&compiled) != 0) {
			fprintf(stderr, "rules_compile_bench: upstream rules did not load cleanly\n");
			return 1;
		}
		double t1 = now_ms();
		if (yaml_only() != 0) {
			fprintf(stderr, "rules_compile_bench: libyaml failed\n");
			return 1;
		}
		t_yaml[r] = now_ms() - t1;
		t_saker[r] = t1 - t0;
	}
	/* Medians: a shared machine's stalls hit single rounds. */
	qsort(t_saker, (size_t)rounds, sizeof(double), cmp_double);
	qsort(t_yaml, (size_t)rounds, sizeof(double), cmp_double);
	double per_load = t_saker[rounds / 2], per_yaml = t_yaml[rounds / 2];
	double best_load = t_saker[0], best_yaml = t_yaml[0];
	printf("rules compile: %d rounds (median thread CPU time), %zu rules compiled per load\n", rounds, compiled);
	printf("  saker load+compile: %.2f ms per load (target 100 ms: %.1f%% of budget, %.0fx under)\n", per_load,
	       per_load, 100.0 / per_load);
	printf("  libyaml parse only: %.2f ms per load; saker/libyaml = %.2fx\n", per_yaml, per_load / per_yaml);
	printf("  best rounds: saker %.2f ms, libyaml %.2f ms (%.2fx)\n", best_load, best_yaml, best_load / best_yaml);
	if (bench_eval(argc > 2 ? atoi(argv[2]) : 20000) != 0) {
		fprintf(stderr, "rules_compile_bench: evaluation failed or disagreed\n");
		return 1;
	}
	for (int i = 0; i < NFILES; i++) {
		free(text[i]);
	}
	free(t_saker);
	free(t_yaml);
	return per_load < 100.0 ? 0 : 1;
}
