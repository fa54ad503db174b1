/* state_events_fuzz: arbitrary event sequences (types, thread ids and
 * parameter bytes from the input) applied to the state, plus the cgroup
 * parser on the raw input. Must never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "container.h"
#include "evbuild.h"
#include "state.h"

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
	sk_state_free(st);
	return 0;
}
