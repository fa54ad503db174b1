#include "splunk.h"

sk_err splunk_body(sk_strbuf *b, const saker_alert *const *alerts, size_t n)
{
	sk_strbuf_reset(b);
	for (size_t i = 0; i < n; i++) {
		/* the alert JSON is the sidekick's own, valid and one line */
		sk_strbuf_puts(b, "{\"event\":");
		sk_strbuf_append(b, alerts[i]->json, alerts[i]->json_len);
		sk_strbuf_puts(b, ",\"sourcetype\":\"falcosidekick\"}\n");
	}
	return sk_strbuf_failed(b) ? SK_ENOMEM : SK_OK;
}
