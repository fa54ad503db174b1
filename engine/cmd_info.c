/* cmd_info: --version and --list. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "field.h"
#include "ruleset.h"
#include "sk_strbuf.h"

int cmd_version(const sk_cli *cli)
{
	printf("saker-engine %s (rules engine version %s)\n", SAKER_VERSION, SK_RULES_ENGINE_VERSION);
	return 0;
}

int cmd_list(const sk_cli *cli)
{
	size_t n = 0;
	const sk_field_def *defs = sk_field_table(&n);
	sk_strbuf out = SK_STRBUF_INIT;
	if (cli->json) {
		sk_strbuf_putc(&out, '[');
	}
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const sk_field_def *d = &defs[i];
		if (d->flags & SK_FF_HIDDEN) {
			continue;
		}
		if (!cli->json) {
			sk_strbuf_printf(&out, "%-40s %-10s %s\n", d->name, sk_ftype_name(d->type), d->desc);
			continue;
		}
		sk_strbuf_puts(&out, first ? "\n" : ",\n");
		first = false;
		sk_strbuf_puts(&out, "{\"name\":");
		sk_strbuf_json_string(&out, d->name, strlen(d->name));
		sk_strbuf_printf(&out, ",\"type\":\"%s\",\"desc\":", sk_ftype_name(d->type));
		sk_strbuf_json_string(&out, d->desc, strlen(d->desc));
		sk_strbuf_printf(&out, ",\"arg\":\"%s\"}",
				 (d->flags & SK_FF_ARG_INDEX) && (d->flags & SK_FF_ARG_KEY) ? "index|key"
				 : (d->flags & SK_FF_ARG_INDEX)				? "index"
				 : (d->flags & SK_FF_ARG_KEY)				? "key"
											: "none");
	}
	if (cli->json) {
		sk_strbuf_puts(&out, "\n]\n");
	}
	bool ok = !sk_strbuf_failed(&out) && fwrite(out.data, 1, out.len, stdout) == out.len;
	sk_strbuf_free(&out);
	return ok ? 0 : 1;
}
