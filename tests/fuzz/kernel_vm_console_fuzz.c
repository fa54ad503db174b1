/* Fuzzes the kernel_vm test's console reader (tests/kernel_vm/vm_console.c)
 * with arbitrary serial output; looks every alert up afterwards. */
#include <stddef.h>
#include <stdint.h>

#include "vm_console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pairs[] = {"proc.name", "cat", "fd.name", "<NA>", NULL};
	vm_console c;

	if (vm_console_scan((const char *)data, size, "n0nce", &c) == SK_OK)
		vm_console_find(&c, "VM probe file read", pairs);
	vm_console_free(&c);
	return 0;
}
