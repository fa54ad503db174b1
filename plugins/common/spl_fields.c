/* spl_fields.c: string-valued output fields (spl_fields.h). */
#include "spl_fields.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

sk_err spl_string_fields(const saker_alert *alert, spl_strlist *names)
{
	json_object *root = json_tokener_parse(alert->json), *fields = NULL;
	sk_err err = SK_OK;
	names->items = NULL;
	names->n = 0;
	names->failed = false;
	if (root == NULL || !json_object_object_get_ex(root, "output_fields", &fields) ||
	    !json_object_is_type(fields, json_type_object)) {
		json_object_put(root);
		return SK_OK;
	}
	size_t cap = (size_t)json_object_object_length(fields);
	names->items = cap > 0 ? calloc(cap, sizeof(*names->items)) : NULL;
	if (cap > 0 && names->items == NULL) {
		json_object_put(root);
		return SK_ENOMEM;
	}
	json_object_object_foreach(fields, key, val)
	{
		if (json_object_is_type(val, json_type_string) && names->n < cap) {
			names->items[names->n] = strdup(key);
			err = names->items[names->n] == NULL ? SK_ENOMEM : err;
			names->n += names->items[names->n] != NULL;
		}
	}
	if (names->n > 1) { /* qsort wants a non-NULL base even for nothing */
		qsort(names->items, names->n, sizeof(*names->items), by_name);
	}
	json_object_put(root);
	return err;
}
