/* cli_test: Falco's command-line conveniences on saker-engine, run as a
 * user types them: -L and -l (text and JSON), --dry-run (good and broken
 * configuration and rules), --list -N, --list=SOURCE, --markdown,
 * --list-events, --list-plugins, --page-size, -M with -P in live mode,
 * capture files started by alerts, buffer_format_base64 against sysdig -b,
 * output widths against sysdig -p, transformers (concat and join too) in
 * conditions and outputs, Falco's structured -o forms and deprecated -p,
 * --support, and bad arguments.
 * Bounded: every run has a 20 s timeout(1), the wait for the pid file 5 s. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sk_live.h"
#include "sk_strbuf.h"
#include "sk_test.h"

static char dir[] = "/tmp/sk_cli_XXXXXX";
static char rules[128];

static char engine_path[1024];
static char cat_write[1024]; /* upstream captures */
static char io_scap[1024], sample_scap[1024];

/* Runs a shell command line in the test directory and returns stdout and
 * stderr together, ending with "rc=N" (malloc'ed). */
static char *run(const char *line)
{
	char buf[4096];
	sk_strbuf out = SK_STRBUF_INIT, cmd = SK_STRBUF_INIT;
	sk_strbuf_printf(&cmd, "cd '%s' && { timeout 20 %s; } 2>&1; echo rc=$?", dir, line);
	FILE *p = popen(sk_strbuf_str(&cmd), "r");
	sk_strbuf_free(&cmd);
	for (size_t n = 1; p != NULL && n > 0;) {
		n = fread(buf, 1, sizeof(buf), p);
		sk_strbuf_append(&out, buf, n);
	}
	if (p != NULL) {
		pclose(p);
	}
	char *text = strdup(sk_strbuf_str(&out));
	sk_strbuf_free(&out);
	return text;
}

/* Runs saker-engine with args (a shell fragment); as run(). */
static char *engine(const char *args)
{
	sk_strbuf line = SK_STRBUF_INIT;
	sk_strbuf_printf(&line, "'%s' %s", engine_path, args);
	char *out = run(sk_strbuf_str(&line));
	sk_strbuf_free(&line);
	return out;
}

SK_TEST(list_and_describe_rules)
{
	char *out = engine("-L -r rules.yaml");
	SK_CHECK_CONTAINS(out, "Rule                 Description\n");
	SK_CHECK_CONTAINS(out, "Shell in a container A shell started in a container. Rare in production.\n");
	SK_CHECK_CONTAINS(out, "Read of shadow       The password hash file read.\n");
	SK_CHECK(strstr(out, "Disabled one") == NULL); /* enabled: false */
	SK_CHECK_CONTAINS(out, "rc=0");
	free(out);
	/* the rules selection applies, as at a start */
	out = engine("-L -r rules.yaml -o 'rules[].disable.tag=shell'");
	SK_CHECK(strstr(out, "Shell in a container") == NULL);
	SK_CHECK_CONTAINS(out, "Read of shadow");
	free(out);
	out = engine("-l 'Read of shadow' -r rules.yaml -o json_output=true");
	SK_CHECK_CONTAINS(out, "[\n{\"name\":\"Read of shadow\",\"desc\":\"The password hash file read.\","
			       "\"priority\":\"Warning\",\"source\":\"syscall\",\"tags\":[\"filesystem\"]}\n]\nrc=0");
	free(out);
	out = engine("-l 'Disabled one' -r rules.yaml");
	SK_CHECK_CONTAINS(out, "no loaded rule is named 'Disabled one'");
	SK_CHECK_CONTAINS(out, "rc=1");
	free(out);
}

