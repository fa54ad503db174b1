/* eval_ctx.h: the per-event context extractors read (struct sk_eval_ctx).
 *
 * The engine fills it once per event from the decoder and the state; the
 * rules evaluator only passes it through. Rendered values (proc.cmdline,
 * fd.directory, evt.args) live in a chunked scratch arena that is rewound
 * per event: after warm-up no event allocates. */
#ifndef SK_EVAL_CTX_H
#define SK_EVAL_CTX_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "sk_err.h"
#include "sk_strbuf.h"
#include "state.h"

typedef struct sk_arena_chunk {
	struct sk_arena_chunk *next;
	size_t cap, used;
	char data[];
} sk_arena_chunk;

typedef struct sk_arena {
	sk_arena_chunk *head; /* first chunk, kept across resets */
	sk_arena_chunk *cur;
	size_t total;         /* bytes handed out since the last reset */
} sk_arena;

/* Largest scratch use per event; past it allocations fail (value <NA>). */
#define SK_ARENA_MAX_PER_EVENT (16u << 20)

/* CPUs whose context switches thread.exectime follows. */
#define SK_EVAL_MAX_CPUS 1024u

struct sk_eval_ctx {
	const sk_event *evt;
	sk_state *state;
	sk_thread *thread; /* NULL when the thread is unknown */
	sk_fd *fd;         /* NULL when the event has no (known) fd */
	int64_t fd_num;    /* -1 when the event has no fd */
	/* a failed open's path as the state resolved it and as passed (see
	 * sk_state_view), NULL for other events */
	const char *failed_path, *failed_pathraw;
	uint32_t failed_path_len, failed_pathraw_len;
	uint64_t first_ts; /* first event's time (evt.reltime) */
	uint64_t prev_ts;  /* previous event's time (evt.deltatime) */
	uint64_t cur_ts;   /* this event's time (the event itself may be gone later) */
	const char *hostname;
	bool buffer_base64; /* falco.yaml's buffer_format_base64: byte buffers as base64 */
	/* falco.yaml's static_fields (static.<name>), owned by the caller */
	const char *const *static_names;
	const char *const *static_values;
	size_t nstatic;
	sk_arena arena;
	sk_strbuf flags_text; /* reused to name flag bits (evt.arg.flags); grows once */
	/* thread.exectime: the previous switch's time per CPU, and this
	 * switch's time since it (0 for other events or a CPU's first switch). */
	uint64_t last_switch_ts[SK_EVAL_MAX_CPUS];
	uint64_t exectime;
};

typedef struct sk_eval_ctx sk_eval_ctx;

/* Prepares ctx for events of state (hostname may be NULL: gethostname). */
sk_err sk_eval_ctx_init(sk_eval_ctx *ctx, sk_state *state, const char *hostname);

/* Frees the arena; ctx can be initialised again afterwards. */
void sk_eval_ctx_free(sk_eval_ctx *ctx);

/* Points ctx at the next event and what sk_state_apply() found for it,
 * and rewinds the arena. */
void sk_eval_ctx_set_event(sk_eval_ctx *ctx, const sk_event *evt, const sk_state_view *view);

/* Returns n bytes of scratch valid until the next sk_eval_ctx_set_event(),
 * or NULL past SK_ARENA_MAX_PER_EVENT or when memory runs out. */
void *sk_arena_alloc(sk_arena *a, size_t n);

#endif
