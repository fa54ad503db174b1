/* env: the default environment, Saker's registry and event table. */
#include "env.h"

#include "eval_ctx.h"
#include "event_table.h"

static const char *evtype_name(uint16_t type)
{
	return sk_event_info_get(type)->name;
}

/* Generic events (scap types 0/1) carry the syscall id as their first
 * parameter, a u16. */
static int event_syscall_id(const struct sk_eval_ctx *ctx)
{
	const sk_event *e = ctx != NULL ? ctx->evt : NULL;
	if (e == NULL || (e->type != 0 && e->type != 1)) {
		return -1;
	}
	if (e->nparams < 1 || e->param_len[0] < 2) {
		return 0;
	}
	return e->param[0][0] | e->param[0][1] << 8;
}

static const sk_rules_env default_env = {
	.field_lookup = sk_field_lookup,
	.evtypes_by_name = sk_event_types_by_name,
	.evtype_count = sk_event_type_count,
	.evtype_name = evtype_name,
	.syscall_id = sk_syscall_id,
	.event_syscall_id = event_syscall_id,
	.generic_types = {0, 1},
	.ngeneric_types = 2,
};

const sk_rules_env *sk_rules_env_default(void)
{
	return &default_env;
}
