/* e2e_stack.c: process plumbing for the end-to-end tests. */
#define _GNU_SOURCE
#include "e2e_stack.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READ_MAX (8u << 20)

const char *e2e_bin(const char *name, char *buf, size_t cap)
{
	const char *build = getenv("SAKER_BUILD_DIR");

	snprintf(buf, cap, "%s/bin/%s", build != NULL ? build : "build", name);
	return buf;
}

bool e2e_can_run(const char **why)
{
	if (geteuid() != 0) {
		*why = "not root (eBPF needs CAP_BPF and CAP_PERFMON)";
		return false;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		*why = "no kernel BTF at /sys/kernel/btf/vmlinux (CO-RE cannot relocate)";
		return false;
	}
	return true;
}

void e2e_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

sk_err e2e_spawn(const char *const argv[], const char *out_path, pid_t *pid)
{
	int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pid_t child;

	if (fd < 0) {
		return SK_EIO;
	}
	child = fork();
	if (child == 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd);
	if (child < 0) {
		return SK_EIO;
	}
	*pid = child;
	return SK_OK;
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int e2e_wait(pid_t pid, int timeout_ms)
{
	int status = 0;

	for (int waited = 0; waited < timeout_ms; waited += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			return exit_code(status);
		}
		e2e_sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int e2e_stop(pid_t *pid, int sig, int grace_ms)
{
	int rc;

	if (*pid <= 0) {
		return -1;
	}
	kill(*pid, sig);
	rc = e2e_wait(*pid, grace_ms);
	*pid = -1;
	return rc;
}

sk_err e2e_read(const char *path, char **out)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t n;
	sk_err err = SK_OK;

	*out = NULL;
	if (f == NULL) {
		return SK_EIO;
	}
	buf = malloc(READ_MAX + 1);
	if (buf == NULL) {
		err = SK_ENOMEM;
		goto cleanup;
	}
	n = fread(buf, 1, READ_MAX, f);
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
cleanup:
	free(buf);
	fclose(f);
	return err;
}

sk_err e2e_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	bool ok;

	if (f == NULL) {
		return SK_EIO;
	}
	ok = fputs(text, f) >= 0;
	ok &= fclose(f) == 0;
	return ok ? SK_OK : SK_EIO;
}

bool e2e_wait_contains(const char *path, const char *needle, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		char *text = NULL;
		bool found = e2e_read(path, &text) == SK_OK && strstr(text, needle) != NULL;
		free(text);
		if (found) {
			return true;
		}
		e2e_sleep_ms(50);
	}
	return false;
}

sk_err e2e_free_port(uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sk_err err = SK_EIO;

	if (fd < 0) {
		return SK_EIO;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
		*port = ntohs(sa.sin_port);
		err = SK_OK;
	}
	close(fd);
	return err;
}

/* Spawns argv into log and waits until the log shows ready. */
static sk_err spawn_ready(const char *const argv[], const char *log, pid_t *pid, const char *ready, int timeout_ms)
{
	sk_err err = e2e_spawn(argv, log, pid);

	if (err != SK_OK) {
		return err;
	}
	return e2e_wait_contains(log, ready, timeout_ms) ? SK_OK : SK_ETIMEDOUT;
}

static sk_err start_sidekick(e2e_stack *s, const char *webhook)
{
	char path[E2E_PATH_MAX + 32], cfg[2048], bin[E2E_PATH_MAX], plugins[E2E_PATH_MAX];
	char webhook_so[E2E_PATH_MAX], link[E2E_PATH_MAX + 32];
	const char *build = getenv("SAKER_BUILD_DIR");
	sk_err err;

	if (e2e_free_port(&s->sidekick_port) != SK_OK) {
		return SK_EIO;
	}
	snprintf(cfg, sizeof(cfg),
		 "listenaddress: 127.0.0.1\nlistenport: %u\nnng:\n  listen: %s\n"
		 "spool:\n  dir: %s/spool\n  syncms: 20\ndrainms: 1000\n"
		 "webhook:\n  address: %s\n  timeout: 2000\n",
		 s->sidekick_port, s->alerts_url, s->dir, webhook);
	snprintf(path, sizeof(path), "%s/sidekick.yaml", s->dir);
	err = e2e_write(path, cfg);
	if (err != SK_OK) {
		return err;
	}
	/* Only the webhook plugin: the test needs no broker for the others. */
	snprintf(plugins, sizeof(plugins), "%s/plugins", s->dir);
	snprintf(webhook_so, sizeof(webhook_so), "%s/lib/saker/plugins/saker_webhook.so",
		 build != NULL ? build : "build");
	snprintf(link, sizeof(link), "%s/saker_webhook.so", plugins);
	if (mkdir(plugins, 0700) != 0 || realpath(webhook_so, bin) == NULL || symlink(bin, link) != 0) {
		return SK_EIO;
	}
	const char *argv[] = {e2e_bin("saker-sidekick", bin, sizeof(bin)), "-c", path, "--plugin-dir", plugins, NULL};
	return spawn_ready(argv, s->sidekick_log, &s->sidekick, "nng input on", 10000);
}

