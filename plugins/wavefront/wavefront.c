#include "wavefront.h"

#include <json-c/json.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

#define WF_MAX_TAG 254 /* key and value together, Wavefront's limit */

/* "s" with '"' and '\' escaped and line ends as \n */
static void wf_quoted(sk_strbuf *b, const char *s)
{
	sk_strbuf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			sk_strbuf_putc(b, '\\');
			sk_strbuf_putc(b, *s);
		} else if (*s == '\n' || *s == '\r') {
			sk_strbuf_puts(b, "\\n");
		} else {
			sk_strbuf_putc(b, *s);
		}
	}
	sk_strbuf_putc(b, '"');
}

static void wf_tag(sk_strbuf *b, const char *key, const char *value)
{
	if (value[0] == '\0' || strlen(key) + strlen(value) > WF_MAX_TAG) {
		return;
	}
	sk_strbuf_puts(b, " \"");
	for (const char *k = key; *k != '\0'; k++) {
		bool ok = (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '.' ||
			  *k == '_' || *k == '-';
		sk_strbuf_putc(b, ok ? *k : '-');
	}
	sk_strbuf_puts(b, "\"=");
	wf_quoted(b, value);
}

sk_err wavefront_line(sk_strbuf *b, const char *metric, const saker_alert *alert)
{
	sk_strbuf tags = SK_STRBUF_INIT;
	json_object *root = NULL, *fields = spl_output_fields(alert, &root);

	wf_quoted(b, metric);
	sk_strbuf_printf(b, " 1 %lld source=\"falco-exporter\"", (long long)(alert->time_ns / 1000000000));
	wf_tag(b, "severity", alert->priority);
	wf_tag(b, "rule", alert->rule);
	wf_tag(b, "source", alert->source);
	wf_tag(b, "hostname", alert->hostname);
	spl_join_tags(&tags, alert, ", ");
	wf_tag(b, "tags", sk_strbuf_str(&tags));
	/* Falcosidekick sends the output fields that are strings */
	for (size_t i = 0; fields != NULL && i < alert->nfields; i++) {
		json_object *v = NULL;
		if (json_object_object_get_ex(fields, alert->field_names[i], &v) &&
		    json_object_is_type(v, json_type_string)) {
			wf_tag(b, alert->field_names[i], alert->field_values[i]);
		}
	}
	sk_strbuf_putc(b, '\n');
	json_object_put(root);
	if (sk_strbuf_failed(&tags)) {
		b->failed = true;
	}
	sk_strbuf_free(&tags);
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}
