/* smtp.c: the email message of one alert (smtp.h). */
#include "smtp.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "spl_util.h"

/* Header lines are folded to stay within this many characters (RFC 5322's
 * recommended limit) where blanks allow it. */
#define SMTP_FOLD_AT 78
/* A word longer than this cannot be folded into RFC 5322's 998-character
 * lines: the subject is then written as encoded-words. */
#define SMTP_MAX_WORD 900
/* Bytes of text per encoded-word: "=?UTF-8?B?" + 52 base64 characters +
 * "?=" keeps every subject line under 78 characters. */
#define SMTP_WORD_BYTES 39
/* Quoted-printable lines carry at most 76 characters, the soft break's '='
 * included (RFC 2045). */
#define SMTP_QP_LINE 76
/* The part of Message-ID taken from the alert's uuid. */
#define SMTP_MAX_TOKEN 64
/* Characters of the uuid in the MIME boundary: "=_saker_" and these stay
 * within RFC 2046's 70 and the folded header line within 78. */
#define SMTP_BOUNDARY_TOKEN 40

static const char *const priority_names[8] = {"Emergency", "Alert",  "Critical",      "Error",
					      "Warning",   "Notice", "Informational", "Debug"};
/* Saker's own palette for the html part's banner, Emergency first. */
static const char *const priority_colours[8] = {"#9b1c1c", "#c2410c", "#dc2626", "#ea580c",
						"#ca8a04", "#0f766e", "#2563eb", "#6b7280"};

/* Falcosidekick's priority text ("Warning"); "" outside the enum, as Go's
 * PriorityType.String() gives for an unknown priority. */
static const char *priority_name(saker_priority p)
{
	return (unsigned)p < 8 ? priority_names[p] : "";
}

static const char *priority_colour(saker_priority p)
{
	return (unsigned)p < 8 ? priority_colours[p] : "#6b7280";
}

sk_err smtp_address(const char *text, char *out, size_t cap)
{
	const char *start = text, *end;
	const char *open = strchr(text, '<');
	size_t len;
	/* the whole text goes into a header: printable ASCII only */
	if (!smtp_header_safe(text)) {
		return SK_EINVAL;
	}
	if (open != NULL) {
		/* the display name before '<': no second address in it */
		if (memchr(text, '@', (size_t)(open - text)) != NULL || memchr(text, '>', (size_t)(open - text)) != NULL) {
			return SK_EINVAL;
		}
		/* "Name <a@b>": the address is between the brackets, and nothing
		 * but blanks may follow them */
		start = open + 1;
		end = strchr(start, '>');
		if (end == NULL || end[1 + strspn(end + 1, " \t")] != '\0') {
			return SK_EINVAL;
		}
	} else {
		start += strspn(start, " \t");
		end = start + strlen(start);
		while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
			end--;
		}
	}
	len = (size_t)(end - start);
	if (len > SMTP_MAX_ADDRESS || len >= cap) {
		return SK_ERANGE;
	}
	size_t ats = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)start[i];
		if (c <= ' ' || c >= 0x7f || strchr("<>,\"()[]\\;", c) != NULL) {
			return SK_EINVAL;
		}
		ats += c == '@';
	}
	/* one '@' with something on both sides */
	if (ats != 1 || start[0] == '@' || start[len - 1] == '@') {
		return SK_EINVAL;
	}
	memcpy(out, start, len);
	out[len] = '\0';
	return SK_OK;
}

bool smtp_header_safe(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < ' ' || c >= 0x7f) {
			return false;
		}
	}
	return true;
}

/* A blank for folding: space, tab, and any control character (which the
 * subject shows as a space). */
