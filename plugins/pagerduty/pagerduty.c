/* pagerduty.c: the Events API v2 event (pagerduty.h). */
#include "pagerduty.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spl_fields.h"
#include "spl_util.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* custom_details: the output fields and hostname, keys sorted. */
static sk_err details(sk_strbuf *sb, const saker_alert *alert)
{
	json_object *root = json_tokener_parse(alert->json), *fields = NULL;
	bool have = root != NULL && json_object_object_get_ex(root, "output_fields", &fields) &&
		    json_object_is_type(fields, json_type_object);
	size_t n = have ? (size_t)json_object_object_length(fields) : 0;
	const char **names = calloc(n + 1, sizeof(*names));
	size_t k = 0;
	if (names == NULL) {
		json_object_put(root);
		return SK_ENOMEM;
	}
	if (have) {
		json_object_object_foreach(fields, key, val)
		{
			(void)val;
			if (strcmp(key, "hostname") != 0 || alert->hostname[0] == '\0') {
				names[k++] = key;
			}
		}
	}
	if (alert->hostname[0] != '\0') {
		names[k++] = "hostname"; /* Falcosidekick adds it to the fields */
	}
	if (k > 1) {
		qsort(names, k, sizeof(*names), by_name);
	}
	sk_strbuf_putc(sb, '{');
	for (size_t i = 0; i < k; i++) {
		json_object *v = NULL;
		sk_strbuf_puts(sb, i > 0 ? "," : "");
		spl_json_go_string(sb, names[i]);
		sk_strbuf_putc(sb, ':');
		if (strcmp(names[i], "hostname") == 0 && alert->hostname[0] != '\0') {
			spl_json_go_string(sb, alert->hostname);
		} else {
			json_object_object_get_ex(fields, names[i], &v);
			spl_json_go_value(sb, v);
		}
	}
	sk_strbuf_putc(sb, '}');
	free(names);
	json_object_put(root);
	return SK_OK;
}

sk_err pagerduty_payload(sk_strbuf *sb, const char *routing_key, const saker_alert *alert)
{
	time_t secs = (time_t)(alert->time_ns / 1000000000);
	struct tm tm;
	char stamp[32];
	gmtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm); /* Go's time.RFC3339, UTC */
	sk_strbuf_puts(sb, "{\"routing_key\":");
	spl_json_go_string(sb, routing_key);
	sk_strbuf_puts(sb, ",\"event_action\":\"trigger\",\"payload\":{\"summary\":");
	spl_json_go_string(sb, alert->output);
	sk_strbuf_printf(sb, ",\"source\":\"falco\",\"severity\":\"critical\",\"timestamp\":\"%s\",\"custom_details\":",
			 stamp);
	sk_err err = details(sb, alert);
	sk_strbuf_puts(sb, "}}");
	return err != SK_OK ? err : sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
