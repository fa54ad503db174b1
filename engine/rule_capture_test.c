/* rule_capture_test: falco.yaml's capture through the real pipeline: rules
 * that start files, deadlines, the size limit and its internal alert, the
 * live clock, reloads, and saker-engine live with events over nng; every
 * file read back with the scap reader and replayed through a second
 * pipeline. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evbuild.h"
#include "event_table.h"
#include "pipeline.h"
#include "rule_capture.h"
#include "scap_ids.h"
#include "scap_reader.h"
#include "sk_live.h"
#include "sk_log.h"
#include "sk_push.h"
#include "sk_test.h"
#include "state_scap.h"

#define MS 1000000ull
#define T0 1700000000000000000ull

static char dir[] = "/tmp/rule_capture_test.XXXXXX";
static char rules_file[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	SK_CHECK(f != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* A pipeline over rules_file with capture set as the pairs say; alerts go
 * to alerts_path as JSON lines. */
static void open_pipeline(sk_pipeline *p, const char *alerts_path, const char *const *settings, size_t n)
{
	sk_engine_config cfg;
	sk_strbuf why = SK_STRBUF_INIT;
	char prefix[300];
	snprintf(prefix, sizeof(prefix), "%s/cap", dir);
	SK_CHECK_INT(sk_engine_config_init(&cfg), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "rules_files", rules_file, &why), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "capture.path_prefix", prefix, &why), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "stdout_output.enabled", "false", &why), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "file_output.enabled", "true", &why), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "file_output.filename", alerts_path, &why), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "json_output", "true", &why), SK_OK);
	for (size_t i = 0; i + 1 < n; i += 2) {
		SK_CHECK_INT(sk_engine_config_set(&cfg, settings[i], settings[i + 1], &why), SK_OK);
	}
	SK_CHECK_INT(sk_pipeline_open(p, &cfg), SK_OK);
	sk_engine_config_free(&cfg);
	sk_strbuf_free(&why);
}

/* The process the events come from, known before any event, with an fd. */
static void add_cat(sk_pipeline *p)
{
	sk_thread_info info;
	memset(&info, 0, sizeof(info));
	info.tid = info.pid = 100;
	info.ptid = 1;
	info.loginuid = -1;
	info.comm = info.exe = "cat";
	info.exepath = "/usr/bin/cat";
	info.cwd = "/root";
	info.args = "/etc/shadow";
	info.args_len = strlen(info.args);
	SK_CHECK_INT(sk_state_add_thread(p->state, &info), SK_OK);
	sk_fd_info fd;
	memset(&fd, 0, sizeof(fd));
	fd.num = 7;
	fd.type = SK_FD_FILE;
	fd.name = "/etc/passwd";
	SK_CHECK_INT(sk_state_add_fd(p->state, 100, &fd), SK_OK);
}

/* open_pipeline with alerts in the test directory's file name (its path
 * into alerts), and the process the events come from. */
static void start(sk_pipeline *p, char *alerts, size_t cap, const char *name, const char *const *settings,
                  size_t n)
{
	snprintf(alerts, cap, "%s/%s", dir, name);
	open_pipeline(p, alerts, settings, n);
	add_cat(p);
}

static void open_event(sk_pipeline *p, uint64_t ts, uint64_t num, int64_t fd, const char *path)
{
	sk_evbuild b;
	sk_evb_start(&b, SK_EV_OPENAT_2_X, 100, ts);
	b.ev.num = num;
	b.ev.info = sk_event_info_get(SK_EV_OPENAT_2_X);
	sk_evb_i64(&b, fd);
	sk_evb_i64(&b, -100); /* AT_FDCWD */
	sk_evb_str(&b, path);
	sk_evb_u32(&b, 1);
	sk_evb_u32(&b, 0);
	sk_evb_u32(&b, 0);
	sk_evb_i64(&b, 0);
	SK_CHECK_INT(sk_pipeline_event(p, &b.ev), SK_OK);
}

/* The capture file of the event numbered num (ts its time). */
static void file_of(char *path, size_t cap, uint64_t ts, uint64_t num)
{
	snprintf(path, cap, "%s/cap_%020llu_%020llu.scap", dir, (unsigned long long)ts,
	         (unsigned long long)num);
}