static bool fold_blank(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* Appends "name: value" and CRLF, value being ASCII: each run of blanks
 * or control characters becomes one space (none at either end), and the
 * line is folded before a space wherever it would pass SMTP_FOLD_AT. */
static void put_folded(sk_strbuf *sb, const char *name, const char *value)
{
	size_t col = strlen(name) + 2;
	bool first = true;
	sk_strbuf_printf(sb, "%s: ", name);
	for (const char *p = value; *p != '\0';) {
		size_t blanks = 0, word = 0;
		while (p[blanks] != '\0' && fold_blank((unsigned char)p[blanks])) {
			blanks++;
		}
		while (p[blanks + word] != '\0' && !fold_blank((unsigned char)p[blanks + word])) {
			word++;
		}
		if (word == 0) {
			break; /* trailing blanks */
		}
		if (!first) {
			/* a folded line starts with the space: unfolding restores it */
			if (col + 1 + word > SMTP_FOLD_AT) {
				sk_strbuf_append(sb, "\r\n", 2);
				col = 0;
			}
			sk_strbuf_putc(sb, ' ');
			col++;
		}
		sk_strbuf_append(sb, p + blanks, word);
		col += word;
		p += blanks + word;
		first = false;
	}
	sk_strbuf_append(sb, "\r\n", 2);
}

/* Returns the length of the valid UTF-8 sequence at s (n bytes left), 0
 * when it is not one (overlong forms, surrogates and code points above
 * U+10FFFF included); *cp gets its code point. */
static size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len;
	uint32_t v;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		v = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		v = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n) {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min_cp[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		return 0;
	}
	*cp = v;
	return len;
}

/* Appends n bytes as base64 (RFC 4648, padded). */
static void put_base64(sk_strbuf *sb, const unsigned char *s, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n) {
			v |= (uint32_t)s[i + 1] << 8;
		}
		if (i + 2 < n) {
			v |= s[i + 2];
		}
		char quad[4] = {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
				i + 1 < n ? alphabet[(v >> 6) & 63] : '=', i + 2 < n ? alphabet[v & 63] : '='};
		sk_strbuf_append(sb, quad, 4);
	}
}

/* Whether text must go as encoded-words: non-ASCII bytes, "=?" (a reader
 * would decode what looks like an encoded-word), or a word too long for
 * RFC 5322's 998-character lines. */
static bool needs_encoded_words(const char *text)
{
	size_t word = 0;
	for (const char *p = text; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80 || (c == '=' && p[1] == '?')) {
			return true;
		}
		word = fold_blank(c) ? 0 : word + 1;
		if (word > SMTP_MAX_WORD) {
			return true;
		}
	}
	return false;
}

/* Appends one encoded-word holding n bytes of valid UTF-8. */
static void put_encoded_word(sk_strbuf *sb, const char *chunk, size_t n)
{
	sk_strbuf_puts(sb, "=?UTF-8?B?");
	put_base64(sb, (const unsigned char *)chunk, n);
	sk_strbuf_puts(sb, "?=");
}

/* Appends text as encoded-words of at most SMTP_WORD_BYTES bytes each (never
 * splitting a character), one per line after the first. */
static void put_encoded_words(sk_strbuf *sb, const char *text)
{
	char chunk[SMTP_WORD_BYTES + 4];
	size_t used = 0, n = strlen(text);
	bool first = true;
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t len = utf8_sequence((const unsigned char *)text + i, n - i, &cp);
		char one[4];
		size_t one_len = len;
		if (len == 0) {
			/* invalid UTF-8: U+FFFD, one byte consumed */
			memcpy(one, "\xef\xbf\xbd", 3);
			one_len = 3;
			len = 1;
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			one[0] = ' '; /* control characters (C0, DEL, C1) show as blanks */
			one_len = 1;
		} else {
			memcpy(one, text + i, len);
		}
		if (used + one_len > SMTP_WORD_BYTES) {
			if (!first) {
				sk_strbuf_append(sb, "\r\n ", 3);
			}
			put_encoded_word(sb, chunk, used);
			first = false;
			used = 0;
		}
		memcpy(chunk + used, one, one_len);
		used += one_len;
		i += len;
	}
	if (used > 0) {
		if (!first) {
			sk_strbuf_append(sb, "\r\n ", 3);
		}
		put_encoded_word(sb, chunk, used);
	}
}

void smtp_subject(sk_strbuf *sb, const char *text)
{
	if (!needs_encoded_words(text)) {
		put_folded(sb, "Subject", text);
		return;
	}
	sk_strbuf_puts(sb, "Subject: ");
	put_encoded_words(sb, text);
	sk_strbuf_append(sb, "\r\n", 2);
}

