/* pagerduty.c: the Events API v2 event (pagerduty.h). */
#include "pagerduty.h"

#include <json-c/json.h>
#include <time.h>

#include "spl_fields.h"
#include "spl_util.h"

/* custom_details: the output fields and hostname (Falcosidekick adds it
 * to the fields), as Go re-encodes them. */
static sk_err details(sk_strbuf *sb, const saker_alert *alert)
{
	json_object *root = json_tokener_parse(alert->json), *fields = NULL;
	if (root == NULL || !json_object_object_get_ex(root, "output_fields", &fields) ||
	    !json_object_is_type(fields, json_type_object)) {
		json_object_put(root);
		root = json_object_new_object();
		fields = root;
	}
	if (root == NULL) {
		return SK_ENOMEM;
	}
	if (alert->hostname[0] != '\0') {
		json_object_object_add(fields, "hostname", json_object_new_string(alert->hostname));
	}
	spl_json_go_value(sb, fields);
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
