#include <stdlib.h>

#include "config.h"
#include "sk_test.h"

static const char doc[] = "listenport: 2801\n"
			  "debug: true\n"
			  "customfields:\n"
			  "  Akey: AValue\n"
			  "  Bkey: BValue\n"
			  "slack:\n"
			  "  webhookurl: \"https://hooks.example/x\"\n"
			  "  minimumpriority: warning\n"
			  "webhook:\n"
			  "  address: http://127.0.0.1:9/\n"
			  "  customHeaders:\n"
			  "    X-Token: abc\n"
			  "  routing:\n"
			  "    rules:\n"
			  "      include: [\"Read*\", \"Write below etc\"]\n"
			  "spool:\n"
			  "  maxbytes: 64m\n"
			  "  syncms: fast\n"
			  "otlp:\n"
			  "  metrics:\n"
			  "    extraenvvars:\n"
			  "      - OTEL_METRIC_EXPORT_INTERVAL: 10000\n"
			  "      - OTEL_SERVICE_NAME: edge\n";

static skc_config *load(void)
{
	skc_config *cfg = NULL;
	char err[256] = "";
	sk_err e = skc_load_buffer("t.yaml", doc, sizeof(doc) - 1, &cfg, err, sizeof(err));
	SK_CHECK_INT(e, SK_OK);
	return cfg;
}

struct collect {
	char text[256];
};

static void add_pair(void *user, const char *k, const char *v)
{
	struct collect *c = user;
	strncat(c->text, k, sizeof(c->text) - strlen(c->text) - 1);
	strncat(c->text, "=", sizeof(c->text) - strlen(c->text) - 1);
	strncat(c->text, v, sizeof(c->text) - strlen(c->text) - 1);
	strncat(c->text, ";", sizeof(c->text) - strlen(c->text) - 1);
}

static void add_item(void *user, const char *v)
{
	add_pair(user, v, "");
}

SK_TEST(config_reads_falcosidekick_keys)
{
	skc_config *cfg = load();
	int64_t port = 0, bytes = 0;
	bool debug = false;
	char err[256];
	SK_CHECK_INT(skc_int(cfg, NULL, "listenport", 1, &port, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(port, 2801);
	SK_CHECK_INT(skc_bool(cfg, NULL, "debug", false, &debug, err, sizeof(err)), SK_OK);
	SK_CHECK(debug);
	SK_CHECK_STR(skc_string(cfg, "slack", "webhookurl", NULL), "https://hooks.example/x");
	SK_CHECK_STR(skc_string(cfg, "SLACK", "WebhookURL", NULL), "https://hooks.example/x");
	SK_CHECK_STR(skc_string(cfg, "slack", "channel", "def"), "def");
	SK_CHECK_INT(skc_int(cfg, "spool", "maxbytes", 0, &bytes, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(bytes, 64 << 20);
	struct collect c = {""};
	SK_CHECK_INT(skc_map(cfg, "webhook", "customheaders", add_pair, &c), 1);
	SK_CHECK_STR(c.text, "X-Token=abc;");
	struct collect l = {""};
	SK_CHECK_INT(skc_list(cfg, "webhook", "routing.rules.include", add_item, &l), 2);
	SK_CHECK_STR(l.text, "Read*=;Write below etc=;");
	/* a list of one-key maps reads as one map */
	struct collect m = {""};
	SK_CHECK_INT(skc_map(cfg, "otlp.metrics", "extraenvvars", add_pair, &m), 2);
	SK_CHECK_STR(m.text, "OTEL_METRIC_EXPORT_INTERVAL=10000;OTEL_SERVICE_NAME=edge;");
	skc_free(cfg);
}

SK_TEST(config_bad_value_names_file_and_line)
{
	skc_config *cfg = load();
	int64_t v = 0;
	char err[256] = "";
	SK_CHECK_INT(skc_int(cfg, "spool", "syncms", 200, &v, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "t.yaml:18");
	SK_CHECK_CONTAINS(err, "spool.syncms");
	skc_free(cfg);
}

SK_TEST(config_env_overrides_file)
{
	skc_config *cfg = load();
	setenv("SLACK_WEBHOOKURL", "https://env.example/y", 1);
	setenv("CUSTOMFIELDS", "x:1, y:2", 1);
	setenv("WEBHOOK_ROUTING_RULES_INCLUDE", "A,B,C", 1);
	setenv("KAFKA_HOSTPORT", "127.0.0.1:9092", 1);
	SK_CHECK_STR(skc_string(cfg, "slack", "webhookurl", NULL), "https://env.example/y");
	struct collect c = {""};
	SK_CHECK_INT(skc_map(cfg, NULL, "customfields", add_pair, &c), 2);
	SK_CHECK_STR(c.text, "x=1;y=2;");
	struct collect l = {""};
	SK_CHECK_INT(skc_list(cfg, "webhook", "routing.rules.include", add_item, &l), 3);
	SK_CHECK(skc_has_section(cfg, "kafka"));
	SK_CHECK(!skc_has_section(cfg, "loki"));
	SK_CHECK_STR(skc_string(cfg, "kafka", "hostport", NULL), "127.0.0.1:9092");
	char where[128];
	skc_where(cfg, "slack", "webhookurl", where, sizeof(where));
	SK_CHECK_STR(where, "environment SLACK_WEBHOOKURL");
	unsetenv("SLACK_WEBHOOKURL");
	unsetenv("CUSTOMFIELDS");
	unsetenv("WEBHOOK_ROUTING_RULES_INCLUDE");
	unsetenv("KAFKA_HOSTPORT");
	skc_free(cfg);
}

SK_TEST(config_syntax_errors_have_lines)
{
	skc_config *cfg = NULL;
	char err[256] = "";
	const char *bad = "a: 1\nb: [1, 2\nc: 3\n";
	SK_CHECK_INT(skc_load_buffer("bad.yaml", bad, strlen(bad), &cfg, err, sizeof(err)), SK_EPARSE);
	SK_CHECK_CONTAINS(err, "bad.yaml:");
	SK_CHECK(cfg == NULL);
	const char *list = "- a\n- b\n";
	SK_CHECK_INT(skc_load_buffer("list.yaml", list, strlen(list), &cfg, err, sizeof(err)), SK_EPARSE);
	SK_CHECK_CONTAINS(err, "list.yaml:1: the top level must be a map");
	const char *alias = "a: &x 1\nb: *x\n";
	SK_CHECK_INT(skc_load_buffer("al.yaml", alias, strlen(alias), &cfg, err, sizeof(err)), SK_EUNSUPP);
	SK_CHECK_CONTAINS(err, "al.yaml:2");
	SK_CHECK_INT(skc_load_file("/nonexistent/x.yaml", &cfg, err, sizeof(err)), SK_ENOENT);
	SK_CHECK_CONTAINS(err, "/nonexistent/x.yaml");
}

SK_TEST(config_loads_upstream_example)
{
	skc_config *cfg = NULL;
	char err[256] = "";
	SK_CHECK_INT(skc_load_file("../shared/upstream/falcosidekick/config_example.yaml", &cfg, err, sizeof(err)),
		     SK_OK);
	SK_CHECK_STR(skc_string(cfg, "slack", "outputformat", NULL), "all");
	SK_CHECK_STR(skc_string(cfg, "tlsserver", "certfile", NULL), "/etc/certs/server/server.crt");
	struct collect c = {""};
	SK_CHECK_INT(skc_map(cfg, NULL, "customfields", add_pair, &c), 3);
	skc_free(cfg);
}

SK_TEST_MAIN()
