#include "nats_out.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *nats_priority_name(saker_priority priority)
{
	static const char *const names[] = {"emergency", "alert",  "critical",      "error",
					    "warning",   "notice", "informational", "debug"};

	if ((unsigned)priority >= sizeof(names) / sizeof(names[0])) {
		return "";
	}
	return names[priority];
}

/* Returns the lower-case ASCII letter or digit the character at s stands
 * for after Go's strings.ToLower, or 0 when it is none; *len is set to the
 * bytes it takes. Only two non-ASCII characters lower to ASCII. */
static char nats_slug_char(const unsigned char *s, size_t *len)
{
	*len = 1;
	if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')) {
		return (char)s[0];
	}
	if (s[0] >= 'A' && s[0] <= 'Z') {
		return (char)(s[0] - 'A' + 'a');
	}
	if (s[0] == 0xc4 && s[1] == 0xb0) { /* U+0130 LATIN CAPITAL I WITH DOT ABOVE */
		*len = 2;
		return 'i';
	}
	if (s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa) { /* U+212A KELVIN SIGN */
		*len = 3;
		return 'k';
	}
	return 0;
}

void nats_rule_slug(sk_strbuf *sb, const char *rule)
{
	const unsigned char *s = (const unsigned char *)rule;
	bool pending_sep = false, wrote = false;
	size_t len;

	while (*s != '\0') {
		char c = nats_slug_char(s, &len);

		if (c == 0) {
			/* A run of other characters is one '_', and none leads. */
			pending_sep = wrote;
		} else {
			if (pending_sep) {
				sk_strbuf_putc(sb, '_');
				pending_sep = false;
			}
			sk_strbuf_putc(sb, c);
			wrote = true;
		}
		s += len;
	}
}

void nats_subject(sk_strbuf *sb, const char *tmpl, const saker_alert *alert)
{
	static const char priority_token[] = "<priority>", rule_token[] = "<rule>";
	const char *p = tmpl;

	while (*p != '\0') {
		if (strncmp(p, priority_token, sizeof(priority_token) - 1) == 0) {
			sk_strbuf_puts(sb, nats_priority_name(alert->priority_num));
			p += sizeof(priority_token) - 1;
		} else if (strncmp(p, rule_token, sizeof(rule_token) - 1) == 0) {
			nats_rule_slug(sb, alert->rule != NULL ? alert->rule : "");
			p += sizeof(rule_token) - 1;
		} else {
			sk_strbuf_putc(sb, *p);
			p++;
		}
	}
}

/* Returns the length of the <priority> or <rule> token at p, else 0. */
static size_t nats_token_at(const char *p)
{
	static const char *const tokens[] = {"<priority>", "<rule>"};

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		if (strncmp(p, tokens[i], strlen(tokens[i])) == 0) {
			return strlen(tokens[i]);
		}
	}
	return 0;
}

sk_err nats_check_template(const char *tmpl, char *err, size_t errlen)
{
	bool token_empty = true; /* nothing yet since the start or the last dot */
	const char *p = tmpl;

	while (*p != '\0') {
		size_t token = nats_token_at(p);
		unsigned char c = (unsigned char)*p;

		if (token > 0) {
			token_empty = false;
			p += token;
			continue;
		}
		if (c <= ' ' || c == 0x7f) {
			snprintf(err, errlen, "subjecttemplate '%s': no spaces or control characters in a NATS subject",
				 tmpl);
			return SK_EINVAL;
		}
		if (c == '*' || c == '>') {
			snprintf(err, errlen, "subjecttemplate '%s': wildcards ('*', '>') cannot be published to", tmpl);
			return SK_EINVAL;
		}
		if (c == '.' && token_empty) {
			break;
		}
		token_empty = c == '.';
		p++;
	}
	if (token_empty) {
		snprintf(err, errlen, "subjecttemplate '%s': empty token between dots", tmpl);
		return SK_EINVAL;
	}
	return SK_OK;
}

/* Checks one URL of the list (len bytes at url); sets *tls for tls://. */
static sk_err nats_check_url(const char *url, size_t len, bool *tls, char *err, size_t errlen)
{
	const char *sep = memmem(url, len, "://", 3);
	size_t scheme_len = sep != NULL ? (size_t)(sep - url) : 0;
	size_t rest = sep != NULL ? len - scheme_len - 3 : len;

	if (sep != NULL && !(scheme_len == 4 && strncasecmp(url, "nats", 4) == 0) &&
	    !(scheme_len == 3 && strncasecmp(url, "tls", 3) == 0)) {
		snprintf(err, errlen, "hostport '%.*s': want nats://host:port or tls://host:port", (int)len, url);
		return SK_EINVAL;
	}
	if (rest == 0) {
		snprintf(err, errlen, "hostport '%.*s': no host", (int)len, url);
		return SK_EINVAL;
	}
	if (scheme_len == 3) {
		*tls = true;
	}
	return SK_OK;
}

sk_err nats_check_hostport(const char *hostport, bool *tls, char *err, size_t errlen)
{
	const char *p = hostport;
	size_t urls = 0;

	*tls = false;
	while (*p != '\0') {
		size_t len;

		p += strspn(p, " ");
		len = strcspn(p, ",");
		while (len > 0 && p[len - 1] == ' ') {
			len--;
		}
		if (len > 0) {
			if (nats_check_url(p, len, tls, err, errlen) != SK_OK) {
				return SK_EINVAL;
			}
			urls++;
		}
		p += strcspn(p, ",");
		if (*p == ',') {
			p++;
		}
	}
	if (urls == 0) {
		snprintf(err, errlen, "hostport: want nats://host:port");
		return SK_EINVAL;
	}
	return SK_OK;
}
