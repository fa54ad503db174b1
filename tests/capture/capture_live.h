/* capture_live.h: what the live capture tests share: the preflight that
 * skips (exit code 77) without root or BTF, saker-capture's path, a log grep. */
#ifndef CAPTURE_LIVE_H
#define CAPTURE_LIVE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAPTURE_SKIP 77

/* Returns 0 when eBPF can be loaded here, else prints why and returns
 * CAPTURE_SKIP. */
static inline int capture_preflight(const char *test)
{
	if (geteuid() != 0) {
		printf("SKIP: %s needs root (loads eBPF programs)\n", test);
		return CAPTURE_SKIP;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		printf("SKIP: %s needs kernel BTF (/sys/kernel/btf/vmlinux)\n", test);
		return CAPTURE_SKIP;
	}
	return 0;
}

/* Preflight, then creates the test's scratch directory from the mkdtemp
 * template dir. Returns 0, CAPTURE_SKIP, or 1 on failure. */
static inline int capture_setup(const char *test, char *dir)
{
	int pre = capture_preflight(test);
	if (pre != 0) {
		return pre;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	return 0;
}

/* Writes the path of the saker-capture under test into out. */
static inline void capture_exe(char *out, size_t cap)
{
	const char *build = getenv("SAKER_BUILD_DIR");
	snprintf(out, cap, "%s/bin/saker-capture", build ? build : "build");
}

/* True when a line (up to 4 KiB) of the file at path contains needle. */
static inline bool capture_file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	bool found = false;
	while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
		found = strstr(line, needle) != NULL;
	}
	if (f != NULL) {
		fclose(f);
	}
	return found;
}

#endif
