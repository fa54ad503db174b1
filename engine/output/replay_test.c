/* replay_test.c: `saker-engine -e` end to end on every shared capture
 * (and -o engine.kind=replay, Falco's spelling, on one).
 *
 * 1. Differential: for each of Saker's test rules, the text alerts Saker
 *    prints must equal what sysdig prints for the same condition and the
 *    same output fields (`sysdig -r F COND -p "*%evt.time: Warning OUTPUT"`).
 * 2. Golden: the text and JSON alerts of all test rules together, and of
 *    upstream falco_rules.yaml, must equal the files in tests/data/scap/golden/
 *    (regenerate them with SK_UPDATE_GOLDEN=1 after checking the change). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sk_live.h"
#include "sk_strbuf.h"
#include "sk_test.h"

#define SCAP_DIR "../shared/upstream/scap"
#define GOLDEN_DIR "tests/data/scap/golden"

typedef struct test_rule {
	const char *tag;
	const char *condition;
	const char *output;
} test_rule;

/* Each output starts with its tag so one run's lines can be split by rule.
 * The socket and connect rules leave proc.* out: their threads are first
 * seen mid-capture, and how such a field appears in output_fields (null or
 * "<NA>") currently differs between the gcc and clang builds (engine/fields). */
static const test_rule rules[] = {
	{"[etc]", "evt.type in (open, openat) and evt.dir=< and fd.name startswith /etc",
	 "[etc] file below /etc opened (user=%user.name command=%proc.cmdline file=%fd.name fd=%fd.num "
	 "flags=%evt.arg.flags res=%evt.res)"},
	{"[open]", "evt.type in (open, openat) and evt.dir=<",
	 "[open] opened (proc=%proc.name pid=%proc.pid file=%fd.name dir=%fd.directory type=%fd.type res=%evt.res)"},
	{"[connect]", "evt.type=connect and evt.dir=<",
	 "[connect] connection (connection=%fd.name sip=%fd.sip sport=%fd.sport cip=%fd.cip type=%fd.type "
	 "l4=%fd.l4proto res=%evt.res)"},
	{"[exec]", "evt.type=execve and evt.dir=<",
	 "[exec] program run (proc=%proc.name exe=%proc.exe parent=%proc.pname cmdline=%proc.cmdline "
	 "pid=%proc.pid uid=%user.uid)"},
	{"[write]", "evt.type=write and evt.dir=< and fd.type=file",
	 "[write] write (proc=%proc.name file=%fd.name size=%evt.rawres)"},
	{"[close]", "evt.type=close and evt.dir=> and fd.num>=3",
	 "[close] close (proc=%proc.name fd=%fd.num name=%fd.name type=%fd.typechar)"},
	{"[socket]", "evt.type=socket and evt.dir=<", "[socket] socket (fd=%evt.arg.fd res=%evt.res)"},
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static char engine[512];

/* engine: saker-engine under $SAKER_BUILD_DIR (default build/), so that
 * each test also runs alone (SK_TEST_FILTER). */
static void find_engine(void)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	snprintf(engine, sizeof(engine), "%s/bin/saker-engine", build != NULL ? build : "build");
}
static char rules_path[128];

/* Runs cmd and returns its stdout (malloc'ed), NULL on failure to start. */
static char *run(const char *cmd)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *p = popen(cmd, "r");
	if (p == NULL) {
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		sk_strbuf_append(&sb, buf, n);
	}
	pclose(p);
	char *out = strdup(sk_strbuf_str(&sb));
	sk_strbuf_free(&sb);
	return out;
}

static void write_rules_file(void)
{
	FILE *f;
	snprintf(rules_path, sizeof(rules_path), "/tmp/sk_replay_test_%d.yaml", (int)getpid());
	f = fopen(rules_path, "w");
	SK_CHECK(f != NULL);
	if (f == NULL) {
		return;
	}
	for (size_t i = 0; i < NRULES; i++) {
		fprintf(f, "- rule: Saker test %s\n  desc: replay test rule\n  condition: %s\n  output: \"%s\"\n"
			   "  priority: WARNING\n  tags: [saker_test, replay]\n\n",
			rules[i].tag, rules[i].condition, rules[i].output);
	}
	fclose(f);
}

