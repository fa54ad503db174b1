/* cmd_info: --version, --list, --list-events, --list-plugins and --page-size. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "event_table.h"
#include "field.h"
#include "ruleset.h"
#include "sk_log.h"
#include "sk_strbuf.h"

int cmd_version(const sk_cli *cli)
{
	printf("saker-engine %s (rules engine version %s)\n", SAKER_VERSION, SK_RULES_ENGINE_VERSION);
	return 0;
}

/* A Markdown table cell: '|' would end it, a newline the row. */
static void put_md_cell(sk_strbuf *out, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == '|') {
			sk_strbuf_puts(out, "\\|");
		} else {
			sk_strbuf_putc(out, *text == '\n' ? ' ' : *text);
		}
	}
}

int cmd_list(const sk_cli *cli)
{
	size_t n = 0;
	const sk_field_def *defs = sk_field_table(&n);
	sk_strbuf out = SK_STRBUF_INIT;
	if (cli->list_source != NULL && strcmp(cli->list_source, "syscall") != 0) {
		sk_error("--list=%s: Saker's one event source is syscall (it loads no Falco plugins)", cli->list_source);
		return 2;
	}
	if (cli->json) {
		sk_strbuf_putc(&out, '[');
	} else if (cli->markdown && !cli->names_only) {
		sk_strbuf_puts(&out, "Name | Type | Description\n:----|:-----|:-----------\n");
	}
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const sk_field_def *d = &defs[i];
		if (d->flags & SK_FF_HIDDEN) {
			continue;
		}
		if (!cli->json && cli->names_only) {
			sk_strbuf_printf(&out, "%s\n", d->name);
			continue;
		}
		if (!cli->json && cli->markdown) {
			sk_strbuf_printf(&out, "`%s` | %s | ", d->name, sk_ftype_name(d->type));
			put_md_cell(&out, d->desc);
			sk_strbuf_putc(&out, '\n');
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

int cmd_list_events(const sk_cli *cli)
{
	static const char *const kinds[] = {"Syscall events", "Tracepoint events", "Metaevents"};
	sk_strbuf out = SK_STRBUF_INIT;
	for (uint8_t kind = SK_EK_SYSCALL; kind <= SK_EK_META; kind++) {
		if (cli->markdown) {
			sk_strbuf_printf(&out, "%s## %s\n\nDir | Name | Params\n:---|:-----|:------\n",
					 kind > SK_EK_SYSCALL ? "\n" : "", kinds[kind]);
		} else {
			sk_strbuf_printf(&out, "%s%s:\n", kind > SK_EK_SYSCALL ? "\n" : "", kinds[kind]);
		}
		for (uint16_t t = 0; t < sk_event_type_count(); t++) {
			const sk_event_info *info = sk_event_info_get(t);
			if (info->kind != kind || (info->flags & SK_EF_OLD_VERSION) != 0) {
				continue;
			}
			/* "> open(...)" for an enter event, "< open(...)" for its exit */
			char dir = sk_event_is_exit(t) ? '<' : '>';
			if (cli->markdown) {
				sk_strbuf_printf(&out, "%s | %s | ", dir == '<' ? "&lt;" : "&gt;", info->name);
			} else {
				sk_strbuf_printf(&out, "%c %s(", dir, info->name);
			}
			for (uint8_t i = 0; i < info->nparams; i++) {
				sk_strbuf_printf(&out, "%s%s %s", i > 0 ? ", " : "",
						 sk_ptype_name((sk_ptype)info->params[i].type), info->params[i].name);
			}
			sk_strbuf_puts(&out, cli->markdown ? "\n" : ")\n");
		}
	}
	bool ok = !sk_strbuf_failed(&out) && fwrite(out.data, 1, out.len, stdout) == out.len;
	sk_strbuf_free(&out);
	return ok ? 0 : 1;
}

int cmd_list_plugins(const sk_cli *cli)
{
	(void)cli;
	printf("0 Plugins Loaded:\n\nSaker loads no Falco plugins: the container and Kubernetes fields "
	       "(container.*, k8s.*) are built into the engine.\n");
	return 0;
}

int cmd_page_size(const sk_cli *cli)
{
	(void)cli;
	printf("Your system page size is: %ld bytes\n", sysconf(_SC_PAGESIZE));
	return 0;
}
