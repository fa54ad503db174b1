/* event_msg_fuzz.c: the live-stream message decoder. The input is cut into
 * several nng messages (each prefixed by a u16 length) fed one after the
 * other to one stream reader, so state carried between messages is covered;
 * each message is also decoded as a single raw event in every layout, and
 * integer and flag parameters are rendered through the event table. */
#include <stdint.h>
#include <string.h>

#include "event_table.h"
#include "scap_reader.h"

static size_t sink;

static void use_event(const sk_event *e)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	for (uint32_t p = 0; p < e->nparams; p++) {
		uint64_t u = 0;
		int64_t s = 0;
		if (sk_event_param_u64(e, p, &u) == SK_OK && (int)p < e->info->nparams) {
			sk_event_render_flags(&e->info->params[p], (uint32_t)u, &sb);
		}
		if (sk_event_param_i64(e, p, &s) == SK_OK) {
			sink += (size_t)s;
		}
	}
	sink += strlen(sk_event_type_name(e->type, e->nparams > 0 ? e->param[0] : NULL,
					  e->nparams > 0 ? e->param_len[0] : 0));
	sk_strbuf_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_scap_reader *r = NULL;
	size_t pos = 0;

	if (sk_scap_reader_open_stream(NULL, NULL, &r) != SK_OK) {
		return 0;
	}
	for (int m = 0; m < 64 && pos + 2 <= size; m++) {
		size_t len = (size_t)(data[pos] | data[pos + 1] << 8);
		sk_event e;
		pos += 2;
		if (len > size - pos) {
			len = size - pos;
		}
		for (unsigned flags = 0; flags < 4; flags++) {
			if (sk_event_decode_as(data + pos, len, flags, &e) == SK_OK) {
				use_event(&e);
			}
		}
		if (sk_scap_reader_feed(r, data + pos, len) == SK_OK) {
			for (int i = 0; i < 10000 && sk_scap_reader_next(r, &e) == SK_OK; i++) {
				use_event(&e);
			}
		}
		pos += len;
	}
	sk_scap_reader_close(r);
	return 0;
}