/* The lines of text that start (after "TIME: Warning ") with tag. */
static char *lines_with_tag(const char *text, const char *tag)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	while (*text != '\0') {
		const char *nl = strchr(text, '\n');
		size_t len = nl != NULL ? (size_t)(nl - text) + 1 : strlen(text);
		const char *w = strstr(text, ": Warning ");
		if (w != NULL && w < text + len && strncmp(w + 10, tag, strlen(tag)) == 0) {
			sk_strbuf_append(&sb, text, len);
		}
		text += len;
	}
	char *out = strdup(sk_strbuf_str(&sb));
	sk_strbuf_free(&sb);
	return out;
}

static int first_diff_line(const char *a, const char *b)
{
	int line = 1;
	for (; *a != '\0' && *a == *b; a++, b++) {
		line += *a == '\n';
	}
	return *a == *b ? 0 : line;
}

static void compare_golden(const char *name, const char *suffix, const char *got)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.%s", GOLDEN_DIR, name, suffix);
	if (getenv("SK_UPDATE_GOLDEN") != NULL) {
		FILE *f = fopen(path, "w");
		SK_CHECK(f != NULL);
		if (f != NULL) {
			fputs(got, f);
			fclose(f);
		}
		return;
	}
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "cat '%s' 2>/dev/null", path);
	char *want = run(cmd);
	SK_CHECK(want != NULL);
	if (want != NULL && strcmp(want, got) != 0) {
		fprintf(stderr, "%s: differs from golden %s at line %d\n", name, path, first_diff_line(want, got));
		SK_CHECK(0);
	}
	free(want);
}

static void check_capture(const char *name)
{
	char cmd[2048];
	char cap[256];
	snprintf(cap, sizeof(cap), "%s/%s", SCAP_DIR, name);

	/* All test rules at once, every match (rule_matching: all). */
	snprintf(cmd, sizeof(cmd), "TZ=UTC SAKER_HOSTNAME=golden '%s' -e '%s' -r '%s' -o rule_matching=all 2>/dev/null",
		 engine, cap, rules_path);
	char *text = run(cmd);
	snprintf(cmd, sizeof(cmd),
		 "TZ=UTC SAKER_HOSTNAME=golden '%s' -e '%s' -r '%s' -o rule_matching=all -o json_output=true 2>/dev/null",
		 engine, cap, rules_path);
	char *json = run(cmd);
	SK_CHECK(text != NULL && json != NULL);
	if (text == NULL || json == NULL) {
		free(text);
		free(json);
		return;
	}
	for (size_t i = 0; i < NRULES; i++) {
		snprintf(cmd, sizeof(cmd), "TZ=UTC sysdig -r '%s' '%s' -p '*%%evt.time: Warning %s' 2>/dev/null", cap,
			 rules[i].condition, rules[i].output);
		char *want = run(cmd);
		char *got = lines_with_tag(text, rules[i].tag);
		SK_CHECK(want != NULL);
		if (want != NULL && strcmp(want, got) != 0) {
			fprintf(stderr, "%s %s: differs from sysdig at line %d\n--- sysdig\n%.600s\n--- saker\n%.600s\n",
				name, rules[i].tag, first_diff_line(want, got), want, got);
			SK_CHECK(0);
		}
		free(want);
		free(got);
	}
	compare_golden(name, "test_rules.txt", text);
	compare_golden(name, "test_rules.json", json);
	free(text);
	free(json);

	/* Upstream Falco rules, text and JSON. */
	snprintf(cmd, sizeof(cmd),
		 "TZ=UTC SAKER_HOSTNAME=golden '%s' -e '%s' -r ../shared/upstream/rules/falco_rules.yaml 2>&1", engine,
		 cap);
	text = run(cmd);
	snprintf(cmd, sizeof(cmd),
		 "TZ=UTC SAKER_HOSTNAME=golden '%s' -e '%s' -r ../shared/upstream/rules/falco_rules.yaml "
		 "-o json_output=true 2>&1",
		 engine, cap);
	json = run(cmd);
	SK_CHECK(text != NULL && json != NULL && strstr(text, "Events read: ") != NULL);
	if (text != NULL && json != NULL) {
		compare_golden(name, "falco_rules.txt", text);
		compare_golden(name, "falco_rules.json", json);
	}
	free(text);
	free(json);
}

