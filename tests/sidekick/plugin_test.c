#include <stdlib.h>

#include "plugin.h"
#include "sk_test.h"

static const char *dir(void)
{
	const char *d = getenv("SKTEST_PLUGIN_DIR");
	return d != NULL ? d : "build/tests/sidekick-plugins";
}

SK_TEST(plugin_loads_and_validates)
{
	char path[1024], err[512] = "";
	skp_plugin *p = NULL;
	SK_CHECK_INT(skp_path(dir(), "sktest", path, sizeof(path)), SK_OK);
	SK_CHECK_INT(skp_load(path, &p, err, sizeof(err)), SK_OK);
	if (p != NULL) {
		SK_CHECK_STR(p->vt->name, "sktest");
		SK_CHECK_STR(p->vt->required_key, "address");
		SK_CHECK_INT(p->vt->max_batch, 50);
	}
	skp_unload(p);
}

SK_TEST(plugin_abi_mismatch_is_refused_naming_both_versions)
{
	char path[1024], err[512] = "";
	skp_plugin *p = NULL;
	SK_CHECK_INT(skp_path(dir(), "sktest_badabi", path, sizeof(path)), SK_OK);
	SK_CHECK_INT(skp_load(path, &p, err, sizeof(err)), SK_EVERSION);
	SK_CHECK_CONTAINS(err, "ABI version 99");
	SK_CHECK_CONTAINS(err, "speaks version 1");
	SK_CHECK(p == NULL);
	SK_CHECK_INT(skp_load("/nonexistent/saker_x.so", &p, err, sizeof(err)), SK_ENOENT);
	SK_CHECK_CONTAINS(err, "/nonexistent/saker_x.so");
}

static void count(void *user, const char *name)
{
	(void)name;
	(*(int *)user)++;
}

SK_TEST(plugin_dir_listing)
{
	int n = 0;
	SK_CHECK_INT(skp_list_dir(dir(), count, &n), 2);
	SK_CHECK_INT(n, 2);
	SK_CHECK_INT(skp_list_dir("/nonexistent", count, &n), 0);
}

SK_TEST_MAIN()
