/* The nats output's subject and checks: Falcosidekick's rule slug (lower
 * case, runs of other characters as one '_', trimmed), <priority> and
 * <rule> tokens anywhere in subjecttemplate, and the hostport / template
 * checks done at start-up. */
#include "nats_out.h"

#include "plugin_host.h"
#include "sk_test.h"

static const char *slug(const char *rule)
{
	static sk_strbuf sb;

	sk_strbuf_reset(&sb);
	nats_rule_slug(&sb, rule);
	return sk_strbuf_str(&sb);
}

static const char *subject(const char *tmpl, const saker_alert *a)
{
	static sk_strbuf sb;

	sk_strbuf_reset(&sb);
	nats_subject(&sb, tmpl, a);
	return sk_strbuf_str(&sb);
}

SK_TEST(rule_slug_as_falcosidekick)
{
	SK_CHECK_STR(slug("Terminal shell in container"), "terminal_shell_in_container");
	SK_CHECK_STR(slug("  Read sensitive file (untrusted)!! "), "read_sensitive_file_untrusted");
	SK_CHECK_STR(slug("K8s.Secret-Access_2"), "k8s_secret_access_2");
	SK_CHECK_STR(slug("__a__b__"), "a_b");
	SK_CHECK_STR(slug("Écrire dans /etc"), "crire_dans_etc");
	/* Go lowers U+0130 to 'i' and the Kelvin sign to 'k'. */
	SK_CHECK_STR(slug("\xc4\xb0nit \xe2\x84\xaa"), "init_k");
	SK_CHECK_STR(slug("!!!"), "");
	SK_CHECK_STR(slug(""), "");
	SK_CHECK_STR(slug("\xc4"), ""); /* a truncated sequence is just "other" */
}

SK_TEST(subject_template_tokens)
{
	ph_alert a;

	ph_alert_make(&a, 0);
	SK_CHECK_STR(subject(NATS_DEFAULT_SUBJECT_TEMPLATE, &a.a), "falco.warning.terminal_shell_in_container");
	SK_CHECK_STR(subject("alerts.<rule>.<priority>.<rule>", &a.a),
		     "alerts.terminal_shell_in_container.warning.terminal_shell_in_container");
	SK_CHECK_STR(subject("fixed", &a.a), "fixed");
	SK_CHECK_STR(subject("x.<Priority>.<rul", &a.a), "x.<Priority>.<rul");
	a.a.priority_num = SAKER_PRIORITY_INFORMATIONAL;
	a.a.rule = "Drop and execute new binary in container";
	SK_CHECK_STR(subject(NATS_DEFAULT_SUBJECT_TEMPLATE, &a.a),
		     "falco.informational.drop_and_execute_new_binary_in_container");
	SK_CHECK_STR(nats_priority_name(SAKER_PRIORITY_EMERGENCY), "emergency");
	SK_CHECK_STR(nats_priority_name(SAKER_PRIORITY_DEBUG), "debug");
	SK_CHECK_STR(nats_priority_name((saker_priority)8), "");
}

SK_TEST(template_and_hostport_checks)
{
	char err[256];
	bool tls = true;

	SK_CHECK_INT(nats_check_template(NATS_DEFAULT_SUBJECT_TEMPLATE, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(nats_check_template("<rule>", err, sizeof(err)), SK_OK);
	SK_CHECK_INT(nats_check_template("<priority>.<rule>.x", err, sizeof(err)), SK_OK);
	SK_CHECK_INT(nats_check_template("<rule>.", err, sizeof(err)), SK_EINVAL);
	SK_CHECK_INT(nats_check_template("a b.<rule>", err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "subjecttemplate 'a b.<rule>'");
	SK_CHECK_INT(nats_check_template("falco.>", err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "wildcards");
	SK_CHECK_INT(nats_check_template("falco..<rule>", err, sizeof(err)), SK_EINVAL);
	SK_CHECK_INT(nats_check_template(".falco", err, sizeof(err)), SK_EINVAL);
	SK_CHECK_INT(nats_check_template("falco.", err, sizeof(err)), SK_EINVAL);

	SK_CHECK_INT(nats_check_hostport("nats://127.0.0.1:4222", &tls, err, sizeof(err)), SK_OK);
	SK_CHECK(!tls);
	SK_CHECK_INT(nats_check_hostport("nats://u:p@a:4222, TLS://b:4443", &tls, err, sizeof(err)), SK_OK);
	SK_CHECK(tls);
	SK_CHECK_INT(nats_check_hostport("localhost:4222", &tls, err, sizeof(err)), SK_OK);
	SK_CHECK(!tls);
	SK_CHECK_INT(nats_check_hostport("", &tls, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_INT(nats_check_hostport(" , ", &tls, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_INT(nats_check_hostport("ws://a:80", &tls, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "hostport 'ws://a:80'");
	SK_CHECK_INT(nats_check_hostport("nats://", &tls, err, sizeof(err)), SK_EINVAL);
}

SK_TEST_MAIN()
