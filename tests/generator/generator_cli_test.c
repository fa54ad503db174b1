/* Runs build/bin/saker-event-generator as a user would. */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "gen_name.h"
#include "sk_test.h"

#define MAX_RULES 256
#define OUT_MAX (256 * 1024)

static const char *const rule_files[] = {"rules/saker_rules.yaml", "rules/saker_rules_extra.yaml"};

typedef struct rule_set {
	char *names[MAX_RULES];
	int file[MAX_RULES]; /* index into rule_files */
	int count;
} rule_set;

static const char *generator(void)
{
	static char path[4096];
	const char *build = getenv("SAKER_BUILD_DIR");

	snprintf(path, sizeof(path), "%s/bin/saker-event-generator", build != NULL ? build : "build");
	return path;
}

/* Runs the generator with args (a shell fragment); returns the exit status
 * and fills out with stdout+stderr. */
static int run_generator(const char *args, char *out, size_t cap)
{
	char cmd[8192];
	size_t n = 0;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", generator(), args);
	p = popen(cmd, "r");
	if (p == NULL) {
		return -1;
	}
	while (n + 1 < cap && fgets(out + n, (int)(cap - n), p) != NULL) {
		n += strlen(out + n);
	}
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Collects the "rule:" names of one rules file with libyaml's event parser. */
static bool load_rule_names(const char *path, int file_index, rule_set *rs)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0;
	bool want_key = true, next_is_rule = false, ok = true;

	if (f == NULL || !yaml_parser_initialize(&parser)) {
		return false;
	}
	yaml_parser_set_input_file(&parser, f);
	for (bool done = false; !done;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			fprintf(stderr, "%s:%zu: %s\n", path, parser.problem_mark.line + 1, parser.problem);
			ok = false;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT) {
			if (depth == 2) {
				want_key = !want_key;
			}
			depth++;
			if (depth == 2) {
				want_key = true;
			}
		} else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
			depth--;
		} else if (ev.type == YAML_SCALAR_EVENT && depth == 2) {
			const char *s = (const char *)ev.data.scalar.value;
			if (!want_key && next_is_rule && rs->count < MAX_RULES) {
				rs->file[rs->count] = file_index;
				rs->names[rs->count++] = strdup(s);
			}
			next_is_rule = want_key && strcmp(s, "rule") == 0;
			want_key = !want_key;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return ok;
}

static void free_rules(rule_set *rs)
{
	for (int i = 0; i < rs->count; i++) {
		free(rs->names[i]);
	}
	rs->count = 0;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++) {
		n += *s == '\n';
	}
	return n;
}

/* True when text has the line "name\trule". */
static bool has_action_line(const char *text, const char *rule)
{
	char name[GEN_NAME_MAX], line[GEN_NAME_MAX + 300];

	if (gen_action_name(rule, name, sizeof(name)) != SK_OK) {
		return false;
	}
	snprintf(line, sizeof(line), "%s\t%s\n", name, rule);
	/* Lines start after a newline or at the very beginning. */
	for (const char *p = strstr(text, line); p != NULL; p = strstr(p + 1, line)) {
		if (p == text || p[-1] == '\n') {
			return true;
		}
	}
	return false;
}

SK_TEST(list_prints_one_action_per_rule)
{
	static char out[OUT_MAX], all[OUT_MAX];
	rule_set rs = {.count = 0};
	int stable = 0;

	for (int i = 0; i < 2; i++) {
		SK_CHECK(load_rule_names(rule_files[i], i, &rs));
	}
	SK_CHECK(rs.count >= 80);
	SK_CHECK_INT(run_generator("list", out, sizeof(out)), 0);
	SK_CHECK_INT(run_generator("list --all", all, sizeof(all)), 0);
	for (int i = 0; i < rs.count; i++) {
		bool in_stable = rs.file[i] == 0;
		stable += in_stable;
		if (!has_action_line(all, rs.names[i])) {
			fprintf(stderr, "rule \"%s\" has no action in `list --all`\n", rs.names[i]);
			SK_CHECK(false);
		}
		/* Default runs cover exactly the stable file's rules. */
		SK_CHECK(has_action_line(out, rs.names[i]) == in_stable);
	}
	/* ... and no action targets a rule that does not exist. */
	SK_CHECK_INT(count_lines(all), rs.count);
	SK_CHECK_INT(count_lines(out), stable);
	free_rules(&rs);
}

SK_TEST(bad_command_lines_fail_clearly)
{
	static char out[OUT_MAX];

	SK_CHECK_INT(run_generator("", out, sizeof(out)), 2);
	SK_CHECK_CONTAINS(out, "usage:");
	SK_CHECK_INT(run_generator("run syscall.NoSuchRule", out, sizeof(out)), 2);
	SK_CHECK_CONTAINS(out, "unknown action 'syscall.NoSuchRule'");
	SK_CHECK_INT(run_generator("test --timeout soon", out, sizeof(out)), 2);
	SK_CHECK_CONTAINS(out, "--timeout: 'soon'");
	SK_CHECK_INT(run_generator("frobnicate", out, sizeof(out)), 2);
	SK_CHECK_CONTAINS(out, "unknown command 'frobnicate'");
	SK_CHECK_INT(run_generator("list --bogus", out, sizeof(out)), 2);
	SK_CHECK_CONTAINS(out, "unknown or incomplete option '--bogus'");
	SK_CHECK_INT(run_generator("helper no-such-helper", out, sizeof(out)), 2);
}

