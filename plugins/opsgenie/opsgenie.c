/* opsgenie.c: the alert body (opsgenie.h). */
#include "opsgenie.h"

#include <stdlib.h>
#include <string.h>

#include "spl_fields.h"
#include "spl_util.h"

typedef struct detail {
	char *name;
	const char *value;
} detail;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const detail *)a)->name, ((const detail *)b)->name);
}

/* Sets name to value in d (replacing an earlier one, as a Go map). */
static void set(detail *d, size_t *n, char *name, const char *value)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(d[i].name, name) == 0) {
			free(name);
			d[i].value = value;
			return;
		}
	}
	d[*n].name = name;
	d[*n].value = value;
	(*n)++;
}

sk_err opsgenie_payload(sk_strbuf *sb, const saker_alert *alert)
{
	static const char *const prios[8] = {"P1", "P1", "P2", "P3", "P4", "P5", "P5", "P5"};
	spl_strlist strings = {0};
	sk_strbuf tags = SK_STRBUF_INIT;
	sk_err err = spl_string_fields(alert, &strings);
	detail *d = calloc(strings.n + 5, sizeof(*d));
	size_t n = 0;
	bool failed = err != SK_OK || d == NULL;
	for (size_t i = 0; !failed && i < strings.n; i++) {
		const char *value = spl_alert_field(alert, strings.items[i]);
		char *name = strdup(strings.items[i]);
		failed = name == NULL;
		for (char *c = name; c != NULL && *c != '\0'; c++) {
			*c = *c == '.' ? '_' : *c;
		}
		if (name != NULL) {
			set(d, &n, name, value != NULL ? value : "");
		}
	}
	spl_join_tags(&tags, alert, ", ");
	const char *fixed[][2] = {{"source", alert->source},
				  {"rule", alert->rule},
				  {"priority", alert->priority},
				  {"hostname", alert->hostname[0] != '\0' ? alert->hostname : NULL},
				  {"tags", alert->ntags > 0 ? sk_strbuf_str(&tags) : NULL}};
	for (size_t i = 0; !failed && i < 5; i++) {
		char *name = fixed[i][1] != NULL ? strdup(fixed[i][0]) : NULL;
		failed = fixed[i][1] != NULL && name == NULL;
		if (name != NULL) {
			set(d, &n, name, fixed[i][1]);
		}
	}
	if (!failed) {
		if (n > 1) {
			qsort(d, n, sizeof(*d), by_name);
		}
		sk_strbuf_puts(sb, "{\"message\":");
		spl_json_go_string(sb, alert->output);
		sk_strbuf_puts(sb, ",\"entity\":\"Falcosidekick\",\"description\":");
		spl_json_go_string(sb, alert->rule);
		sk_strbuf_puts(sb, ",\"details\":{");
		for (size_t i = 0; i < n; i++) {
			sk_strbuf_puts(sb, i > 0 ? "," : "");
			spl_json_go_string(sb, d[i].name);
			sk_strbuf_putc(sb, ':');
			spl_json_go_string(sb, d[i].value);
		}
		sk_strbuf_printf(sb, "},\"priority\":\"%s\"}",
				 prios[alert->priority_num <= SAKER_PRIORITY_DEBUG ? alert->priority_num : 7]);
	}
	for (size_t i = 0; d != NULL && i < n; i++) {
		free(d[i].name);
	}
	free(d);
	sk_strbuf_free(&tags);
	spl_strlist_free(&strings);
	return failed || sk_strbuf_failed(sb) ? SK_ENOMEM : SK_OK;
}