SK_TEST(replay_matches_sysdig_and_golden_files)
{
	DIR *d;
	struct dirent *de;
	int captures = 0;

	find_engine();
	SK_CHECK(access(engine, X_OK) == 0);
	write_rules_file();
	d = opendir(SCAP_DIR);
	SK_CHECK(d != NULL);
	while (d != NULL && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n > 5 && strcmp(de->d_name + n - 5, ".scap") == 0) {
			check_capture(de->d_name);
			captures++;
		}
	}
	if (d != NULL) {
		closedir(d);
	}
	SK_CHECK(captures >= 6);
	unlink(rules_path);
}

SK_TEST(replay_reports_bad_input)
{
	char cmd[1024];
	find_engine();
	snprintf(cmd, sizeof(cmd), "'%s' -e /nonexistent.scap -r '%s' 2>&1; echo rc=$?", engine, rules_path);
	write_rules_file();
	char *out = run(cmd);
	SK_CHECK_CONTAINS(out, "/nonexistent.scap: cannot read capture");
	SK_CHECK_CONTAINS(out, "rc=1");
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' -e %s/cat_write.scap 2>&1; echo rc=$?", engine, SCAP_DIR);
	out = run(cmd);
	SK_CHECK_CONTAINS(out, "no rules");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' -e %s/cat_write.scap -r '%s' -o json_output=perhaps 2>&1; echo rc=$?", engine,
		 SCAP_DIR, rules_path);
	out = run(cmd);
	SK_CHECK_CONTAINS(out, "json_output: expected true or false, got 'perhaps'");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	/* A capture cut in the middle: the alerts so far, then the offset. */
	snprintf(cmd, sizeof(cmd),
		 "gzip -dc %s/cat_write.scap | head -c 103000 > /tmp/sk_replay_cut_%d.scap; '%s' -e /tmp/sk_replay_cut_%d.scap "
		 "-r '%s' 2>&1; echo rc=$?; rm -f /tmp/sk_replay_cut_%d.scap",
		 SCAP_DIR, (int)getpid(), engine, (int)getpid(), rules_path, (int)getpid());
	out = run(cmd);
	SK_CHECK_CONTAINS(out, "[etc] file below /etc opened");
	SK_CHECK_CONTAINS(out, "input truncated");
	SK_CHECK_CONTAINS(out, "ends inside a block");
	SK_CHECK_CONTAINS(out, "rc=1");
	free(out);
	unlink(rules_path);
}

/* Falco's way of replaying, engine.kind=replay with the file in
 * engine.replay.capture_file, gives what -e gives. */
SK_TEST(replay_through_engine_kind)
{
	char cmd[1024];
	find_engine();
	write_rules_file();
	snprintf(cmd, sizeof(cmd), "'%s' -e %s/cat_write.scap -r '%s' 2>&1; echo rc=$?", engine, SCAP_DIR, rules_path);
	char *by_flag = run(cmd);
	snprintf(cmd, sizeof(cmd),
		 "'%s' -o engine.kind=replay -o engine.replay.capture_file=%s/cat_write.scap -r '%s' 2>&1; echo rc=$?",
		 engine, SCAP_DIR, rules_path);
	char *by_kind = run(cmd);
	SK_CHECK_CONTAINS(by_kind, "[etc] file below /etc opened");
	SK_CHECK_CONTAINS(by_kind, "rc=0");
	SK_CHECK_STR(by_kind, by_flag);
	free(by_flag);
	free(by_kind);
	snprintf(cmd, sizeof(cmd), "'%s' -o engine.kind=replay -r '%s' 2>&1; echo rc=$?", engine, rules_path);
	char *out = run(cmd);
	SK_CHECK_CONTAINS(out, "engine.replay.capture_file is empty");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	unlink(rules_path);
}

/* Which of the three selection rules alerted in out: "e" (etc open),
 * "x" (exec), "c" (close), in that order. */
static const char *which_alerted(const char *out)
{
	static char got[4];
	snprintf(got, sizeof(got), "%s%s%s", strstr(out, "sel-etc ") ? "e" : "", strstr(out, "sel-exec ") ? "x" : "",
		 strstr(out, "sel-close ") ? "c" : "");
	return got;
}

/* falco.yaml's `rules` selection, from a file, from a config_files file
 * (appended, Falco's default strategy) and from -o, on a real replay. */
