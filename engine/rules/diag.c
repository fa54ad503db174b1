/* diag: diagnostics and source positions (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sk_err sk_srcs_add(sk_srcs *srcs, const char *path, char *text, size_t len, int32_t *index)
{
	if (srcs->n == srcs->cap) {
		size_t ncap = srcs->cap ? srcs->cap * 2 : 4;
		sk_src *nv = realloc(srcs->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			return SK_ENOMEM;
		}
		srcs->v = nv;
		srcs->cap = ncap;
	}
	sk_src *s = &srcs->v[srcs->n];
	memset(s, 0, sizeof(*s));
	uint32_t lines = 1;
	for (size_t i = 0; i < len; i++) {
		lines += text[i] == '\n';
	}
	s->path = strdup(path);
	s->line_start = malloc(lines * sizeof(uint32_t));
	if (s->path == NULL || s->line_start == NULL) {
		free(s->path);
		free(s->line_start);
		return SK_ENOMEM;
	}
	s->line_start[0] = 0;
	s->nlines = 1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			s->line_start[s->nlines++] = (uint32_t)(i + 1);
		}
	}
	s->text = text;
	s->len = len;
	*index = (int32_t)srcs->n++;
	return SK_OK;
}

void sk_srcs_free(sk_srcs *srcs)
{
	for (size_t i = 0; i < srcs->n; i++) {
		free(srcs->v[i].path);
		free(srcs->v[i].text);
		free(srcs->v[i].line_start);
	}
	free(srcs->v);
	memset(srcs, 0, sizeof(*srcs));
}

sk_loc sk_srcs_loc(const sk_srcs *srcs, int32_t file, uint32_t index)
{
	if (file < 0 || (size_t)file >= srcs->n) {
		return SK_LOC_NONE;
	}
	const sk_src *s = &srcs->v[file];
	uint32_t lo = 0, hi = s->nlines;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->line_start[mid] <= index) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	uint32_t col = 1;
	/* Columns count characters: skip UTF-8 continuation bytes. */
	for (uint32_t i = s->line_start[lo]; i < index && i < s->len; i++) {
		col += ((unsigned char)s->text[i] & 0xc0) != 0x80;
	}
	return (sk_loc){file, index, lo + 1, col};
}

uint32_t sk_srcs_index(const sk_srcs *srcs, int32_t file, uint32_t line0, uint32_t col_chars)
{
	if (file < 0 || (size_t)file >= srcs->n) {
		return 0;
	}
	const sk_src *s = &srcs->v[file];
	if (line0 >= s->nlines) {
		return (uint32_t)s->len;
	}
	uint32_t i = s->line_start[line0];
	while (i < s->len && col_chars > 0) {
		i++;
		while (i < s->len && ((unsigned char)s->text[i] & 0xc0) == 0x80) {
			i++;
		}
		col_chars--;
	}
	return i;
}

sk_err sk_text_append(sk_text *t, const char *s, size_t len, int32_t file, uint32_t raw_start, uint32_t raw_end)
{
	sk_piece *np = realloc(t->pieces, (t->npieces + 1) * sizeof(*np));
	if (np == NULL) {
		return SK_ENOMEM;
	}
	t->pieces = np;
	np[t->npieces++] = (sk_piece){(uint32_t)t->s.len, (uint32_t)len, file, raw_start, raw_end};
	sk_strbuf_append(&t->s, s, len);
	return sk_strbuf_failed(&t->s) ? SK_ENOMEM : SK_OK;
}

void sk_text_free(sk_text *t)
{
	sk_strbuf_free(&t->s);
	free(t->pieces);
	t->pieces = NULL;
	t->npieces = 0;
}

