#include "azure_eventhub.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

sk_err azure_eventhub_url(sk_strbuf *url, const char *namespace_, const char *hub)
{
	sk_strbuf_reset(url);
	if (strncmp(namespace_, "https://", 8) == 0 || strncmp(namespace_, "http://", 7) == 0) {
		size_t len = strlen(namespace_);
		while (len > 0 && namespace_[len - 1] == '/') {
			len--;
		}
		sk_strbuf_append(url, namespace_, len);
	} else {
		sk_strbuf_printf(url, "https://%s%s", namespace_,
				 strchr(namespace_, '.') != NULL ? "" : ".servicebus.windows.net");
	}
	sk_strbuf_putc(url, '/');
	spl_uri_encode(url, hub, false);
	sk_strbuf_puts(url, "/messages?api-version=2014-01&timeout=60");
	return sk_strbuf_failed(url) ? SK_ENOMEM : SK_OK;
}

sk_err azure_eventhub_body(sk_strbuf *b, const saker_alert *const *alerts, size_t n)
{
	sk_strbuf_reset(b);
	sk_strbuf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_puts(b, i > 0 ? ",{\"Body\":" : "{\"Body\":");
		spl_json_go_stringn(b, alerts[i]->json, alerts[i]->json_len);
		sk_strbuf_putc(b, '}');
	}
	sk_strbuf_putc(b, ']');
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}

sk_err azure_token_parse(const char *json, size_t len, char **token, int64_t *expires_in)
{
	json_object *root = spl_json_object(json, len), *v = NULL;
	sk_err rc = SK_EPARSE;

	*token = NULL;
	*expires_in = 0;
	if (root == NULL) {
		return SK_EPARSE;
	}
	if (json_object_object_get_ex(root, "expires_in", &v)) {
		/* a number from the token endpoint, a string from managed identity */
		*expires_in = json_object_is_type(v, json_type_string) ? strtoll(json_object_get_string(v), NULL, 10)
								       : json_object_get_int64(v);
	}
	if (json_object_object_get_ex(root, "access_token", &v) && json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0) {
		const char *t = json_object_get_string(v);
		rc = SK_OK;
		for (const char *c = t; *c != '\0'; c++) {
			if (*c <= 0x20 || *c >= 0x7f) {
				rc = SK_EPARSE; /* it goes into a header */
			}
		}
		if (rc == SK_OK) {
			*token = strdup(t);
			rc = *token != NULL ? SK_OK : SK_ENOMEM;
		}
	}
	json_object_put(root);
	return rc;
}
