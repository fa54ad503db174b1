#include "gcp_payload.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

sk_err gcp_pubsub_body(sk_strbuf *b, const saker_alert *const *alerts, size_t n, const char *const *attr_keys,
		       const char *const *attr_values, size_t nattr)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"messages\":[");
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_puts(b, i > 0 ? ",{\"data\":\"" : "{\"data\":\"");
		sk_strbuf_base64(b, alerts[i]->json, alerts[i]->json_len);
		sk_strbuf_putc(b, '"');
		if (nattr > 0) {
			sk_strbuf_puts(b, ",\"attributes\":{");
			for (size_t k = 0; k < nattr; k++) {
				if (k > 0) {
					sk_strbuf_putc(b, ',');
				}
				spl_json_go_string(b, attr_keys[k]);
				sk_strbuf_putc(b, ':');
				spl_json_go_string(b, attr_values[k]);
			}
			sk_strbuf_putc(b, '}');
		}
		sk_strbuf_putc(b, '}');
	}
	sk_strbuf_puts(b, "]}");
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

sk_err gcp_chronicle_body(sk_strbuf *b, const saker_alert *const *alerts, size_t n, int64_t now_ns)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"inline_source\":{\"logs\":[");
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_puts(b, i > 0 ? ",{\"data\":\"" : "{\"data\":\"");
		sk_strbuf_base64(b, alerts[i]->json, alerts[i]->json_len);
		sk_strbuf_puts(b, "\",\"log_entry_time\":\"");
		spl_go_rfc3339(b, alerts[i]->time_ns, true);
		sk_strbuf_puts(b, "\",\"collection_time\":\"");
		spl_go_rfc3339(b, now_ns, true);
		sk_strbuf_puts(b, "\"}");
	}
	sk_strbuf_puts(b, "]}}");
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

sk_err gcp_function_body(sk_strbuf *b, const saker_alert *alert)
{
	sk_strbuf_reset(b);
	sk_strbuf_puts(b, "{\"data\":");
	spl_json_go_stringn(b, alert->json, alert->json_len);
	sk_strbuf_putc(b, '}');
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

bool gcp_function_name_ok(const char *name)
{
	static const char *const fixed[] = {"projects", "locations", "functions"};
	const char *p = name;

	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(fixed[i]);
		if (strncmp(p, fixed[i], len) != 0 || p[len] != '/') {
			return false;
		}
		p += len + 1;
		size_t part = strcspn(p, "/");
		if (part == 0 || strcspn(p, "?#% ") < part) {
			return false;
		}
		p += part;
		if (i < 2) {
			if (*p != '/') {
				return false;
			}
			p++;
		}
	}
	return *p == '\0';
}

void gcp_error_of(const char *answer, size_t len, char *msg, size_t msglen)
{
	json_object *root = spl_json_object(answer, len);
	json_object *error = NULL, *status = NULL, *message = NULL;

	msg[0] = '\0';
	if (root != NULL && json_object_object_get_ex(root, "error", &error)) {
		if (json_object_is_type(error, json_type_object)) {
			json_object_object_get_ex(error, "status", &status);
			json_object_object_get_ex(error, "message", &message);
			snprintf(msg, msglen, "%s%s%s", status != NULL ? json_object_get_string(status) : "",
				 status != NULL ? ": " : "", message != NULL ? json_object_get_string(message) : "");
		} else {
			snprintf(msg, msglen, "%s", json_object_get_string(error));
		}
		if (msg[0] == '\0') {
			snprintf(msg, msglen, "error");
		}
	}
	for (char *c = msg; *c != '\0'; c++) {
		*c = (unsigned char)*c < 0x20 ? ' ' : *c;
	}
	json_object_put(root);
}
