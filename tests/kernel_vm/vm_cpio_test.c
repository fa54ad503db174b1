/* vm_cpio_test: archives written by vm_cpio read back by busybox cpio, the
 * same newc reader family the kernel implements. */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sk_test.h"
#include "vm_cpio.h"

/* Runs cmd through the shell; returns its output (malloc'd) or NULL. */
static char *run(const char *cmd)
{
	static char buf[8192];
	FILE *p = popen(cmd, "r");
	size_t n;

	if (p == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	if (pclose(p) != 0)
		return NULL;
	return strdup(buf);
}

SK_TEST(round_trip_through_busybox)
{
	char dir[] = "/tmp/vm_cpio_test.XXXXXX", archive[128], host[128], cmd[512], path[256], err[256];
	char link[64] = "";
	struct stat st;
	vm_cpio c;
	char *out;
	FILE *f;

	SK_CHECK(mkdtemp(dir) != NULL);
	snprintf(archive, sizeof(archive), "%s/a.cpio", dir);
	snprintf(host, sizeof(host), "%s/host.bin", dir);
	f = fopen(host, "w");
	SK_CHECK(f != NULL);
	for (int i = 0; f != NULL && i < 100000; i++)
		fputc('a' + i % 26, f); /* bigger than one copy chunk, not a multiple of 4 */
	if (f != NULL)
		fclose(f);
	SK_CHECK_INT(vm_cpio_open(&c, archive, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(vm_cpio_add_data(&c, "/etc/deep/er/conf", 0640, "x=1\n", 4), SK_OK);
	SK_CHECK_INT(vm_cpio_add_host_file(&c, "/usr/lib/host.bin", 0755, host), SK_OK);
	SK_CHECK_INT(vm_cpio_add_symlink(&c, "/usr/lib/link", "host.bin"), SK_OK);
	SK_CHECK_INT(vm_cpio_add_dir(&c, "/tmp", 01777), SK_OK);
	SK_CHECK_INT(vm_cpio_add_chardev(&c, "/dev/console", 0600, 5, 1), SK_OK);
	SK_CHECK_INT(vm_cpio_add_data(&c, "empty", 0644, "", 0), SK_OK);
	SK_CHECK_INT(vm_cpio_close(&c), SK_OK);
	SK_CHECK_STR(err, "");

	/* Listing: parents before children, each directory once, the device node. */
	snprintf(cmd, sizeof(cmd), "busybox cpio -t < %s 2>/dev/null", archive);
	out = run(cmd);
	SK_CHECK_STR(out, "etc\netc/deep\netc/deep/er\netc/deep/er/conf\nusr\nusr/lib\nusr/lib/host.bin\n"
	                  "usr/lib/link\ntmp\ndev\ndev/console\nempty\n");
	free(out);

	snprintf(cmd, sizeof(cmd), "cd %s && mkdir x && cd x && busybox cpio -i -d < %s 2>&1 && echo ok", dir,
	         archive);
	out = run(cmd);
	SK_CHECK_CONTAINS(out, "ok");
	free(out);
	snprintf(cmd, sizeof(cmd), "cmp %s %s/x/usr/lib/host.bin && cat %s/x/etc/deep/er/conf", host, dir,
	         dir);
	out = run(cmd);
	SK_CHECK_STR(out, "x=1\n");
	free(out);
	snprintf(path, sizeof(path), "%s/x/etc/deep/er/conf", dir);
	SK_CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
	snprintf(path, sizeof(path), "%s/x/usr/lib/link", dir);
	SK_CHECK(readlink(path, link, sizeof(link) - 1) == 8);
	SK_CHECK_STR(link, "host.bin");
	snprintf(path, sizeof(path), "%s/x/dev/console", dir);
	SK_CHECK(lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 1));

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	SK_CHECK(system(cmd) == 0);
}

SK_TEST(first_error_is_kept_with_its_reason)
{
	char dir[] = "/tmp/vm_cpio_test.XXXXXX", archive[128], err[256];
	vm_cpio c;

	SK_CHECK(mkdtemp(dir) != NULL);
	snprintf(archive, sizeof(archive), "%s/a.cpio", dir);
	SK_CHECK_INT(vm_cpio_open(&c, archive, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(vm_cpio_add_data(&c, "/etc/../escape", 0644, "x", 1), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "etc/../escape");
	/* Sticky: a valid entry after a failure does not hide it. */
	SK_CHECK_INT(vm_cpio_add_host_file(&c, "/bin/x", 0755, "/nonexistent/file"), SK_EINVAL);
	SK_CHECK_INT(vm_cpio_close(&c), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "etc/../escape");

	SK_CHECK_INT(vm_cpio_open(&c, archive, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(vm_cpio_add_host_file(&c, "/bin/x", 0755, "/nonexistent/file"), SK_ENOENT);
	SK_CHECK_CONTAINS(err, "/nonexistent/file");
	SK_CHECK_INT(vm_cpio_close(&c), SK_ENOENT);
	SK_CHECK_INT(vm_cpio_open(&c, "/nonexistent/dir/a.cpio", err, sizeof(err)), SK_EIO);
	SK_CHECK_CONTAINS(err, "/nonexistent/dir/a.cpio");
	SK_CHECK_INT(vm_cpio_close(&c), SK_EIO);
	unlink(archive);
	rmdir(dir);
}

SK_TEST_MAIN()
