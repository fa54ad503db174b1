/* Fuzzes the alert parser the HTTP and nng inputs share, and the enrich
 * step that follows it on the ingest path. */
#include <stddef.h>
#include <stdint.h>

#include "alert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"env", "cluster"};
	static const char *const values[] = {"prod", "c1"};
	static const char *const tags[] = {"extra"};
	ska_extras x = {names, values, 2, tags, 1, size % 2 == 0 ? "_" : NULL};
	ska_alert a;
	char err[256];
	sk_strbuf out = SK_STRBUF_INIT;

	/* The ingest check and the full parse must agree on every input. */
	sk_err checked = ska_check((const char *)data, size, &a, err, sizeof(err));
	ska_free(&a);
	sk_err parsed = ska_parse((const char *)data, size, &a, err, sizeof(err));
	if ((checked == SK_OK) != (parsed == SK_OK)) {
		__builtin_trap();
	}
	if (parsed == SK_OK) {
		(void)ska_field(&a, "k8s.ns.name");
		if (ska_enrich(&a, &x, &out) == SK_OK) {
			ska_alert again;
			/* What the ingest path stores must parse again. */
			if (ska_parse(out.data, out.len, &again, err, sizeof(err)) != SK_OK) {
				__builtin_trap();
			}
			ska_free(&again);
		}
		ska_free(&a);
	}
	sk_strbuf_free(&out);
	return 0;
}