SK_TEST(dry_run_checks_configuration_and_rules)
{
	char *out = engine("--dry-run -A -r rules.yaml"); /* -A as Falco's command lines carry it */
	SK_CHECK_CONTAINS(out, "dry run: configuration read, 2 rules loaded");
	SK_CHECK_CONTAINS(out, "rc=0");
	free(out);
	out = engine("--dry-run -r broken.yaml");
	SK_CHECK_CONTAINS(out, "broken.yaml:4:");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	out = engine("--dry-run -r rules.yaml -o priority=loud");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	out = engine("--dry-run -r rules.yaml -o 'append_output[].extra_output=x'");
	SK_CHECK_CONTAINS(out, "unknown configuration key");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
}

SK_TEST(listings)
{
	char *out = engine("--list -N");
	SK_CHECK(strncmp(out, "evt.num\n", 8) == 0);
	SK_CHECK_CONTAINS(out, "\nproc.name\n");
	SK_CHECK(strstr(out, " ") == NULL);
	free(out);
	out = engine("--list-events");
	SK_CHECK(strncmp(out, "Syscall events:\n", 16) == 0);
	SK_CHECK_CONTAINS(out, "\n< execve(");
	SK_CHECK_CONTAINS(out, "\nTracepoint events:\n");
	SK_CHECK_CONTAINS(out, "\n> procexit(");
	SK_CHECK_CONTAINS(out, "\nMetaevents:\n");
	free(out);
	/* Falco's --list=SOURCE, --markdown and --list-plugins: each output's
	 * start, and a line further in */
	static const struct {
		const char *args, *head, *inside;
	} lists[] = {
		{"--list=syscall --markdown", "Name | Type | Description\n:----|:-----|:-----------\n`evt.num` | UINT64 | ",
		 "\n`proc.name` | CHARBUF | "},
		{"--list=k8s_audit", "", "--list=k8s_audit: Saker's one event source is syscall (it loads no Falco plugins)"
					 "\nrc=2"},
		{"--list-events --markdown", "## Syscall events\n\nDir | Name | Params\n", "\n&lt; | execve | "},
		{"--list-plugins", "0 Plugins Loaded:\n", "built into the engine.\nrc=0"},
	};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		out = engine(lists[i].args);
		SK_CHECK(strncmp(out, lists[i].head, strlen(lists[i].head)) == 0);
		SK_CHECK_CONTAINS(out, lists[i].inside);
		free(out);
	}
	out = engine("--page-size");
	char want[64];
	snprintf(want, sizeof(want), "Your system page size is: %ld bytes\nrc=0", sysconf(_SC_PAGESIZE));
	SK_CHECK_CONTAINS(out, want);
	free(out);
}

SK_TEST(live_stops_after_M_seconds_and_keeps_a_pidfile)
{
	char cmd[1024], pidfile[160];
	snprintf(pidfile, sizeof(pidfile), "%s/saker.pid", dir);
	/* the pid file exists while it runs, and is gone afterwards */
	snprintf(cmd, sizeof(cmd),
		 "-r rules.yaml --events ipc://%s/e.sock --control ipc://%s/c.sock -M 4 -P '%s' & "
		 "for i in $(seq 50); do [ -s '%s' ] && break; sleep 0.1; done; cat '%s'; wait $!",
		 dir, dir, pidfile, pidfile, pidfile);
	char *out = engine(cmd);
	SK_CHECK_CONTAINS(out, "listening for saker-capture");
	SK_CHECK_CONTAINS(out, "stopping: draining outputs");
	SK_CHECK_CONTAINS(out, "rc=0");
	long pid = 0;
	const char *nl = strchr(out, '\n');
	for (const char *line = out; line != NULL && *line != '\0' && pid == 0; line = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		pid = strtol(line, NULL, 10); /* the line cat printed */
	}
	SK_CHECK(pid > 1);
	SK_CHECK(access(pidfile, F_OK) != 0);
	free(out);
	out = engine("-r rules.yaml -M soon");
	SK_CHECK_CONTAINS(out, "-M expects a number of seconds");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	snprintf(cmd, sizeof(cmd), "-r rules.yaml --events ipc://%s/e.sock --control ipc://%s/c.sock "
		 "-P /nonexistent-dir/x.pid -M 5", dir, dir);
	out = engine(cmd);
	SK_CHECK_CONTAINS(out, "-P /nonexistent-dir/x.pid: cannot write the pid file: No such file or directory");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
}