typedef struct seen {
	bool cat, passwd_fd;
} seen;

static sk_err on_thread(void *ctx, const sk_scap_thread *th)
{
	seen *s = ctx;
	s->cat |= th->tid == 100 && strcmp(th->comm, "cat") == 0 && strcmp(th->exepath, "/usr/bin/cat") == 0;
	return SK_OK;
}

static sk_err on_fd(void *ctx, uint64_t tid, const sk_scap_fd *fd)
{
	seen *s = ctx;
	s->passwd_fd |= tid == 100 && fd->fd == 7 && strcmp(fd->name, "/etc/passwd") == 0;
	return SK_OK;
}

/* Reads path: its events' times into ts (at most cap), the count
 * returned; *s says whether the snapshot held cat and its fd. */
static size_t read_capture(const char *path, uint64_t *ts, size_t cap, seen *s)
{
	static const sk_scap_callbacks cb = {.on_thread = on_thread, .on_fd = on_fd};
	sk_scap_reader *rd = NULL;
	memset(s, 0, sizeof(*s));
	SK_CHECK_INT(sk_scap_reader_open_file(path, &cb, s, &rd), SK_OK);
	size_t n = 0;
	sk_event evt;
	for (size_t guard = 0; rd != NULL && guard < 100000; guard++) {
		sk_err err = sk_scap_reader_next(rd, &evt);
		if (err != SK_OK) {
			SK_CHECK_INT(err, SK_ENOENT);
			break;
		}
		if (n < cap) {
			ts[n] = evt.ts;
		}
		n++;
	}
	sk_scap_reader_close(rd);
	return n;
}

/* Replays path alone (its snapshot, then its events) through a pipeline
 * without capture whose alerts go to alerts. */
static void replay(const char *path, const char *alerts)
{
	sk_pipeline p;
	open_pipeline(&p, alerts, NULL, 0);
	sk_scap_reader *rd = NULL;
	SK_CHECK_INT(sk_scap_reader_open_file(path, sk_state_scap_callbacks(), p.state, &rd), SK_OK);
	sk_event evt;
	for (int guard = 0; rd != NULL && guard < 100000 && sk_scap_reader_next(rd, &evt) == SK_OK; guard++) {
		SK_CHECK_INT(sk_pipeline_event(&p, &evt), SK_OK);
	}
	sk_scap_reader_close(rd);
	sk_pipeline_close(&p);
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static size_t count_lines_with(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	size_t n = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		n += strstr(line, needle) != NULL;
	}
	if (f != NULL) {
		fclose(f);
	}
	return n;
}

static const char rules[] = "- rule: secret read\n"
                            "  desc: t\n"
                            "  condition: evt.type=openat and fd.name startswith /etc/ and proc.name=cat\n"
                            "  output: secret %fd.name by %proc.name\n"
                            "  priority: WARNING\n"
                            "  capture: true\n"
                            "  capture_duration: 50\n"
                            "- rule: tmp read\n"
                            "  desc: t\n"
                            "  condition: evt.type=openat and fd.name startswith /tmp/\n"
                            "  output: tmp %fd.name\n"
                            "  priority: NOTICE\n"
                            /* the upstream capture's opens (open, not openat) */
                            "- rule: cat opens\n"
                            "  desc: t\n"
                            "  condition: evt.type=open and evt.dir=< and proc.name=cat\n"
                            "  output: cat opened %fd.name\n"
                            "  priority: WARNING\n"
                            "  capture: true\n"
                            "  capture_duration: 100\n"
                            "- rule: forever\n"
                            "  desc: t\n"
                            "  condition: evt.type=openat and fd.name=/forever\n"
                            "  output: forever\n"
                            "  priority: NOTICE\n"
                            "  capture: true\n"
                            "  capture_duration: 18446744073709551\n";

