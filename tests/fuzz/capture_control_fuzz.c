/* capture_control_fuzz.c: control_parse_set() on arbitrary replies. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_set *set = malloc(sizeof(*set));
	if (set != NULL) {
		control_parse_set(data, size, set);
		free(set);
	}
	return 0;
}
