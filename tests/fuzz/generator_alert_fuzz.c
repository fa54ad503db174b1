/* Fuzzes the alert parser of saker-event-generator's test-mode receiver. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gen_alert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gen_alert a;

	if (gen_alert_parse((const char *)data, size, &a) == SK_OK) {
		/* A parsed alert always has a NUL-terminated, non-empty rule. */
		if (a.rule[0] == '\0' || strnlen(a.rule, sizeof(a.rule)) == sizeof(a.rule)) {
			__builtin_trap();
		}
	}
	return 0;
}
