/* fuzz_events: event sequences built from fuzz input, applied to a small
 * process state, handed to a callback with the eval context set. The
 * fuzzers that evaluate fields or rules share it. */
#ifndef FUZZ_EVENTS_H
#define FUZZ_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "eval_ctx.h"
#include "evbuild.h"
#include "event_table.h"
#include "state.h"

/* Called per event; arg is a free byte of the input for the callback. */
typedef void (*fz_event_fn)(sk_eval_ctx *ctx, const sk_event *ev, uint8_t arg, void *user);

/* Appends np parameters whose lengths come first, then their bytes (cut
 * at the end of the input); returns the position after them. */
static inline size_t fz_add_params(sk_evbuild *b, const uint8_t *data, size_t size, size_t pos, uint32_t np)
{
	const uint8_t *lens = data + pos;
	size_t nlens = np < size - pos ? np : size - pos;
	size_t at = pos + nlens;
	for (size_t i = 0; i < nlens; i++) {
		size_t len = lens[i] < size - at ? lens[i] : size - at;
		sk_evb_raw(b, data + at, (uint32_t)len);
		at += len;
	}
	return at;
}

/* Up to 32 events. Record: u16 type, u8 tid, u8 cpu, u8 nparams, u8 arg,
 * the parameters' u8 lengths, then their bytes. Small tables; no host
 * files or container runtimes read. */
static inline void fz_run_events(const uint8_t *data, size_t size, fz_event_fn fn, void *user)
{
	static const char none[] = "/nonexistent";
	const sk_state_config cfg = {.max_threads = 16, .max_fds_per_process = 16, .docker_root = none,
				     .containerd_root = none, .crio_root = none, .passwd_path = none, .group_path = none};
	sk_state *st = NULL;
	sk_eval_ctx ctx;
	if (sk_state_new(&cfg, &st) != SK_OK) {
		return;
	}
	if (sk_eval_ctx_init(&ctx, st, "fuzz") != SK_OK) {
		sk_state_free(st);
		return;
	}
	static sk_evbuild b;
	size_t pos = 0;
	for (int n = 0; n < 32 && pos + 6 <= size; n++) {
		uint16_t evtype = (uint16_t)(data[pos] | data[pos + 1] << 8) % sk_event_type_count();
		uint64_t tid = data[pos + 2] % 8;
		uint16_t cpu = data[pos + 3];
		uint32_t np = data[pos + 4] % 16;
		uint8_t arg = data[pos + 5];
		pos += 6;
		sk_evb_start(&b, evtype, tid, (uint64_t)n + 1);
		b.ev.cpu = cpu;
		pos = fz_add_params(&b, data, size, pos, np);
		b.ev.info = sk_event_info_get(b.ev.type);
		sk_state_view view;
		if (sk_state_apply(st, &b.ev, &view) != SK_OK) {
			continue;
		}
		sk_eval_ctx_set_event(&ctx, &b.ev, &view);
		fn(&ctx, &b.ev, arg, user);
	}
	sk_eval_ctx_free(&ctx);
	sk_state_free(st);
}

#endif
