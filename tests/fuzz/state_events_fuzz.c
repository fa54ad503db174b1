/* state_events_fuzz: arbitrary event sequences (types, thread ids and
 * parameter bytes from the input) applied to the state, plus the cgroup
 * parser on the raw input; the state then written as scap records and read
 * back into a new one (a capture file's snapshot). Must never crash, leak
 * or read out of bounds, and the threads must all come back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "evbuild.h"
#include "scap_reader.h"
#include "scap_writer.h"
#include "state.h"
#include "state_scap.h"

static sk_err count_thread(void *ctx, const sk_thread *t)
{
	(void)t;
	(*(size_t *)ctx)++;
	return SK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char id[SK_CONTAINER_ID_LEN + 1];
	const char *type;
	(void)sk_container_id_from_cgroups((const char *)data, size, id, &type);

	sk_state_config cfg = {0};
	cfg.max_threads = 64;
	cfg.max_fds_per_process = 64;
	cfg.docker_root = "/nonexistent";
	cfg.containerd_root = "/nonexistent";
	cfg.crio_root = "/nonexistent";
	sk_state *st = NULL;
	if (sk_state_new(&cfg, &st) != SK_OK) {
		return 0;
	}
	static sk_evbuild b;
	size_t pos = 0;
	/* Record: u16 type, u8 tid, u8 nparams, then per param u8 len + bytes. */
	for (int n = 0; n < 256 && pos + 4 <= size; n++) {
		uint16_t evtype = (uint16_t)(data[pos] | data[pos + 1] << 8) % 400;
		uint64_t tid = data[pos + 2] % 16;
		uint32_t np = data[pos + 3] % 32;
		pos += 4;
		sk_evb_start(&b, evtype, tid, (uint64_t)n);
		for (uint32_t i = 0; i < np && pos < size; i++) {
			uint32_t len = data[pos++];
			if (len > size - pos) {
				len = (uint32_t)(size - pos);
			}
			sk_evb_raw(&b, data + pos, len);
			pos += len;
		}
		sk_state_view view;
		(void)sk_state_apply(st, &b.ev, &view);
	}
	/* whatever state that built must write out as records that read back
	 * (a capture file's snapshot) with as many threads */
	sk_scap_writer *w = NULL;
	uint8_t *blocks = NULL;
	size_t len = 0;
	size_t live = 0;
	(void)sk_state_each_thread(st, count_thread, &live);
	if (sk_scap_writer_open_buffer(&w) == SK_OK && sk_state_scap_write(st, w) == SK_OK &&
	    sk_scap_writer_take(w, &blocks, &len) == SK_OK) {
		sk_state *back = NULL;
		sk_scap_reader *rd = NULL;
		if (sk_state_new(&cfg, &back) == SK_OK &&
		    sk_scap_reader_open_stream(sk_state_scap_callbacks(), back, &rd) == SK_OK &&
		    sk_scap_reader_feed(rd, blocks, len) == SK_OK) {
			sk_event evt;
			if (sk_scap_reader_next(rd, &evt) != SK_ENOENT || sk_state_thread_count(back) != live) {
				__builtin_trap();
			}
		}
		sk_scap_reader_close(rd);
		sk_state_free(back);
	}
	free(blocks);
	(void)sk_scap_writer_close(w);
	sk_state_free(st);
	return 0;
}
