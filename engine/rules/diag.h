/* diag: load diagnostics (errors and warnings) with file:line:col.
 *
 * Sources keep the text of every loaded file so a diagnostic can quote the
 * offending line and put a caret under the column. A "text" is a string
 * assembled from pieces of YAML scalars (a condition plus its appends); an
 * offset inside it maps back to the file position of the piece it came
 * from. */
#ifndef SK_RULES_DIAG_H
#define SK_RULES_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct sk_src {
	char *path;
	char *text;
	size_t len;
	uint32_t *line_start; /* byte offset of each line */
	uint32_t nlines;
} sk_src;

/* A position in a source: byte offset, 1-based line and column. */
typedef struct sk_loc {
	int32_t file; /* index into the source table; -1 when none */
	uint32_t index;
	uint32_t line;
	uint32_t col;
} sk_loc;

#define SK_LOC_NONE ((sk_loc){-1, 0, 0, 0})

/* A piece of an assembled text: bytes [off, off+len) of the text came from
 * the scalar spanning [raw_start, raw_end) in source file. */
typedef struct sk_piece {
	uint32_t off;
	uint32_t len;
	int32_t file;
	uint32_t raw_start;
	uint32_t raw_end;
} sk_piece;

typedef struct sk_text {
	sk_strbuf s;
	sk_piece *pieces;
	uint32_t npieces;
} sk_text;

typedef struct sk_diag {
	bool error;
	const char *code; /* LOAD_ERR_*, LOAD_* (static) */
	sk_loc loc;
	char *item;    /* 'rule "name"' or NULL */
	char *msg;
	char *snippet; /* the source line, or NULL */
	uint32_t caret; /* 1-based column of the caret in snippet */
} sk_diag;

typedef struct sk_diags {
	sk_diag *v;
	size_t n;
	size_t cap;
} sk_diags;

typedef struct sk_srcs {
	sk_src *v;
	size_t n;
	size_t cap;
} sk_srcs;

/* Takes ownership of text (malloc'd, len bytes, NUL-terminated) and adds a
 * source; *index receives its index. */
sk_err sk_srcs_add(sk_srcs *srcs, const char *path, char *text, size_t len, int32_t *index);
/* Frees every source. */
void sk_srcs_free(sk_srcs *srcs);
/* Position of byte offset index in a source. */
sk_loc sk_srcs_loc(const sk_srcs *srcs, int32_t file, uint32_t index);
/* Byte offset of a 0-based line and a character column (as libyaml counts). */
uint32_t sk_srcs_index(const sk_srcs *srcs, int32_t file, uint32_t line0, uint32_t col_chars);

/* Appends len bytes taken from file bytes [raw_start, raw_end) to a text. */
sk_err sk_text_append(sk_text *t, const char *s, size_t len, int32_t file, uint32_t raw_start, uint32_t raw_end);
/* Empties a text. */
void sk_text_free(sk_text *t);
/* Maps an offset in an assembled text to its source position. */
sk_loc sk_text_loc(const sk_text *t, const sk_srcs *srcs, uint32_t off);

/* Adds a diagnostic (msg printf-style). The snippet is taken from loc. */
void sk_diag_add(sk_diags *d, const sk_srcs *srcs, bool error, const char *code, sk_loc loc, const char *item,
		 const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Frees every diagnostic. */
void sk_diags_free(sk_diags *d);
/* Number of errors (error == true) for file (-1: all files). */
size_t sk_diags_count(const sk_diags *d, int32_t file, bool errors);
/* Renders "path:line:col: error CODE: item: msg" plus snippet and caret. */
void sk_diag_render(const sk_diag *d, const sk_srcs *srcs, sk_strbuf *out);

#endif
