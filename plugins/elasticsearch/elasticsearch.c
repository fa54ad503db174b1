/* elasticsearch.c: URLs, documents and _bulk bodies (elasticsearch.h). */
#include "elasticsearch.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "spl_fields.h"

sk_err es_parse_suffix(const char *text, es_suffix *out)
{
	static const char *const names[] = {"daily", "monthly", "annually", "none"};
	for (int i = 0; i < 4; i++) {
		if (strcmp(text, names[i]) == 0) {
			*out = (es_suffix)i;
			return SK_OK;
		}
	}
	return SK_EINVAL;
}

void es_url(sk_strbuf *sb, const es_config *cfg, time_t now, bool bulk)
{
	struct tm tm;
	char date[32] = "";
	localtime_r(&now, &tm);
	/* Go's layouts 2006.01.02, 2006.01 and 2006 */
	if (cfg->suffix == ES_SUFFIX_DAILY) {
		snprintf(date, sizeof(date), "-%04d.%02d.%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	} else if (cfg->suffix == ES_SUFFIX_MONTHLY) {
		snprintf(date, sizeof(date), "-%04d.%02d", tm.tm_year + 1900, tm.tm_mon + 1);
	} else if (cfg->suffix == ES_SUFFIX_ANNUALLY) {
		snprintf(date, sizeof(date), "-%04d", tm.tm_year + 1900);
	}
	spl_put_base_url(sb, cfg->hostport);
	sk_strbuf_printf(sb, "/%s%s/%s", cfg->index, date, bulk ? "_bulk" : cfg->type);
	if (cfg->pipeline[0] != '\0') {
		sk_strbuf_printf(sb, "?pipeline=%s", cfg->pipeline);
	}
}

/* The alert's JSON with output_fields' names flattened. */
static sk_err flattened(sk_strbuf *sb, const saker_alert *alert)
{
	json_object *root = NULL, *fields = spl_output_fields(alert, &root);
	if (root == NULL) {
		return SK_EINVAL;
	}
	if (fields != NULL) {
		json_object *flat = json_object_new_object();
		if (flat == NULL) {
			json_object_put(root);
			return SK_ENOMEM;
		}
		json_object_object_foreach(fields, key, val)
		{
			char name[512];
			snprintf(name, sizeof(name), "%s", key);
			for (char *c = name; *c != '\0'; c++) {
				*c = *c == '.' ? '_' : *c;
			}
			json_object_object_add(flat, name, json_object_get(val));
		}
		json_object_object_add(root, "output_fields", flat);
	}
	sk_strbuf_puts(sb, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return SK_OK;
}

sk_err es_document(sk_strbuf *sb, const es_config *cfg, const saker_alert *alert)
{
	if (cfg->flatten) {
		return flattened(sb, alert);
	}
	sk_strbuf_append(sb, alert->json, alert->json_len);
	return SK_OK;
}

sk_err es_bulk_body(sk_strbuf *sb, const es_config *cfg, const saker_alert *const *alerts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* create: what a data stream accepts as well as a plain index */
		sk_strbuf_puts(sb, "{\"create\":{}}\n");
		sk_err err = es_document(sb, cfg, alerts[i]);
		if (err != SK_OK) {
			return err;
		}
		sk_strbuf_putc(sb, '\n');
	}
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

bool es_bulk_failed(const char *answer, char *why, size_t whylen)
{
	json_object *root = json_tokener_parse(answer), *errors = NULL, *items = NULL;
	bool failed = root != NULL && json_object_object_get_ex(root, "errors", &errors) && json_object_get_boolean(errors);
	snprintf(why, whylen, "_bulk: an item failed");
	bool listed = failed && json_object_object_get_ex(root, "items", &items) &&
		      json_object_is_type(items, json_type_array);
	for (size_t i = 0; listed && i < json_object_array_length(items); i++) {
		json_object *item = json_object_array_get_idx(items, i), *error = NULL, *type = NULL, *reason = NULL;
		if (!json_object_is_type(item, json_type_object)) {
			continue;
		}
		json_object_object_foreach(item, action, result)
		{
			(void)action;
			if (json_object_object_get_ex(result, "error", &error)) {
				json_object_object_get_ex(error, "type", &type);
				json_object_object_get_ex(error, "reason", &reason);
				snprintf(why, whylen, "_bulk: item %zu: %s: %s", i, type ? json_object_get_string(type) : "?",
					 reason ? json_object_get_string(reason) : "?");
				json_object_put(root);
				return true;
			}
		}
	}
	json_object_put(root);
	return failed;
}

/* "name":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":N}}} */
static void es_text_keyword(sk_strbuf *sb, const char *name, int ignore_above)
{
	sk_strbuf_printf(sb, "\"%s\":{\"type\":\"text\",\"fields\":{\"keyword\":{\"type\":\"keyword\",\"ignore_above\":%d}}}",
			 name, ignore_above);
}

sk_err es_template_body(sk_strbuf *sb, const es_config *cfg, int64_t shards, int64_t replicas)
{
	static const char *const texts[] = {"hostname", "priority", "rule", "source", "tags", "uuid"};

	/* the index name has no character JSON would escape (es_index_ok) */
	sk_strbuf_printf(sb, "{\"index_patterns\":[\"%s%s\"],\"template\":{\"settings\":{\"number_of_shards\":%lld,"
			     "\"number_of_replicas\":%lld},\"mappings\":{\"dynamic_templates\":[{\"output_fields\":{"
			     "\"path_match\":\"output_fields.*\",\"match_mapping_type\":\"string\",\"mapping\":{"
			     "\"type\":\"text\",\"fields\":{\"keyword\":{\"type\":\"keyword\",\"ignore_above\":256}}}}}],"
			     "\"properties\":{\"time\":{\"type\":\"date\"},\"@timestamp\":{\"type\":\"date\"},",
			 cfg->index, cfg->suffix == ES_SUFFIX_NONE ? "" : "-*", (long long)shards, (long long)replicas);
	es_text_keyword(sb, "output", 2048);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		sk_strbuf_putc(sb, ',');
		es_text_keyword(sb, texts[i], 256);
	}
	sk_strbuf_puts(sb, "}}}}");
	return sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}

bool es_index_ok(const char *index)
{
	/* Elasticsearch's rules: lower case, none of \\ / * ? " < > | , # or
	 * space, not starting with - _ +, not . or .. */
	if (index[0] == '\0' || strlen(index) > 255 || strchr("-_+", index[0]) != NULL || strcmp(index, ".") == 0 ||
	    strcmp(index, "..") == 0) {
		return false;
	}
	for (const unsigned char *c = (const unsigned char *)index; *c != '\0'; c++) {
		if (*c < 0x21 || *c >= 0x7f || (*c >= 'A' && *c <= 'Z') || strchr("\\/*?\"<>|,#:", *c) != NULL) {
			return false;
		}
	}
	return true;
}

bool es_template_exists(const char *answer)
{
	return strstr(answer, "resource_already_exists_exception") != NULL || strstr(answer, "already exists") != NULL;
}