/* syscall_event_timeouts.max_consecutives: receives without an event (no
 * saker-capture here) raise Debug timeouts notifications; the default
 * (1000, about 200 s) stays quiet in 3 s. */
SK_TEST(event_timeouts_notify)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "-r rules.yaml --events ipc://%s/e.sock --control ipc://%s/c.sock -M 3 -o json_output=true "
		 "-o syscall_event_timeouts.max_consecutives=5",
		 dir, dir);
	char *out = engine(cmd);
	SK_CHECK_CONTAINS(out, ": Debug Saker internal: timeouts notification. 5 consecutive timeouts without event.\","
			       "\"output_fields\":{\"last_event_time\":\"none\"},\"priority\":\"Debug\",\"rule\":"
			       "\"Saker internal: timeouts notification\",\"source\":\"internal\"");
	SK_CHECK_CONTAINS(out, "rc=0");
	free(out);
	snprintf(cmd, sizeof(cmd), "-r rules.yaml --events ipc://%s/e.sock --control ipc://%s/c.sock -M 3", dir, dir);
	out = engine(cmd);
	SK_CHECK(strstr(out, "timeouts notification") == NULL);
	SK_CHECK_CONTAINS(out, "rc=0");
	free(out);
}

/* Lines of text that contain needle, each ending in '\n', in order. */
static void lines_with(const char *text, const char *needle, sk_strbuf *out)
{
	for (const char *at = strstr(text, needle); at != NULL; at = strstr(at + 1, needle)) {
		const char *start = at;
		while (start > text && start[-1] != '\n') {
			start--;
		}
		const char *end = strchr(at, '\n');
		size_t len = end != NULL ? (size_t)(end - start) + 1 : strlen(start);
		sk_strbuf_append(out, start, len);
		at = start + len - 1;
	}
}

/* Runs saker-engine with engine_args and the shell line sysdig_line; the
 * lines holding needle must be there and the same in both. */
static void check_same_lines(const char *engine_args, const char *sysdig_line, const char *needle)
{
	char *ours = engine(engine_args);
	char *theirs = run(sysdig_line);
	sk_strbuf a = SK_STRBUF_INIT, b = SK_STRBUF_INIT;
	lines_with(ours, needle, &a);
	lines_with(theirs, needle, &b);
	SK_CHECK(a.len > 0);
	SK_CHECK_STR(sk_strbuf_str(&a), sk_strbuf_str(&b));
	sk_strbuf_free(&a);
	sk_strbuf_free(&b);
	free(ours);
	free(theirs);
}

/* falco.yaml's capture as a user turns it on: a replay whose alert starts
 * a file, which sysdig reads and whose own replay gives the same alerts. */
SK_TEST(capture_files_from_alerts)
{
	char cmd[1536];
	snprintf(cmd, sizeof(cmd),
		 "-e '%s' -r capture_rules.yaml -o capture.enabled=true -o capture.path_prefix=%s/cap "
		 "-o capture.default_duration=100",
		 cat_write, dir);
	char *out = engine(cmd);
	SK_CHECK_CONTAINS(out, "capture: rule 'cat opens' started ");
	SK_CHECK_CONTAINS(out, "closed, its duration passed: ");
	SK_CHECK_CONTAINS(out, "Events read: 345, alerts: 4");
	SK_CHECK_CONTAINS(out, "rc=0");
	sk_strbuf live = SK_STRBUF_INIT, replayed = SK_STRBUF_INIT;
	lines_with(out, "Warning cat opened ", &live);
	free(out);
	/* one file, named after the first alert's event (number 141) */
	out = run("sh -c 'ls cap_*_00000000000000000141.scap | wc -l; sysdig -r cap_*.scap | wc -l'");
	SK_CHECK_CONTAINS(out, "1\n75\n");
	free(out);
	out = engine("-e cap_*.scap -r capture_rules.yaml");
	SK_CHECK_CONTAINS(out, "Events read: 75, alerts: 4");
	lines_with(out, "Warning cat opened ", &replayed);
	SK_CHECK(live.len > 0);
	SK_CHECK_STR(sk_strbuf_str(&replayed), sk_strbuf_str(&live));
	free(out);
	/* capture.mode takes Falco's two words only */
	out = engine("--dry-run -r capture_rules.yaml -o capture.mode=some_rules");
	SK_CHECK_CONTAINS(out, "capture.mode: expected rules or all_rules, got 'some_rules'");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
	sk_strbuf_free(&live);
	sk_strbuf_free(&replayed);
}

