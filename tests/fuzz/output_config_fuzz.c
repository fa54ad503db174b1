/* output_config_fuzz.c: the engine configuration parser (falco.yaml keys)
 * on arbitrary YAML, then a -o override built from the input's tail
 * (key[]=item, key=[list] and key={map} included). */
#include <stdint.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_engine_config c;
	sk_strbuf why = SK_STRBUF_INIT;
	char kv[128];

	if (sk_engine_config_init(&c) != SK_OK) {
		return 0;
	}
	sk_engine_config_load_string(&c, "fuzz.yaml", (const char *)data, size, &why);
	size_t n = size < sizeof(kv) - 1 ? size : sizeof(kv) - 1;
	memcpy(kv, data + size - n, n);
	kv[n] = '\0';
	char *eq = strchr(kv, '=');
	if (eq != NULL) {
		*eq = '\0';
		if (!sk_engine_config_ignored_key(kv)) {
			sk_engine_config_set(&c, kv, eq + 1, &why);
		}
	}
	sk_strbuf_free(&why);
	sk_engine_config_free(&c);
	return 0;
}
