/* cmd_rules: -L, -l RULE and --dry-run, Falco's ways of looking at a
 * configuration and its rules without running: both read -c, -o and -r
 * and load the rules exactly as a start does (config_files, rules
 * selection, append_output, priority). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "pipeline.h"
#include "sk_log.h"
#include "sk_strbuf.h"

/* Loads the configuration and compiles its rules; 0, or 2 after saying
 * what is wrong. */
static int load(const sk_cli *cli, sk_engine_config *cfg, sk_ruleset **rs)
{
	if (cmd_config_load(cli, cfg) != 0) {
		return 2;
	}
	if (cfg->nrules_files == 0) {
		sk_error("no rules: give -r FILE|DIR or rules_files in the configuration");
		sk_engine_config_free(cfg);
		return 2;
	}
	if (sk_pipeline_build_rules(cfg, rs) != SK_OK) {
		sk_engine_config_free(cfg);
		return 2;
	}
	return 0;
}

static void rule_json(const sk_rule *r, sk_strbuf *out)
{
	sk_strbuf_puts(out, "{\"name\":");
	sk_strbuf_json_string(out, r->name, strlen(r->name));
	sk_strbuf_puts(out, ",\"desc\":");
	sk_strbuf_json_string(out, r->desc, strlen(r->desc));
	sk_strbuf_printf(out, ",\"priority\":\"%s\",\"source\":", sk_priority_name(r->priority));
	sk_strbuf_json_string(out, r->source, strlen(r->source));
	sk_strbuf_puts(out, ",\"tags\":[");
	for (size_t t = 0; t < r->ntags; t++) {
		sk_strbuf_puts(out, t > 0 ? "," : "");
		sk_strbuf_json_string(out, r->tags[t], strlen(r->tags[t]));
	}
	sk_strbuf_puts(out, "]}");
}

int cmd_list_rules(const sk_cli *cli)
{
	sk_engine_config cfg;
	sk_ruleset *rs = NULL;
	int rc = load(cli, &cfg, &rs);
	if (rc != 0) {
		return rc;
	}
	bool json = cfg.out.json_output;
	size_t n = sk_ruleset_rule_count(rs), shown = 0, width = 4;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(sk_ruleset_rule(rs, i)->name);
		width = len > width ? len : width;
	}
	sk_strbuf out = SK_STRBUF_INIT;
	if (json) {
		sk_strbuf_putc(&out, '[');
	} else if (cli->describe_rule == NULL) {
		sk_strbuf_printf(&out, "%-*s Description\n%-*s -----------\n", (int)width, "Rule", (int)width, "----");
	}
	for (size_t i = 0; i < n; i++) {
		const sk_rule *r = sk_ruleset_rule(rs, i);
		if (cli->describe_rule != NULL && strcmp(r->name, cli->describe_rule) != 0) {
			continue;
		}
		if (json) {
			sk_strbuf_puts(&out, shown > 0 ? ",\n" : "\n");
			rule_json(r, &out);
		} else {
			/* one line per rule: the description's own line breaks folded */
			size_t len = strlen(r->desc);
			while (len > 0 && (r->desc[len - 1] == '\n' || r->desc[len - 1] == ' ')) {
				len--;
			}
			sk_strbuf_printf(&out, "%-*s ", (int)width, r->name);
			for (size_t k = 0; k < len; k++) {
				sk_strbuf_putc(&out, r->desc[k] == '\n' ? ' ' : r->desc[k]);
			}
			sk_strbuf_putc(&out, '\n');
		}
		shown++;
	}
	if (json) {
		sk_strbuf_puts(&out, shown > 0 ? "\n]\n" : "]\n");
	}
	if (cli->describe_rule != NULL && shown == 0) {
		sk_error("no loaded rule is named '%s' (a disabled rule, or one below priority, is not loaded)",
			 cli->describe_rule);
		rc = 1;
	} else if (sk_strbuf_failed(&out) || fwrite(out.data, 1, out.len, stdout) != out.len) {
		rc = 1;
	}
	sk_strbuf_free(&out);
	sk_ruleset_free(rs);
	sk_engine_config_free(&cfg);
	return rc;
}

int cmd_dry_run(const sk_cli *cli)
{
	sk_engine_config cfg;
	sk_ruleset *rs = NULL;
	int rc = load(cli, &cfg, &rs);
	if (rc != 0) {
		return rc;
	}
	sk_ruleset_stats st;
	sk_ruleset_stats_get(rs, &st);
	sk_info("dry run: configuration read, %zu rules loaded (%zu macros, %zu lists) from %zu rules_files "
		"entries; nothing captured",
		st.compiled, st.macros, st.lists, cfg.nrules_files);
	sk_ruleset_free(rs);
	sk_engine_config_free(&cfg);
	return 0;
}
