/* validate_cli_test: runs the real saker-engine binary: -V on Falco's
 * upstream rules (unmodified, from ../shared) and on Saker's test rules,
 * -r with files and directories, --list, --version and bad options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sk_test.h"

static char out[1 << 17];

/* Runs saker-engine with args (a shell word list); returns its exit status
 * and leaves stdout+stderr in out. */
static int run(const char *args)
{
	const char *dir = getenv("SAKER_BUILD_DIR");
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "%s/bin/saker-engine %s 2>&1", dir != NULL ? dir : "build", args);
	out[0] = '\0';
	FILE *p = popen(cmd, "r");
	if (p == NULL) {
		return -1;
	}
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define UPSTREAM "../shared/upstream/rules/"

SK_TEST(upstream_rules_validate_ok)
{
	SK_CHECK_INT(run("-V " UPSTREAM "falco_rules.yaml -V " UPSTREAM "falco-incubating_rules.yaml"), 0);
	SK_CHECK_CONTAINS(out, UPSTREAM "falco_rules.yaml: Ok\n");
	SK_CHECK_CONTAINS(out, UPSTREAM "falco-incubating_rules.yaml: Ok\n");
	/* 25 + 31 rules, 56 distinct names; all enabled rules compile. */
	SK_CHECK_CONTAINS(out, "Summary: 56 rules, 157 macros, 83 lists; 56 enabled, 56 compiled, 0 for every event "
			       "type; 0 errors, 0 warnings\n");
	SK_CHECK_CONTAINS(out, "Plugin requirement container >= 0.4.0: provided natively by Saker");
	SK_CHECK_CONTAINS(out, " execve:24 ");
	SK_CHECK_CONTAINS(out, " open:14 openat:14 openat2:14 ");
	SK_CHECK(strstr(out, "error") == NULL || strstr(out, "0 errors") != NULL);
}

SK_TEST(local_rules_validate_ok)
{
	SK_CHECK_INT(run("-V tests/data/rules/local_rules.yaml"), 0);
	SK_CHECK_CONTAINS(out, "tests/data/rules/local_rules.yaml: Ok\n");
	SK_CHECK_CONTAINS(out, "Summary: 3 rules, 2 macros, 2 lists; 2 enabled, 2 compiled");
	SK_CHECK_CONTAINS(out, "Rules per event type: connect:1 execve:1 execveat:1 syscall:2\n");
}

SK_TEST(overrides_on_top_of_upstream)
{
	SK_CHECK_INT(run("-r " UPSTREAM "falco_rules.yaml -V tests/data/rules/override_upstream.yaml"), 0);
	SK_CHECK_CONTAINS(out, "tests/data/rules/override_upstream.yaml: Ok\n");
	SK_CHECK_CONTAINS(out, "Summary: 25 rules, 87 macros, 49 lists; 24 enabled, 24 compiled");
}

SK_TEST(rules_directory_loads_in_name_order)
{
	SK_CHECK_INT(run("-r tests/data/rules/ordered -V tests/data/rules/local_rules.yaml"), 0);
	SK_CHECK_CONTAINS(out, "Summary: 4 rules, 2 macros, 3 lists; 3 enabled, 3 compiled");
	SK_CHECK_CONTAINS(out, "execve:2 ");
}

SK_TEST(invalid_rules_report_every_error)
{
	SK_CHECK_INT(run("-V tests/data/rules/invalid_rules.yaml"), 1);
	SK_CHECK_CONTAINS(out, "tests/data/rules/invalid_rules.yaml: Invalid\n");
	SK_CHECK_CONTAINS(out, "tests/data/rules/invalid_rules.yaml:4:34: error LOAD_ERR_COMPILE_CONDITION: rule "
			       "\"Unknown field\": unknown field 'proc.nmae'\n"
			       "      condition: evt.type = open and proc.nmae = bash\n"
			       "                                     ^\n");
	SK_CHECK_CONTAINS(out, "invalid_rules.yaml:10:51: error LOAD_ERR_COMPILE_CONDITION: rule \"Bad syntax\": "
			       "expected ')'");
	SK_CHECK_CONTAINS(out, "invalid_rules.yaml:14:3: error LOAD_ERR_VALIDATE: rule \"Appending to nothing\": rule "
			       "'Appending to nothing' is not defined yet: cannot append to it");
	SK_CHECK_CONTAINS(out, "invalid_rules.yaml:22:17: error LOAD_ERR_COMPILE_OUTPUT: rule \"Bad output field\": "
			       "unknown field 'fd.nmae'");
	SK_CHECK_CONTAINS(out, "invalid_rules.yaml:27:43: error LOAD_ERR_COMPILE_CONDITION: rule \"Bad number\": 'ten' "
			       "is not a valid integer for 'fd.num'");
	SK_CHECK_CONTAINS(out, "5 errors");
}

SK_TEST(unreadable_file_is_invalid)
{
	SK_CHECK_INT(run("-V tests/data/rules/does_not_exist.yaml"), 1);
	SK_CHECK_CONTAINS(out, "tests/data/rules/does_not_exist.yaml: Invalid\n");
	SK_CHECK_CONTAINS(out, "error LOAD_ERR_FILE_READ: cannot read rules file");
}

SK_TEST(list_fields)
{
	SK_CHECK_INT(run("--list"), 0);
	SK_CHECK_CONTAINS(out, "\nproc.name ");
	SK_CHECK_CONTAINS(out, "\nfd.name ");
	SK_CHECK_INT(run("--list --json"), 0);
	SK_CHECK(out[0] == '[');
	SK_CHECK_CONTAINS(out, "{\"name\":\"proc.aname\",\"type\":");
	SK_CHECK_CONTAINS(out, "\"arg\":\"index\"}");
}

SK_TEST(help_version_and_bad_options)
{
	SK_CHECK_INT(run("--help"), 0);
	SK_CHECK_CONTAINS(out, "-V, --validate");
	SK_CHECK_INT(run("--version"), 0);
	SK_CHECK_CONTAINS(out, "rules engine version 0.57.0");
	SK_CHECK_INT(run("--bogus"), 2);
	SK_CHECK_CONTAINS(out, "unknown option '--bogus'");
	SK_CHECK_INT(run("-V"), 2);
	SK_CHECK_CONTAINS(out, "option '-V' needs FILE");
	SK_CHECK_INT(run("-o nokey"), 2);
	SK_CHECK_INT(run(""), 2);
}

SK_TEST_MAIN()
