/* Fuzzes the alert parser the HTTP and nng inputs share, and the enrich
 * step that follows it on the ingest path (customfields, templatedfields,
 * bracketreplacer, outputFieldFormat). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

	/* The ingest check (its own scanner when it can) and the full parse
	 * (json-c) must agree on every input: verdict, members, field texts. */
	ska_alert c;
	sk_err checked = ska_check((const char *)data, size, &c, err, sizeof(err));
	sk_err parsed = ska_parse((const char *)data, size, &a, err, sizeof(err));
	if ((checked == SK_OK) != (parsed == SK_OK)) {
		__builtin_trap();
	}
	if (parsed == SK_OK) {
		const char *const got[] = {c.view.rule, c.view.priority, c.view.time, c.view.output,
					   c.view.source, c.view.hostname, c.view.uuid};
		const char *const want[] = {a.view.rule, a.view.priority, a.view.time, a.view.output,
					    a.view.source, a.view.hostname, a.view.uuid};
		for (size_t i = 0; i < sizeof(got) / sizeof(*got); i++) {
			if (strcmp(got[i], want[i]) != 0) {
				__builtin_trap();
			}
		}
		for (size_t i = 0; i < a.view.nfields; i++) {
			const char *g = ska_field(&c, a.view.field_names[i]);
			const char *w = ska_field(&a, a.view.field_names[i]);
			if ((g == NULL) != (w == NULL) || (g != NULL && strcmp(g, w) != 0)) {
				__builtin_trap();
			}
		}
	}
	ska_free(&c);
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
