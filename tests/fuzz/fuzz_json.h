/* fuzz_json: checks the payload fuzzers share. */
#ifndef FUZZ_JSON_H
#define FUZZ_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sk_strbuf.h"

/* Parses sb as strict, valid-UTF-8 JSON filling all of it; aborts (the
 * fuzzer's finding) when it is not. */
static inline json_object *fz_parse_strict(const sk_strbuf *sb)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, sb->data, (int)sb->len);
	if (obj == NULL || json_tokener_get_parse_end(tok) != sb->len) {
		abort();
	}
	json_tokener_free(tok);
	return obj;
}

/* Whether s is ASCII only: such text survives Go-style escaping as is. */
static inline bool fz_is_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80) {
			return false;
		}
	}
	return true;
}

/* Copies data into buf (size + n bytes) and points s[0..n-1] at its n
 * NUL-separated strings; missing ones are "". */
static inline void fz_split(const uint8_t *data, size_t size, char *buf, const char **s, size_t n)
{
	size_t at = 0;

	memcpy(buf, data, size);
	memset(buf + size, 0, n);
	for (size_t i = 0; i < n; i++) {
		s[i] = buf + at;
		at += strlen(buf + at) + 1;
		if (at > size + n - 1) {
			at = size + n - 1;
		}
	}
}

#endif
