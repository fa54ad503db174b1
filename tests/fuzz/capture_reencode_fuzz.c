/* capture_reencode_fuzz.c: sc_reencode() on arbitrary "kernel events". It
 * must reject or re-encode, never read past the input. */
#include <stddef.h>
#include <stdint.h>

#include "sc_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_strbuf out = SK_STRBUF_INIT;
	sc_reencode(data, size, &out);
	sk_strbuf_free(&out);
	return 0;
}
