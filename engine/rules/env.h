/* env: where the rules compiler looks up fields and event types.
 *
 * The default environment is Saker's own field registry (engine/fields) and
 * event table (engine/event). Extra field sources (the way Falco plugins add
 * fields) supply their own lookup. */
#ifndef SK_RULES_ENV_H
#define SK_RULES_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "field.h"

typedef struct sk_rules_env {
	/* Field by name without argument; NULL when unknown. */
	const sk_field_def *(*field_lookup)(const char *name, size_t len);
	/* Every event type id named so; 0 when unknown. NULL: no event-type
	 * index (every rule runs for every event). */
	size_t (*evtypes_by_name)(const char *name, uint16_t *out, size_t max);
	/* Number of event type ids (0..count-1). */
	uint16_t (*evtype_count)(void);
	/* Name of an event type id, for summaries. */
	const char *(*evtype_name)(uint16_t type);
	/* Syscall id that generic events carry for name, -1 when none. NULL:
	 * the source has no generic events. */
	int (*syscall_id)(const char *name);
	/* For a generic event, the syscall id it carries (0 when it carries
	 * none); -1 for every other event. */
	int (*event_syscall_id)(const struct sk_eval_ctx *ctx);
	/* Event type ids of generic events (the evt.type index adds them for
	 * names syscall_id() knows). */
	uint16_t generic_types[2];
	uint16_t ngeneric_types;
	/* falco.yaml's static_fields: with static_checked, a static.<name> the
	 * list lacks is an unknown field (Falco's behaviour); without, any name
	 * compiles and has no value. Read only while compiling. */
	const char *const *static_names;
	size_t nstatic;
	bool static_checked;
} sk_rules_env;

/* Returns the environment backed by Saker's field registry and event table. */
const sk_rules_env *sk_rules_env_default(void);

#endif
