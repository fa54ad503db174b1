/* capture_overlay: processes that were already running from a container's
 * overlay when saker-capture started (known from its /proc snapshot only)
 * carry the layer their exe came from: proc.is_exe_upper_layer is true for
 * a binary dropped into the running container (Falco's "Drop and execute
 * new binary in container" idea), false for the image's. The layer comes
 * from the kernel's task iterator, so it is right even where the sensor
 * cannot see the layer's directories: here HOST_ROOT names a host root
 * whose proc is this machine's and which holds no overlay directories, as
 * in a pod where the chart mounts only /proc under /host. Both sleepers are
 * killed after the capture started; the replay's procexit alerts say the
 * layer.
 *
 * Needs root, BTF, overlayfs and a built saker-engine; exits 77 (ctest
 * SKIP) without root or BTF. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_live.h"
#include "overlay_sleepers.h"
#include "sk_test.h"

static char dir[64] = "/tmp/sk_overlay_XXXXXX";

static const char rules[] = "- rule: sleeper exits\n"
			    "  desc: test\n"
			    "  condition: evt.type = procexit and proc.name in (dropped_sleep, image_sleep)\n"
			    "  output: \"EXIT pid=%proc.pid name=%proc.name upper=%proc.is_exe_upper_layer\"\n"
			    "  priority: WARNING\n";

SK_TEST(snapshot_processes_carry_their_exe_layer)
{
	char capture[512], path[256], scap[128], out[128], log[128], rules_path[128], cmd[512];
	char exepath[512], want[128];
	capture_exe(capture, sizeof(capture));
	snprintf(scap, sizeof(scap), "%s/o.scap", dir);
	snprintf(out, sizeof(out), "%s/engine.out", dir);
	snprintf(log, sizeof(log), "%s/capture.log", dir);
	snprintf(rules_path, sizeof(rules_path), "%s/rules.yaml", dir);
	SK_CHECK(sk_live_write_file(rules_path, rules));
	/* the host root: this machine's proc, none of the overlay's directories */
	char host[128], layers[128];
	snprintf(host, sizeof(host), "%s/host", dir);
	snprintf(path, sizeof(path), "%s/proc", host);
	SK_CHECK(mkdir(host, 0755) == 0 && symlink("/proc", path) == 0);
	snprintf(layers, sizeof(layers), "%s/layers", dir);
	SK_CHECK(mkdir(layers, 0755) == 0 && overlay_prepare(layers));

	int fds[2];
	SK_CHECK_INT(pipe2(fds, O_CLOEXEC), 0);
	pid_t upper = fork();
	if (upper == 0) {
		overlay_sleepers(layers, "30", fds[1]);
	}
	close(fds[1]);
	pid_t lower = -1;
	if (read(fds[0], &lower, sizeof(lower)) != (ssize_t)sizeof(lower)) {
		lower = -1;
	}
	close(fds[0]);
	bool running = lower > 0 && overlay_wait_exe(upper, "/merged/dropped_sleep", exepath, sizeof(exepath)) &&
		       overlay_wait_exe(lower, "/merged/image_sleep", exepath, sizeof(exepath));
	SK_CHECK(running);

	setenv("HOST_ROOT", host, 1);
	char *argv[] = {capture, "-w", scap, "--duration", "30", NULL};
	pid_t cap = running ? sk_live_spawn_logged(argv, log) : -1;
	unsetenv("HOST_ROOT");
	SK_CHECK(cap > 0 && capture_wait_ready(log));
	pid_t sleepers[2] = {upper, lower};
	for (int i = 0; i < 2; i++) {
		if (sleepers[i] > 0) {
			kill(sleepers[i], SIGKILL);
			waitpid(sleepers[i], NULL, 0);
		}
	}
	sk_live_sleep_ms(500); /* the capture drains its rings every few ms */
	if (cap > 0) {
		int status = sk_live_stop(cap);
		SK_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	SK_CHECK_INT(capture_replay("", scap, rules_path, out), 0);
	snprintf(want, sizeof(want), "EXIT pid=%d name=dropped_sleep upper=true", upper);
	SK_CHECK(sk_live_file_contains(out, want));
	snprintf(want, sizeof(want), "EXIT pid=%d name=image_sleep upper=false", lower);
	SK_CHECK(sk_live_file_contains(out, want));
	if (!sk_live_file_contains(out, "EXIT pid=")) {
		snprintf(cmd, sizeof(cmd), "tail -n 5 '%s' '%s' >&2", out, log);
		SK_CHECK_INT(system(cmd), 0);
	}
}

int main(void)
{
	int rc = capture_setup("capture_overlay", dir);
	if (rc != 0) {
		return rc;
	}
	rc = sk_test_run();
	sk_live_remove_dir(dir);
	return rc;
}
