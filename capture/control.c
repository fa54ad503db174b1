/* control.c: control-link message encoding and parsing. */
#include "control.h"

#include <stdio.h>
#include <string.h>

sk_err control_format_get(uint64_t generation, char *buf, size_t cap, size_t *len)
{
	int n = snprintf(buf, cap, "SKCTL1 GET %llu", (unsigned long long)generation);
	if (n < 0 || (size_t)n >= cap) {
		return SK_ERANGE;
	}
	*len = (size_t)n;
	return SK_OK;
}

/* Reads a decimal number at msg[*pos] up to a space or the end of the text. */
static sk_err read_decimal(const uint8_t *msg, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = *pos;
	while (*pos < len && msg[*pos] >= '0' && msg[*pos] <= '9') {
		if (v > (UINT64_MAX - 9) / 10) {
			return SK_ERANGE;
		}
		v = v * 10 + (uint64_t)(msg[*pos] - '0');
		(*pos)++;
	}
	if (*pos == start) {
		return SK_EPARSE;
	}
	*out = v;
	return SK_OK;
}

sk_err control_parse_set(const uint8_t *msg, size_t len, struct control_set *out)
{
	static const char prefix[] = "SKCTL1 SET ";
	size_t pos = sizeof(prefix) - 1;
	uint64_t gen = 0, n = 0;
	if (len < pos || memcmp(msg, prefix, pos) != 0) {
		return SK_EPARSE;
	}
	sk_err err = read_decimal(msg, len, &pos, &gen);
	if (err != SK_OK) {
		return err;
	}
	if (pos >= len || msg[pos] != ' ') {
		return SK_EPARSE;
	}
	pos++;
	err = read_decimal(msg, len, &pos, &n);
	if (err != SK_OK) {
		return err;
	}
	if (n > CONTROL_MAX_TYPES) {
		return SK_ERANGE;
	}
	/* one space separates the count from the binary list */
	if (pos < len) {
		if (msg[pos] != ' ') {
			return SK_EPARSE;
		}
		pos++;
	}
	if (len - pos != n * 2) {
		return SK_ETRUNC;
	}
	out->generation = gen;
	out->ntypes = (uint32_t)n;
	for (uint64_t i = 0; i < n; i++) {
		memcpy(&out->types[i], msg + pos + 2 * i, 2);
	}
	return SK_OK;
}