/* Appends "Date: " and ns (since the epoch) as RFC 5322 writes it, in UTC
 * with English names whatever the locale. */
static void put_date(sk_strbuf *sb, int64_t ns)
{
	static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	/* floor division: a time before 1970 stays in its own second */
	time_t secs = (time_t)(ns / 1000000000 - (ns % 1000000000 < 0 ? 1 : 0));
	struct tm tm;
	if (gmtime_r(&secs, &tm) == NULL) {
		secs = 0;
		gmtime_r(&secs, &tm);
	}
	sk_strbuf_printf(sb, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday % 7], tm.tm_mday,
			 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Copies the letters, digits and '-' of s (at most SMTP_MAX_TOKEN) into
 * out: what Message-ID and the boundary may take from the alert's uuid. */
static void uuid_token(const char *s, char *out)
{
	size_t n = 0;
	for (; *s != '\0' && n < SMTP_MAX_TOKEN; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
}

/* Copies host name s as a dot-atom into out (letters, digits, '-', single
 * dots between labels); "saker.invalid" when nothing is left. */
static void host_token(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s != '\0' && n + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
			out[n++] = (char)c;
		} else if (c == '.' && n > 0 && out[n - 1] != '.') {
			out[n++] = '.';
		}
	}
	while (n > 0 && out[n - 1] == '.') {
		n--;
	}
	out[n] = '\0';
	if (n == 0) {
		snprintf(out, cap, "saker.invalid");
	}
}

/* A quoted-printable body being written: col counts the characters of the
 * current line. */
typedef struct qp_writer {
	sk_strbuf *sb;
	size_t col;
} qp_writer;

/* Appends one encoded token (a character or "=XX"), after a soft line
 * break when the line would pass SMTP_QP_LINE with its '='. */
static void qp_token(qp_writer *w, const char *token, size_t n)
{
	if (w->col + n > SMTP_QP_LINE - 1) {
		sk_strbuf_append(w->sb, "=\r\n", 3);
		w->col = 0;
	}
	sk_strbuf_append(w->sb, token, n);
	w->col += n;
}

static void qp_hex(qp_writer *w, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char token[3] = {'=', hex[c >> 4], hex[c & 15]};
	qp_token(w, token, 3);
}

/* Appends n bytes of text: printable ASCII but '=' as itself, everything
 * else (CR, LF, NUL, 8-bit bytes) as =XX, so the text never breaks a line. */
static void qp_put(qp_writer *w, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= '!' && c <= '~' && c != '=') || c == ' ' || c == '\t') {
			qp_token(w, (const char *)&s[i], 1);
		} else {
			qp_hex(w, c);
		}
	}
}

static void qp_puts(qp_writer *w, const char *s)
{
	qp_put(w, s, strlen(s));
}

/* Ends the line with a hard line break; a blank ending it is encoded, as
 * RFC 2045 wants (transports may strip trailing blanks). */
static void qp_newline(qp_writer *w)
{
	sk_strbuf *sb = w->sb;
	if (w->col > 0 && sb->len > 0 && (sb->data[sb->len - 1] == ' ' || sb->data[sb->len - 1] == '\t')) {
		unsigned char blank = (unsigned char)sb->data[sb->len - 1];
		sb->data[--sb->len] = '\0';
		w->col--;
		qp_hex(w, blank);
	}
	sk_strbuf_append(sb, "\r\n", 2);
	w->col = 0;
}

/* Writes "label" then value (or "(none)" when empty) and ends the line. */
static void qp_line(qp_writer *w, const char *label, const char *value)
{
	qp_puts(w, label);
	qp_puts(w, value[0] != '\0' ? value : "(none)");
	qp_newline(w);
}

/* The alert's tags joined by ", " into sb (reset first). */
static const char *joined_tags(sk_strbuf *sb, const saker_alert *alert)
{
	sk_strbuf_reset(sb);
	spl_join_tags(sb, alert, ", ");
	return sk_strbuf_str(sb);
}

