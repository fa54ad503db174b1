/* logstash.c: the event line (logstash.h). */
#include "logstash.h"

#include <json-c/json.h>
#include <string.h>

#include "spl_fields.h"

void logstash_key(sk_strbuf *sb, const char *name)
{
	for (const char *p = name; *p != '\0'; p++) {
		size_t digits = p[0] == '[' ? strspn(p + 1, "0123456789") : 0;
		if (digits > 0 && p[1 + digits] == ']') {
			sk_strbuf_putc(sb, '.');
			sk_strbuf_append(sb, p + 1, digits);
			p += digits + 1;
		} else {
			sk_strbuf_putc(sb, *p);
		}
	}
}

/* A copy of obj with its keys (and those of nested objects) renamed by
 * logstash_key(); NULL when memory ran out. */
static json_object *renamed(json_object *obj)
{
	json_object *out = json_object_new_object();
	sk_strbuf key = SK_STRBUF_INIT;

	if (out == NULL) {
		return NULL;
	}
	json_object_object_foreach(obj, k, v)
	{
		json_object *value = json_object_is_type(v, json_type_object) ? renamed(v) : json_object_get(v);
		sk_strbuf_reset(&key);
		logstash_key(&key, k);
		if ((value == NULL && v != NULL) || sk_strbuf_failed(&key) ||
		    json_object_object_add(out, sk_strbuf_str(&key), value) != 0) {
			json_object_put(value);
			json_object_put(out);
			out = NULL;
			break;
		}
	}
	sk_strbuf_free(&key);
	return out;
}

sk_err logstash_line(sk_strbuf *sb, const saker_alert *alert, const spl_strlist *extra_tags)
{
	json_object *root = NULL;
	json_object *fields = spl_output_fields(alert, &root);
	json_object *tags = NULL;
	sk_err rc = SK_OK;

	if (root == NULL || !json_object_is_type(root, json_type_object)) {
		/* not the sidekick's JSON (it always is): sent as it came */
		json_object_put(root);
		sk_strbuf_append(sb, alert->json, alert->json_len);
		sk_strbuf_putc(sb, '\n');
		return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
	}
	if (fields != NULL && json_object_is_type(fields, json_type_object)) {
		json_object *copy = renamed(fields);
		if (copy == NULL || json_object_object_add(root, "output_fields", copy) != 0) {
			json_object_put(copy);
			rc = SK_ENOMEM;
		}
	}
	if (rc == SK_OK && extra_tags != NULL && extra_tags->n > 0) {
		if (!json_object_object_get_ex(root, "tags", &tags) || !json_object_is_type(tags, json_type_array)) {
			tags = json_object_new_array();
			if (tags == NULL || json_object_object_add(root, "tags", tags) != 0) {
				json_object_put(tags);
				rc = SK_ENOMEM;
			}
		}
		for (size_t i = 0; rc == SK_OK && i < extra_tags->n; i++) {
			if (json_object_array_add(tags, json_object_new_string(extra_tags->items[i])) != 0) {
				rc = SK_ENOMEM;
			}
		}
	}
	if (rc == SK_OK) {
		spl_json_go_value(sb, root);
		sk_strbuf_putc(sb, '\n');
		rc = sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
	}
	json_object_put(root);
	return rc;
}
