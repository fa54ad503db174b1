/* cmd_config: builds the engine configuration from the command line:
 * falco.yaml-style file (-c), then every -o key=value, then -r rules files
 * (which replace rules_files, as with falco -r), and applies its log_*
 * keys to the engine's own messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "sk_log.h"

/* Falco's deprecated -p: -pc and -pk asked for container and Kubernetes
 * fields that suggested_output now adds, so they add nothing; any other
 * text joins every rule's output. */
static sk_err add_print_format(sk_engine_config *cfg, const char *format, sk_strbuf *why)
{
	static const char *const container_words[] = {"c", "container", "k", "kubernetes"};
	sk_log(SK_LOG_WARNING, "-p is deprecated, as in Falco: use -o 'append_output[]={extra_output: ...}'");
	for (size_t i = 0; i < sizeof(container_words) / sizeof(container_words[0]); i++) {
		if (strcmp(format, container_words[i]) == 0) {
			return SK_OK;
		}
	}
	return sk_engine_config_add_extra_output(cfg, format, why);
}

int cmd_config_load(const sk_cli *cli, sk_engine_config *cfg)
{
	sk_strbuf why = SK_STRBUF_INIT;
	sk_err err = sk_engine_config_init(cfg);

	if (err == SK_OK && cli->config_file != NULL) {
		err = sk_engine_config_load(cfg, cli->config_file, &why);
	}
	for (size_t i = 0; err == SK_OK && i < cli->noverrides; i++) {
		char key[256];
		const char *eq = strchr(cli->overrides[i], '=');
		size_t klen = eq != NULL ? (size_t)(eq - cli->overrides[i]) : 0;
		if (eq == NULL || klen == 0 || klen >= sizeof(key)) {
			sk_strbuf_printf(&why, "-o %s: expected key=value", cli->overrides[i]);
			err = SK_EINVAL;
			break;
		}
		memcpy(key, cli->overrides[i], klen);
		key[klen] = '\0';
		if (sk_engine_config_ignored_key(key)) {
			sk_log(SK_LOG_WARNING, "-o %s: a Falco key Saker does not use; ignored", key);
			continue;
		}
		err = sk_engine_config_set(cfg, key, eq + 1, &why);
		if (err != SK_OK) {
			sk_strbuf_printf(&why, " (in -o %s)", cli->overrides[i]);
		}
	}
	for (size_t i = 0; err == SK_OK && i < cli->nrules; i++) {
		err = sk_engine_config_set(cfg, i == 0 ? "rules_files" : "rules_files[]", cli->rules[i], &why);
	}
	if (err == SK_OK && cli->print_format != NULL) {
		err = add_print_format(cfg, cli->print_format, &why);
	}
	if (err == SK_OK && cli->unbuffered) {
		cfg->out.buffered_outputs = false; /* -U, as Falco's */
	}
	if (err != SK_OK) {
		sk_error("configuration: %s", why.len > 0 ? sk_strbuf_str(&why) : sk_strerror(err));
		sk_strbuf_free(&why);
		sk_engine_config_free(cfg);
		return 2;
	}
	sk_strbuf_free(&why);
	/* falco.yaml's log_* keys: from here on (and again on each reload) */
	sk_log_set_level((sk_log_level)cfg->log_level);
	sk_log_set_sinks(cfg->log_stderr, cfg->log_syslog);
	return 0;
}
