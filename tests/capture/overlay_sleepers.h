/* overlay_sleepers.h: two processes running from a real overlayfs, one
 * from its upper layer and one from its lower layer, for the tests of the
 * exe's layer (capture/ovl_layer_test.c, tests/capture/capture_overlay.c).
 * Static helpers for a test's own translation unit (which defines
 * _GNU_SOURCE first); they need root to mount. */
#ifndef OVERLAY_SLEEPERS_H
#define OVERLAY_SLEEPERS_H

#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static inline bool overlay_copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	bool ok = true;
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0755);

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0) {
		ok &= write(out, buf, (size_t)n) == n;
	}
	ok &= in >= 0 && out >= 0;
	if (in >= 0) {
		close(in);
	}
	if (out >= 0) {
		close(out);
	}
	return ok;
}

/* Makes dir/{lower,upper,work,merged} and the image's copy of sleep in
 * lower. False on failure. */
static inline bool overlay_prepare(const char *dir)
{
	static const char *const subdirs[] = {"lower", "upper", "work", "merged"};
	char path[512];
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		if (mkdir(path, 0755) != 0) {
			return false;
		}
	}
	snprintf(path, sizeof(path), "%s/lower/image_sleep", dir);
	return overlay_copy_file("/bin/sleep", path);
}

/* Child: private mount namespace, overlay over dir/{lower,upper,work} at
 * dir/merged; a grandchild runs the image's copy of sleep (lower), the child
 * runs a copy dropped through the merged view (upper), both for seconds.
 * The grandchild's pid goes to wfd. */
static inline void overlay_sleepers(const char *dir, const char *seconds, int wfd)
{
	char opts[1024], merged[256], lower_exe[256], upper_exe[256];

	snprintf(opts, sizeof(opts), "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work", dir, dir, dir);
	snprintf(merged, sizeof(merged), "%s/merged", dir);
	snprintf(lower_exe, sizeof(lower_exe), "%s/merged/image_sleep", dir);
	snprintf(upper_exe, sizeof(upper_exe), "%s/merged/dropped_sleep", dir);
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("overlay", merged, "overlay", 0, opts) != 0 || !overlay_copy_file("/bin/sleep", upper_exe)) {
		_exit(2);
	}
	pid_t g = fork();
	if (g == 0) {
		execl(lower_exe, lower_exe, seconds, (char *)NULL);
		_exit(127);
	}
	if (write(wfd, &g, sizeof(g)) != (ssize_t)sizeof(g)) {
		_exit(3);
	}
	execl(upper_exe, upper_exe, seconds, (char *)NULL);
	_exit(127);
}

/* Waits (bounded: 5 s) until pid's exe link ends with name; fills exepath. */
static inline bool overlay_wait_exe(pid_t pid, const char *name, char *exepath, size_t cap)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	for (int i = 0; i < 250; i++) {
		ssize_t n = readlink(link, exepath, cap - 1);
		if (n > 0) {
			exepath[n] = '\0';
			size_t len = strlen(name);
			if ((size_t)n >= len && strcmp(exepath + n - len, name) == 0) {
				return true;
			}
		}
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return false;
}

#endif
