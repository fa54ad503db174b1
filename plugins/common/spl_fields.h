/* spl_fields: which output fields of an alert hold strings. Several of
 * Falcosidekick's chat outputs (teams, discord) list only those; the ABI's
 * field values are text, so the types are read from the alert's JSON. */
#ifndef SPL_FIELDS_H
#define SPL_FIELDS_H

#include "saker/output_plugin.h"
#include "spl_util.h"

/* Fills names with the output_fields names whose JSON value is a string,
 * sorted (byte order, as Go's sort.Strings). Returns SK_ENOMEM when a copy
 * failed; an alert without output_fields gives an empty list. */
sk_err spl_string_fields(const saker_alert *alert, spl_strlist *names);

#endif