SK_TEST(a_rule_with_capture_writes_the_state_and_the_events_until_its_deadline)
{
	sk_pipeline p;
	char alerts[300], path[400];
	static const char *const on[] = {"capture.enabled", "true"};
	start(&p, alerts, sizeof(alerts), "alerts1.json", on, 2);
	open_event(&p, T0, 1, 3, "/tmp/a");               /* tmp read: no capture (mode rules) */
	open_event(&p, T0 + 1 * MS, 2, 4, "/etc/shadow"); /* starts the file */
	SK_CHECK(sk_rcap_active(p.rcap));
	open_event(&p, T0 + 10 * MS, 3, 5, "/tmp/b");
	open_event(&p, T0 + 51 * MS, 4, 6, "/tmp/c"); /* the deadline itself is in */
	open_event(&p, T0 + 52 * MS, 5, 8, "/tmp/d"); /* past it: closes */
	SK_CHECK(!sk_rcap_active(p.rcap));
	sk_pipeline_close(&p);

	file_of(path, sizeof(path), T0 + 1 * MS, 2);
	uint64_t ts[8];
	seen s;
	SK_CHECK_INT(read_capture(path, ts, 8, &s), 3);
	SK_CHECK(ts[0] == T0 + 1 * MS && ts[1] == T0 + 10 * MS && ts[2] == T0 + 51 * MS);
	SK_CHECK(s.cat && s.passwd_fd);
	struct stat sb;
	SK_CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600); /* arguments and environments inside */

	/* the file alone gives the same alerts: the state came with it */
	char alerts2[300];
	snprintf(alerts2, sizeof(alerts2), "%s/alerts1r.json", dir);
	replay(path, alerts2);
	SK_CHECK_INT(count_lines_with(alerts2, "Warning secret /etc/shadow by cat\""), 1);
	SK_CHECK_INT(count_lines_with(alerts2, "Notice tmp /tmp/"), 2);
}

SK_TEST(a_match_during_a_capture_moves_its_deadline_later_never_earlier)
{
	sk_pipeline p;
	char alerts[300], path[400];
	static const char *const on[] = {"capture.enabled", "true"};
	start(&p, alerts, sizeof(alerts), "alerts2.json", on, 2);
	open_event(&p, T0, 1, 3, "/etc/shadow");          /* deadline T0+50 */
	open_event(&p, T0 + 40 * MS, 2, 4, "/etc/group"); /* T0+90 */
	open_event(&p, T0 + 60 * MS, 3, 5, "/tmp/a");
	open_event(&p, T0 + 85 * MS, 4, 6, "/etc/hosts"); /* T0+135 */
	open_event(&p, T0 + 130 * MS, 5, 8, "/tmp/b");
	SK_CHECK(sk_rcap_active(p.rcap));
	open_event(&p, T0 + 136 * MS, 6, 9, "/tmp/c");
	SK_CHECK(!sk_rcap_active(p.rcap));
	sk_pipeline_close(&p);
	file_of(path, sizeof(path), T0, 1);
	uint64_t ts[8];
	seen s;
	SK_CHECK_INT(read_capture(path, ts, 8, &s), 5);
	SK_CHECK(ts[4] == T0 + 130 * MS);
}

SK_TEST(a_duration_past_the_end_of_time_lasts_until_the_engine_stops)
{
	sk_pipeline p;
	char alerts[300], path[400];
	static const char *const on[] = {"capture.enabled", "true"};
	start(&p, alerts, sizeof(alerts), "alerts8.json", on, 2);
	open_event(&p, T0, 1, 3, "/forever");
	open_event(&p, UINT64_MAX - 1, 2, 4, "/tmp/late");
	SK_CHECK(sk_rcap_active(p.rcap));
	sk_pipeline_close(&p);
	file_of(path, sizeof(path), T0, 1);
	uint64_t ts[4];
	seen s;
	SK_CHECK_INT(read_capture(path, ts, 4, &s), 2);
}

