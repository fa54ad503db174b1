/* config_test.c: falco.yaml loads as is, values land in the right fields
 * (syscall_event_drops too), -o overrides, config_files merge with Falco's
 * three strategies, and bad values are reported with file:line and key. */
#include "config.h"

#include <sys/stat.h>

#include "sk_live.h"
#include "sk_log.h"
#include "sk_test.h"

SK_TEST(upstream_falco_yaml_loads)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(sk_engine_config_load(&c, "../shared/upstream/falco.yaml", &why), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&why), "");
	SK_CHECK(c.nrules_files >= 1);
	SK_CHECK(c.nrules_files >= 1 && strstr(c.rules_files[0], "falco_rules.yaml") != NULL);
	SK_CHECK_STR(c.priority, "debug");
	SK_CHECK(!c.rule_matching_all);
	SK_CHECK(!c.out.json_output);
	SK_CHECK(c.out.json_include_output_property);
	SK_CHECK(c.out.json_include_tags_property);
	SK_CHECK(!c.out.json_include_message_property);
	SK_CHECK(c.out.json_include_output_fields_property);
	SK_CHECK(c.out.stdout_enabled);
	SK_CHECK(!c.out.file_enabled);
	SK_CHECK_STR(c.out.file_name, "./events.txt");
	SK_CHECK(!c.out.http_enabled);
	SK_CHECK_STR(c.out.http_user_agent, "falcosecurity/falco");
	SK_CHECK_STR(c.out.http_ca_path, "/etc/ssl/certs");
	SK_CHECK_STR(c.out.http_ca_cert, "");
	SK_CHECK_STR(c.out.http_client_key, "/etc/ssl/certs/client.key");
	SK_CHECK(!c.out.http_mtls && !c.out.http_echo && !c.out.http_compress_uploads && !c.out.http_keep_alive);
	SK_CHECK_INT(c.out.http_max_consecutive_timeouts, 5);
	SK_CHECK_INT(c.out.queue_capacity, 0);
	SK_CHECK_INT(c.out.timeout_ms, 2000);
	SK_CHECK_INT(c.event_timeouts_max, 1000);
	SK_CHECK_INT(c.thread_table_size, 262144);
	/* syscall_event_drops and base_syscalls as upstream ships them */
	SK_CHECK(c.drops.threshold > 0.099 && c.drops.threshold < 0.101);
	SK_CHECK_INT(c.drops.actions, SK_DROPS_LOG | SK_DROPS_ALERT);
	SK_CHECK(c.drops.rate > 0.0333 && c.drops.rate < 0.0334);
	SK_CHECK_INT(c.drops.max_burst, 1);
	SK_CHECK(!c.drops.simulate);
	SK_CHECK(c.nbase_custom_set == 0 && !c.base_repair && !c.base_all);
	/* engine: modern_ebpf, nothing dropped, an empty replay file */
	SK_CHECK_INT(c.engine_kind, SK_ENGINE_MODERN_EBPF);
	SK_CHECK(!sk_engine_config_drop_failed_exit(&c));
	SK_CHECK_STR(c.replay_capture_file, "");
	/* webserver as upstream ships it: on, on every address */
	SK_CHECK(c.web.enabled && !c.web.prometheus && !c.web.ssl && !c.metrics_enabled);
	SK_CHECK_STR(c.web.ssl_certificate, "/etc/falco/falco.pem");
	SK_CHECK_INT(c.web.listen_port, 8765);
	SK_CHECK_STR(c.web.listen_address, "0.0.0.0");
	SK_CHECK_STR(c.web.healthz_path, "/healthz");
	SK_CHECK_INT(c.web.threadiness, 0);
	/* config_files names /etc/falco/config.d (absent here: skipped) */
	SK_CHECK_INT(c.nconfig_files, 1);
	SK_CHECK_STR(c.config_files[0].path, "/etc/falco/config.d");
	SK_CHECK_INT(c.config_files[0].strategy, SK_CONFIG_APPEND);
	SK_CHECK(c.watch_config_files);
	SK_CHECK_INT(c.log_level, SK_LOG_INFO);
	SK_CHECK(c.log_stderr && c.log_syslog);
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

