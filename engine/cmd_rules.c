/* cmd_rules: -L, -l RULE, --dry-run and --support, Falco's ways of
 * looking at a configuration and its rules without running: each reads
 * -c, -o and -r and loads the rules exactly as a start does (config_files,
 * rules selection, append_output, priority). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd.h"
#include "config.h"
#include "diag.h"
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

/* "key":"value" with the value JSON-escaped (NULL: null), after a comma
 * unless first. */
static void json_member(sk_strbuf *out, bool first, const char *key, const char *value, size_t len)
{
	sk_strbuf_printf(out, "%s\"%s\":", first ? "" : ",", key);
	if (value == NULL) {
		sk_strbuf_puts(out, "null");
	} else {
		sk_strbuf_json_string(out, value, len);
	}
}

int cmd_support(const sk_cli *cli)
{
	sk_engine_config cfg;
	sk_ruleset *rs = NULL;
	int rc = load(cli, &cfg, &rs);
	if (rc != 0) {
		return rc;
	}
	sk_strbuf out = SK_STRBUF_INIT, cmdline = SK_STRBUF_INIT;
	struct utsname u;
	if (uname(&u) != 0) {
		memset(&u, 0, sizeof(u));
	}
	for (int i = 0; i < cli->argc; i++) {
		sk_strbuf_printf(&cmdline, "%s%s", i > 0 ? " " : "", cli->argv[i]);
	}
	sk_strbuf_putc(&out, '{');
	json_member(&out, true, "version", SAKER_VERSION, strlen(SAKER_VERSION));
	sk_strbuf_puts(&out, ",\"engine_info\":{");
	json_member(&out, true, "engine_version", SK_RULES_ENGINE_VERSION, strlen(SK_RULES_ENGINE_VERSION));
	sk_strbuf_puts(&out, "},\"system_info\":{");
	const char *const uts[][2] = {{"sysname", u.sysname}, {"nodename", u.nodename}, {"release", u.release},
				      {"version", u.version}, {"machine", u.machine}};
	for (size_t i = 0; i < sizeof(uts) / sizeof(uts[0]); i++) {
		json_member(&out, i == 0, uts[i][0], uts[i][1], strlen(uts[i][1]));
	}
	sk_strbuf_putc(&out, '}');
	json_member(&out, false, "cmdline", sk_strbuf_str(&cmdline), cmdline.len);
	sk_strbuf config = SK_STRBUF_INIT;
	bool have_config = cli->config_file != NULL &&
			   sk_strbuf_read_file(&config, cli->config_file, 16u << 20) == SK_OK;
	json_member(&out, false, "config", have_config ? sk_strbuf_str(&config) : NULL, config.len);
	sk_strbuf_free(&config);
	sk_strbuf_puts(&out, ",\"config_files\":[");
	for (size_t i = 0; i < cfg.nconfig_files; i++) {
		sk_strbuf_puts(&out, i > 0 ? "," : "");
		sk_strbuf_json_string(&out, cfg.config_files[i].path, strlen(cfg.config_files[i].path));
	}
	/* the files the rules came from, as read (a directory's files each) */
	sk_strbuf_puts(&out, "],\"rules_files\":[");
	const sk_srcs *srcs = sk_ruleset_srcs(rs);
	for (size_t i = 0; i < srcs->n; i++) {
		sk_strbuf_puts(&out, i > 0 ? ",{" : "{");
		json_member(&out, true, "name", srcs->v[i].path, strlen(srcs->v[i].path));
		json_member(&out, false, "content", srcs->v[i].text, srcs->v[i].len);
		sk_strbuf_putc(&out, '}');
	}
	sk_strbuf_puts(&out, "]}\n");
	if (sk_strbuf_failed(&out) || fwrite(out.data, 1, out.len, stdout) != out.len) {
		rc = 1;
	}
	sk_strbuf_free(&out);
	sk_strbuf_free(&cmdline);
	sk_ruleset_free(rs);
	sk_engine_config_free(&cfg);
	return rc;
}
