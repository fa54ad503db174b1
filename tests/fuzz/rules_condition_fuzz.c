/* rules_condition_fuzz: arbitrary bytes as a condition (parser), as an
 * output format (format compiler with widths and transformers, real
 * registry) and as constants of every type (constant conversion). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "format.h"
#include "ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	sk_ast *ast = NULL;
	uint32_t pos = 0;
	sk_strbuf msg = SK_STRBUF_INIT;
	if (sk_cond_parse(text, size, &ast, &pos, &msg) == SK_OK && pos > size) {
		abort();
	}
	sk_ast_free(ast);
	sk_fmt *fmt = NULL;
	if (sk_fmt_compile(sk_rules_env_default(), text, size, &fmt, &pos, &msg) != SK_OK && pos > size) {
		abort(); /* an error must point into the format */
	}
	sk_fmt_free(fmt);
	for (int t = 0; t < SK_FT_COUNT; t++) {
		sk_const k;
		if (sk_op_const_parse(SK_OP_EQ, (sk_ftype)t, text, size, &k, &msg) == SK_OK) {
			sk_op_value_text(&k.v, false, &msg);
			sk_op_const_free(&k);
		}
	}
	sk_const k;
	if (sk_op_const_parse(SK_OP_BCONTAINS, SK_FT_BYTES, text, size, &k, &msg) == SK_OK) {
		sk_op_const_free(&k);
	}
	char *unq = NULL;
	size_t n = 0;
	if (sk_cond_unquote(text, size, &unq, &n)) {
		free(unq);
	}
	sk_strbuf_free(&msg);
	return 0;
}
