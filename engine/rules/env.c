/* env: the default environment, Saker's registry and event table. */
#include "env.h"

#include "event_table.h"

static const char *evtype_name(uint16_t type)
{
	return sk_event_info_get(type)->name;
}

static const sk_rules_env default_env = {
	.field_lookup = sk_field_lookup,
	.evtypes_by_name = sk_event_types_by_name,
	.evtype_count = sk_event_type_count,
	.evtype_name = evtype_name,
};

const sk_rules_env *sk_rules_env_default(void)
{
	return &default_env;
}
