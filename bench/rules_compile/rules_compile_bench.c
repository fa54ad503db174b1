/* rules_compile_bench: ms per load of falco_rules.yaml +
 * falco-incubating_rules.yaml (read, YAML, overrides, macro expansion,
 * compile, event-type index, free), against the 100 ms target and against
 * a baseline measured in the same run: libyaml alone building the document
 * trees of the same bytes. Rounds alternate so machine noise hits both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "ruleset.h"

static const char *const files[] = {
	"../shared/upstream/rules/falco_rules.yaml",
	"../shared/upstream/rules/falco-incubating_rules.yaml",
};
#define NFILES 2

static char *text[NFILES];
static size_t len[NFILES];

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
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
	printf("rules compile: %d rounds (medians), %zu rules compiled per load\n", rounds, compiled);
	printf("  saker load+compile: %.2f ms per load (target 100 ms: %.1f%% of budget, %.0fx under)\n", per_load,
	       per_load, 100.0 / per_load);
	printf("  libyaml parse only: %.2f ms per load; saker/libyaml = %.2fx\n", per_yaml, per_load / per_yaml);
	for (int i = 0; i < NFILES; i++) {
		free(text[i]);
	}
	free(t_saker);
	free(t_yaml);
	return per_load < 100.0 ? 0 : 1;
}
