/* watch_test: the changes watch_config_files reloads on, made the ways
 * users make them: a file rewritten in place, replaced by a rename (as
 * editors save), created where none was, a file added to a rules
 * directory, and a Kubernetes ConfigMap volume publishing new contents by
 * swapping its ..data link. Writes to other files of the same directory,
 * and hidden files (editors' swap files), are not changes. */
#define _GNU_SOURCE
#include "watch.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sk_live.h"
#include "sk_test.h"

static char dir[] = "/tmp/sk_watch_XXXXXX";

static const char *at(const char *name)
{
	static char paths[8][256];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

/* Watches the names (under the test's directory). */
static sk_err open_watch(const char *const *names, size_t n, sk_watch **w, sk_strbuf *why)
{
	char paths[4][256];
	const char *ptrs[4];
	for (size_t i = 0; i < n && i < 4; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
		ptrs[i] = paths[i];
	}
	return sk_watch_open(ptrs, n < 4 ? n : 4, w, why);
}

/* Whether w reports a change now; inotify queues an event within the
 * syscall that causes it, so no wait is needed. */
static bool changed_now(sk_watch *w)
{
	bool changed = true;
	SK_CHECK_INT(sk_watch_poll(w, &changed), SK_OK);
	return changed;
}

SK_TEST(files_and_directories)
{
	sk_strbuf why = SK_STRBUF_INIT;
	sk_watch *w = NULL;
	SK_CHECK(mkdir(at("rules.d"), 0755) == 0);
	SK_CHECK(sk_live_write_file(at("saker.yaml"), "priority: info\n"));
	SK_CHECK(sk_live_write_file(at("rules.d/a.yaml"), "[]\n"));
	static const char *const names[] = {"saker.yaml", "missing.yaml", "rules.d/", "nodir/x.yaml"};
	SK_CHECK_INT(open_watch(names, 4, &w, &why), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&why), "/nodir: No such file or directory (not watched)");
	SK_CHECK_INT(sk_watch_count(w), 2); /* the top directory once, rules.d */
	SK_CHECK(!changed_now(w));

	SK_CHECK(sk_live_write_file(at("saker.yaml"), "priority: debug\n")); /* in place */
	SK_CHECK(changed_now(w));
	SK_CHECK(!changed_now(w)); /* read once */
	SK_CHECK(sk_live_write_file(at("other.yaml"), "x: 1\n")); /* a neighbour */
	SK_CHECK(!changed_now(w));
	SK_CHECK(sk_live_write_file(at(".saker.yaml.swp"), "x"));
	SK_CHECK(!changed_now(w));
	SK_CHECK(rename(at("other.yaml"), at("saker.yaml")) == 0); /* saved by rename */
	SK_CHECK(changed_now(w));
	SK_CHECK(sk_live_write_file(at("missing.yaml"), "priority: info\n")); /* created */
	SK_CHECK(changed_now(w));
	SK_CHECK(sk_live_write_file(at("rules.d/b.yaml"), "[]\n")); /* added to a directory */
	SK_CHECK(changed_now(w));
	SK_CHECK(sk_live_write_file(at("rules.d/.b.yaml.swp"), "x"));
	SK_CHECK(!changed_now(w));
	SK_CHECK(unlink(at("rules.d/a.yaml")) == 0); /* removed */
	SK_CHECK(changed_now(w));
	sk_watch_close(w);
	sk_strbuf_free(&why);
}

SK_TEST(configmap_swap)
{
	/* The kubelet's layout: name -> ..data/name, ..data -> ..<version>/ */
	sk_strbuf why = SK_STRBUF_INIT;
	sk_watch *w = NULL;
	SK_CHECK(mkdir(at("cm"), 0755) == 0);
	SK_CHECK(mkdir(at("cm/..v1"), 0755) == 0);
	SK_CHECK(sk_live_write_file(at("cm/..v1/rules.yaml"), "[]\n"));
	SK_CHECK(symlink("..v1", at("cm/..data")) == 0);
	SK_CHECK(symlink("..data/rules.yaml", at("cm/rules.yaml")) == 0);
	static const char *const names[] = {"cm/rules.yaml"};
	SK_CHECK_INT(open_watch(names, 1, &w, &why), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&why), "");
	SK_CHECK(mkdir(at("cm/..v2"), 0755) == 0);
	SK_CHECK(sk_live_write_file(at("cm/..v2/rules.yaml"), "- list: x\n  items: []\n"));
	SK_CHECK(!changed_now(w)); /* a hidden version directory alone publishes nothing */
	SK_CHECK(symlink("..v2", at("cm/..data_tmp")) == 0);
	SK_CHECK(rename(at("cm/..data_tmp"), at("cm/..data")) == 0);
	SK_CHECK(changed_now(w));
	sk_watch_close(w);
	sk_strbuf_free(&why);
}

SK_TEST(limits)
{
	sk_strbuf why = SK_STRBUF_INIT;
	sk_watch *w = NULL;
	static const char *many[SK_WATCH_MAX_PATHS + 1];
	for (size_t i = 0; i <= SK_WATCH_MAX_PATHS; i++) {
		many[i] = "/tmp/x.yaml";
	}
	SK_CHECK_INT(sk_watch_open(many, SK_WATCH_MAX_PATHS + 1, &w, &why), SK_ERANGE);
	SK_CHECK_INT(sk_watch_open(many, 0, &w, &why), SK_OK);
	SK_CHECK_INT(sk_watch_count(w), 0);
	SK_CHECK(!changed_now(w));
	sk_watch_close(w);
	sk_watch_close(NULL);
	sk_strbuf_free(&why);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	int rc = sk_test_run();
	sk_live_remove_dir(dir);
	return rc;
}
