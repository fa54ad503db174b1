/* sk_strbuf: a growable, always NUL-terminated byte buffer.
 *
 * Used wherever text is built (JSON, output lines, error messages). An
 * allocation failure makes the buffer "failed": later appends are ignored and
 * sk_strbuf_failed() reports it, so callers check once at the end. */
#ifndef SK_STRBUF_H
#define SK_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "sk_err.h"

typedef struct sk_strbuf {
	char *data;  /* NUL-terminated once anything was appended; may be NULL */
	size_t len;  /* bytes used, excluding the NUL */
	size_t cap;  /* bytes allocated */
	bool failed; /* an allocation failed */
} sk_strbuf;

#define SK_STRBUF_INIT {NULL, 0, 0, false}

/* sk_strbuf_append when the buffer must grow first (or has failed). */
void sk_strbuf_append_grow(sk_strbuf *sb, const void *p, size_t n);

/* Appends n bytes from p. Inline: the hot callers (event encoders) append
 * a few bytes at a time to a buffer that rarely grows. */
static inline void sk_strbuf_append(sk_strbuf *sb, const void *p, size_t n)
{
	if (sb->failed || n >= sb->cap - sb->len) { /* room for n bytes and the NUL; cap 0 included */
		sk_strbuf_append_grow(sb, p, n);
		return;
	}
	if (n > 0) {
		memcpy(sb->data + sb->len, p, n);
	}
	sb->len += n;
	sb->data[sb->len] = '\0';
}

/* Appends a NUL-terminated string. */
void sk_strbuf_puts(sk_strbuf *sb, const char *s);
/* Appends one byte. */
void sk_strbuf_putc(sk_strbuf *sb, char c);
/* Appends printf-formatted text. */
void sk_strbuf_printf(sk_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s (n bytes) as a JSON string literal with quotes and escapes. */
void sk_strbuf_json_string(sk_strbuf *sb, const char *s, size_t n);
/* Empties the buffer, keeping its memory. */
void sk_strbuf_reset(sk_strbuf *sb);
/* Returns true if an allocation failed since the last reset. */
bool sk_strbuf_failed(const sk_strbuf *sb);
/* Returns the text ("" when empty); valid until the next append. */
const char *sk_strbuf_str(const sk_strbuf *sb);
/* Frees the memory; the buffer is empty and reusable afterwards. */
void sk_strbuf_free(sk_strbuf *sb);

/* The value of one hex digit (either case), -1 when c is none (for the
 * decoders of hex text beside these buffers' encoders). */
int sk_hex_digit(char c);

/* Appends the content of the file at path, read to its end (a pipe, as
 * `-c <(...)` gives, as well as a regular file). SK_ENOENT when it does
 * not exist, SK_EIO when it cannot be read or is a directory (errno says
 * why: EISDIR), SK_ERANGE when it holds more than max bytes (nothing is
 * then appended), SK_ENOMEM when the buffer could not grow. */
sk_err sk_strbuf_read_file(sk_strbuf *sb, const char *path, size_t max);

/* Characters standard padded base64 takes for n bytes. */
#define SK_BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Writes len bytes of data in standard base64 (RFC 4648, padded) to out,
 * which holds SK_BASE64_LEN(len) characters; returns that (no NUL). */
size_t sk_base64_encode(char *out, const void *data, size_t len);

/* Appends len bytes of data in standard base64 (RFC 4648, padded). */
void sk_strbuf_base64(sk_strbuf *sb, const void *data, size_t len);

/* Appends the bytes len characters of standard base64 at s stand for.
 * padded: the length must be a multiple of 4, with its '=' padding;
 * otherwise the padding may be left out, but padding that is there must
 * complete the last group of four (at most two '=', only at the end).
 * SK_EINVAL for anything else (other characters, a length no encoding
 * has), SK_ENOMEM when the buffer could not grow. */
sk_err sk_base64_decode(sk_strbuf *out, const char *s, size_t len, bool padded);

#endif
