/* cloudevents.c: header values and extension names (cloudevents.h). */
#include "cloudevents.h"

#include <string.h>

void cloudevents_header_value(sk_strbuf *sb, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '%') {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			sk_strbuf_append(sb, esc, 3);
		} else {
			sk_strbuf_putc(sb, (char)*p);
		}
	}
}

bool cloudevents_extension_ok(const char *name)
{
	static const char *const taken[] = {"specversion", "id", "source", "type", "time", "datacontenttype",
					    "dataschema", "subject", "data", "priority", "rule", "eventsource",
					    "hostname"};
	size_t len = strlen(name);

	if (len == 0 || len > 20 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789") != len) {
		return false;
	}
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		if (strcmp(name, taken[i]) == 0) {
			return false;
		}
	}
	return true;
}
