/* smtp: Falcosidekick's email output, one RFC 5322 message per alert.
 *
 * The subject is Falcosidekick's, "[Priority] output line"; the body is
 * Saker's own wording: a text/plain part, and with the html format a
 * text/html part beside it (multipart/alternative). Every header and body
 * line ends with CRLF and is 7-bit: the subject is folded, or written as
 * RFC 2047 encoded-words when it is not plain ASCII, and both parts are
 * quoted-printable, so no alert text (CR, LF, NUL, "=?", a MIME boundary)
 * can add a header, end the header section or split a part. Dot-stuffing
 * is libcurl's job on the wire. */
#ifndef SMTP_H
#define SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* The longest address the envelope takes (RFC 5321's path limit). */
#define SMTP_MAX_ADDRESS 256

typedef struct smtp_config {
	const char *from;     /* the From header as configured ("Name <a@b>" or "a@b") */
	const char *to;       /* the To header: the recipients joined by ", " */
	bool html;            /* text + html (multipart/alternative), else text only */
	const char *hostname; /* right-hand side of Message-ID (the sidekick's host) */
} smtp_config;

/* Copies the envelope address of one configured address ("a@b", or the
 * part between <> of "Name <a@b>", blanks around it trimmed) into out
 * (cap bytes). Returns SK_EINVAL unless text is printable ASCII and the
 * address has one '@' and no blank, comma, angle bracket or quote (nor the
 * name an '@' or '>'), SK_ERANGE when longer than SMTP_MAX_ADDRESS or cap. */
sk_err smtp_address(const char *text, char *out, size_t cap);

/* Returns true when s may be written in a header as it is: printable
 * ASCII (blanks included) and nothing else, so no CR or LF. */
bool smtp_header_safe(const char *s);

/* Appends "Subject: " and text as a folded header line ending with CRLF.
 * Plain ASCII is folded at blanks (lines of at most 78 characters where
 * words allow, never over 998), each run of blanks or control characters
 * becoming one space; anything else (non-ASCII, "=?", a word of over 900
 * characters) becomes UTF-8 "B" encoded-words of whole characters, control
 * characters as blanks and invalid UTF-8 as U+FFFD. */
void smtp_subject(sk_strbuf *sb, const char *text);

/* Appends the whole message for alert: the header section (Date from the
 * alert's time, From, To, Subject, Message-ID from the alert's uuid,
 * MIME-Version, Content-Type) and the body, CRLF line endings throughout.
 * Returns SK_ENOMEM when memory ran out. */
sk_err smtp_message(sk_strbuf *sb, const smtp_config *cfg, const saker_alert *alert);

#endif
