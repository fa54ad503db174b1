#include "sk_strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool sk_strbuf_reserve(sk_strbuf *sb, size_t extra)
{
	size_t need;
	size_t cap;
	char *p;

	if (sb->failed) {
		return false;
	}
	if (extra > SIZE_MAX - sb->len - 1) {
		sb->failed = true;
		return false;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap) {
		return true;
	}
	cap = sb->cap ? sb->cap : 64;
	while (cap < need) {
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	}
	p = realloc(sb->data, cap);
	if (p == NULL) {
		sb->failed = true;
		return false;
	}
	sb->data = p;
	sb->cap = cap;
	return true;
}

void sk_strbuf_append_grow(sk_strbuf *sb, const void *p, size_t n)
{
	if (!sk_strbuf_reserve(sb, n)) {
		return;
	}
	if (n > 0) {
		memcpy(sb->data + sb->len, p, n);
	}
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void sk_strbuf_puts(sk_strbuf *sb, const char *s)
{
	sk_strbuf_append(sb, s, strlen(s));
}

void sk_strbuf_putc(sk_strbuf *sb, char c)
{
	sk_strbuf_append(sb, &c, 1);
}

void sk_strbuf_printf(sk_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sk_strbuf_reserve(sb, (size_t)n)) {
		sb->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sk_strbuf_json_string(sk_strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	sk_strbuf_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[6];

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default: break;
		}
		if (esc == NULL && c >= 0x20) {
			continue;
		}
		sk_strbuf_append(sb, s + run, i - run);
		run = i + 1;
		if (esc != NULL) {
			sk_strbuf_puts(sb, esc);
		} else {
			u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
			u[4] = hex[c >> 4]; u[5] = hex[c & 15];
			sk_strbuf_append(sb, u, sizeof(u));
		}
	}
	sk_strbuf_append(sb, s + run, n - run);
	sk_strbuf_putc(sb, '"');
}

void sk_strbuf_reset(sk_strbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->data != NULL) {
		sb->data[0] = '\0';
	}
}

bool sk_strbuf_failed(const sk_strbuf *sb)
{
	return sb->failed;
}

const char *sk_strbuf_str(const sk_strbuf *sb)
{
	return sb->data != NULL ? sb->data : "";
}

void sk_strbuf_free(sk_strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->failed = false;
}

int sk_hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

size_t sk_base64_encode(char *out, const void *data, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *in = data;
	char *o = out;

	for (size_t i = 0; i < len; i += 3) {
		size_t left = len - i;
		uint32_t v = (uint32_t)in[i] << 16;

		v |= left > 1 ? (uint32_t)in[i + 1] << 8 : 0;
		v |= left > 2 ? (uint32_t)in[i + 2] : 0;
		*o++ = alphabet[(v >> 18) & 63];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = left > 1 ? alphabet[(v >> 6) & 63] : '=';
		*o++ = left > 2 ? alphabet[v & 63] : '=';
	}
	return (size_t)(o - out);
}

void sk_strbuf_base64(sk_strbuf *sb, const void *data, size_t len)
{
	const unsigned char *in = data;
	char chunk[SK_BASE64_LEN(768)];

	for (size_t i = 0; i < len; i += 768) {
		size_t n = len - i < 768 ? len - i : 768;
		sk_strbuf_append(sb, chunk, sk_base64_encode(chunk, in + i, n));
	}
}

static int base64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	return c == '/' ? 63 : -1;
}

sk_err sk_base64_decode(sk_strbuf *out, const char *s, size_t len, bool padded)
{
	size_t data = len;
	while (data > 0 && s[data - 1] == '=') {
		data--;
	}
	/* padding, when there is any, completes the last group of four */
	bool whole = len % 4 == 0;
	bool pad_ok = len == data ? whole || !padded : len - data <= 2 && whole;
	if (!pad_ok || data % 4 == 1) {
		return SK_EINVAL;
	}
	uint32_t v = 0;
	int bits = 0;
	for (size_t i = 0; i < data; i++) {
		int d = base64_digit((unsigned char)s[i]);
		if (d < 0) {
			return SK_EINVAL;
		}
		v = (v << 6) | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sk_strbuf_putc(out, (char)((v >> bits) & 0xff));
		}
	}
	return sk_strbuf_failed(out) ? SK_ENOMEM : SK_OK;
}

sk_err sk_strbuf_read_file(sk_strbuf *sb, const char *path, size_t max)
{
	FILE *f = fopen(path, "rbe");
	if (f == NULL) {
		return errno == ENOENT ? SK_ENOENT : SK_EIO;
	}
	struct stat st;
	sk_err err = SK_OK;
	size_t start = sb->len;
	if (fstat(fileno(f), &st) != 0) {
		err = SK_EIO;
	} else if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		err = SK_EIO;
	}
	/* read to the end, not to st_size: /proc and sysfs files report 0;
	 * straight into the buffer's free space */
	for (size_t got = 1; err == SK_OK && got > 0;) {
		if (!sk_strbuf_reserve(sb, 65536)) {
			break; /* failed: SK_ENOMEM below */
		}
		got = fread(sb->data + sb->len, 1, 65536, f);
		if (sb->len - start + got > max) {
			err = SK_ERANGE;
		} else if (ferror(f)) {
			err = SK_EIO;
		} else {
			sb->len += got;
			sb->data[sb->len] = '\0';
		}
	}
	if (err == SK_OK && sk_strbuf_failed(sb)) {
		err = SK_ENOMEM;
	}
	if (err != SK_OK && !sk_strbuf_failed(sb)) {
		sb->len = start; /* nothing appended */
		if (sb->data != NULL) {
			sb->data[start] = '\0';
		}
	}
	int saved = errno;
	fclose(f);
	errno = saved;
	return err;
}