SK_TEST(webserver_defaults_and_values)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	/* Saker's defaults: off, loopback (Falco: on, 0.0.0.0) */
	SK_CHECK(!c.web.enabled && !c.metrics_enabled && !c.web.prometheus);
	SK_CHECK_STR(c.web.listen_address, "127.0.0.1");
	SK_CHECK_INT(c.web.listen_port, 8765);
	SK_CHECK_STR(c.web.healthz_path, "/healthz");
	SK_CHECK_STR(c.web.ssl_certificate, "/etc/saker/saker.pem");
	SK_CHECK(!c.web.ssl);
	static const char yaml[] = "webserver:\n  enabled: true\n  threadiness: 2\n  listen_port: 9000\n"
				   "  listen_address: \"::\"\n  k8s_healthz_endpoint: /ready\n"
				   "  prometheus_metrics_enabled: true\nmetrics:\n  enabled: true\n  interval: 1h\n";
	SK_CHECK_INT(sk_engine_config_load_string(&c, "w.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK(c.web.enabled && c.web.prometheus && c.metrics_enabled);
	SK_CHECK_INT(c.web.threadiness, 2);
	SK_CHECK_INT(c.web.listen_port, 9000);
	SK_CHECK_STR(c.web.listen_address, "::");
	SK_CHECK_STR(c.web.healthz_path, "/ready");
	SK_CHECK_INT(sk_engine_config_set(&c, "webserver.listen_port", "0", &why), SK_EINVAL);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "webserver.listen_port: expected a port 1..65535, got '0'");
	SK_CHECK_INT(sk_engine_config_set(&c, "webserver.listen_port", "70000", &why), SK_EINVAL);
	SK_CHECK_INT(sk_engine_config_set(&c, "webserver.listen_port", "8080", &why), SK_OK);
	SK_CHECK_INT(c.web.listen_port, 8080);
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

SK_TEST(capture_defaults_and_values)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	static const char yaml[] = "capture:\n  enabled: true\n  path_prefix: /var/tmp/cap\n  mode: all_rules\n"
				   "  default_duration: 2500\n  max_file_size_mb: 10\n";
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK(!c.capture.enabled && !c.capture.all_rules);
	SK_CHECK_STR(c.capture.path_prefix, "/tmp/saker");
	SK_CHECK_INT(c.capture.default_duration_ms, 5000);
	SK_CHECK_INT(c.capture.max_file_size_mb, 0);
	SK_CHECK_INT(sk_engine_config_load_string(&c, "c.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK(c.capture.enabled && c.capture.all_rules);
	SK_CHECK_STR(c.capture.path_prefix, "/var/tmp/cap");
	SK_CHECK_INT(c.capture.default_duration_ms, 2500);
	SK_CHECK_INT(c.capture.max_file_size_mb, 10);
	SK_CHECK_INT(sk_engine_config_set(&c, "capture.mode", "rules", &why), SK_OK);
	SK_CHECK(!c.capture.all_rules);
	SK_CHECK_INT(sk_engine_config_set(&c, "capture.mode", "All_rules", &why), SK_EINVAL);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "capture.mode: expected rules or all_rules, got 'All_rules'");
	SK_CHECK_INT(sk_engine_config_set(&c, "capture.max_file_size_mb", "-1", &why), SK_EINVAL);
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

SK_TEST(metrics_interval_is_a_prometheus_duration)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(c.metrics_interval_ms, 3600000);
	SK_CHECK(c.metrics_output_rule && c.metrics_output_file == NULL);
	static const struct {
		const char *text;
		uint64_t ms;
	} good[] = {{"1h", 3600000}, {"1h30m", 5400000}, {"100ms", 100},       {"15s", 15000},
		    {"1d", 86400000}, {"2w", 1209600000}, {"1m1s1ms", 61001}, {"1y", 31536000000ull}};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		SK_CHECK_INT(sk_engine_config_set(&c, "metrics.interval", good[i].text, &why), SK_OK);
		SK_CHECK_INT(c.metrics_interval_ms, good[i].ms);
	}
	static const char *const bad[] = {"99ms", "1x", "m", "30m1h", "1s1m", "", "10", "1h1h", "-1s", "0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sk_strbuf_reset(&why);
		SK_CHECK_INT(sk_engine_config_set(&c, "metrics.interval", bad[i], &why), SK_EINVAL);
		SK_CHECK_CONTAINS(sk_strbuf_str(&why), "metrics.interval: expected a duration");
	}
	SK_CHECK_INT(c.metrics_interval_ms, 31536000000ull); /* the last good one stays */
	static const char yaml[] = "metrics:\n  enabled: true\n  interval: 15m\n  output_rule: false\n"
				   "  output_file: /tmp/m.jsonl\n";
	SK_CHECK_INT(sk_engine_config_load_string(&c, "m.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK(c.metrics_enabled && !c.metrics_output_rule);
	SK_CHECK_INT(c.metrics_interval_ms, 900000);
	SK_CHECK_STR(c.metrics_output_file, "/tmp/m.jsonl");
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

SK_TEST(engine_kind_and_drop_failed_exit)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(c.engine_kind, SK_ENGINE_MODERN_EBPF);
	SK_CHECK(c.replay_capture_file == NULL);
	static const char yaml[] = "engine:\n  kind: kmod\n  kmod:\n    drop_failed_exit: true\n"
				   "  modern_ebpf:\n    drop_failed_exit: false\n    cpus_for_each_buffer: 2\n";
	SK_CHECK_INT(sk_engine_config_load_string(&c, "e.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK_INT(c.engine_kind, SK_ENGINE_KMOD);
	SK_CHECK(sk_engine_config_drop_failed_exit(&c)); /* the kind's own key decides */
	SK_CHECK_INT(sk_engine_config_set(&c, "engine.kind", "modern_ebpf", &why), SK_OK);
	SK_CHECK(!sk_engine_config_drop_failed_exit(&c));
	SK_CHECK_INT(sk_engine_config_set(&c, "engine.modern_ebpf.drop_failed_exit", "true", &why), SK_OK);
	SK_CHECK(sk_engine_config_drop_failed_exit(&c));
	SK_CHECK_INT(sk_engine_config_set(&c, "engine.kind", "ebpf", &why), SK_OK);
	SK_CHECK(!sk_engine_config_drop_failed_exit(&c));
	SK_CHECK_INT(sk_engine_config_set(&c, "engine.kind", "replay", &why), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&c, "engine.replay.capture_file", "/tmp/x.scap", &why), SK_OK);
	SK_CHECK_INT(c.engine_kind, SK_ENGINE_REPLAY);
	SK_CHECK_STR(c.replay_capture_file, "/tmp/x.scap");
	SK_CHECK(!sk_engine_config_drop_failed_exit(&c));
	SK_CHECK_INT(sk_engine_config_set(&c, "engine.kind", "gvisor", &why), SK_EINVAL);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "engine.kind: 'gvisor' is none of");
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

SK_TEST(syscall_event_drops_values)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	static const char yaml[] = "syscall_event_drops:\n  threshold: 0\n  actions: [alert, exit]\n  rate: 2\n"
				   "  max_burst: 5\n  simulate_drops: true\n";
	SK_CHECK_INT(sk_engine_config_load_string(&c, "d.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK(c.drops.threshold == 0 && c.drops.rate == 2 && c.drops.max_burst == 5 && c.drops.simulate);
	SK_CHECK_INT(c.drops.actions, SK_DROPS_ALERT | SK_DROPS_EXIT);
	SK_CHECK_INT(sk_engine_config_set(&c, "syscall_event_drops.actions", "[ignore]", &why), SK_OK);
	SK_CHECK_INT(c.drops.actions, 0);
	SK_CHECK_INT(sk_engine_config_set(&c, "syscall_event_drops.actions", "log", &why), SK_OK);
	SK_CHECK_INT(c.drops.actions, SK_DROPS_LOG);
	SK_CHECK_INT(sk_engine_config_set(&c, "syscall_event_drops.actions", "[]", &why), SK_OK);
	SK_CHECK_INT(c.drops.actions, 0);
	SK_CHECK_INT(sk_engine_config_set(&c, "syscall_event_drops.threshold", "1.5", &why), SK_EINVAL);
	SK_CHECK_INT(sk_engine_config_set(&c, "syscall_event_drops.rate", "0", &why), SK_EINVAL);
	SK_CHECK_INT(sk_engine_config_set(&c, "syscall_event_drops.actions", "[log, ignore]", &why), SK_EINVAL);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "ignore cannot go with other actions");
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

SK_TEST(values_and_overrides)
{
	static const char yaml[] = "rules_files:\n  - /a.yaml\n  - /b.yaml\n"
				   "priority: warning\nrule_matching: all\njson_output: true\n"
				   "json_include_tags_property: false\ntime_format_iso_8601: yes\n"
				   "outputs_queue:\n  capacity: 42\noutput_timeout: 750\n"
				   "file_output:\n  enabled: true\n  keep_alive: true\n  filename: /tmp/x.txt\n"
				   "http_output:\n  enabled: true\n  url: http://127.0.0.1:2801/\n"
				   "nng_output:\n  enabled: true\n  url: ipc:///tmp/a.sock\n"
				   "plugins: [{name: k8saudit}]\nsomething_else: {deep: {deeper: 1}}\n";
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(sk_engine_config_load_string(&c, "t.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK_INT(c.nrules_files, 2);
	SK_CHECK_STR(c.rules_files[1], "/b.yaml");
	SK_CHECK_STR(c.priority, "warning");
	SK_CHECK(c.rule_matching_all);
	SK_CHECK(c.out.json_output && !c.out.json_include_tags_property && c.out.time_format_iso_8601);
	SK_CHECK_INT(c.out.queue_capacity, 42);
	SK_CHECK_INT(c.out.timeout_ms, 750);
	SK_CHECK(c.out.file_enabled && c.out.file_keep_alive);
	SK_CHECK_STR(c.out.file_name, "/tmp/x.txt");
	SK_CHECK_STR(c.out.http_url, "http://127.0.0.1:2801/");
	SK_CHECK(c.out.nng_enabled);
	SK_CHECK_STR(c.out.nng_url, "ipc:///tmp/a.sock");

	SK_CHECK_INT(sk_engine_config_set(&c, "json_output", "false", &why), SK_OK);
	SK_CHECK(!c.out.json_output);
	SK_CHECK_INT(sk_engine_config_set(&c, "rules_files[]", "/c.yaml", &why), SK_OK);
	SK_CHECK_INT(c.nrules_files, 3);
	SK_CHECK_INT(sk_engine_config_set(&c, "rules_files", "/only.yaml", &why), SK_OK);
	SK_CHECK_INT(c.nrules_files, 1);
	SK_CHECK_STR(c.rules_files[0], "/only.yaml");
	SK_CHECK_INT(sk_engine_config_set(&c, "nope.key", "1", &why), SK_ENOENT);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "unknown configuration key 'nope.key'");
	sk_strbuf_reset(&why);
	SK_CHECK_INT(sk_engine_config_set(&c, "outputs_queue.capacity", "-1", &why), SK_EINVAL);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "outputs_queue.capacity: expected a number");
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

SK_TEST(environment_references_expand)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	setenv("SK_TEST_HOOK", "https://hooks.example/abc", 1);
	setenv("SK_TEST_DIR", "/etc/saker", 1);
	unsetenv("SK_TEST_UNSET");
	static const char yaml[] = "http_output:\n  url: ${SK_TEST_HOOK}/in\nrules_files:\n  - ${SK_TEST_DIR}/rules.d\n"
				   "  - /x/${SK_TEST_UNSET}y\nprogram_output:\n  program: echo $${HOME} $HOME ${broken\n"
				   "file_output:\n  filename: a$$${SK_TEST_DIR}\n";
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(sk_engine_config_load_string(&c, "env.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK_STR(c.out.http_url, "https://hooks.example/abc/in");
	SK_CHECK(c.nrules_files == 2);
	SK_CHECK_STR(c.rules_files[0], "/etc/saker/rules.d");
	SK_CHECK_STR(c.rules_files[1], "/x/y"); /* unset: nothing */
	SK_CHECK_STR(c.out.program, "echo ${HOME} $HOME ${broken"); /* $${ is a literal ${ */
	SK_CHECK_STR(c.out.file_name, "a$${SK_TEST_DIR}");
	/* -o values are taken as typed, as Falco's */
	SK_CHECK_INT(sk_engine_config_set(&c, "http_output.url", "${SK_TEST_HOOK}", &why), SK_OK);
	SK_CHECK_STR(c.out.http_url, "${SK_TEST_HOOK}");
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

static void check_bad(const char *yaml, const char *want);

SK_TEST(append_output_entries)
{
	static const char yaml[] = "append_output:\n  - suggested_output: true\n  - match:\n      rule: R\n"
				   "      source: syscall\n      tags: [a, b]\n    extra_output: \"on %evt.cpu\"\n"
				   "    extra_fields:\n      - evt.hostname\n      - home: \"x%proc.name\"\n";
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(sk_engine_config_load_string(&c, "a.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK_INT(c.nappend_output, 2);
	if (c.nappend_output == 2) {
		const sk_append_output *a = &c.append_output[1];
		SK_CHECK(c.append_output[0].extra_output == NULL && c.append_output[0].nfields == 0);
		SK_CHECK(c.append_output[0].suggested_output && !a->suggested_output);
		SK_CHECK_STR(a->rule, "R");
		SK_CHECK_STR(a->source, "syscall");
		SK_CHECK(a->ntags == 2 && strcmp(a->tags[1], "b") == 0);
		SK_CHECK_STR(a->extra_output, "on %evt.cpu");
		SK_CHECK(a->nfields == 2 && a->field_formats[0] == NULL);
		SK_CHECK_STR(a->field_names[0], "evt.hostname");
		SK_CHECK_STR(a->field_names[1], "home");
		SK_CHECK_STR(a->field_formats[1], "x%proc.name");
	}
	/* the upstream falco.yaml's one entry loads */
	sk_engine_config_free(&c);
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(sk_engine_config_load(&c, "../shared/upstream/falco.yaml", &why), SK_OK);
	SK_CHECK_INT(c.nappend_output, 1);
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
	check_bad("append_output:\n  - extra_out: x\n", "bad.yaml:2: append_output: 'extra_out' is none of match");
	check_bad("append_output:\n  - match: {tag: x}\n", "bad.yaml:2: append_output: match.tag is none of rule");
	check_bad("append_output:\n  - extra_fields: evt.type\n", "bad.yaml:2: append_output: extra_fields must be a list");
	check_bad("append_output:\n  - extra_output: [a]\n", "bad.yaml:2: append_output: extra_output must be a single");
	check_bad("append_output:\n  - suggested_output: maybe\n", "bad.yaml:2: append_output: suggested_output");
	check_bad("append_output: everything\n", "bad.yaml:1: append_output: expected a list of entries");
	check_bad("append_output:\n  - plain\n", "bad.yaml:2: append_output: each entry is a map");
}

/* Falco's structured -o: KEY[]=VALUE appends one item (JSON or YAML flow),
 * a list key takes "[...]", a map key "{...}"; values are taken as typed. */
SK_TEST(structured_options)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&c, "append_output[]",
					  "{\"match\": {\"source\": \"syscall\", \"tags\": [a]}, \"extra_fields\": "
					  "[\"proc.env\", {\"h\": \"x%proc.name\"}], \"extra_output\": \"on %evt.cpu\"}",
					  &why),
		     SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&c, "append_output[]", "{extra_output: \"${HOME}, as typed\"}", &why), SK_OK);
	SK_CHECK_INT(c.nappend_output, 2);
	if (c.nappend_output == 2) {
		const sk_append_output *a = &c.append_output[0];
		SK_CHECK_STR(a->source, "syscall");
		SK_CHECK(a->ntags == 1 && strcmp(a->tags[0], "a") == 0);
		SK_CHECK(a->nfields == 2 && a->field_formats[0] == NULL);
		SK_CHECK_STR(a->field_names[1], "h");
		SK_CHECK_STR(a->field_formats[1], "x%proc.name");
		SK_CHECK_STR(a->extra_output, "on %evt.cpu");
		SK_CHECK_STR(c.append_output[1].extra_output, "${HOME}, as typed");
	}
	/* a whole list replaces */
	SK_CHECK_INT(sk_engine_config_set(&c, "append_output", "[{extra_output: three}]", &why), SK_OK);
	SK_CHECK(c.nappend_output == 1 && strcmp(c.append_output[0].extra_output, "three") == 0);
	SK_CHECK_INT(sk_engine_config_set(&c, "rules_files", "[/a.yaml, /b.yaml]", &why), SK_OK);
	SK_CHECK(c.nrules_files == 2 && strcmp(c.rules_files[1], "/b.yaml") == 0);
	SK_CHECK_INT(sk_engine_config_set(&c, "rules[]", "{\"disable\": {\"tag\": \"network\"}}", &why), SK_OK);
	SK_CHECK(c.nrule_selections == 1 && !c.rule_selections[0].enable);
	SK_CHECK_STR(c.rule_selections[0].tag, "network");
	SK_CHECK_INT(sk_engine_config_set(&c, "syscall_event_drops.actions[]", "exit", &why), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&c, "webserver", "{enabled: false, listen_port: 9000}", &why), SK_OK);
	SK_CHECK(!c.web.enabled && c.web.listen_port == 9000);
	/* a plain value is one string, even with a comma */
	SK_CHECK_INT(sk_engine_config_set(&c, "rules_files[]", "/c, d.yaml", &why), SK_OK);
	SK_CHECK(c.nrules_files == 3 && strcmp(c.rules_files[2], "/c, d.yaml") == 0);

	static const struct {
		const char *key, *value;
		sk_err err;
		const char *why;
	} bad[] = {
		{"priority[]", "x", SK_EINVAL, "priority is a single value, not a list: -o priority=VALUE sets it"},
		{"nosuch[]", "x", SK_ENOENT, "unknown configuration key 'nosuch[]'"},
		{"nosuch", "{a: b}", SK_ENOENT, "unknown configuration key 'nosuch'"},
		{"append_output[]", "{\"match\": {\"tag\": \"x\"}}", SK_EPARSE, "append_output: match.tag is none of"},
		{"append_output[]", "plain", SK_EPARSE, "append_output: each entry is a map"},
		{"append_output[]", "{unclosed", SK_EPARSE, "did not find expected"},
		{"webserver", "{enabled: maybe}", SK_EPARSE, "webserver.enabled: expected true or false, got 'maybe'"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sk_strbuf_reset(&why);
		SK_CHECK_INT(sk_engine_config_set(&c, bad[i].key, bad[i].value, &why), bad[i].err);
		SK_CHECK(strncmp(sk_strbuf_str(&why), bad[i].why, strlen(bad[i].why)) == 0);
	}
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);

	SK_CHECK(sk_engine_config_ignored_key("plugins[]"));
	SK_CHECK(sk_engine_config_ignored_key("plugins[0].name"));
	SK_CHECK(sk_engine_config_ignored_key("load_plugins"));
	SK_CHECK(sk_engine_config_ignored_key("engine.modern_ebpf.buf_size_preset"));
	SK_CHECK(sk_engine_config_ignored_key("metrics.libbpf_stats_enabled"));
	SK_CHECK(!sk_engine_config_ignored_key("engine.modern_ebpf"));
	SK_CHECK(!sk_engine_config_ignored_key("engine.kind"));
	SK_CHECK(!sk_engine_config_ignored_key("engine.modern_ebpf.drop_failed_exit"));
	SK_CHECK(!sk_engine_config_ignored_key("plugin"));
	SK_CHECK(!sk_engine_config_ignored_key("metrics.enabled"));
}

SK_TEST(rules_selection_entries)
{
	static const char yaml[] = "rules:\n  - disable:\n      rule: \"*\"\n  - enable:\n      rule: Netcat*\n"
				   "      tag: network\n  - enable: {tag: mitre_execution}\n";
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(sk_engine_config_load_string(&c, "s.yaml", yaml, sizeof(yaml) - 1, &why), SK_OK);
	SK_CHECK_INT(c.nrule_selections, 3);
	SK_CHECK(!c.rule_selections[0].enable && c.rule_selections[0].tag == NULL);
	SK_CHECK_STR(c.rule_selections[0].rule, "*");
	SK_CHECK(c.rule_selections[1].enable);
	SK_CHECK_STR(c.rule_selections[1].rule, "Netcat*");
	SK_CHECK_STR(c.rule_selections[1].tag, "network");
	SK_CHECK(c.rule_selections[2].rule == NULL);
	SK_CHECK_STR(c.rule_selections[2].tag, "mitre_execution");
	/* Falco's -o spelling appends one entry each */
	SK_CHECK_INT(sk_engine_config_set(&c, "rules[].disable.tag", "network", &why), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&c, "rules[].enable.rule", "Terminal shell in container", &why), SK_OK);
	SK_CHECK_INT(c.nrule_selections, 5);
	SK_CHECK(!c.rule_selections[3].enable && c.rule_selections[4].enable);
	SK_CHECK_STR(c.rule_selections[4].rule, "Terminal shell in container");
	SK_CHECK_INT(sk_engine_config_set(&c, "rules[].enable.name", "x", &why), SK_ENOENT);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "unknown configuration key 'rules[].enable.name'");
	SK_CHECK_INT(sk_engine_config_set(&c, "rules[].enable.tag", "", &why), SK_EINVAL);
	/* a file's list replaces the earlier one; "rules:" alone empties it */
	static const char again[] = "rules:\n  - disable: {tag: network}\n";
	SK_CHECK_INT(sk_engine_config_load_string(&c, "t.yaml", again, sizeof(again) - 1, &why), SK_OK);
	SK_CHECK_INT(c.nrule_selections, 1);
	SK_CHECK_INT(sk_engine_config_load_string(&c, "u.yaml", "rules:\n", 7, &why), SK_OK);
	SK_CHECK_INT(c.nrule_selections, 0);
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
	check_bad("rules:\n  - enable: Netcat\n", "bad.yaml:2: rules: expected an entry such as");
	check_bad("rules:\n  - switch: {rule: x}\n", "bad.yaml:2: rules: expected an entry such as");
	check_bad("rules:\n  - enable: {rule: x}\n    disable: {rule: y}\n", "bad.yaml:2: rules: expected an entry");
	check_bad("rules: everything\n", "bad.yaml:1: rules: expected a list of enable: or disable: entries");
}

static void check_bad(const char *yaml, const char *want)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK(sk_engine_config_load_string(&c, "bad.yaml", yaml, strlen(yaml), &why) != SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), want);
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

SK_TEST(bad_values_say_where)
{
	check_bad("json_output: maybe\n", "bad.yaml:1: json_output: expected true or false, got 'maybe'");
	check_bad("a: 1\nrule_matching: sometimes\n", "bad.yaml:2: rule_matching: expected first or all");
	check_bad("outputs_queue:\n  capacity: lots\n", "bad.yaml:2: outputs_queue.capacity: expected a number");
	check_bad("priority: [a, b]\n", "bad.yaml:1: priority: expected a single value");
	check_bad("rules_files:\n  - {a: 1}\n", "bad.yaml:2: rules_files: expected a list of paths");
	check_bad("key: [unclosed\n", "bad.yaml:");
	check_bad("- just\n- a list\n", "the configuration must be a mapping");
	check_bad("syscall_event_drops:\n  actions:\n    - log\n    - shout\n",
		  "bad.yaml:4: syscall_event_drops.actions: 'shout' is none of ignore, log, alert, exit");
	check_bad("syscall_event_drops:\n  threshold: lots\n",
		  "bad.yaml:2: syscall_event_drops.threshold: expected a number from 0 and at most 1, got 'lots'");
	check_bad("engine:\n  kind: nodriver\n", "bad.yaml:2: engine.kind: 'nodriver' is none of");
	check_bad("a: 1\nlog_level: loud\n", "bad.yaml:2: log_level: 'loud' is none of emergency, alert");
	check_bad("engine:\n  modern_ebpf:\n    drop_failed_exit: sometimes\n",
		  "bad.yaml:3: engine.modern_ebpf.drop_failed_exit: expected true or false");
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&c), SK_OK);
	SK_CHECK_INT(sk_engine_config_load(&c, "/nonexistent/saker.yaml", &why), SK_ENOENT);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "/nonexistent/saker.yaml");
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
}

