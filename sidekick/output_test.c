#include "output.h"
#include "sk_test.h"

static const char doc[] = "webhook:\n"
			  "  address: http://127.0.0.1:9/\n"
			  "  minimumpriority: warning\n"
			  "  queuesize: 10\n"
			  "  retry:\n"
			  "    initialms: 5\n"
			  "    maxattempts: 3\n"
			  "  routing:\n"
			  "    rules:\n"
			  "      exclude: [\"Noisy*\"]\n"
			  "    tags:\n"
			  "      include: [mitre_*]\n"
			  "    sources:\n"
			  "      exclude: k8s_audit\n"
			  "slack:\n"
			  "  webhookurl: x\n"
			  "  minimumpriority: loud\n";

static saker_alert alert(const char *rule, saker_priority p, const char *source, const char *tag)
{
	static const char *tags[1];
	tags[0] = tag;
	saker_alert a = {.rule = rule, .priority_num = p, .source = source, .tags = tags, .ntags = tag ? 1 : 0};
	return a;
}

SK_TEST(output_options_route_alerts)
{
	skc_config *cfg = NULL;
	sko_options o;
	char err[256] = "";
	SK_CHECK_INT(skc_load_buffer("o.yaml", doc, sizeof(doc) - 1, &cfg, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(sko_options_load(cfg, "webhook", &o, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(o.queue, 10);
	SK_CHECK_INT(o.retry.initial_ms, 5);
	SK_CHECK_INT(o.retry.max_attempts, 3);
	saker_alert a = alert("Shell in container", SAKER_PRIORITY_ERROR, "syscall", "mitre_execution");
	SK_CHECK(sko_options_match(&o, &a));
	a = alert("Shell in container", SAKER_PRIORITY_NOTICE, "syscall", "mitre_execution");
	SK_CHECK(!sko_options_match(&o, &a)); /* below minimumpriority */
	a = alert("Noisy rule", SAKER_PRIORITY_ERROR, "syscall", "mitre_execution");
	SK_CHECK(!sko_options_match(&o, &a));
	a = alert("Shell in container", SAKER_PRIORITY_ERROR, "syscall", "other");
	SK_CHECK(!sko_options_match(&o, &a));
	a = alert("Shell in container", SAKER_PRIORITY_ERROR, "k8s_audit", "mitre_x");
	SK_CHECK(!sko_options_match(&o, &a));
	sko_options_free(&o);
	SK_CHECK_INT(sko_options_load(cfg, "slack", &o, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "o.yaml:17: slack.minimumpriority: unknown priority \"loud\"");
	setenv("SLACK_MINIMUMPRIORITY", "critical", 1);
	SK_CHECK_INT(sko_options_load(cfg, "slack", &o, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(o.minimum, SAKER_PRIORITY_CRITICAL);
	sko_options_free(&o);
	unsetenv("SLACK_MINIMUMPRIORITY");
	setenv("WEBHOOK_QUEUESIZE", "5000", 1);
	SK_CHECK_INT(sko_options_load(cfg, "webhook", &o, err, sizeof(err)), SK_ERANGE);
	SK_CHECK_CONTAINS(err, "environment WEBHOOK_QUEUESIZE");
	unsetenv("WEBHOOK_QUEUESIZE");
	skc_free(cfg);
}

SK_TEST(enabling_key_false_turns_an_output_off)
{
	static const char yaml[] = "stdout:\n  enabled: false\nfile:\n  enabled: \"yes\"\n"
				  "webhook:\n  address: http://127.0.0.1:1/\n";
	saker_output_plugin stdout_vt = {.name = "stdout", .required_key = "enabled"};
	saker_output_plugin file_vt = {.name = "file", .required_key = "enabled"};
	saker_output_plugin webhook_vt = {.name = "webhook", .required_key = "address"};
	saker_output_plugin slack_vt = {.name = "slack", .required_key = "webhookurl"};
	skc_config *cfg = NULL;
	char err[256];

	SK_CHECK_INT(skc_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &cfg, err, sizeof(err)), SK_OK);
	SK_CHECK(!sko_enabled(cfg, &stdout_vt));
	SK_CHECK(sko_enabled(cfg, &file_vt));
	SK_CHECK(sko_enabled(cfg, &webhook_vt));
	SK_CHECK(!sko_enabled(cfg, &slack_vt));
	skc_free(cfg);
}

SK_TEST_MAIN()