/* --support: one JSON document with the configuration file and every rules
 * file as loaded (a directory's files each). */
SK_TEST(support_prints_one_json_document)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "sh -c \"'%s' --support -c support.yaml -r rules.yaml | python3 check_support.py\"",
		 engine_path);
	char *out = run(cmd);
	SK_CHECK_CONTAINS(out, "True Linux priority: notice ['rules.yaml'] True True\nrc=0");
	free(out);
}

/* falco.yaml's buffer_format_base64 renders buffers as sysdig -b does,
 * and without it as sysdig does by default ('.' for unprintable bytes). */
SK_TEST(buffer_format_base64_renders_buffers_as_sysdig)
{
	static const char *const modes[][2] = {{"", ""}, {"-o buffer_format_base64=true", "-b"}};
	for (size_t m = 0; m < 2; m++) {
		for (int f = 0; f < 2; f++) {
			const char *scap = f == 0 ? io_scap : sample_scap;
			char cmd[1536];
			snprintf(cmd, sizeof(cmd), "-e '%s' -r io_rules.yaml %s", scap, modes[m][0]);
			char theirs[1536];
			snprintf(theirs, sizeof(theirs),
				 "sysdig -r '%s' %s -p '%%evt.time: Warning buf=%%evt.buffer data=%%evt.arg.data' "
				 "'evt.type in (write, read, sendto, recvfrom) and evt.dir=<'",
				 scap, modes[m][1]);
			check_same_lines(cmd, theirs, ": Warning buf=");
		}
	}
}

/* Output widths (%8proc.name) print as sysdig -p prints them; transformers
 * in outputs (Falco 0.38+) print transformed and add their own
 * output_fields entry beside the field's. */
SK_TEST(output_widths_and_transformers)
{
	char cmd[1536];
	snprintf(cmd, sizeof(cmd), "-e '%s' -r width_rules.yaml", cat_write);
	char theirs[1536];
	snprintf(theirs, sizeof(theirs),
		 "sysdig -r '%s' -p '%%evt.time: Warning [%%8proc.name] [%%3fd.name] [%%12evt.num]' "
		 "'evt.type=open and evt.dir=<'", cat_write);
	check_same_lines(cmd, theirs, ": Warning [");

	snprintf(cmd, sizeof(cmd), "-e '%s' -r xform_rules.yaml -o json_output=true", cat_write);
	char *out = engine(cmd);
	SK_CHECK_CONTAINS(out, "\"output\":\"16:17:57.881785348: Warning CAT opened ld.so.cache (16 bytes)\"");
	SK_CHECK_CONTAINS(out, "\"output_fields\":{\"basename(fd.name)\":\"ld.so.cache\",\"fd.name\":\"/etc/ld.so.cache\","
			       "\"len(fd.name)\":16,\"proc.name\":\"cat\",\"toupper(proc.name)\":\"CAT\"}");
	SK_CHECK_CONTAINS(out, "rc=0");
	free(out);
	/* libsinsp's concat and join, in a condition and an output */
	snprintf(cmd, sizeof(cmd), "-e '%s' -r calls_rules.yaml -o json_output=true", cat_write);
	out = engine(cmd);
	SK_CHECK_CONTAINS(out, "\"output\":\"16:17:57.881785348: Warning CAT->BASH\",\"output_fields\":{"
			       "\"proc.name\":\"cat\",\"proc.pname\":\"bash\","
			       "\"toupper(join(->,(proc.name,proc.pname)))\":\"CAT->BASH\"}");
	SK_CHECK_CONTAINS(out, "Events read: 345, alerts: 1\n");
	free(out);
	out = engine("-V bad_xform_rules.yaml");
	SK_CHECK_CONTAINS(out, "bad_xform_rules.yaml:4:19: error LOAD_ERR_COMPILE_OUTPUT: rule \"r\": transformer "
			       "'toupper' cannot be applied to 'evt.num' (type UINT64)");
	SK_CHECK_CONTAINS(out, "rc=1");
	free(out);
}

