/* pagerduty.c: the Events API v2 event (pagerduty.h). */
#include "pagerduty.h"

#include <json-c/json.h>

#include "spl_fields.h"
#include "spl_util.h"

/* custom_details: the output fields and hostname (Falcosidekick adds it
 * to the fields), as Go re-encodes them. */
static sk_err details(sk_strbuf *sb, const saker_alert *alert)
{
	json_object *root = NULL, *fields = spl_output_fields(alert, &root);
	if (fields == NULL) {
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
	sk_strbuf_puts(sb, "{\"routing_key\":");
	spl_json_go_string(sb, routing_key);
	sk_strbuf_puts(sb, ",\"event_action\":\"trigger\",\"payload\":{\"summary\":");
	spl_json_go_string(sb, alert->output);
	sk_strbuf_puts(sb, ",\"source\":\"falco\",\"severity\":\"critical\",\"timestamp\":\"");
	spl_go_rfc3339(sb, alert->time_ns, false); /* Go's time.RFC3339 */
	sk_strbuf_puts(sb, "\",\"custom_details\":");
	sk_err err = details(sb, alert);
	sk_strbuf_puts(sb, "}}");
	return err != SK_OK ? err : sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