/* Counts entries of dir whose name starts with prefix (and ends with suffix). */
static int count_entries(const char *dir, const char *prefix, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL) {
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name), slen = strlen(suffix);
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && len >= slen &&
		    strcmp(e->d_name + len - slen, suffix) == 0) {
			n++;
		}
	}
	closedir(d);
	return n;
}

/* Everything an action may leave behind if its sandbox leaked. */
static int leftovers(void)
{
	static const char *const files[] = {"/etc/saker-evgen.conf", "/etc/sudoers.d/saker-evgen",
					    "/etc/pam.d/saker-evgen", "/root/saker-evgen.txt",
					    "/usr/local/bin/saker-evgen", "/usr/bin/saker-evgen",
					    "/usr/local/lib/libsaker-evgen.so", "/dev/shm/saker-evgen",
					    "/dev/shm/.saker-evgen", "/etc/systemd/system/saker-evgen.service",
					    "/run/docker.sock.saker-evgen"};
	int n = count_entries("/tmp", "saker-evgen-", "") + count_entries("/sys/fs/cgroup", "docker-", ".scope") +
		count_entries("/sys/fs/cgroup/unified", "docker-", ".scope");

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		n += access(files[i], F_OK) == 0;
	}
	return n;
}

static bool file_stat(const char *path, struct stat *st)
{
	return stat(path, st) == 0;
}

SK_TEST(every_action_runs_and_cleans_up)
{
	static char out[OUT_MAX];
	struct stat shadow_before, shadow_after;
	int before = leftovers();
	bool had_shadow = file_stat("/etc/shadow", &shadow_before);

	SK_CHECK_INT(run_generator("run --all", out, sizeof(out)), 0);
	SK_CHECK_CONTAINS(out, " actions, 0 failed");
	if (strstr(out, "FAIL") != NULL) {
		fprintf(stderr, "%s", out);
	}
	SK_CHECK_INT(leftovers(), before);
	/* Writes to /etc/shadow went to a tmpfs: the real file is untouched. */
	if (had_shadow) {
		SK_CHECK(file_stat("/etc/shadow", &shadow_after));
		SK_CHECK_INT(shadow_after.st_size, shadow_before.st_size);
		SK_CHECK_INT(shadow_after.st_mtime, shadow_before.st_mtime);
		SK_CHECK_INT(shadow_after.st_nlink, shadow_before.st_nlink);
	}
}

static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
		port = ntohs(sa.sin_port);
	}
	if (fd >= 0) {
		close(fd);
	}
	return port;
}

static size_t discard(char *p, size_t size, size_t n, void *user)
{
	return size * n;
}

static void post_alert(int port, const char *rule)
{
	char url[64], body[512];
	CURL *c = curl_easy_init();

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	snprintf(body, sizeof(body),
		 "{\"output\":\"test\",\"priority\":\"Error\",\"rule\":\"%s\",\"source\":\"syscall\","
		 "\"tags\":[],\"time\":\"2026-11-29T23:00:00Z\",\"output_fields\":{}}",
		 rule);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
	curl_easy_perform(c);
	curl_easy_cleanup(c);
}

/* Starts `test` in the background, posting alerts of post_rule (or none)
 * every 50 ms until it exits; returns its exit status. */
static int run_test_mode(const char *action, const char *post_rule, char *out, size_t cap)
{
	char path[] = "/tmp/saker-gen-test-XXXXXX";
	int port = free_port();
	int fd = mkstemp(path);
	int status = -1, posted = 0;
	pid_t pid;

	if (fd < 0 || port == 0) {
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		char listen[64];
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execl(generator(), "saker-event-generator", "test", "--listen", listen, "--timeout", "1500", action,
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) { /* at most ~10 s */
		if (waitpid(pid, &status, WNOHANG) == pid) {
			break;
		}
		/* The generator may stop its server while answering the post
		 * that made it pass: count attempts, the output tells the rest. */
		if (post_rule != NULL) {
			post_alert(port, post_rule);
			posted++;
		}
		usleep(50000);
	}
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	if (post_rule != NULL && posted == 0) {
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

SK_TEST(test_mode_counts_the_expected_alert)
{
	static char out[OUT_MAX];

	SK_CHECK_INT(run_test_mode("syscall.WriteBelowEtc", "Write below etc", out, sizeof(out)), 0);
	SK_CHECK_CONTAINS(out, "PASS  syscall.WriteBelowEtc  rule \"Write below etc\" (Error) after ");
	SK_CHECK_CONTAINS(out, "1 actions, 1 passed, 0 failed");
}

SK_TEST(test_mode_fails_on_missing_or_wrong_alert)
{
	static char out[OUT_MAX];

	SK_CHECK_INT(run_test_mode("syscall.WriteBelowEtc", NULL, out, sizeof(out)), 1);
	SK_CHECK_CONTAINS(out, "FAIL  syscall.WriteBelowEtc  no \"Write below etc\" alert within 1500 ms "
			       "(received: nothing)");
	SK_CHECK_INT(run_test_mode("syscall.WriteBelowEtc", "Write below root home", out, sizeof(out)), 1);
	SK_CHECK_CONTAINS(out, "(received: \"Write below root home\")");
}

int main(void)
{
	int ret;

	if (geteuid() != 0) {
		printf("skipped: the generator's actions need root\n");
		return 77;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ret = sk_test_run();
	curl_global_cleanup();
	return ret;
}
