/* capture_mountinfo_fuzz.c: ovl_mountinfo_parse() on arbitrary lines, for
 * the mount id the line names and for another one. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ovl_layer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct ovl_mount *m = malloc(sizeof(*m));
	if (line != NULL && m != NULL) {
		memcpy(line, data, size);
		line[size] = '\0';
		uint64_t id = strtoull(line, NULL, 10);
		ovl_mountinfo_parse(line, id, m);
		ovl_mountinfo_parse(line, id + 1, m);
	}
	free(line);
	free(m);
	return 0;
}
