/* fields_extract_fuzz: arbitrary event sequences (types, threads, CPUs and
 * parameter bytes from the input) applied to the state, then every field
 * of the registry extracted for each event, with and without an argument.
 * Extractors parse parameters (fd lists, paths, modes, flags): they must
 * never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "field.h"
#include "fuzz_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static void on_event(sk_eval_ctx *ctx, const sk_event *ev, uint8_t arg, void *user)
{
	(void)ev;
	(void)user;
	extract_all(ctx, arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_events(data, size, on_event, NULL);
	return 0;
}
