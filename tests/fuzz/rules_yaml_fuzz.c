/* rules_yaml_fuzz: arbitrary bytes as a rules file through the whole
 * loader (YAML, overrides, exceptions) and compiler, against Saker's real
 * field registry, including the index with its per-type trees; then the
 * diagnostics rendered. (Evaluation is rules_fold_fuzz's.) */
#include <stddef.h>
#include <stdint.h>

#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_ruleset *rs = NULL;
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG, .verbose = true};
	if (sk_ruleset_new(&opts, &rs) != SK_OK) {
		return 0;
	}
	sk_ruleset_load_string(rs, "fuzz.yaml", (const char *)data, size);
	/* A second copy exercises redefinition, override and append paths. */
	sk_ruleset_load_string(rs, "fuzz2.yaml", (const char *)data, size);
	sk_ruleset_compile(rs);
	sk_strbuf sb = SK_STRBUF_INIT;
	const sk_diags *ds = sk_ruleset_diags(rs);
	for (size_t i = 0; i < ds->n; i++) {
		sk_diag_render(&ds->v[i], sk_ruleset_srcs(rs), &sb);
	}
	sk_strbuf_free(&sb);
	sk_ruleset_free(rs);
	return 0;
}
