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

struct json_object;
/* Parses the alert's JSON into *root (NULL when it is not JSON; free it
 * with json_object_put) and returns its output_fields object, or NULL when
 * there is none. */
struct json_object *spl_output_fields(const saker_alert *alert, struct json_object **root);

/* Parses len bytes of text as one JSON object (json-c); NULL when it is
 * not one (another JSON type, invalid, or too long). Free it with
 * json_object_put. */
struct json_object *spl_json_object(const char *text, size_t len);

/* Appends v (json-c, NULL for null) as Go's encoding/json writes what it
 * decoded: strings escaped Go's way, objects' keys sorted, numbers as
 * written (a non-finite one as null), so the result is always valid
 * JSON. */
void spl_json_go_value(sk_strbuf *sb, struct json_object *v);

#endif
