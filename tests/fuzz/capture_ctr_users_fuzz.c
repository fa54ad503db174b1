/* capture_ctr_users_fuzz.c: ctr_users_encode() on arbitrary passwd and
 * group text (the input split at its first byte's value); every event it
 * writes must decode and carry the container id. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctr_users.h"
#include "event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) {
		return 0;
	}
	size_t split = data[0] < size ? data[0] : size - 1;
	const char *passwd = (const char *)data + 1, *group = (const char *)data + 1 + split;
	size_t plen = split, glen = size - 1 - split;
	sk_strbuf sb = SK_STRBUF_INIT;
	uint32_t added = 0;
	struct cu_ids ids;
	if (ctr_users_encode(passwd, plen, group, glen, "0123456789ab", 1, 0, &sb, &added, &ids) != SK_OK) {
		abort();
	}
	size_t off = 0;
	uint32_t seen = 0;
	while (off + 12 <= sb.len) {
		uint32_t total;
		memcpy(&total, sb.data + off + 4, 4);
		sk_event ev;
		if (total < 14 || off + total > sb.len ||
		    sk_event_decode((const uint8_t *)sb.data + off + 10, total - 14, &ev) != SK_OK ||
		    ev.nparams == 0 || strcmp((const char *)ev.param[ev.nparams - 1], "0123456789ab") != 0) {
			abort();
		}
		off += total;
		seen++;
	}
	if (off != sb.len || seen != added || ids.nuids + ids.ngids != added || added > CU_MAX_ENTRIES) {
		abort();
	}
	ctr_users_ids_free(&ids);
	sk_strbuf_free(&sb);
	return 0;
}
