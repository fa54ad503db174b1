/* Fuzzes the alert log's recovery and reader on a damaged spool: the input
 * becomes the body of a segment file (after a valid header) followed by a
 * second, valid segment; the log must open, read without crashing and
 * accept new appends. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert_log.h"

static char dir[64];

static void write_file(const char *name, const void *a, size_t na, const void *b, size_t nb)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		abort();
	}
	if (write(fd, a, na) != (ssize_t)na || (nb > 0 && write(fd, b, nb) != (ssize_t)nb)) {
		abort();
	}
	close(fd);
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot remove %s\n", dir);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[16] = {'S', 'K', 'A', 'L', 'O', 'G', '0', '1', 1, 0, 0, 0, 0, 0, 0, 0};
	uint8_t hdr2[16] = {'S', 'K', 'A', 'L', 'O', 'G', '0', '1', 0, 1, 0, 0, 0, 0, 0, 0};
	char err[256];
	sal_log *log = NULL;
	sal_reader *r = NULL;
	sal_record rec;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/sk_log_fuzz_XXXXXX");
		if (mkdtemp(dir) == NULL) {
			abort();
		}
		atexit(remove_dir);
	}
	/* Odd sizes damage the last segment (recovery); even ones a middle one. */
	bool middle = size % 2 == 0;
	write_file("0000000000000001.seg", hdr, sizeof(hdr), data, size);
	if (middle) {
		write_file("0000000000000100.seg", hdr2, sizeof(hdr2), NULL, 0);
	} else {
		char path[128];
		snprintf(path, sizeof(path), "%s/0000000000000100.seg", dir);
		unlink(path);
	}
	sal_options o = {.dir = dir, .sync_ms = 1000};
	if (sal_open(&o, &log, err, sizeof(err)) != SK_OK) {
		return 0;
	}
	if (sal_reader_open(log, 0, &r) == SK_OK) {
		for (int i = 0; i < 100000 && sal_reader_next(r, &rec, NULL) == SK_OK; i++) {
		}
		sal_reader_close(r);
	}
	if (sal_append(log, 1, "{}", 2, NULL) != SK_OK) {
		abort();
	}
	sal_close(log);
	return 0;
}