SK_TEST(mode_all_rules_starts_a_file_for_any_rule_with_the_default_duration)
{
	sk_pipeline p;
	char alerts[300], path[400];
	static const char *const on[] = {"capture.enabled",          "true", "capture.mode", "all_rules",
	                                 "capture.default_duration", "20"};
	start(&p, alerts, sizeof(alerts), "alerts3.json", on, 6);
	open_event(&p, T0 + 1000 * MS, 1, 3, "/tmp/x"); /* a rule without capture: true */
	open_event(&p, T0 + 1010 * MS, 2, 4, "/var/y");
	open_event(&p, T0 + 1021 * MS, 3, 5, "/var/z");
	sk_pipeline_close(&p);
	file_of(path, sizeof(path), T0 + 1000 * MS, 1);
	uint64_t ts[4];
	seen s;
	SK_CHECK_INT(read_capture(path, ts, 4, &s), 2);

	/* with capture off, nothing is written */
	static const char *const off[] = {"capture.mode", "all_rules"};
	open_pipeline(&p, alerts, off, 2);
	add_cat(&p);
	open_event(&p, T0 + 2000 * MS, 1, 3, "/tmp/x");
	SK_CHECK(!sk_rcap_active(p.rcap));
	sk_pipeline_close(&p);
	file_of(path, sizeof(path), T0 + 2000 * MS, 1);
	SK_CHECK(!exists(path));
}

/* A path of n random letters: gzip cannot shrink it much. */
static void random_path(char *out, size_t n, unsigned *seed)
{
	memcpy(out, "/tmp/", 5);
	for (size_t i = 5; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		out[i] = (char)('a' + (*seed >> 16) % 26);
	}
	out[n] = '\0';
}

SK_TEST(max_file_size_closes_the_file_and_an_internal_alert_says_so)
{
	sk_pipeline p;
	char alerts[300], path[400];
	static const char *const on[] = {"capture.enabled",          "true",
	                                 "capture.max_file_size_mb", "1",
	                                 "capture.default_duration", "3600000"};
	start(&p, alerts, sizeof(alerts), "alerts4.json", on, 6);
	open_event(&p, T0, 1, 3, "/etc/shadow");
	char name[1024];
	unsigned seed = 7;
	uint64_t n = 0;
	/* about 600 compressed bytes an event: the limit comes near 1750 */
	for (; n < 4096 && sk_rcap_active(p.rcap); n++) {
		random_path(name, 1000, &seed);
		open_event(&p, T0 + (n + 1) * 1000, n + 2, 4, name);
	}
	SK_CHECK(!sk_rcap_active(p.rcap));
	SK_CHECK(n > 500 && n < 4096);
	sk_pipeline_close(&p);
	file_of(path, sizeof(path), T0, 1);
	struct stat sb;
	SK_CHECK(stat(path, &sb) == 0 && sb.st_size >= 1024 * 1024 && sb.st_size < 2 * 1024 * 1024);
	uint64_t ts[2];
	seen s;
	SK_CHECK_INT(read_capture(path, ts, 2, &s), n + 1);
	SK_CHECK_INT(count_lines_with(alerts, "\"rule\":\"Saker internal: capture file size limit\""), 1);
	SK_CHECK_INT(count_lines_with(alerts, "\"capture.path\":\""), 1);
}

SK_TEST(a_file_that_cannot_be_created_leaves_the_alerts_alone)
{
	sk_pipeline p;
	char alerts[300], prefix[300];
	snprintf(prefix, sizeof(prefix), "%s/no/such/dir/cap", dir);
	const char *const on[] = {"capture.enabled", "true", "capture.path_prefix", prefix};
	start(&p, alerts, sizeof(alerts), "alerts5.json", on, 4);
	open_event(&p, T0, 1, 3, "/etc/shadow");
	open_event(&p, T0 + 1 * MS, 2, 4, "/etc/group");
	SK_CHECK(!sk_rcap_active(p.rcap));
	SK_CHECK_INT(p.alerts, 2);
	sk_pipeline_close(&p);
	SK_CHECK_INT(count_lines_with(alerts, "\"rule\":\"secret read\""), 2);
}

static uint64_t epoch_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