/* The alert's time as RFC 3339 with nanoseconds (UTC) into sb (reset first). */
static const char *rfc3339_time(sk_strbuf *sb, const saker_alert *alert)
{
	sk_strbuf_reset(sb);
	spl_go_rfc3339(sb, alert->time_ns, true);
	return sk_strbuf_str(sb);
}

/* The text/plain part: a title line, the output line, the alert's
 * attributes and its output fields. */
static void put_text_part(qp_writer *w, const saker_alert *alert, sk_strbuf *scratch)
{
	qp_puts(w, "[");
	qp_puts(w, priority_name(alert->priority_num));
	qp_puts(w, "] ");
	qp_puts(w, alert->rule);
	qp_newline(w);
	qp_newline(w);
	qp_puts(w, alert->output);
	qp_newline(w);
	qp_newline(w);
	qp_line(w, "Rule:     ", alert->rule);
	qp_line(w, "Priority: ", priority_name(alert->priority_num));
	qp_line(w, "Source:   ", alert->source);
	qp_line(w, "Hostname: ", alert->hostname);
	qp_line(w, "Time:     ", rfc3339_time(scratch, alert));
	qp_line(w, "Tags:     ", joined_tags(scratch, alert));
	qp_line(w, "UUID:     ", alert->uuid);
	qp_newline(w);
	qp_puts(w, "Output fields:");
	qp_newline(w);
	if (alert->nfields == 0) {
		qp_puts(w, "  (none)");
		qp_newline(w);
	}
	for (size_t i = 0; i < alert->nfields; i++) {
		qp_puts(w, "  ");
		qp_puts(w, alert->field_names[i]);
		qp_puts(w, ": ");
		qp_puts(w, alert->field_values[i]);
		qp_newline(w);
	}
}

/* Writes s escaped for HTML text and attribute values: the five markup
 * characters as entities, control characters but tab, CR and LF as
 * U+FFFD. */
static void html_put(qp_writer *w, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&':
			qp_puts(w, "&amp;");
			break;
		case '<':
			qp_puts(w, "&lt;");
			break;
		case '>':
			qp_puts(w, "&gt;");
			break;
		case '"':
			qp_puts(w, "&quot;");
			break;
		case '\'':
			qp_puts(w, "&#39;");
			break;
		default:
			if ((c < ' ' && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
				qp_puts(w, "&#xFFFD;");
			} else {
				qp_put(w, s, 1);
			}
		}
	}
}

/* The style of a table's header cells. */
#define HTML_TH "<th style=\"text-align:left;padding:2px 16px 2px 0\">"

/* One table row: a header cell and its value ("(none)" when empty). */
static void html_row(qp_writer *w, const char *name, const char *value)
{
	qp_puts(w, "<tr>" HTML_TH);
	html_put(w, name);
	qp_puts(w, "</th><td>");
	html_put(w, value[0] != '\0' ? value : "(none)");
	qp_puts(w, "</td></tr>");
	qp_newline(w);
}

/* The text/html part: a banner in the priority's colour with the rule, the
 * output line, then tables of the attributes and output fields. */
