/* spl_fields.c: string-valued output fields (spl_fields.h). */
#include "spl_fields.h"

#include <json-c/json.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* qsort order of C strings, byte-wise as Go's sort.Strings */
static int by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_object *spl_output_fields(const saker_alert *alert, json_object **root)
{
	json_object *fields = NULL;
	*root = json_tokener_parse(alert->json);
	if (*root == NULL || !json_object_object_get_ex(*root, "output_fields", &fields) ||
	    !json_object_is_type(fields, json_type_object)) {
		return NULL;
	}
	return fields;
}

void spl_json_go_value(sk_strbuf *sb, struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		sk_strbuf_puts(sb, "null");
		return;
	case json_type_boolean:
		sk_strbuf_puts(sb, json_object_get_boolean(v) ? "true" : "false");
		return;
	case json_type_int:
		sk_strbuf_printf(sb, "%lld", (long long)json_object_get_int64(v));
		return;
	case json_type_double: {
		double d = json_object_get_double(v);
		if (isfinite(d)) {
			/* the shortest of %.15g and %.17g that reads back the same, close
			 * to Go's shortest form (0.1, not 0.10000000000000001) */
			char text[40];
			snprintf(text, sizeof(text), "%.15g", d);
			if (strtod(text, NULL) != d) {
				snprintf(text, sizeof(text), "%.17g", d);
			}
			sk_strbuf_puts(sb, text);
		} else {
			sk_strbuf_puts(sb, "null");
		}
		return;
	}
	case json_type_string:
		spl_json_go_stringn(sb, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		return;
	case json_type_array:
		sk_strbuf_putc(sb, '[');
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			sk_strbuf_puts(sb, i > 0 ? "," : "");
			spl_json_go_value(sb, json_object_array_get_idx(v, i));
		}
		sk_strbuf_putc(sb, ']');
		return;
	case json_type_object: {
		size_t n = (size_t)json_object_object_length(v), k = 0;
		const char **keys = calloc(n + 1, sizeof(*keys));
		if (keys == NULL) {
			sk_strbuf_puts(sb, "null");
			return;
		}
		json_object_object_foreach(v, key, unused)
		{
			(void)unused;
			keys[k++] = key;
		}
		if (k > 1) {
			qsort(keys, k, sizeof(*keys), by_key);
		}
		sk_strbuf_putc(sb, '{');
		for (size_t i = 0; i < k; i++) {
			json_object *member = NULL;
			sk_strbuf_puts(sb, i > 0 ? "," : "");
			spl_json_go_string(sb, keys[i]);
			sk_strbuf_putc(sb, ':');
			json_object_object_get_ex(v, keys[i], &member);
			spl_json_go_value(sb, member);
		}
		sk_strbuf_putc(sb, '}');
		free(keys);
		return;
	}
	}
	sk_strbuf_puts(sb, "null");
}

sk_err spl_string_fields(const saker_alert *alert, spl_strlist *names)
{
	json_object *root = NULL, *fields = spl_output_fields(alert, &root);
	sk_err err = SK_OK;
	names->items = NULL;
	names->n = 0;
	names->failed = false;
	if (fields == NULL) {
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
		qsort(names->items, names->n, sizeof(*names->items), by_key);
	}
	json_object_put(root);
	return err;
}

json_object *spl_json_object(const char *text, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *root = NULL;

	if (tok != NULL && len <= INT32_MAX) {
		root = json_tokener_parse_ex(tok, text, (int)len);
		if (root != NULL && !json_object_is_type(root, json_type_object)) {
			json_object_put(root);
			root = NULL;
		}
	}
	json_tokener_free(tok);
	return root;
}