SK_TEST(the_clock_closes_a_file_whose_events_stopped_and_a_reload_can_close_it)
{
	sk_pipeline p;
	char alerts[300], path[400];
	static const char *const on[] = {"capture.enabled", "true"};
	start(&p, alerts, sizeof(alerts), "alerts6.json", on, 2);
	uint64_t start = epoch_now();
	open_event(&p, start, 1, 3, "/etc/shadow"); /* 50 ms */
	sk_pipeline_capture_tick(&p);
	SK_CHECK(sk_rcap_active(p.rcap));
	for (int i = 0; i < 100 && sk_rcap_active(p.rcap); i++) { /* 2 s at most */
		usleep(20000);
		sk_pipeline_capture_tick(&p);
	}
	SK_CHECK(!sk_rcap_active(p.rcap));
	SK_CHECK(epoch_now() >= start + 50 * MS);
	file_of(path, sizeof(path), start, 1);
	uint64_t ts[2];
	seen s;
	SK_CHECK_INT(read_capture(path, ts, 2, &s), 1);

	/* a reload that turns capture off closes the open file */
	open_event(&p, start + 10000 * MS, 2, 4, "/etc/group");
	SK_CHECK(sk_rcap_active(p.rcap));
	sk_engine_config cfg;
	sk_strbuf why = SK_STRBUF_INIT;
	SK_CHECK_INT(sk_engine_config_init(&cfg), SK_OK);
	SK_CHECK_INT(sk_engine_config_set(&cfg, "rules_files", rules_file, &why), SK_OK);
	SK_CHECK_INT(sk_pipeline_reload(&p, &cfg), SK_OK);
	SK_CHECK(!sk_rcap_active(p.rcap));
	open_event(&p, start + 10001 * MS, 3, 5, "/etc/hosts");
	SK_CHECK(!sk_rcap_active(p.rcap));
	sk_engine_config_free(&cfg);
	sk_strbuf_free(&why);
	sk_pipeline_close(&p);
	file_of(path, sizeof(path), start + 10000 * MS, 2);
	SK_CHECK_INT(read_capture(path, ts, 2, &s), 1);
}

/* The live engine as a user runs it: events arrive over nng as
 * saker-capture sends them, with the process snapshot first. */
SK_TEST(a_live_engine_writes_a_file_from_the_stream)
{
	char events[300], log[300], prefix[300], prefix_opt[320], sock[300], raw[300];
	snprintf(events, sizeof(events), "ipc://%s/events.sock", dir);
	snprintf(sock, sizeof(sock), "%s/events.sock", dir);
	snprintf(log, sizeof(log), "%s/live.log", dir);
	snprintf(prefix, sizeof(prefix), "%s/live", dir);
	snprintf(prefix_opt, sizeof(prefix_opt), "capture.path_prefix=%s", prefix);
	snprintf(raw, sizeof(raw), "%s/cat_write.scap", dir);
	const char *const extra[] = {"-o", "capture.enabled=true", "-o", prefix_opt, NULL};
	pid_t pid = sk_live_start_engine(dir, rules_file, extra, log);
	for (int i = 0; i < 100 && access(sock, F_OK) != 0; i++) { /* 10 s at most */
		sk_live_sleep_ms(100);
	}
	SK_CHECK(sk_push_scap(events, "../shared/upstream/scap/cat_write.scap", raw));
	/* closed by the capture's later events (or the loop's clock) */
	for (int i = 0; i < 100 && !sk_live_file_contains(log, "closed, its duration passed"); i++) {
		sk_live_sleep_ms(100);
	}
	SK_CHECK(sk_live_file_contains(log, "capture: rule 'cat opens' started "));
	SK_CHECK(sk_live_file_contains(log, "closed, its duration passed"));
	SK_CHECK_INT(sk_live_stop(pid), 0);
	SK_CHECK_INT(count_lines_with(log, "Warning cat opened "), 4);
	glob_t g;
	char pattern[320];
	snprintf(pattern, sizeof(pattern), "%s_*.scap", prefix);
	SK_CHECK_INT(glob(pattern, 0, NULL, &g), 0);
	SK_CHECK_INT(g.gl_pathc, 1);
	if (g.gl_pathc == 1) {
		char alerts[300];
		snprintf(alerts, sizeof(alerts), "%s/alerts7.json", dir);
		replay(g.gl_pathv[0], alerts);
		SK_CHECK_INT(count_lines_with(alerts, "Warning cat opened "), 4);
	}
	globfree(&g);
}

int main(void)
{
	sk_log_init("rule_capture_test", SK_LOG_WARNING);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(rules_file, sizeof(rules_file), "%s/rules.yaml", dir);
	write_file(rules_file, rules);
	int rc = sk_test_run();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), getenv("KEEP") ? "true %s" : "rm -rf '%s'", dir);
	return system(cmd) == 0 ? rc : 1;
}