static void put_html_part(qp_writer *w, const saker_alert *alert, sk_strbuf *scratch)
{
	const char *prio = priority_name(alert->priority_num);
	qp_puts(w, "<!DOCTYPE html>");
	qp_newline(w);
	qp_puts(w, "<html><head><meta charset=\"UTF-8\"><title>[");
	html_put(w, prio);
	qp_puts(w, "] ");
	html_put(w, alert->rule);
	qp_puts(w, "</title></head>");
	qp_newline(w);
	qp_puts(w, "<body style=\"margin:0;padding:16px;font-family:Helvetica,Arial,sans-serif;"
		       "font-size:14px;color:#1f2328\">");
	qp_newline(w);
	qp_puts(w, "<div style=\"border-left:6px solid ");
	qp_puts(w, priority_colour(alert->priority_num));
	qp_puts(w, ";background:#f6f8fa;padding:8px 12px\"><div style=\"font-size:12px;font-weight:bold;color:");
	qp_puts(w, priority_colour(alert->priority_num));
	qp_puts(w, "\">");
	html_put(w, prio);
	qp_puts(w, "</div><div style=\"font-size:16px;font-weight:bold\">");
	html_put(w, alert->rule);
	qp_puts(w, "</div></div>");
	qp_newline(w);
	qp_puts(w, "<p style=\"font-family:Menlo,Consolas,monospace;white-space:pre-wrap\">");
	html_put(w, alert->output);
	qp_puts(w, "</p>");
	qp_newline(w);
	qp_puts(w, "<table style=\"border-collapse:collapse\">");
	qp_newline(w);
	html_row(w, "Rule", alert->rule);
	html_row(w, "Priority", prio);
	html_row(w, "Source", alert->source);
	html_row(w, "Hostname", alert->hostname);
	html_row(w, "Time", rfc3339_time(scratch, alert));
	html_row(w, "Tags", joined_tags(scratch, alert));
	html_row(w, "UUID", alert->uuid);
	qp_puts(w, "</table>");
	qp_newline(w);
	qp_puts(w, "<h4 style=\"margin:16px 0 4px\">Output fields</h4>");
	qp_newline(w);
	qp_puts(w, "<table style=\"border-collapse:collapse;font-family:Menlo,Consolas,monospace\">");
	qp_newline(w);
	for (size_t i = 0; i < alert->nfields; i++) {
		html_row(w, alert->field_names[i], alert->field_values[i]);
	}
	qp_puts(w, "</table>");
	qp_newline(w);
	qp_puts(w, "</body></html>");
	qp_newline(w);
}

/* The headers of one part (or of a one-part message). */
static void put_part_headers(sk_strbuf *sb, const char *type)
{
	sk_strbuf_printf(sb, "Content-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
			 type);
}

sk_err smtp_message(sk_strbuf *sb, const smtp_config *cfg, const saker_alert *alert)
{
	char uuid[SMTP_MAX_TOKEN + 1], host[256], boundary[SMTP_BOUNDARY_TOKEN + 1];
	sk_strbuf scratch = SK_STRBUF_INIT;
	qp_writer w = {sb, 0};
	uuid_token(alert->uuid, uuid);
	if (uuid[0] == '\0') {
		snprintf(uuid, sizeof(uuid), "%lld", (long long)alert->time_ns);
	}
	size_t boundary_len = strlen(uuid) < SMTP_BOUNDARY_TOKEN ? strlen(uuid) : SMTP_BOUNDARY_TOKEN;
	memcpy(boundary, uuid, boundary_len);
	boundary[boundary_len] = '\0';
	host_token(cfg->hostname, host, sizeof(host));

	put_date(sb, alert->time_ns);
	put_folded(sb, "From", cfg->from);
	put_folded(sb, "To", cfg->to);
	/* Falcosidekick's subject: "[Priority] output" */
	sk_strbuf_printf(&scratch, "[%s] %s", priority_name(alert->priority_num), alert->output);
	smtp_subject(sb, sk_strbuf_str(&scratch));
	sk_strbuf_printf(sb, "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n", uuid, host);
	if (cfg->html) {
		/* quoted-printable never writes "=_", so the boundary cannot
		 * appear inside a part */
		sk_strbuf_printf(sb, "Content-Type: multipart/alternative;\r\n boundary=\"=_saker_%s\"\r\n\r\n", boundary);
		sk_strbuf_printf(sb, "--=_saker_%s\r\n", boundary);
		put_part_headers(sb, "text/plain");
		sk_strbuf_puts(sb, "\r\n");
		put_text_part(&w, alert, &scratch);
		sk_strbuf_printf(sb, "--=_saker_%s\r\n", boundary);
		put_part_headers(sb, "text/html");
		sk_strbuf_puts(sb, "\r\n");
		put_html_part(&w, alert, &scratch);
		sk_strbuf_printf(sb, "--=_saker_%s--\r\n", boundary);
	} else {
		put_part_headers(sb, "text/plain");
		sk_strbuf_puts(sb, "\r\n");
		put_text_part(&w, alert, &scratch);
	}
	bool failed = sk_strbuf_failed(&scratch) || sk_strbuf_failed(sb);
	sk_strbuf_free(&scratch);
	return failed ? SK_ENOMEM : SK_OK;
}
