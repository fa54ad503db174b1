/* interest_test: the capture's interest set from the rules and falco.yaml's
 * base_syscalls: the default state set, a custom set replacing it, "!name"
 * taking out even a rule's syscall, repair adding only what the rules'
 * syscalls need, all, and names no syscall has. Then from the command line
 * a user types: saker-engine runs live, once with falco.yaml's
 * base_syscalls (-c), once with -o, once reloading a changed falco.yaml
 * on SIGHUP, and once reloading by itself (watch_config_files) when a
 * config_files directory appears or a rules file is edited; the test asks
 * its control socket what to capture, as saker-capture does
 * ("SKCTL1 GET 0").
 * Bounded: 100 tries, 10 s, per start. */
#define _GNU_SOURCE
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "event_table.h"
#include "interest.h"
#include "pipeline.h"
#include "sk_live.h"
#include "sk_log.h"
#include "sk_test.h"

static const char rules_file[] = "tests/data/interest/rules.yaml";

static char dir[] = "/tmp/sk_interest_XXXXXX";

/* Starts saker-engine live with the rules file rules and extra arguments
 * (NULL-ended); its output goes to <dir>/engine.log, its control URL into
 * control. Returns its pid. */
static pid_t start_engine(const char *rules, const char *const *extra, char *control, size_t ccap)
{
	char log[128];
	snprintf(control, ccap, "ipc://%s/control.sock", dir);
	snprintf(log, sizeof(log), "%s/engine.log", dir);
	return sk_live_start_engine(dir, rules, extra, log);
}

/* The options after the type list in the last answer ask_set() took. */
static char last_options[128];

/* Asks the engine at control what to capture, as saker-capture does, until
 * it answers with a generation of at least min_gen; fills want and *gen
 * (and last_options). False when no such answer came (100 tries, about
 * 10 s). */
static bool ask_set(const char *control, unsigned long min_gen, bool *want, size_t count, unsigned long *gen)
{
	nng_socket req;
	bool answered = false, dialled = false;
	if (nng_req0_open(&req) != 0) {
		return false;
	}
	nng_socket_set_ms(req, NNG_OPT_RECVTIMEO, 100);
	nng_socket_set_ms(req, NNG_OPT_SENDTIMEO, 100);
	for (int i = 0; i < 100 && !answered; i++) {
		char *reply = NULL;
		size_t len = 0;
		struct timespec pause = {0, 100 * 1000000L};
		dialled = dialled || nng_dial(req, control, NULL, 0) == 0;
		if (!dialled || nng_send(req, "SKCTL1 GET 0", 12, 0) != 0 ||
		    nng_recv(req, &reply, &len, NNG_FLAG_ALLOC) != 0) {
			nanosleep(&pause, NULL);
			continue;
		}
		unsigned long n = 0;
		int off = 0;
		char head[64];
		size_t hl = len < sizeof(head) - 1 ? len : sizeof(head) - 1;
		memcpy(head, reply, hl);
		head[hl] = '\0';
		if (sscanf(head, "SKCTL1 SET %lu %lu %n", gen, &n, &off) == 2 && off > 0 && (size_t)off + 2 * n <= len &&
		    *gen >= min_gen) {
			memset(want, 0, count * sizeof(*want));
			for (unsigned long k = 0; k < n; k++) {
				uint16_t t = (uint16_t)((uint8_t)reply[off + 2 * k] | (uint8_t)reply[off + 2 * k + 1] << 8);
				if (t < count) {
					want[t] = true;
				}
			}
			size_t tail = len - ((size_t)off + 2 * n);
			tail = tail < sizeof(last_options) - 1 ? tail : sizeof(last_options) - 1;
			memcpy(last_options, reply + off + 2 * n, tail);
			last_options[tail] = '\0';
			answered = true;
		} else {
			nanosleep(&pause, NULL);
		}
		nng_free(reply, len);
	}
	nng_close(req);
	return answered;
}

/* Starts saker-engine with extra, asks for the set, stops it. */
static bool ask(const char *const *extra, bool *want, size_t count)
{
	char control[128];
	unsigned long gen = 0;
	pid_t pid = start_engine(rules_file, extra, control, sizeof(control));
	bool answered = ask_set(control, 0, want, count, &gen);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return answered;
}

/* The set for the rules file and config (base_syscalls set by -o style
 * key=value pairs); *unknown gets the names no syscall has. */
