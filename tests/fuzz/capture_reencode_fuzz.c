/* capture_reencode_fuzz.c: sc_reencode() on arbitrary "kernel events", then
 * sc_synth_enter() on what it made, as the reader does. Both must reject or
 * build, never read past the input; an enter event is added exactly when
 * sc_wants_enter() said one would be, and it is a whole event. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_strbuf out = SK_STRBUF_INIT, enter = SK_STRBUF_INIT;
	if (sc_reencode(data, size, &out) == SK_OK) {
		const uint8_t *ev = (const uint8_t *)out.data;
		for (int all = 0; all < 2; all++) {
			bool added = false;
			bool wanted = sc_wants_enter(ev, out.len, all != 0);
			sk_strbuf_reset(&enter);
			if (sc_synth_enter(ev, out.len, all != 0, &enter, &added) != SK_OK) {
				continue;
			}
			uint32_t len = 0;
			if (added && enter.len >= SKC_HDR_LEN) {
				memcpy(&len, enter.data + 16, 4);
			}
			if (added != wanted || (added && len != enter.len)) {
				abort();
			}
		}
	}
	sk_strbuf_free(&out);
	sk_strbuf_free(&enter);
	return 0;
}
