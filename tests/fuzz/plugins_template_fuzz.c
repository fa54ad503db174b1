/* Fuzzes the messageformat template compiler (plugins/common/spl_template):
 * any input either compiles or is refused with an offset inside the input;
 * compiled templates render against an alert without crashing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_template.h"

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
	size_t offset = 0;

	if (spl_template_compile((const char *)data, size, &t, err, sizeof(err)) != SK_OK) {
		if (sscanf(err, "offset %zu:", &offset) == 1 && offset > size) {
			abort();
		}
		if (t != NULL) {
			abort();
		}
		return 0;
	}
	spl_template_render(t, &alert, &sb);
	sk_strbuf_free(&sb);
	spl_template_free(t);
	return 0;
}