static void compute(const char *const *settings, size_t n, bool *want, size_t count, char *unknown, size_t ucap)
{
	sk_engine_config cfg;
	sk_strbuf why = SK_STRBUF_INIT, bad = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&cfg), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "rules_files", rules_file, &why), SK_OK);
	for (size_t i = 0; i + 1 < n; i += 2) {
		SK_CHECK_INT(sk_engine_config_set(&cfg, settings[i], settings[i + 1], &why), SK_OK);
	}
	sk_ruleset *rs = NULL;
	SK_CHECK_INT(sk_pipeline_build_rules(&cfg, &rs), SK_OK);
	uint16_t *set = NULL;
	size_t nset = 0;
	memset(want, 0, count * sizeof(*want));
	if (rs != NULL) {
		SK_CHECK_INT(sk_interest_compute(rs, &cfg, &set, &nset, &bad), SK_OK);
	}
	for (size_t i = 0; i < nset; i++) {
		SK_CHECK(set[i] < count && !want[set[i]]); /* no duplicates */
		want[set[i]] = true;
	}
	snprintf(unknown, ucap, "%s", sk_strbuf_str(&bad));
	free(set);
	sk_ruleset_free(rs);
	sk_engine_config_free(&cfg);
	sk_strbuf_free(&why);
	sk_strbuf_free(&bad);
}

/* Whether the exit events of syscall name are in want. */
static bool has(const bool *want, const char *name)
{
	uint16_t ids[16];
	size_t k = sk_event_types_by_name(name, ids, 16);
	for (size_t i = 0; i < k && i < 16; i++) {
		if (sk_event_is_exit(ids[i]) && want[ids[i]]) {
			return true;
		}
	}
	return false;
}

static size_t total(const bool *want, size_t count)
{
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		n += want[i];
	}
	return n;
}

SK_TEST(base_syscalls_shape_the_interest_set)
{
	size_t count = sk_event_type_count();
	bool *want = calloc(count, sizeof(*want));
	char unknown[256];

	/* default: the rules' (openat, connect, mprotect) and the state set */
	compute(NULL, 0, want, count, unknown, sizeof(unknown));
	SK_CHECK(has(want, "openat") && has(want, "connect") && has(want, "mprotect"));
	SK_CHECK(has(want, "close") && has(want, "clone") && has(want, "setuid") && has(want, "dup2"));
	SK_CHECK(!has(want, "read") && !has(want, "getsockopt"));
	size_t by_default = total(want, count);

	/* a custom set replaces the state set; "!" takes out a rule's own */
	static const char *const custom[] = {"base_syscalls.custom_set", "[read, !mprotect]"};
	compute(custom, 2, want, count, unknown, sizeof(unknown));
	SK_CHECK(has(want, "openat") && has(want, "connect") && has(want, "read"));
	SK_CHECK(!has(want, "mprotect") && !has(want, "close") && !has(want, "setuid"));
	SK_CHECK_STR(unknown, "");

	/* repair: the rules' syscalls and the fewest the state needs for them */
	static const char *const repair[] = {"base_syscalls.repair", "true"};
	compute(repair, 2, want, count, unknown, sizeof(unknown));
	SK_CHECK(has(want, "openat") && has(want, "clone") && has(want, "execve") && has(want, "setuid"));
	SK_CHECK(has(want, "close") && has(want, "dup2")); /* openat makes fds */
	SK_CHECK(has(want, "socket") && has(want, "bind") && has(want, "getsockopt")); /* connect */
	SK_CHECK(!has(want, "accept") && !has(want, "pipe") && !has(want, "read"));
	SK_CHECK(total(want, count) < by_default);

	/* all: everything, less what "!" names; names nothing has are reported */
	static const char *const all[] = {"base_syscalls.all", "true", "base_syscalls.custom_set[]", "!write",
					  "base_syscalls.custom_set[]", "nosuchcall", "base_syscalls.custom_set[]",
					  "!nosuchother"};
	compute(all, 8, want, count, unknown, sizeof(unknown));
	SK_CHECK(has(want, "read") && has(want, "getsockopt") && !has(want, "write"));
	SK_CHECK(total(want, count) > by_default);
	SK_CHECK_STR(unknown, "nosuchcall !nosuchother");
	free(want);
}

