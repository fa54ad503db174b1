/* Every in-tree plugin passes saker-sidekick's own loader (sidekick/plugin.c:
 * ABI version, name, required_key, entry points, send_batch iff
 * max_batch > 1) and is named after its file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "sk_test.h"

SK_TEST(sidekick_loader_accepts_every_plugin)
{
	char names[] = SAKER_PLUGIN_NAMES_STR;
	char dir[4096], path[4096], err[512];
	int count = 0, want = 0;

	snprintf(dir, sizeof(dir), "%s/lib/saker/plugins", getenv("SAKER_BUILD_DIR"));
	for (char *save = NULL, *name = strtok_r(names, ",", &save); name != NULL;
	     name = strtok_r(NULL, ",", &save)) {
		skp_plugin *p = NULL;

		want++;
		SK_CHECK_INT(skp_path(dir, name, path, sizeof(path)), SK_OK);
		err[0] = '\0';
		SK_CHECK_INT(skp_load(path, &p, err, sizeof(err)), SK_OK);
		if (p == NULL) {
			fprintf(stderr, "%s: %s\n", name, err);
			continue;
		}
		SK_CHECK_STR(p->vt->name, name);
		SK_CHECK(p->vt->required_key != NULL && *p->vt->required_key != '\0');
		SK_CHECK(p->vt->description != NULL && *p->vt->description != '\0');
		skp_unload(p);
		count++;
	}
	SK_CHECK(want > 0);
	SK_CHECK_INT(count, want);
}

SK_TEST_MAIN()
