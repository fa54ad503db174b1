/* The stdout and file plugins write exactly one JSON alert per line, rotate
 * by size, and refuse bad config with a reason. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin_host.h"
#include "sk_test.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL) {
		return NULL;
	}
	buf = calloc(1, 1 << 16);
	n = buf != NULL ? fread(buf, 1, (1 << 16) - 1, f) : 0;
	if (buf != NULL) {
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

static void check_file_is(const char *path, const ph_alert *const *alerts, size_t n)
{
	char want[1 << 14] = "";
	char *got = slurp(path);

	for (size_t i = 0; i < n; i++) {
		strcat(want, alerts[i]->json);
		strcat(want, "\n");
	}
	SK_CHECK_STR(got, want);
	free(got);
}

static void make_dir(char *dir, size_t n)
{
	snprintf(dir, n, "/tmp/saker-plugins-XXXXXX");
	SK_CHECK(mkdtemp(dir) != NULL);
}

static void remove_files(const char *dir, const char *const *names, size_t n)
{
	char path[512];

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

SK_TEST(stdout_writes_one_json_line_per_alert)
{
	ph_plugin p = {0};
	ph_alert a0, a1;
	const saker_alert *batch[2] = {&a0.a, &a1.a};
	const ph_alert *want[3] = {&a0, &a0, &a1};
	const char *const config[] = {"enabled", "true", NULL};
	char dir[64], path[128];
	int saved = dup(STDOUT_FILENO), fd;

	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	fflush(stdout);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	SK_CHECK(fd >= 0 && saved >= 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	ph_alert_make(&a0, 0);
	ph_alert_make(&a1, 1);
	SK_CHECK_INT(ph_load(&p, "stdout"), SK_OK);
	SK_CHECK(ph_init(&p, config));
	SK_CHECK_INT(ph_send(&p, &a0.a), SAKER_SEND_OK);
	SK_CHECK_INT(p.api->send_batch(p.state, batch, 2, p.err, sizeof(p.err)), SAKER_SEND_OK);
	ph_unload(&p);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	check_file_is(path, want, 3);
	remove_files(dir, (const char *const[]){"out"}, 1);
}

SK_TEST(file_appends_lines_with_mode_0600)
{
	ph_plugin p = {0};
	ph_alert a[3];
	const saker_alert *batch[2] = {&a[1].a, &a[2].a};
	const ph_alert *want[3] = {&a[0], &a[1], &a[2]};
	char dir[64], path[128];
	struct stat st;

	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	const char *const config[] = {"path", path, NULL};
	for (int i = 0; i < 3; i++) {
		ph_alert_make(&a[i], i);
	}
	SK_CHECK_INT(ph_load(&p, "file"), SK_OK);
	SK_CHECK(ph_init(&p, config));
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_OK);
	SK_CHECK_INT(p.api->send_batch(p.state, batch, 2, p.err, sizeof(p.err)), SAKER_SEND_OK);
	ph_unload(&p);
	check_file_is(path, want, 3);
	SK_CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	remove_files(dir, (const char *const[]){"alerts.json"}, 1);
}

SK_TEST(file_rotates_by_size_and_keeps_maxbackups)
{
	ph_plugin p = {0};
	ph_alert a[4];
	char dir[64], path[128], b1[140], b2[140], b3[140], maxsize[32];

	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(b1, sizeof(b1), "%s.1", path);
	snprintf(b2, sizeof(b2), "%s.2", path);
	snprintf(b3, sizeof(b3), "%s.3", path);
	for (int i = 0; i < 4; i++) {
		ph_alert_make(&a[i], i);
	}
	/* Room for one line and a half: every send after the first rotates. */
	snprintf(maxsize, sizeof(maxsize), "%zu", a[0].a.json_len * 3 / 2);
	const char *const config[] = {"path", path, "maxsize", maxsize, "maxbackups", "2", NULL};
	SK_CHECK_INT(ph_load(&p, "file"), SK_OK);
	SK_CHECK(ph_init(&p, config));
	for (int i = 0; i < 4; i++) {
		SK_CHECK_INT(ph_send(&p, &a[i].a), SAKER_SEND_OK);
	}
	ph_unload(&p);
	check_file_is(path, (const ph_alert *const[]){&a[3]}, 1);
	check_file_is(b1, (const ph_alert *const[]){&a[2]}, 1);
	check_file_is(b2, (const ph_alert *const[]){&a[1]}, 1);
	SK_CHECK(access(b3, F_OK) != 0);
	remove_files(dir, (const char *const[]){"alerts.json", "alerts.json.1", "alerts.json.2"}, 3);
}

SK_TEST(file_follows_logrotate_moves_and_deletes)
{
	ph_plugin p = {0};
	ph_alert a[3];
	char dir[64], path[128], moved[140];

	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(moved, sizeof(moved), "%s/alerts.json.old", dir);
	const char *const config[] = {"path", path, NULL};
	for (int i = 0; i < 3; i++) {
		ph_alert_make(&a[i], i);
	}
	SK_CHECK(ph_open(&p, "file", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK(rename(path, moved) == 0);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[1].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	check_file_is(moved, (const ph_alert *const[]){&a[0]}, 1);
	check_file_is(path, (const ph_alert *const[]){&a[1]}, 1);
	SK_CHECK(unlink(path) == 0);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[2].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	check_file_is(path, (const ph_alert *const[]){&a[2]}, 1);
	ph_unload(&p);
	remove_files(dir, (const char *const[]){"alerts.json", "alerts.json.old"}, 2);
}

SK_TEST(file_refuses_fifo_and_symlink_without_blocking)
{
	ph_plugin p = {0};
	char dir[64], fifo[128], link[128];

	make_dir(dir, sizeof(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	SK_CHECK(mkfifo(fifo, 0600) == 0);
	SK_CHECK(symlink("/etc/passwd", link) == 0);
	const char *const to_fifo[] = {"path", fifo, NULL};
	const char *const to_link[] = {"path", link, NULL};
	SK_CHECK_INT(ph_load(&p, "file"), SK_OK);
	SK_CHECK(!ph_init(&p, to_fifo));
	SK_CHECK_CONTAINS(p.err, fifo);
	SK_CHECK(!ph_init(&p, to_link));
	SK_CHECK_CONTAINS(p.err, link);
	ph_unload(&p);
	remove_files(dir, (const char *const[]){"fifo", "link"}, 2);
}

SK_TEST(file_refuses_bad_config_with_reason)
{
	ph_plugin p = {0};
	const char *const no_path[] = {"maxsize", "10", NULL};
	const char *const dir_path[] = {"path", "/tmp", NULL};
	const char *const neg[] = {"path", "/tmp/x", "maxsize", "-1", NULL};

	SK_CHECK_INT(ph_load(&p, "file"), SK_OK);
	SK_CHECK(!ph_init(&p, no_path));
	SK_CHECK_CONTAINS(p.err, "path");
	SK_CHECK(!ph_init(&p, dir_path));
	SK_CHECK_CONTAINS(p.err, "/tmp");
	SK_CHECK(!ph_init(&p, neg));
	SK_CHECK_CONTAINS(p.err, "maxsize -1");
	ph_unload(&p);
}

SK_TEST_MAIN()