SK_TEST(custom_set_values_are_checked)
{
	sk_engine_config cfg;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&cfg), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "base_syscalls.custom_set", "[open, !close, ]", &why), SK_OK);
	SK_CHECK_INT(cfg.nbase_custom_set, 2);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "base_syscalls.custom_set", "[]", &why), SK_OK);
	SK_CHECK_INT(cfg.nbase_custom_set, 0);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "base_syscalls.custom_set", "[open,,close]", &why), SK_EINVAL);
	SK_CHECK(strstr(sk_strbuf_str(&why), "is not a syscall name") != NULL);
	sk_strbuf_reset(&why);
	static const char yaml[] = "base_syscalls:\n  custom_set: [open, \"!Close\"]\n  repair: true\n";
	SK_CHECK_INT(sk_engine_config_load_string(&cfg, "f.yaml", yaml, sizeof(yaml) - 1, &why), SK_EPARSE);
	SK_CHECK_STR(sk_strbuf_str(&why), "f.yaml:2: base_syscalls.custom_set: '!Close' is not a syscall name (or !name)");
	sk_strbuf_reset(&why);
	static const char good[] = "base_syscalls:\n  custom_set: [open, \"!close\"]\n  repair: true\n  all: false\n";
	SK_CHECK_INT(sk_engine_config_load_string(&cfg, "g.yaml", good, sizeof(good) - 1, &why), SK_OK);
	SK_CHECK(cfg.nbase_custom_set == 2 && strcmp(cfg.base_custom_set[1], "!close") == 0 && cfg.base_repair);
	sk_engine_config_free(&cfg);
	sk_strbuf_free(&why);
}

SK_TEST(base_syscalls_from_falco_yaml_and_o)
{
	size_t count = sk_event_type_count();
	bool *want = calloc(count, sizeof(*want));
	char conf[128];
	snprintf(conf, sizeof(conf), "%s/falco.yaml", dir);
	SK_CHECK(sk_live_write_file(conf, "base_syscalls:\n  custom_set: [read, \"!mprotect\"]\n  repair: false\n"));
	static const char *const plain[] = {NULL};
	SK_CHECK(ask(plain, want, count));
	SK_CHECK(has(want, "openat") && has(want, "mprotect") && has(want, "close") && !has(want, "read"));
	SK_CHECK_STR(last_options, ""); /* nothing an older capture would not parse */

	const char *const yaml[] = {"-c", conf, NULL};
	SK_CHECK(ask(yaml, want, count));
	SK_CHECK(has(want, "openat") && has(want, "read") && !has(want, "mprotect") && !has(want, "close"));

	static const char *const o[] = {"-o", "base_syscalls.repair=true", "-o", "base_syscalls.custom_set[]=!dup2",
					NULL};
	SK_CHECK(ask(o, want, count));
	SK_CHECK(has(want, "openat") && has(want, "close") && has(want, "socket") && !has(want, "dup2"));
	SK_CHECK(!has(want, "accept"));
	SK_CHECK_STR(last_options, "");

	/* engine.<kind>.drop_failed_exit goes along with the set */
	static const char *const dfe[] = {"-o", "engine.modern_ebpf.drop_failed_exit=true", NULL};
	SK_CHECK(ask(dfe, want, count));
	SK_CHECK_STR(last_options, " drop_failed_exit=1");
	static const char *const dfe_kmod[] = {"-o", "engine.modern_ebpf.drop_failed_exit=true", "-o",
					       "engine.kind=kmod", NULL};
	SK_CHECK(ask(dfe_kmod, want, count));
	SK_CHECK_STR(last_options, ""); /* the kmod's key decides, and it is false */

	/* SIGHUP re-reads falco.yaml: a new generation with the new set */
	char control[128];
	unsigned long gen = 0, gen2 = 0;
	pid_t pid = start_engine(rules_file, yaml, control, sizeof(control));
	SK_CHECK(ask_set(control, 0, want, count, &gen) && has(want, "read"));
	SK_CHECK(sk_live_write_file(conf, "base_syscalls:\n  custom_set: [write]\nengine:\n  modern_ebpf:\n"
					  "    drop_failed_exit: true\n"));
	kill(pid, SIGHUP);
	SK_CHECK(ask_set(control, gen + 1, want, count, &gen2));
	SK_CHECK(gen2 > gen && has(want, "write") && !has(want, "read") && has(want, "mprotect"));
	SK_CHECK_STR(last_options, " drop_failed_exit=1");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	free(want);
}