SK_TEST(rules_selection_enables_and_disables)
{
	char dir[] = "/tmp/sk_replay_sel_XXXXXX", sel_rules[128], conf[128], confd[128], extra[160], text[256];
	char cmd[1024];
	find_engine();
	SK_CHECK(mkdtemp(dir) != NULL);
	snprintf(sel_rules, sizeof(sel_rules), "%s/rules.yaml", dir);
	snprintf(conf, sizeof(conf), "%s/saker.yaml", dir);
	snprintf(confd, sizeof(confd), "%s/config.d", dir);
	snprintf(extra, sizeof(extra), "%s/config.d/10-process.yaml", dir);
	SK_CHECK(sk_live_write_file(
		sel_rules,
		"- rule: Sel etc open\n  desc: d\n  condition: evt.type in (open, openat) and evt.dir=< and fd.name "
		"startswith /etc\n  output: \"sel-etc %fd.name\"\n  priority: WARNING\n  tags: [filesystem, sel]\n"
		"- rule: Sel exec\n  desc: d\n  condition: evt.type=execve and evt.dir=<\n"
		"  output: \"sel-exec %proc.name\"\n  priority: WARNING\n  tags: [process, sel]\n"
		"- rule: Sel close\n  desc: d\n  condition: evt.type=close and evt.dir=> and fd.num>=3\n"
		"  output: \"sel-close %fd.name\"\n  priority: WARNING\n  tags: [filesystem]\n"));
	SK_CHECK(mkdir(confd, 0755) == 0);
	snprintf(text, sizeof(text),
		 "rules:\n  - disable:\n      rule: \"*\"\n  - enable:\n      rule: Sel c*\nconfig_files: [%s]\n", confd);
	SK_CHECK(sk_live_write_file(conf, text));

	static const struct {
		const char *args;
		const char *want;
	} cases[] = {
		{"", "exc"},
		{"-o 'rules[].disable.tag=filesystem'", "x"},
		{"-o 'rules[].disable.rule=*' -o 'rules[].enable.tag=sel' -o 'rules[].disable.rule=Sel e*c'", "e"},
		{"-c CONF", "c"},
		{"-c CONF -o 'rules[].enable.rule=Sel etc open'", "ec"},
		/* a config_files file appends its entries (append strategy) */
		{"-c CONF EXTRA:rules: [{enable: {tag: process}}]", "xc"},
		/* a malformed entry stops the start and says where */
		{"-c CONF EXTRA:priority: debug\nrules:\n  - enable: process\n", "10-process.yaml:3: rules: expected"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *extra_text = strstr(cases[i].args, " EXTRA:");
		bool with_conf = strncmp(cases[i].args, "-c CONF", 7) == 0;
		if (extra_text != NULL) {
			SK_CHECK(sk_live_write_file(extra, extra_text + 7));
		}
		snprintf(cmd, sizeof(cmd), "'%s' -e %s/cat_write.scap -r '%s' %s%s %s 2>&1; echo rc=$?", engine, SCAP_DIR,
			 sel_rules, with_conf ? "-c " : "", with_conf ? conf : "",
			 with_conf ? (extra_text != NULL ? "" : cases[i].args + 7) : cases[i].args);
		char *out = run(cmd);
		if (strchr(cases[i].want, ':') != NULL) {
			SK_CHECK_CONTAINS(out, cases[i].want);
			SK_CHECK_CONTAINS(out, "rc=2");
		} else {
			SK_CHECK_STR(which_alerted(out), cases[i].want);
			SK_CHECK_CONTAINS(out, "rc=0");
		}
		free(out);
	}
	sk_live_remove_dir(dir);
}

/* append_output's suggested_output on a host process: the fields Falco's
 * container plugin suggests, in its order, and their output_fields (the
 * keys sorted, so in two runs around the others). */
#define SUGGESTED_ON_HOST                                                                                  \
	"container_id=host container_name=host container_image_repository=<NA> container_image_tag=<NA> " \
	"k8s_pod_name=<NA> k8s_ns_name=<NA>"
#define SUGGESTED_FIELDS_A                                                                                 \
	"\"container.id\":\"host\",\"container.image.repository\":null,\"container.image.tag\":null,"      \
	"\"container.name\":\"host\","
#define SUGGESTED_FIELDS_K "\"k8s.ns.name\":null,\"k8s.pod.name\":null,"

/* falco.yaml's append_output on a replay: extra_output joins the text of
 * the rules an entry matches (by tag, by rule and source; an entry for
 * another source matches none), extra_fields join output_fields only (a
 * field with its value, a name with a format's text, ${HOME} expanded),
 * and an unknown field stops the start. */
SK_TEST(append_output_extends_outputs)
{
	char dir[] = "/tmp/sk_replay_ao_XXXXXX", ao_rules[128], conf[128], text[1024], cmd[1024];
	find_engine();
	SK_CHECK(mkdtemp(dir) != NULL);
	snprintf(ao_rules, sizeof(ao_rules), "%s/rules.yaml", dir);
	snprintf(conf, sizeof(conf), "%s/saker.yaml", dir);
	SK_CHECK(sk_live_write_file(
		ao_rules, "- rule: AO exec\n  desc: d\n  condition: evt.type=execve and evt.dir=<\n"
			  "  output: \"ao-exec %proc.name\"\n  priority: WARNING\n  tags: [process]\n"
			  "- rule: AO etc\n  desc: d\n  condition: evt.type in (open, openat) and evt.dir=< and "
			  "fd.name startswith /etc\n  output: \"ao-etc %fd.name\"\n  priority: WARNING\n"
			  "  tags: [filesystem]\n"));
	SK_CHECK(sk_live_write_file(
		conf, "append_output:\n  - suggested_output: true\n  - match:\n      tags: [process]\n"
		      "    extra_output: \"parent=%proc.pname\"\n    extra_fields:\n      - evt.type\n"
		      "      - home_directory: \"${HOME}\"\n      - cmd: \"%proc.cmdline (pid %proc.pid)\"\n"
		      "  - match:\n      rule: AO etc\n      source: syscall\n    extra_output: \"by %proc.name\"\n"
		      "  - match:\n      source: k8s_audit\n    extra_output: never\n"));
	snprintf(cmd, sizeof(cmd), "HOME=/home/ao '%s' -e %s/cat_write.scap -r '%s' -c '%s' 2>&1", engine, SCAP_DIR,
		 ao_rules, conf);
	char *out = run(cmd);
	/* suggested_output's fields stand where its entry stands: first */
	SK_CHECK_CONTAINS(out, ": Warning ao-exec cat " SUGGESTED_ON_HOST " parent=bash\n");
	SK_CHECK_CONTAINS(out, ": Warning ao-etc /etc/ld.so.cache " SUGGESTED_ON_HOST " by cat\n");
	SK_CHECK(strstr(out, "never") == NULL);
	free(out);
	snprintf(cmd, sizeof(cmd), "HOME=/home/ao '%s' -e %s/cat_write.scap -r '%s' -c '%s' -o json_output=true 2>&1",
		 engine, SCAP_DIR, ao_rules, conf);
	out = run(cmd);
	SK_CHECK_CONTAINS(out, "\"output_fields\":{\"cmd\":\"cat /dev/null (pid 20072)\"," SUGGESTED_FIELDS_A
			       "\"evt.type\":\"execve\",\"home_directory\":\"/home/ao\"," SUGGESTED_FIELDS_K
			       "\"proc.name\":\"cat\",\"proc.pname\":\"bash\"}");
	SK_CHECK_CONTAINS(out, "\"output_fields\":{" SUGGESTED_FIELDS_A "\"fd.name\":\"/etc/ld.so.cache\","
			       SUGGESTED_FIELDS_K "\"proc.name\":\"cat\"}");
	free(out);
	snprintf(text, sizeof(text), "append_output:\n  - extra_output: ok\n  - extra_fields: [proc.nosuch]\n");
	SK_CHECK(sk_live_write_file(conf, text));
	snprintf(cmd, sizeof(cmd), "'%s' -e %s/cat_write.scap -r '%s' -c '%s' 2>&1; echo rc=$?", engine, SCAP_DIR,
		 ao_rules, conf);
	out = run(cmd);
	SK_CHECK_CONTAINS(out, "append_output entry 2: extra_fields field '%proc.nosuch'");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	sk_live_remove_dir(dir);
}

/* falco.yaml's static_fields: static.<name> in a condition and an output;
 * with append_output's suggested_output every rule's output ends with the
 * container plugin's suggested fields, then static_<name>=<value>, and its
 * output_fields carry static.<name>; -o
 * sets one; a rule naming one static_fields does not set is refused with
 * file:line:col; a name that cannot be a field stops the start with where. */
SK_TEST(static_fields_in_conditions_and_outputs)
{
	char dir[] = "/tmp/sk_replay_sf_XXXXXX", sf_rules[128], conf[128], cmd[1024];
	find_engine();
	SK_CHECK(mkdtemp(dir) != NULL);
	snprintf(sf_rules, sizeof(sf_rules), "%s/rules.yaml", dir);
	snprintf(conf, sizeof(conf), "%s/saker.yaml", dir);
	SK_CHECK(sk_live_write_file(
		sf_rules, "- rule: SF exec\n  desc: d\n  condition: evt.type=execve and evt.dir=< and static.env=prod\n"
			  "  output: \"sf-exec %proc.name in %static.env\"\n  priority: WARNING\n"
			  "- rule: SF never\n  desc: d\n  condition: evt.type=execve and evt.dir=< and static.env=dev\n"
			  "  output: \"sf-never\"\n  priority: WARNING\n"));
	SK_CHECK(sk_live_write_file(conf, "static_fields:\n  env: prod\n  cluster: ${SF_CLUSTER}\n"));
	snprintf(cmd, sizeof(cmd), "SF_CLUSTER=eu-1 '%s' -e %s/cat_write.scap -r '%s' -c '%s' 2>&1", engine, SCAP_DIR,
		 sf_rules, conf);
	char *out = run(cmd);
	SK_CHECK_CONTAINS(out, ": Warning sf-exec cat in prod\n");
	SK_CHECK(strstr(out, "sf-never") == NULL);
	free(out);

	SK_CHECK(sk_live_write_file(conf, "static_fields:\n  env: prod\n  cluster: ${SF_CLUSTER}\n"
					  "append_output:\n  - suggested_output: true\n"));
	snprintf(cmd, sizeof(cmd), "SF_CLUSTER=eu-1 '%s' -e %s/cat_write.scap -r '%s' -c '%s' -o json_output=true 2>&1",
		 engine, SCAP_DIR, sf_rules, conf);
	out = run(cmd);
	SK_CHECK_CONTAINS(out,
			  ": Warning sf-exec cat in prod " SUGGESTED_ON_HOST " static_env=prod static_cluster=eu-1\"");
	SK_CHECK_CONTAINS(out, "\"output_fields\":{" SUGGESTED_FIELDS_A SUGGESTED_FIELDS_K "\"proc.name\":\"cat\","
			       "\"static.cluster\":\"eu-1\",\"static.env\":\"prod\"}");
	free(out);

	/* -o static_fields.<name>: dev instead of prod, so the other rule */
	snprintf(cmd, sizeof(cmd), "'%s' -e %s/cat_write.scap -r '%s' -c '%s' -o static_fields.env=dev 2>&1", engine,
		 SCAP_DIR, sf_rules, conf);
	out = run(cmd);
	SK_CHECK_CONTAINS(out, ": Warning sf-never " SUGGESTED_ON_HOST " static_env=dev static_cluster=\n");
	SK_CHECK(strstr(out, "sf-exec") == NULL);
	free(out);

	/* a static field static_fields does not set: the rule is refused, as
	 * in Falco, at its place in the file */
	SK_CHECK(sk_live_write_file(sf_rules, "- rule: SF unset\n  desc: d\n  condition: evt.type=execve and "
					      "static.unset=x\n  output: o\n  priority: WARNING\n"));
	snprintf(cmd, sizeof(cmd), "'%s' -e %s/cat_write.scap -r '%s' -c '%s' 2>&1; echo rc=$?", engine, SCAP_DIR,
		 sf_rules, conf);
	out = run(cmd);
	SK_CHECK_CONTAINS(out, "rules.yaml:3:");
	SK_CHECK_CONTAINS(out, "unknown field 'static.unset' (static_fields does not set 'unset')");
	SK_CHECK(strstr(out, "rc=0") == NULL);
	free(out);

	SK_CHECK(sk_live_write_file(conf, "static_fields:\n  \"bad name\": x\n"));
	snprintf(cmd, sizeof(cmd), "'%s' -e %s/cat_write.scap -r '%s' -c '%s' 2>&1; echo rc=$?", engine, SCAP_DIR,
		 sf_rules, conf);
	out = run(cmd);
	SK_CHECK_CONTAINS(out, "saker.yaml:2");
	SK_CHECK_CONTAINS(out, "static_fields: 'bad name': want letters, digits");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	sk_live_remove_dir(dir);
}

SK_TEST_MAIN()