static sk_err start_engine(e2e_stack *s, const e2e_opts *o)
{
	char bin[E2E_PATH_MAX], nng_url[E2E_PATH_MAX + 32];
	const char *argv[32];
	int n = 0;

	argv[n++] = e2e_bin("saker-engine", bin, sizeof(bin));
	if (o->rules[0] == NULL) {
		argv[n++] = "-r";
		argv[n++] = "rules/saker_rules.yaml";
		argv[n++] = "-r";
		argv[n++] = "rules/saker_rules_extra.yaml";
	}
	for (int i = 0; i < 4 && o->rules[i] != NULL; i++) {
		argv[n++] = "-r";
		argv[n++] = o->rules[i];
	}
	argv[n++] = "--events";
	argv[n++] = s->events_url;
	argv[n++] = "--control";
	argv[n++] = s->control_url;
	argv[n++] = "-o";
	argv[n++] = "json_output=true";
	argv[n++] = "-o";
	argv[n++] = "stdout_output.enabled=true";
	if (o->webhook != NULL || o->nng_output != NULL) {
		snprintf(nng_url, sizeof(nng_url), "nng_output.url=%s", o->webhook != NULL ? s->alerts_url : o->nng_output);
		argv[n++] = "-o";
		argv[n++] = "nng_output.enabled=true";
		argv[n++] = "-o";
		argv[n++] = nng_url;
	}
	char extra[256];
	if (o->engine_extra != NULL) {
		snprintf(extra, sizeof(extra), "%s", o->engine_extra);
		for (char *tok = strtok(extra, " "); tok != NULL && n < 31; tok = strtok(NULL, " ")) {
			argv[n++] = tok;
		}
	}
	argv[n] = NULL;
	return spawn_ready(argv, s->engine_out, &s->engine, "listening for saker-capture", 10000);
}

static sk_err start_capture(e2e_stack *s, const e2e_opts *o)
{
	char bin[E2E_PATH_MAX], extra[128];
	const char *argv[16];
	int n = 0;

	argv[n++] = e2e_bin("saker-capture", bin, sizeof(bin));
	argv[n++] = "--events";
	argv[n++] = s->events_url;
	argv[n++] = "--control";
	argv[n++] = s->control_url;
	if (o->capture_extra != NULL) {
		snprintf(extra, sizeof(extra), "%s", o->capture_extra);
		for (char *tok = strtok(extra, " "); tok != NULL && n < 14; tok = strtok(NULL, " ")) {
			argv[n++] = tok;
		}
	}
	argv[n] = NULL;
	return spawn_ready(argv, s->capture_log, &s->capture, "capturing", 15000);
}

/* The capture asks the engine for its interest set after it attached: the
 * stack is up once a canary event makes it through to an alert. */
static sk_err wait_canary(e2e_stack *s, const e2e_opts *o)
{
	char needle[256];

	snprintf(needle, sizeof(needle), "\"rule\":\"%s\"", o->canary_rule);
	for (int i = 0; i < 30; i++) {
		if (system(o->canary_cmd) == -1) {
			return SK_EIO;
		}
		if (e2e_wait_contains(s->engine_out, needle, 500)) {
			return SK_OK;
		}
	}
	return SK_ETIMEDOUT;
}

sk_err e2e_stack_start(e2e_stack *s, const e2e_opts *o)
{
	sk_err err;

	memset(s, 0, sizeof(*s));
	s->sidekick = s->engine = s->capture = -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/sk_e2e_XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		return SK_EIO;
	}
	snprintf(s->events_url, sizeof(s->events_url), "ipc://%s/events.sock", s->dir);
	snprintf(s->control_url, sizeof(s->control_url), "ipc://%s/control.sock", s->dir);
	snprintf(s->alerts_url, sizeof(s->alerts_url), "ipc://%s/alerts.sock", s->dir);
	snprintf(s->engine_out, sizeof(s->engine_out), "%s/engine.out", s->dir);
	snprintf(s->engine_log, sizeof(s->engine_log), "%s/engine.out", s->dir);
	snprintf(s->capture_log, sizeof(s->capture_log), "%s/capture.log", s->dir);
	snprintf(s->sidekick_log, sizeof(s->sidekick_log), "%s/sidekick.log", s->dir);
	err = o->webhook != NULL ? start_sidekick(s, o->webhook) : SK_OK;
	if (err == SK_OK) {
		err = start_engine(s, o);
	}
	if (err == SK_OK) {
		err = start_capture(s, o);
	}
	if (err == SK_OK) {
		err = wait_canary(s, o);
	}
	if (err != SK_OK) {
		fprintf(stderr, "e2e: the pipeline did not come up (%s); logs in %s\n", sk_strerror(err), s->dir);
		e2e_stack_free(s, true);
	}
	return err;
}

static void dump_on_keep(const e2e_stack *s)
{
	const char *logs[] = {s->capture_log, s->engine_out, s->sidekick_log};

	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		char *text = NULL;
		if (e2e_read(logs[i], &text) == SK_OK) {
			size_t len = strlen(text);
			fprintf(stderr, "---- %s (last 2000 bytes)\n%s\n", logs[i], text + (len > 2000 ? len - 2000 : 0));
		}
		free(text);
	}
}

void e2e_stack_stop(e2e_stack *s)
{
	(void)e2e_stop(&s->capture, SIGINT, 10000);
	(void)e2e_stop(&s->engine, SIGTERM, 10000);
	(void)e2e_stop(&s->sidekick, SIGTERM, 5000);
}

void e2e_stack_free(e2e_stack *s, bool keep)
{
	char cmd[128];

	e2e_stack_stop(s);
	if (s->dir[0] == '\0') {
		return;
	}
	if (keep || getenv("SAKER_E2E_KEEP") != NULL) {
		dump_on_keep(s);
		fprintf(stderr, "e2e: kept %s\n", s->dir);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd) != 0) {
			fprintf(stderr, "e2e: could not remove %s\n", s->dir);
		}
	}
	s->dir[0] = '\0';
}