/* The interest rules with one more rule on syscall call, as text. */
static void rules_with(const char *call, char *out, size_t cap)
{
	FILE *f = fopen(rules_file, "r");
	size_t n = f != NULL ? fread(out, 1, cap - 1, f) : 0;
	if (f != NULL) {
		fclose(f);
	}
	out[n] = '\0';
	if (call != NULL) {
		snprintf(out + n, cap - n,
			 "- rule: %s of a test process\n  desc: interest_test\n"
			 "  condition: evt.type = %s and proc.name = nonexistent-interest\n"
			 "  output: \"%s %%proc.name\"\n  priority: WARNING\n",
			 call, call, call);
	}
}

SK_TEST(watch_config_files_reloads_on_changes)
{
	size_t count = sk_event_type_count();
	bool *want = calloc(count, sizeof(*want));
	char conf[128], rules[128], cdir[128], staging[128], file[160], control[128], text[4096], log[160];
	unsigned long gen = 0, gen2 = 0, gen3 = 0, gen4 = 0;
	snprintf(conf, sizeof(conf), "%s/watch.yaml", dir);
	snprintf(rules, sizeof(rules), "%s/watched_rules.yaml", dir);
	snprintf(cdir, sizeof(cdir), "%s/config.d", dir);
	snprintf(staging, sizeof(staging), "%s/config.d.new", dir);
	snprintf(log, sizeof(log), "%s/engine.log", dir);
	rules_with(NULL, text, sizeof(text));
	SK_CHECK(sk_live_write_file(rules, text));
	snprintf(text, sizeof(text), "config_files:\n  - %s\n", cdir);
	SK_CHECK(sk_live_write_file(conf, text));
	const char *const args[] = {"-c", conf, NULL};
	pid_t pid = start_engine(rules, args, control, sizeof(control));
	SK_CHECK(ask_set(control, 0, want, count, &gen) && !has(want, "read") && has(want, "close"));

	/* The config_files directory appears (made aside, renamed in whole):
	 * its base_syscalls apply without a signal. */
	SK_CHECK(mkdir(staging, 0755) == 0);
	snprintf(file, sizeof(file), "%s/10-base.yaml", staging);
	SK_CHECK(sk_live_write_file(file, "base_syscalls:\n  custom_set: [read]\n"));
	SK_CHECK(rename(staging, cdir) == 0);
	SK_CHECK(ask_set(control, gen + 1, want, count, &gen2));
	SK_CHECK(gen2 > gen && has(want, "read") && !has(want, "close") && has(want, "mprotect"));

	/* The rules file edited in place: the new rule's syscall is captured. */
	SK_CHECK(!has(want, "getsockopt"));
	rules_with("getsockopt", text, sizeof(text));
	SK_CHECK(sk_live_write_file(rules, text));
	SK_CHECK(ask_set(control, gen2 + 1, want, count, &gen3));
	SK_CHECK(gen3 > gen2 && has(want, "getsockopt") && has(want, "read"));

	/* A broken edit keeps the rules running and says why. */
	SK_CHECK(sk_live_write_file(rules, "- rule: broken\n  condition: evt.type =\n"));
	bool said = false;
	for (int i = 0; i < 100 && !said; i++) {
		sk_live_sleep_ms(100);
		said = sk_live_file_contains(log, "the rules did not load; the current rules stay active");
	}
	SK_CHECK(said);
	SK_CHECK(ask_set(control, 0, want, count, &gen4));
	SK_CHECK(gen4 == gen3 && has(want, "getsockopt"));
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);

	/* watch_config_files: false leaves changes to SIGHUP. */
	rules_with(NULL, text, sizeof(text));
	SK_CHECK(sk_live_write_file(rules, text));
	const char *const off[] = {"-c", conf, "-o", "watch_config_files=false", NULL};
	pid = start_engine(rules, off, control, sizeof(control));
	SK_CHECK(ask_set(control, 0, want, count, &gen) && !has(want, "getsockopt"));
	rules_with("getsockopt", text, sizeof(text));
	SK_CHECK(sk_live_write_file(rules, text));
	sk_live_sleep_ms(1500); /* five times the quiet time a watched reload waits */
	SK_CHECK(ask_set(control, 0, want, count, &gen2));
	SK_CHECK(gen2 == gen && !has(want, "getsockopt"));
	kill(pid, SIGHUP);
	SK_CHECK(ask_set(control, gen + 1, want, count, &gen3) && has(want, "getsockopt"));
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	SK_CHECK(!sk_live_file_contains(log, "watch_config_files:"));
	free(want);
}

int main(void)
{
	sk_log_init("interest_test", SK_LOG_WARNING);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	int rc = sk_test_run();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? rc : 1;
}
