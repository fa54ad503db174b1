/* eval_ctx.c: per-event context and its scratch arena (see eval_ctx.h). */
#include "eval_ctx.h"
#include "event_table.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARENA_CHUNK 65536u

void *sk_arena_alloc(sk_arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (a->total + n > SK_ARENA_MAX_PER_EVENT) {
		return NULL;
	}
	sk_arena_chunk *c = a->cur;
	while (c != NULL && c->cap - c->used < n) {
		c = c->next; /* chunks kept from earlier, bigger events */
	}
	if (c == NULL) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (c == NULL) {
			return NULL;
		}
		c->cap = cap;
		c->used = 0;
		/* Append after cur so later resets reuse it. */
		if (a->cur == NULL) {
			c->next = NULL;
			a->head = c;
		} else {
			c->next = a->cur->next;
			a->cur->next = c;
		}
	}
	a->cur = c;
	void *p = c->data + c->used;
	c->used += n;
	a->total += n;
	return p;
}

static void arena_reset(sk_arena *a)
{
	for (sk_arena_chunk *c = a->head; c != NULL; c = c->next) {
		c->used = 0;
	}
	a->cur = a->head;
	a->total = 0;
}

sk_err sk_eval_ctx_init(sk_eval_ctx *ctx, sk_state *state, const char *hostname)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->state = state;
	ctx->fd_num = -1;
	ctx->hostname = hostname;
	if (ctx->hostname == NULL) {
		static char host[256];
		if (host[0] == '\0' && gethostname(host, sizeof(host) - 1) != 0) {
			strcpy(host, "localhost");
		}
		ctx->hostname = host;
	}
	return sk_arena_alloc(&ctx->arena, 1) != NULL ? SK_OK : SK_ENOMEM;
}

void sk_eval_ctx_free(sk_eval_ctx *ctx)
{
	sk_arena_chunk *c = ctx->arena.head;
	while (c != NULL) {
		sk_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	memset(&ctx->arena, 0, sizeof(ctx->arena));
	sk_strbuf_free(&ctx->flags_text);
}

void sk_eval_ctx_set_event(sk_eval_ctx *ctx, const sk_event *evt, const sk_state_view *view)
{
	if (ctx->evt != NULL) {
		ctx->prev_ts = ctx->cur_ts;
	} else {
		ctx->first_ts = evt->ts;
		ctx->prev_ts = evt->ts;
	}
	ctx->cur_ts = evt->ts;
	ctx->evt = evt;
	ctx->thread = view != NULL ? view->thread : NULL;
	ctx->fd = view != NULL ? view->fd : NULL;
	ctx->fd_num = view != NULL ? view->fd_num : -1;
	ctx->failed_path = view != NULL ? view->failed_path : NULL;
	ctx->failed_pathraw = view != NULL ? view->failed_pathraw : NULL;
	ctx->failed_path_len = view != NULL ? view->failed_path_len : 0;
	ctx->failed_pathraw_len = view != NULL ? view->failed_pathraw_len : 0;
	ctx->exectime = 0;
	/* Falco's thread.exectime: time between two switches on one CPU. */
	const sk_event_info *info = evt->info;
	bool is_switch = info != NULL && info->category == SK_EC_SCHEDULER && strcmp(info->name, "switch") == 0;
	if (is_switch && evt->cpu < SK_EVAL_MAX_CPUS) {
		uint64_t last = ctx->last_switch_ts[evt->cpu];
		ctx->exectime = last != 0 && evt->ts >= last ? evt->ts - last : 0;
		ctx->last_switch_ts[evt->cpu] = evt->ts;
	}
	arena_reset(&ctx->arena);
}
