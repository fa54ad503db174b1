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
		SK_CHECK_INT(p->vt->tick_ms, 200);
		SK_CHECK(p->vt->tick != NULL);
	}
	skp_unload(p);
}

/* A plugin of the first ABI loads; its table ends before tick_ms, so the
 * loader takes neither tick_ms nor tick from it (the test plugin still
 * carries both, which must stay unseen). */
SK_TEST(plugin_of_the_first_abi_loads_without_a_tick)
{
	char path[1024], err[512] = "";
	skp_plugin *p = NULL;
	SK_CHECK_INT(skp_path(dir(), "sktest_abi1", path, sizeof(path)), SK_OK);
	SK_CHECK_INT(skp_load(path, &p, err, sizeof(err)), SK_OK);
	if (p != NULL) {
		SK_CHECK_INT(p->vt->abi_version, 1);
		SK_CHECK_STR(p->vt->name, "sktest");
		SK_CHECK(p->vt->send_batch != NULL && p->vt->close != NULL);
		SK_CHECK_INT(p->vt->tick_ms, 0);
		SK_CHECK(p->vt->tick == NULL);
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
	SK_CHECK_CONTAINS(err, "speaks versions 1 to 2");
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
	SK_CHECK_INT(skp_list_dir(dir(), count, &n), 3);
	SK_CHECK_INT(n, 3);
	SK_CHECK_INT(skp_list_dir("/nonexistent", count, &n), 0);
}

SK_TEST_MAIN()
