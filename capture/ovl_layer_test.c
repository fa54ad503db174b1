/* ovl_layer_test.c: mountinfo lines parsed (escapes, other mounts, other
 * file systems, damage), then as root a real overlay in a private mount
 * namespace: a process running a file dropped into the merged view is on the
 * upper layer, one running an image file is on the lower layer, for
 * ovl_exe_layer and in the /proc snapshot's thread records. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture_shared.h"
#include "overlay_sleepers.h"
#include "ovl_layer.h"
#include "proc_snap.h"
#include "scap_reader.h"
#include "sk_test.h"

SK_TEST(mountinfo_lines_parse)
{
	struct ovl_mount m;
	const char *docker = "612 540 0:61 / / rw,relatime master:1 - overlay overlay "
			     "rw,lowerdir=/var/lib/docker/overlay2/l/A:/var/lib/docker/overlay2/l/B,"
			     "upperdir=/var/lib/docker/overlay2/abc/diff,workdir=/var/lib/docker/overlay2/abc/work";
	SK_CHECK_INT(ovl_mountinfo_parse(docker, 612, &m), SK_OK);
	SK_CHECK_STR(m.root, "/");
	SK_CHECK_STR(m.mountpoint, "/");
	SK_CHECK_STR(m.upperdir, "/var/lib/docker/overlay2/abc/diff");
	SK_CHECK_INT(ovl_mountinfo_parse(docker, 613, &m), SK_ENOENT);

	/* spaces and commas in paths are octal escapes; no optional fields */
	const char *escaped = "7 1 0:5 /sub /mnt/my\\040dir rw - overlay none "
			      "rw,lowerdir=/l,upperdir=/up\\054per\\040x,workdir=/w";
	SK_CHECK_INT(ovl_mountinfo_parse(escaped, 7, &m), SK_OK);
	SK_CHECK_STR(m.root, "/sub");
	SK_CHECK_STR(m.mountpoint, "/mnt/my dir");
	SK_CHECK_STR(m.upperdir, "/up,per x");

	SK_CHECK_INT(ovl_mountinfo_parse("30 1 8:1 / / rw - ext4 /dev/sda1 rw,upperdir=/x", 30, &m), SK_ENOENT);
	SK_CHECK_INT(ovl_mountinfo_parse("31 1 0:9 / /ro ro - overlay none ro,lowerdir=/a:/b", 31, &m), SK_ENOENT);
	SK_CHECK_INT(ovl_mountinfo_parse("32 1 0:9 / /x rw - overlay none rw,upperdir=,workdir=/w", 32, &m),
		     SK_EINVAL);
	SK_CHECK_INT(ovl_mountinfo_parse("33 1 0:9 / /x rw shared:2", 33, &m), SK_EINVAL);
	SK_CHECK_INT(ovl_mountinfo_parse("garbage", 1, &m), SK_EINVAL);
	SK_CHECK_INT(ovl_mountinfo_parse("", 1, &m), SK_EINVAL);

	char *long_line = malloc(4096);
	SK_CHECK(long_line != NULL);
	if (long_line != NULL) {
		int n = snprintf(long_line, 4096, "34 1 0:9 / /");
		memset(long_line + n, 'a', 2000);
		snprintf(long_line + n + 2000, 64, " rw - overlay none rw,upperdir=/u");
		SK_CHECK_INT(ovl_mountinfo_parse(long_line, 34, &m), SK_ERANGE);
		free(long_line);
	}
}

struct layer_seen {
	pid_t upper_pid, lower_pid;
	int upper_flags, lower_flags; /* -1 until seen; bit 0 upper, bit 1 lower */
};

static sk_err seen_thread(void *ctx, const sk_scap_thread *t)
{
	struct layer_seen *s = ctx;
	int flags = (t->exe_upper_layer ? 1 : 0) | (t->exe_lower_layer ? 2 : 0);
	if (t->tid == (uint64_t)s->upper_pid) {
		s->upper_flags = flags;
	} else if (t->tid == (uint64_t)s->lower_pid) {
		s->lower_flags = flags;
	}
	return SK_OK;
}

static void check_snapshot(struct layer_seen *seen)
{
	static const struct proc_snap_paths host = {"/proc", "/etc/passwd", "/etc/group"};
	sk_strbuf sb = SK_STRBUF_INIT;
	sk_scap_callbacks cb = {.on_thread = seen_thread};
	sk_scap_reader *r = NULL;
	sk_event ev;

	SK_CHECK_INT(proc_snap_blocks(&sb, &host, NULL, NULL), SK_OK);
	SK_CHECK_INT(sk_scap_reader_open_stream(&cb, seen, &r), SK_OK);
	SK_CHECK_INT(sk_scap_reader_feed(r, sb.data, sb.len), SK_OK);
	SK_CHECK_INT(sk_scap_reader_next(r, &ev), SK_ENOENT);
	sk_scap_reader_close(r);
	sk_strbuf_free(&sb);
	SK_CHECK_INT(seen->upper_flags, 1);
	SK_CHECK_INT(seen->lower_flags, 2);
}

SK_TEST(overlay_layers_of_running_processes)
{
	char dir[] = "/tmp/sk_ovl_XXXXXX", path[256], exepath[512];
	struct layer_seen seen = {.upper_flags = -1, .lower_flags = -1};
	int fds[2] = {-1, -1};

	if (geteuid() != 0) {
		printf("note: overlay part skipped (needs root to mount)\n");
		return;
	}
	SK_CHECK(mkdtemp(dir) != NULL);
	SK_CHECK(overlay_prepare(dir));
	SK_CHECK(pipe2(fds, O_CLOEXEC) == 0);
	seen.upper_pid = fork();
	if (seen.upper_pid == 0) {
		overlay_sleepers(dir, "20", fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], &seen.lower_pid, sizeof(seen.lower_pid)) != (ssize_t)sizeof(seen.lower_pid)) {
		seen.lower_pid = -1;
	}
	close(fds[0]);
	SK_CHECK(seen.lower_pid > 0);
	if (seen.lower_pid > 0 && overlay_wait_exe(seen.upper_pid, "/merged/dropped_sleep", exepath, sizeof(exepath))) {
		SK_CHECK_INT(ovl_exe_layer("/proc", (uint64_t)seen.upper_pid, exepath), SKC_EXE_UPPER_LAYER);
		SK_CHECK(overlay_wait_exe(seen.lower_pid, "/merged/image_sleep", exepath, sizeof(exepath)));
		SK_CHECK_INT(ovl_exe_layer("/proc", (uint64_t)seen.lower_pid, exepath), SKC_EXE_LOWER_LAYER);
		check_snapshot(&seen);
	} else {
		SK_CHECK(!"overlay sleepers started");
	}
	/* a file outside any overlay */
	SK_CHECK_INT(ovl_exe_layer("/proc", (uint64_t)getpid(), "/usr/bin/true"), 0);
	for (int i = 0; i < 2; i++) {
		pid_t p = i == 0 ? seen.upper_pid : seen.lower_pid;
		if (p > 0) {
			kill(p, SIGKILL);
			waitpid(p, NULL, 0);
		}
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	SK_CHECK_INT(system(path), 0);
}

SK_TEST_MAIN()
