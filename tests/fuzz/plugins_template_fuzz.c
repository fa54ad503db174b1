/* Fuzzes the Go template compiler (plugins/common/spl_template) in both
 * modes, messageformat (dot = the alert) and templatedfields (dot = the
 * output fields): any input either compiles or is refused with an offset
 * inside the input; compiled templates render without crashing. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_template.h"

static void fuzz_field(const void *user, const char *name, spl_tpl_value *out)
{
	(void)user;
	out->kind = name[0] == '\0' ? SPL_TV_NIL : (name[0] & 1) ? SPL_TV_STRING : SPL_TV_BOOL;
	out->s = name;
	out->b = (name[0] & 2) != 0;
}

/* Returns false if a refusal broke the error contract. */
static bool fuzz_refusal_ok(const char *err, size_t size, const spl_template *t)
{
	size_t offset = 0;

	return t == NULL && !(sscanf(err, "offset %zu:", &offset) == 1 && offset > size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tags[] = {"container", "shell"};
	static const char *const names[] = {"proc.name", "user.name"};
	static const char *const values[] = {"bash", "root"};
	saker_alert alert = {
		.uuid = "u",
		.json = "{}",
		.json_len = 2,
		.rule = "r",
		.priority = "Warning",
		.priority_num = SAKER_PRIORITY_WARNING,
		.source = "syscall",
		.hostname = "h",
		.output = "o",
		.time = "t",
		.time_ns = 1,
		.tags = tags,
		.ntags = 2,
		.field_names = names,
		.field_values = values,
		.nfields = 2,
	};
	spl_template *t = NULL;
	sk_strbuf sb = SK_STRBUF_INIT;
	char err[256];

	if (spl_template_compile((const char *)data, size, &t, err, sizeof(err)) != SK_OK) {
		if (!fuzz_refusal_ok(err, size, t)) {
			abort();
		}
	} else {
		spl_template_render(t, &alert, &sb);
		spl_template_free(t);
		t = NULL;
	}
	if (spl_template_compile_fields((const char *)data, size, &t, err, sizeof(err)) != SK_OK) {
		if (!fuzz_refusal_ok(err, size, t)) {
			abort();
		}
	} else {
		spl_template_render_fields(t, fuzz_field, NULL, &sb);
		spl_template_render(t, &alert, &sb);
		spl_template_free(t);
	}
	sk_strbuf_free(&sb);
	return 0;
}
