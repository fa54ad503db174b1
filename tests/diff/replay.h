/* replay.h: what both differential tests do per capture: read it through
 * the state into an eval context, and key each event the way the sysdig
 * side keys its lines ("time tid dir type"). */
#ifndef SK_DIFF_REPLAY_H
#define SK_DIFF_REPLAY_H

#include <inttypes.h>
#include <stdio.h>

#include "eval_ctx.h"
#include "field.h"
#include "scap_reader.h"
#include "state.h"
#include "state_scap.h"

typedef struct diff_replay {
	sk_state *state;
	sk_scap_reader *reader;
	sk_eval_ctx ctx;
	sk_event ev;
	char key[128];
} diff_replay;

/* Opens path; returns false (nothing to close) when any part fails. */
static inline bool diff_replay_open(diff_replay *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	if (sk_state_new(NULL, &d->state) != SK_OK) {
		return false;
	}
	if (sk_scap_reader_open_file(path, sk_state_scap_callbacks(), d->state, &d->reader) != SK_OK ||
	    sk_eval_ctx_init(&d->ctx, d->state, NULL) != SK_OK) {
		sk_scap_reader_close(d->reader);
		sk_state_free(d->state);
		return false;
	}
	return true;
}

/* Reads and applies the next event, sets the context and the key. */
static inline bool diff_replay_next(diff_replay *d)
{
	if (sk_scap_reader_next(d->reader, &d->ev) != SK_OK) {
		return false;
	}
	sk_state_view view;
	if (sk_state_apply(d->state, &d->ev, &view) != SK_OK) {
		return false;
	}
	sk_eval_ctx_set_event(&d->ctx, &d->ev, &view);
	const sk_field_def *type_def = sk_field_lookup("evt.type", 8);
	sk_field_ref type_ref = {type_def, -1, NULL, 0, 0};
	sk_values t;
	t.count = 0;
	if (type_def != NULL) {
		(void)type_def->extract(&d->ctx, &type_ref, &t);
	}
	snprintf(d->key, sizeof(d->key), "%" PRIu64 " %" PRIu64 " %c %.*s", d->ev.ts, d->ev.tid,
		 (d->ev.type & 1) ? '<' : '>', t.count > 0 ? (int)t.v[0].u.str.len : 0,
		 t.count > 0 ? t.v[0].u.str.ptr : "");
	return true;
}

static inline void diff_replay_close(diff_replay *d)
{
	sk_eval_ctx_free(&d->ctx);
	sk_scap_reader_close(d->reader);
	sk_state_free(d->state);
}

#endif
