/* Fuzzes the alert parser the HTTP and nng inputs share, and the enrich
 * step that follows it on the ingest path (customfields, templatedfields,
 * bracketreplacer, outputFieldFormat). */
#include <stddef.h>
#include <stdint.h>

#include "alert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"env", "cluster"};
	static const char *const values[] = {"prod", "c1"};
	static const char *const tags[] = {"extra"};
	static const char *const tnames[] = {"ns"};
	static const char tsrc[] = "{{ or (index . \"k8s.ns.name\") .env \"none\" }}";
	static spl_template *tpl;
	char tpl_err[128];
	if (tpl == NULL && spl_template_compile_fields(tsrc, sizeof(tsrc) - 1, &tpl, tpl_err, sizeof(tpl_err)) != SK_OK) {
		__builtin_trap();
	}
	ska_extras x = {
		.field_names = names,
		.field_values = values,
		.nfields = 2,
		.tags = tags,
		.ntags = 1,
		.bracket_replacer = size % 2 == 0 ? "_" : NULL,
		.template_names = tnames,
		.templates = (const spl_template *const *)&tpl,
		.ntemplates = size % 3 == 0 ? 0 : 1,
		.output_format = size % 5 == 0 ? NULL : "<timestamp>: <priority> <output> (<custom_fields>) <tags>",
	};
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