sk_loc sk_text_loc(const sk_text *t, const sk_srcs *srcs, uint32_t off)
{
	const sk_piece *p = NULL;
	for (uint32_t i = 0; i < t->npieces; i++) {
		if (t->pieces[i].off <= off) {
			p = &t->pieces[i];
		}
	}
	if (p == NULL || p->file < 0 || (size_t)p->file >= srcs->n) {
		return SK_LOC_NONE;
	}
	/* The scalar's value differs from its raw text by quoting, escapes and
	 * folding: align the two greedily, character by character. */
	const char *val = t->s.data + p->off;
	const char *raw = srcs->v[p->file].text;
	uint32_t target = off - p->off;
	if (target >= p->len && p->len > 0) {
		/* Past the end ("unexpected end"): just after the last character. */
		sk_loc last = sk_text_loc(t, srcs, p->off + p->len - 1);
		last.col += target - (p->len - 1);
		return last;
	}
	uint32_t j = p->raw_start;
	uint32_t end = p->raw_end < srcs->v[p->file].len ? p->raw_end : (uint32_t)srcs->v[p->file].len;
	for (uint32_t i = 0; i <= target && i < p->len; i++) {
		uint32_t k = j;
		while (k < end && raw[k] != val[i]) {
			k++;
		}
		if (k >= end) {
			break;
		}
		if (i == target) {
			return sk_srcs_loc(srcs, p->file, k);
		}
		j = k + 1;
	}
	return sk_srcs_loc(srcs, p->file, j < end ? j : p->raw_start);
}

__attribute__((format(printf, 1, 0))) static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s != NULL) {
		vsnprintf(s, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	return s;
}

void sk_diag_add(sk_diags *d, const sk_srcs *srcs, bool error, const char *code, sk_loc loc, const char *item,
		 const char *fmt, ...)
{
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		sk_diag *nv = realloc(d->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			return;
		}
		d->v = nv;
		d->cap = ncap;
	}
	sk_diag *g = &d->v[d->n];
	memset(g, 0, sizeof(*g));
	va_list ap;
	va_start(ap, fmt);
	g->msg = vformat(fmt, ap);
	va_end(ap);
	if (g->msg == NULL) {
		return;
	}
	g->error = error;
	g->code = code;
	g->loc = loc;
	g->item = item != NULL ? strdup(item) : NULL;
	if (loc.file >= 0 && (size_t)loc.file < srcs->n && loc.line > 0) {
		const sk_src *s = &srcs->v[loc.file];
		uint32_t start = s->line_start[loc.line - 1];
		uint32_t stop = start;
		while (stop < s->len && s->text[stop] != '\n' && s->text[stop] != '\r') {
			stop++;
		}
		g->snippet = strndup(s->text + start, stop - start);
		g->caret = loc.col;
	}
	d->n++;
}

void sk_diags_free(sk_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].item);
		free(d->v[i].msg);
		free(d->v[i].snippet);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

size_t sk_diags_count(const sk_diags *d, int32_t file, bool errors)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].error == errors && (file < 0 || d->v[i].loc.file == file)) {
			n++;
		}
	}
	return n;
}

void sk_diag_render(const sk_diag *d, const sk_srcs *srcs, sk_strbuf *out)
{
	if (d->loc.file >= 0 && (size_t)d->loc.file < srcs->n) {
		sk_strbuf_printf(out, "%s:%u:%u: ", srcs->v[d->loc.file].path, d->loc.line, d->loc.col);
	}
	sk_strbuf_printf(out, "%s %s: ", d->error ? "error" : "warning", d->code);
	if (d->item != NULL) {
		sk_strbuf_printf(out, "%s: ", d->item);
	}
	sk_strbuf_puts(out, d->msg);
	sk_strbuf_putc(out, '\n');
	if (d->snippet == NULL) {
		return;
	}
	sk_strbuf_printf(out, "    %s\n    ", d->snippet);
	/* Keep tabs so the caret lines up under tab-indented text. */
	uint32_t col = 1;
	for (const char *c = d->snippet; *c && col < d->caret; c++) {
		if (((unsigned char)*c & 0xc0) == 0x80) {
			continue;
		}
		sk_strbuf_putc(out, *c == '\t' ? '\t' : ' ');
		col++;
	}
	sk_strbuf_puts(out, "^\n");
}