static char tmp[] = "/tmp/sk_config_XXXXXX"; /* short: paths under it fit 128 bytes */

/* Writes text to <tmp>/name; the path goes to path. */
static void put(const char *name, const char *text, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", tmp, name);
	SK_CHECK(sk_live_write_file(path, text));
}

/* Loads <tmp>/main.yaml after writing main there; returns the result. */
static sk_err load_main(sk_engine_config *c, const char *main_text, sk_strbuf *why)
{
	char path[256];
	put("main.yaml", main_text, path, sizeof(path));
	SK_CHECK_INT(sk_engine_config_init(c), SK_OK);
	sk_strbuf_reset(why);
	return sk_engine_config_load(c, path, why);
}

SK_TEST(config_files_merge_with_falcos_strategies)
{
	char path[256], text[1024];
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK(mkdtemp(tmp) != NULL);

	/* A directory: its files in name order, hidden ones and subdirectories
	 * skipped (a ConfigMap volume's ..data), a file through a symlink read. */
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/config.d", tmp);
	SK_CHECK(mkdir(dir, 0755) == 0);
	put("config.d/20-b.yaml", "priority: error\nrules_files: [/r/b.yaml]\n", path, sizeof(path));
	put("config.d/10-a.yaml", "priority: notice\nrules_files: [/r/a.yaml]\njson_output: true\n", path,
	    sizeof(path));
	put("config.d/.hidden.yaml", "priority: emergency\n", path, sizeof(path));
	put("real-30-c.yaml", "syscall_event_drops:\n  actions: [exit]\n", path, sizeof(path));
	char link[160];
	snprintf(link, sizeof(link), "%s/30-c.yaml", dir);
	SK_CHECK(symlink(path, link) == 0);
	snprintf(path, sizeof(path), "%s/..data", dir);
	SK_CHECK(mkdir(path, 0755) == 0);

	/* append (the default): lists grow, single values are replaced */
	snprintf(text, sizeof(text),
		 "rules_files: [/r/main.yaml]\npriority: warning\nsyscall_event_drops:\n  actions: [log]\n"
		 "config_files:\n  - %s\n",
		 dir);
	SK_CHECK_INT(load_main(&c, text, &why), SK_OK);
	SK_CHECK_INT(c.nrules_files, 3);
	SK_CHECK(c.nrules_files == 3 && strcmp(c.rules_files[0], "/r/main.yaml") == 0 &&
		 strcmp(c.rules_files[1], "/r/a.yaml") == 0 && strcmp(c.rules_files[2], "/r/b.yaml") == 0);
	SK_CHECK_STR(c.priority, "error"); /* 20-b after 10-a; .hidden.yaml not read */
	SK_CHECK(c.out.json_output);
	SK_CHECK_INT(c.drops.actions, SK_DROPS_LOG | SK_DROPS_EXIT);
	sk_engine_config_free(&c);

	/* override: every key named is replaced, lists too */
	snprintf(text, sizeof(text),
		 "rules_files: [/r/main.yaml]\nsyscall_event_drops:\n  actions: [log]\n"
		 "config_files:\n  - path: %s\n    strategy: override\n",
		 dir);
	SK_CHECK_INT(load_main(&c, text, &why), SK_OK);
	SK_CHECK(c.nrules_files == 1 && strcmp(c.rules_files[0], "/r/b.yaml") == 0);
	SK_CHECK_STR(c.priority, "error");
	SK_CHECK_INT(c.drops.actions, SK_DROPS_EXIT);
	sk_engine_config_free(&c);

	/* add-only: what an earlier file named stays; new keys are added */
	snprintf(text, sizeof(text),
		 "rules_files: [/r/main.yaml]\npriority: warning\nconfig_files:\n  - path: %s\n"
		 "    strategy: add-only\n",
		 dir);
	SK_CHECK_INT(load_main(&c, text, &why), SK_OK);
	SK_CHECK(c.nrules_files == 1 && strcmp(c.rules_files[0], "/r/main.yaml") == 0);
	SK_CHECK_STR(c.priority, "warning");
	SK_CHECK(c.out.json_output);			 /* named by none before */
	SK_CHECK_INT(c.drops.actions, SK_DROPS_EXIT); /* the default was not named by a file */
	sk_engine_config_free(&c);

	/* a file entry; a missing entry is skipped; -o still comes last */
	put("one.yaml", "rules_file: /r/one.yaml\nwatch_config_files: false\n", path, sizeof(path));
	snprintf(text, sizeof(text), "rules_files: [/r/main.yaml]\nconfig_files: [%s/nothing-here, %s]\n", tmp,
		 path);
	SK_CHECK_INT(load_main(&c, text, &why), SK_OK);
	SK_CHECK(c.nrules_files == 2 && strcmp(c.rules_files[1], "/r/one.yaml") == 0); /* one setting, two names */
	SK_CHECK(!c.watch_config_files);
	SK_CHECK_INT(sk_engine_config_set(&c, "watch_config_files", "true", &why), SK_OK);
	SK_CHECK(c.watch_config_files);
	sk_engine_config_free(&c);

	/* errors name the file and line */
	put("nested.yaml", "priority: info\nconfig_files: [/etc]\n", path, sizeof(path));
	snprintf(text, sizeof(text), "config_files:\n  - %s\n", path);
	SK_CHECK_INT(load_main(&c, text, &why), SK_EPARSE);
	snprintf(text, sizeof(text), "%s:2: config_files: an included configuration file cannot include others",
		 path);
	SK_CHECK_STR(sk_strbuf_str(&why), text);
	sk_engine_config_free(&c);
	put("bad.yaml", "priority: info\njson_output: maybe\n", path, sizeof(path));
	snprintf(text, sizeof(text), "config_files: [%s]\n", path);
	SK_CHECK_INT(load_main(&c, text, &why), SK_EPARSE);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "bad.yaml:2: json_output: expected true or false, got 'maybe'");
	sk_engine_config_free(&c);
	SK_CHECK_INT(load_main(&c, "a: 1\nconfig_files:\n  - config.d\n", &why), SK_EPARSE);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "main.yaml:3: config_files: expected an absolute path");
	sk_engine_config_free(&c);
	SK_CHECK_INT(load_main(&c, "config_files:\n  - path: /x\n    strategy: merge\n", &why), SK_EPARSE);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why),
			  "main.yaml:3: config_files: strategy 'merge' is none of append, override, add-only");
	sk_engine_config_free(&c);
	SK_CHECK_INT(load_main(&c, "config_files: [/dev/null]\n", &why), SK_EIO);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "config_files: /dev/null is neither a file nor a directory");
	sk_engine_config_free(&c);
	sk_strbuf_free(&why);
	sk_live_remove_dir(tmp);
}

SK_TEST_MAIN()