/* Falco's -o forms from its docs and event-generator's: a list item in
 * JSON (append_output[]={...}), a whole list, and the Falco keys Saker does
 * not use, which are ignored with a warning instead of stopping the start. */
SK_TEST(structured_options_as_falco_takes_them)
{
	char cmd[1536];
	snprintf(cmd, sizeof(cmd),
		 "-e '%s' -o 'rules_files=[width_rules.yaml]' -o json_output=true -o load_plugins[]=container "
		 "-o 'plugins[]={\"name\": \"container\", \"library_path\": \"libcontainer.so\"}' "
		 "-o 'append_output[]={\"match\": {\"source\": \"syscall\"}, \"extra_fields\": [\"proc.pid\"], "
		 "\"extra_output\": \"by %%proc.name\"}'",
		 cat_write);
	char *out = engine(cmd);
	SK_CHECK_CONTAINS(out, "warning: -o load_plugins[]: a Falco key Saker does not use; ignored");
	SK_CHECK_CONTAINS(out, "warning: -o plugins[]: a Falco key Saker does not use; ignored");
	SK_CHECK_CONTAINS(out, "[141         ] by cat\",\"output_fields\":{\"evt.num\":141,\"fd.name\":\"/etc/ld.so.cache\","
			       "\"proc.name\":\"cat\",\"proc.pid\":20072}");
	SK_CHECK_CONTAINS(out, "rc=0");
	free(out);
	/* Falco's deprecated -p: a format joins every output; -pk adds nothing */
	snprintf(cmd, sizeof(cmd), "-e '%s' -r width_rules.yaml -p 'pid=%%proc.pid' -M 1", cat_write);
	out = engine(cmd);
	SK_CHECK_CONTAINS(out, "warning: -p is deprecated, as in Falco");
	SK_CHECK_CONTAINS(out, "[141         ] pid=20072\n");
	free(out);
	snprintf(cmd, sizeof(cmd), "-e '%s' -r width_rules.yaml -pk", cat_write);
	out = engine(cmd);
	SK_CHECK_CONTAINS(out, "[141         ]\n");
	free(out);
	out = engine("--dry-run -r width_rules.yaml -o 'append_output[]={\"match\": {\"tag\": \"x\"}}'");
	SK_CHECK_CONTAINS(out, "error: configuration: append_output: match.tag is none of rule, source, tags");
	SK_CHECK_CONTAINS(out, "rc=2");
	free(out);
}

/* out (1024 bytes): the absolute path of a shared upstream capture. */
static void upstream_scap(char *out, const char *name)
{
	char cwd[512];
	snprintf(out, 1024, "%s/../shared/upstream/scap/%s", getcwd(cwd, sizeof(cwd)) != NULL ? cwd : ".", name);
}

