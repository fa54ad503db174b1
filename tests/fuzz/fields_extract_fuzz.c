/* fields_extract_fuzz: arbitrary event sequences (types, threads, CPUs and
 * parameter bytes from the input) applied to the state, then every field
 * of the registry extracted for each event, with and without an argument.
 * Extractors parse parameters (fd lists, paths, modes, flags): they must
 * never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "eval_ctx.h"
#include "evbuild.h"
#include "event_table.h"
#include "field.h"
#include "state.h"

/* Arguments tried on fields that take one. */
static const char *const keys[] = {"mode", "fds", "name", "HOME"};

static void extract_all(sk_eval_ctx *ctx, uint8_t arg)
{
	size_t n = 0;
	const sk_field_def *defs = sk_field_table(&n);
	sk_values vals;
	for (size_t i = 0; i < n; i++) {
		const sk_field_def *def = &defs[i];
		if (def->extract == NULL) {
			continue;
		}
		sk_field_ref ref = {def, -1, NULL, 0, 0};
		if ((def->flags & SK_FF_ARG_REQUIRED) == 0) {
			(void)def->extract(ctx, &ref, &vals);
		}
		if (def->flags & SK_FF_ARG_INDEX) {
			ref.arg_index = arg % 8;
			(void)def->extract(ctx, &ref, &vals);
			ref.arg_index = -1;
		}
		if (def->flags & SK_FF_ARG_KEY) {
			ref.arg_key = keys[arg % 4];
			ref.arg_key_len = (uint32_t)strlen(ref.arg_key);
			(void)def->extract(ctx, &ref, &vals);
		}
	}
}

/* Appends np parameters whose lengths come first, then their bytes (cut
 * at the end of the input); returns the position after them. */
static size_t add_params(sk_evbuild *b, const uint8_t *data, size_t size, size_t pos, uint32_t np)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small tables; no host files or runtimes read. */
	static const char none[] = "/nonexistent";
	const sk_state_config cfg = {.max_threads = 16, .max_fds_per_process = 16, .docker_root = none,
				     .containerd_root = none, .crio_root = none, .passwd_path = none, .group_path = none};
	sk_state *st = NULL;
	sk_eval_ctx ctx;
	if (sk_state_new(&cfg, &st) != SK_OK) {
		return 0;
	}
	if (sk_eval_ctx_init(&ctx, st, "fuzz") != SK_OK) {
		sk_state_free(st);
		return 0;
	}
	static sk_evbuild b;
	size_t pos = 0;
	/* Record: u16 type, u8 tid, u8 cpu, u8 nparams, u8 argument, the
	 * parameters' u8 lengths, then their bytes. */
	for (int n = 0; n < 32 && pos + 6 <= size; n++) {
		uint16_t evtype = (uint16_t)(data[pos] | data[pos + 1] << 8) % sk_event_type_count();
		uint64_t tid = data[pos + 2] % 8;
		uint16_t cpu = data[pos + 3];
		uint32_t np = data[pos + 4] % 16;
		uint8_t arg = data[pos + 5];
		pos += 6;
		sk_evb_start(&b, evtype, tid, (uint64_t)n + 1);
		b.ev.cpu = cpu;
		pos = add_params(&b, data, size, pos, np);
		b.ev.info = sk_event_info_get(b.ev.type);
		sk_state_view view;
		if (sk_state_apply(st, &b.ev, &view) != SK_OK) {
			continue;
		}
		sk_eval_ctx_set_event(&ctx, &b.ev, &view);
		extract_all(&ctx, arg);
	}
	sk_eval_ctx_free(&ctx);
	sk_state_free(st);
	return 0;
}
