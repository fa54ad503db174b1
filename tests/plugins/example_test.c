/* Out-of-tree plugin build: installs the plugin-dev component (ABI header +
 * saker-plugin.pc) into a temporary prefix, compiles plugins/example with
 * `cc -shared -fPIC $(pkg-config --cflags saker-plugin)` using only that
 * prefix, then dlopens the result and runs it through init/send/close. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin_host.h"
#include "sk_test.h"

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0) {
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	}
	return rc;
}

SK_TEST(example_builds_out_of_tree_and_delivers)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	char dir[64] = "/tmp/saker-example-XXXXXX";
	char cmd[4096], so[128], out[128], line[1024] = "", want[1024];
	ph_plugin p = {0};
	ph_alert a;
	FILE *f;

	SK_CHECK(build != NULL && mkdtemp(dir) != NULL);
	if (build == NULL) {
		return;
	}
	snprintf(so, sizeof(so), "%s/saker_example.so", dir);
	snprintf(out, sizeof(out), "%s/alerts.txt", dir);
	snprintf(cmd, sizeof(cmd), "%s --install '%s' --prefix '%s/prefix' --component plugin-dev >/dev/null",
		 SAKER_CMAKE_COMMAND, build, dir);
	SK_CHECK_INT(run(cmd), 0);
	/* Nothing from the source tree: only what the install put in prefix. */
	snprintf(cmd, sizeof(cmd),
		 "pc=$(dirname \"$(find '%s/prefix' -name saker-plugin.pc | head -n 1)\") && "
		 "cd plugins/example && PKG_CONFIG_PATH=\"$pc\" PKG_CONFIG_LIBDIR=\"$pc\" "
		 "cc -shared -fPIC -Wall -Wextra -Werror $(PKG_CONFIG_PATH=\"$pc\" pkg-config --cflags saker-plugin) "
		 "-o '%s' example.c",
		 dir, so);
	SK_CHECK_INT(run(cmd), 0);
	SK_CHECK_INT(ph_load_path(&p, so), SK_OK);
	SK_CHECK_STR(p.api != NULL ? p.api->name : NULL, "example");
	const char *const config[] = {"path", out, NULL};
	SK_CHECK(p.api != NULL && ph_init(&p, config));
	ph_alert_make(&a, 5);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	f = fopen(out, "r");
	SK_CHECK(f != NULL && fgets(line, sizeof(line), f) != NULL);
	if (f != NULL) {
		fclose(f);
	}
	snprintf(want, sizeof(want), "%s Warning Terminal shell in container: %s\n", a.time, a.output);
	SK_CHECK_STR(line, want);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	SK_CHECK_INT(run(cmd), 0);
}

SK_TEST_MAIN()