/* Writes text to name in the test directory. */
static bool write_in_dir(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return sk_live_write_file(path, text);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	const char *build = getenv("SAKER_BUILD_DIR");
	char cwd[512];
	if (build == NULL || build[0] != '/') {
		snprintf(engine_path, sizeof(engine_path), "%s/%s/bin/saker-engine",
			 getcwd(cwd, sizeof(cwd)) != NULL ? cwd : ".", build != NULL ? build : "build");
	} else {
		snprintf(engine_path, sizeof(engine_path), "%s/bin/saker-engine", build);
	}
	upstream_scap(cat_write, "cat_write.scap");
	upstream_scap(io_scap, "single_ipv6_conn.scap");
	upstream_scap(sample_scap, "sample.scap");
	if (!write_in_dir("io_rules.yaml", "- rule: io\n  desc: d\n  condition: evt.type in (write, read, sendto, "
					   "recvfrom) and evt.dir=<\n  output: buf=%evt.buffer data=%evt.arg.data\n"
					   "  priority: WARNING\n") ||
	    !write_in_dir("width_rules.yaml", "- rule: w\n  desc: d\n  condition: evt.type=open and evt.dir=<\n"
					      "  output: '[%8proc.name] [%3fd.name] [%12evt.num]'\n  priority: WARNING\n") ||
	    !write_in_dir("xform_rules.yaml", "- rule: x\n  desc: d\n  condition: evt.type=open and evt.dir=<\n"
					      "  output: '%toupper(proc.name) opened %basename(fd.name) (%len(fd.name) bytes)'\n"
					      "  priority: WARNING\n") ||
	    !write_in_dir("calls_rules.yaml", "- rule: c\n  desc: d\n  condition: evt.type=open and evt.dir=< and "
					       "concat(proc.name, \":\", fd.name) = \"cat:/etc/ld.so.cache\"\n"
					       "  output: '%toupper(join(\"->\", (proc.name, proc.pname)))'\n"
					       "  priority: WARNING\n") ||
	    !write_in_dir("bad_xform_rules.yaml", "- rule: r\n  desc: d\n  condition: evt.type=open\n"
						  "  output: number %toupper(evt.num)\n  priority: WARNING\n") ||
	    !write_in_dir("support.yaml", "priority: notice\n") ||
	    !write_in_dir("check_support.py", "import json, sys\n"
					      "d = json.load(sys.stdin)\n"
					      "print(d['version'] != '', d['system_info']['sysname'], d['config'].strip(),\n"
					      "      [f['name'].split('/')[-1] for f in d['rules_files']],\n"
					      "      'Read of shadow' in d['rules_files'][0]['content'],\n"
					      "      '--support' in d['cmdline'])\n") ||
	    !write_in_dir("capture_rules.yaml", "- rule: cat opens\n  desc: d\n  condition: evt.type in (open, openat) "
						"and evt.dir=< and proc.name=cat\n  output: cat opened %fd.name\n"
						"  priority: WARNING\n  capture: true\n")) {
		return 1;
	}
	snprintf(rules, sizeof(rules), "%s/rules.yaml", dir);
	char broken[160];
	snprintf(broken, sizeof(broken), "%s/broken.yaml", dir);
	if (!sk_live_write_file(rules, "- rule: Shell in a container\n  desc: >\n    A shell started in a container.\n"
				       "    Rare in production.\n  condition: evt.type=execve and evt.dir=< and "
				       "proc.name=bash and container.id!=host\n  output: shell %proc.name\n"
				       "  priority: NOTICE\n  tags: [shell, container]\n"
				       "- rule: Read of shadow\n  desc: The password hash file read.\n"
				       "  condition: evt.type=openat and evt.dir=< and fd.name=/etc/shadow\n"
				       "  output: read %fd.name\n  priority: WARNING\n  tags: [filesystem]\n"
				       "- rule: Disabled one\n  desc: off\n  condition: evt.type=close\n  output: x\n"
				       "  priority: INFO\n  enabled: false\n") ||
	    !sk_live_write_file(broken, "- rule: Broken\n  desc: d\n  output: x\n  condition: evt.type=openat and "
					"fd.nosuch=1\n  priority: INFO\n")) {
		return 1;
	}
	int rc = sk_test_run();
	sk_live_remove_dir(dir);
	return rc;
}
