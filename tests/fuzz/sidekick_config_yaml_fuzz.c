/* Fuzzes the YAML config loader and its typed getters. */
#include <stddef.h>
#include <stdint.h>

#include "config.h"

static void on_pair(void *user, const char *key, const char *value)
{
	(void)user;
	(void)key;
	(void)value;
}

static void on_item(void *user, const char *value)
{
	(void)user;
	(void)value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	skc_config *cfg = NULL;
	char err[256];
	int64_t i;
	bool b;

	if (skc_load_buffer("fuzz.yaml", (const char *)data, size, &cfg, err, sizeof(err)) != SK_OK) {
		return 0;
	}
	(void)skc_string(cfg, "webhook", "address", NULL);
	(void)skc_int(cfg, NULL, "listenport", 2801, &i, err, sizeof(err));
	(void)skc_bool(cfg, "tlsserver", "deploy", false, &b, err, sizeof(err));
	skc_map(cfg, NULL, "customfields", on_pair, NULL);
	skc_list(cfg, "webhook", "routing.rules.include", on_item, NULL);
	skc_free(cfg);
	return 0;
}
