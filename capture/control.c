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

/* Reads the " key=value" options after the type list. */
static sk_err parse_options(const uint8_t *p, size_t len, bool *drop_failed)
{
	static const char dfe[] = "drop_failed_exit";
	size_t pos = 0;
	while (pos < len) {
		if (p[pos] != ' ') {
			return SK_EPARSE;
		}
		pos++;
		size_t key = pos;
		while (pos < len && p[pos] != '=' && p[pos] != ' ') {
			pos++;
		}
		if (pos == key || pos >= len || p[pos] != '=') {
			return SK_EPARSE;
		}
		size_t key_len = pos - key;
		size_t value = ++pos;
		while (pos < len && p[pos] != ' ') {
			pos++;
		}
		if (key_len == sizeof(dfe) - 1 && memcmp(p + key, dfe, key_len) == 0) {
			if (pos - value != 1 || (p[value] != '0' && p[value] != '1')) {
				return SK_EPARSE;
			}
			*drop_failed = p[value] == '1';
		}
	}
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
	if (len - pos < n * 2) {
		return SK_ETRUNC;
	}
	bool drop_failed = false;
	err = parse_options(msg + pos + n * 2, len - pos - n * 2, &drop_failed);
	if (err != SK_OK) {
		return err;
	}
	out->generation = gen;
	out->ntypes = (uint32_t)n;
	for (uint64_t i = 0; i < n; i++) {
		memcpy(&out->types[i], msg + pos + 2 * i, 2);
	}
	out->drop_failed_exit = drop_failed;
	return SK_OK;
}
