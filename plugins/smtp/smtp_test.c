/* The smtp output's message byte for byte: RFC 5322 headers (Date from the
 * alert, folded or encoded-word subject, Message-ID), the quoted-printable
 * text part, the multipart/alternative layout, and that alert text with
 * CR, LF, "=?", 8-bit bytes or the boundary itself can neither add a
 * header nor break the MIME structure. */
#include "smtp.h"

#include <string.h>

#include "plugin_host.h"
#include "sk_test.h"

#define UUID0 "6f1c2a50-0000-4000-8000-000000000000"

static const smtp_config text_cfg = {"Saker <saker@example.com>", "ops@example.com, Sec Team <sec@example.com>",
				     false, "sidekick-0.example.com"};
static const smtp_config html_cfg = {"saker@example.com", "ops@example.com", true, "sidekick-0.example.com"};

/* Whether msg is what RFC 5322 and the MIME structure want: bytes 1..127,
 * CR and LF only as CRLF, header lines of at most 998 characters and body
 * lines of at most 78, a header section
 * of only the headers smtp_message writes (continuations start with a
 * blank), and, in html, exactly three boundary lines. */
static bool well_formed(const char *msg, size_t len, bool html)
{
	static const char *const names[] = {"Date: ", "From: ", "To: ", "Subject: ", "Message-ID: ",
					    "MIME-Version: ", "Content-Type: ", "Content-Transfer-Encoding: "};
	const char *end = strstr(msg, "\r\n\r\n");
	size_t col = 0, boundaries = 0;
	if (end == NULL || strlen(msg) != len) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)msg[i];
		if (c == 0 || c >= 0x80 || (c == '\r' && msg[i + 1] != '\n') || (c == '\n' && (i == 0 || msg[i - 1] != '\r'))) {
			return false;
		}
		col = c == '\n' ? 0 : col + 1;
		/* with the CR: headers fold where words allow but stay within
		 * 998, quoted-printable body lines within 78 */
		if (col > (msg + i < end ? 999u : 79u)) {
			return false;
		}
	}
	for (const char *line = msg; line < end + 2; line = strstr(line, "\r\n") + 2) {
		bool known = line[0] == ' ';
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !known; i++) {
			known = strncmp(line, names[i], strlen(names[i])) == 0;
		}
		if (!known) {
			return false;
		}
	}
	for (const char *p = strstr(msg, "\r\n--=_saker_"); p != NULL; p = strstr(p + 2, "\r\n--=_saker_")) {
		boundaries++;
	}
	return boundaries == (html ? 3u : 0u);
}

/* Decodes quoted-printable text into out (soft breaks joined, =XX as the
 * byte; anything else, boundaries included, kept as it is). */
static void qp_decode(const char *s, sk_strbuf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s != '\0'; s++) {
		const char *hi = s[0] == '=' && s[1] != '\0' ? strchr(hex, s[1]) : NULL;
		const char *lo = hi != NULL && s[2] != '\0' ? strchr(hex, s[2]) : NULL;
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 2;
		} else if (hi != NULL && lo != NULL) {
			sk_strbuf_putc(out, (char)((hi - hex) << 4 | (lo - hex)));
			s += 2;
		} else {
			sk_strbuf_putc(out, *s);
		}
	}
}

SK_TEST(text_message_exact)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	ph_alert_make(&a, 0);
	SK_CHECK_INT(smtp_message(&sb, &text_cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "Date: Sun, 29 Nov 2026 22:00:00 +0000\r\n"
		     "From: Saker <saker@example.com>\r\n"
		     "To: ops@example.com, Sec Team <sec@example.com>\r\n"
		     "Subject: [Warning] 22:00:00.000000789: Warning A shell was spawned in a\r\n"
		     " container (user=root container_id=abc123 shell=bash cmdline=bash -i #0)\r\n"
		     "Message-ID: <" UUID0 "@sidekick-0.example.com>\r\n"
		     "MIME-Version: 1.0\r\n"
		     "Content-Type: text/plain; charset=UTF-8\r\n"
		     "Content-Transfer-Encoding: quoted-printable\r\n"
		     "\r\n"
		     "[Warning] Terminal shell in container\r\n"
		     "\r\n"
		     "22:00:00.000000789: Warning A shell was spawned in a container (user=3Droot=\r\n"
		     " container_id=3Dabc123 shell=3Dbash cmdline=3Dbash -i #0)\r\n"
		     "\r\n"
		     "Rule:     Terminal shell in container\r\n"
		     "Priority: Warning\r\n"
		     "Source:   syscall\r\n"
		     "Hostname: node-1\r\n"
		     "Time:     2026-11-29T22:00:00.000000789Z\r\n"
		     "Tags:     container, shell\r\n"
		     "UUID:     " UUID0 "\r\n"
		     "\r\n"
		     "Output fields:\r\n"
		     "  container.id: abc123\r\n"
		     "  proc.cmdline: bash -i #0\r\n"
		     "  user.name: root\r\n");
	SK_CHECK(well_formed(sb.data, sb.len, false));
	/* an empty hostname, no tags, no fields: "(none)", never a trailing blank */
	a.a.hostname = "";
	a.a.ntags = 0;
	a.a.nfields = 0;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(smtp_message(&sb, &text_cfg, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\r\nHostname: (none)\r\n");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\r\nTags:     (none)\r\n");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\r\nOutput fields:\r\n  (none)\r\n");
	/* a blank ending a line is encoded (=20), a line-breaking soft break is '=' */
	a.a.rule = "trailing ";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(smtp_message(&sb, &text_cfg, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\r\n[Warning] trailing=20\r\n");
	sk_strbuf_free(&sb);
}

SK_TEST(html_message_layout)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	ph_alert_make(&a, 0);
	a.a.priority_num = SAKER_PRIORITY_CRITICAL;
	SK_CHECK_INT(smtp_message(&sb, &html_cfg, &a.a), SK_OK);
	const char *msg = sk_strbuf_str(&sb);
	SK_CHECK(well_formed(sb.data, sb.len, true));
	SK_CHECK_CONTAINS(msg, "\r\nSubject: [Critical] 22:00:00.000000789: Warning A shell was spawned in a\r\n");
	SK_CHECK_CONTAINS(msg, "MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n boundary=\"=_saker_" UUID0
			       "\"\r\n\r\n--=_saker_" UUID0 "\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			       "Content-Transfer-Encoding: quoted-printable\r\n\r\n[Critical] Terminal shell in "
			       "container\r\n");
	SK_CHECK_CONTAINS(msg, "  user.name: root\r\n--=_saker_" UUID0 "\r\nContent-Type: text/html; charset=UTF-8\r\n"
			       "Content-Transfer-Encoding: quoted-printable\r\n\r\n<!DOCTYPE html>\r\n");
	SK_CHECK_CONTAINS(msg, "\r\n</table>\r\n</body></html>\r\n--=_saker_" UUID0 "--\r\n");
	SK_CHECK(sb.len > 4 && strcmp(msg + sb.len - 4, "--\r\n") == 0);
	/* decoded: the priority's colour, the rows, markup in values escaped */
	a.a.rule = "<b>&\"'";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(smtp_message(&sb, &html_cfg, &a.a), SK_OK);
	sk_strbuf text = SK_STRBUF_INIT;
	qp_decode(sk_strbuf_str(&sb), &text);
	const char *html = strstr(sk_strbuf_str(&text), "<!DOCTYPE html>");
	SK_CHECK(html != NULL);
	html = html != NULL ? html : "";
	SK_CHECK_CONTAINS(html, "<div style=\"border-left:6px solid #dc2626;");
	SK_CHECK_CONTAINS(html, "<title>[Critical] &lt;b&gt;&amp;&quot;&#39;</title>");
	SK_CHECK_CONTAINS(html, "<tr><th style=\"text-align:left;padding:2px 16px 2px 0\">user.name</th><td>root</td>"
				"</tr>\r\n");
	SK_CHECK(strstr(html, "<b>") == NULL);
	sk_strbuf_free(&text);
	sk_strbuf_free(&sb);
}

SK_TEST(subject_folding_and_encoded_words)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	smtp_subject(&sb, "[Warning] short");
	SK_CHECK_STR(sk_strbuf_str(&sb), "Subject: [Warning] short\r\n");
	/* control characters are blanks: no second header line */
	sk_strbuf_reset(&sb);
	smtp_subject(&sb, "[Error] a\r\nBcc: evil@example.com\tz");
	SK_CHECK_STR(sk_strbuf_str(&sb), "Subject: [Error] a Bcc: evil@example.com z\r\n");
	/* runs of blanks are one space, none at the ends; a long subject folds
	 * before a space, within 78 characters */
	sk_strbuf_reset(&sb);
	smtp_subject(&sb, "  [Debug]\x7f\x7f  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbb\x0c\x0c ");
	SK_CHECK_STR(sk_strbuf_str(&sb), "Subject: [Debug] aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
					 " bbbbbbbbbbbbbbbbbbbbbbbbb\r\n");
	/* UTF-8: encoded-words of whole characters, one per line */
	sk_strbuf_reset(&sb);
	smtp_subject(&sb, "[Critical] caf\xc3\xa9 \xe2\x98\x95 opened by \xc3\xa9lodie in container nginx-7f9c");
	SK_CHECK_STR(sk_strbuf_str(&sb), "Subject: =?UTF-8?B?W0NyaXRpY2FsXSBjYWbDqSDimJUgb3BlbmVkIGJ5IMOpbG9kaWUg?=\r\n"
					 " =?UTF-8?B?aW4gY29udGFpbmVyIG5naW54LTdmOWM=?=\r\n");
	/* what looks like an encoded-word is encoded itself */
	sk_strbuf_reset(&sb);
	smtp_subject(&sb, "[Notice] a=?b");
	SK_CHECK_STR(sk_strbuf_str(&sb), "Subject: =?UTF-8?B?W05vdGljZV0gYT0/Yg==?=\r\n");
	/* invalid UTF-8 (a stray byte, an overlong '/') becomes U+FFFD */
	sk_strbuf_reset(&sb);
	smtp_subject(&sb, "[Debug] \xff\xc0\xaf");
	SK_CHECK_STR(sk_strbuf_str(&sb), "Subject: =?UTF-8?B?W0RlYnVnXSDvv73vv73vv70=?=\r\n");
	/* a word too long to fold goes as encoded-words too, lines stay short */
	char word[1200];
	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	sk_strbuf_reset(&sb);
	smtp_subject(&sb, word);
	SK_CHECK(strncmp(sk_strbuf_str(&sb), "Subject: =?UTF-8?B?", 19) == 0);
	size_t longest = 0, col = 0;
	for (size_t i = 0; i < sb.len; i++) {
		col = sb.data[i] == '\n' ? 0 : col + 1;
		longest = col > longest ? col : longest;
	}
	SK_CHECK(longest <= 79);
	sk_strbuf_free(&sb);
}

SK_TEST(alert_text_cannot_inject)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	static const char evil[] = "x\r\nBcc: evil@example.com\r\n\r\n--=_saker_" UUID0 "\r\n.\r\nQUIT\n";
	static const char *const names[] = {"a\r\nX-Injected: 1\xff"};
	static const char *const values[] = {evil};
	ph_alert_make(&a, 0);
	a.a.rule = evil;
	a.a.output = evil;
	a.a.hostname = evil;
	a.a.source = evil;
	a.a.uuid = "../\r\nX: y";
	a.a.field_names = names;
	a.a.field_values = values;
	a.a.nfields = 1;
	for (int html = 0; html < 2; html++) {
		smtp_config cfg = html ? html_cfg : text_cfg;
		cfg.hostname = "host\r\nX-Host: 1";
		sk_strbuf_reset(&sb);
		SK_CHECK_INT(smtp_message(&sb, &cfg, &a.a), SK_OK);
		SK_CHECK(well_formed(sb.data, sb.len, html));
		/* the uuid and host keep only what a Message-ID may hold */
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "Message-ID: <Xy@hostX-Host1>\r\n");
		SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "Subject: [Warning] x Bcc: evil@example.com\r\n --=_saker_" UUID0 " . QUIT\r\nMessage-ID: ");
	}
	/* the encoded value survives in the text part */
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "  a=0D=0AX-Injected: 1=FF: x=0D=0ABcc: evil@example.com=0D=0A=0D=0A--=3D_sa=\r\n");
	sk_strbuf_free(&sb);
}

SK_TEST(date_before_1970_and_token_fallbacks)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	ph_alert_make(&a, 0);
	a.a.time_ns = -1;
	a.a.uuid = "";
	smtp_config cfg = text_cfg;
	cfg.hostname = "..";
	SK_CHECK_INT(smtp_message(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK(strncmp(sk_strbuf_str(&sb), "Date: Wed, 31 Dec 1969 23:59:59 +0000\r\n", 39) == 0);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "Message-ID: <-1@saker.invalid>\r\n");
	/* a long uuid: the boundary keeps 40 of its characters (RFC 2046: 70) */
	a.a.uuid = "0123456789012345678901234567890123456789012345678901234567890123456789";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(smtp_message(&sb, &html_cfg, &a.a), SK_OK);
	SK_CHECK(well_formed(sb.data, sb.len, true));
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), " boundary=\"=_saker_0123456789012345678901234567890123456789\"\r\n");
	sk_strbuf_free(&sb);
}

SK_TEST(addresses)
{
	char out[SMTP_MAX_ADDRESS + 1];
	SK_CHECK_INT(smtp_address("a@b.example", out, sizeof(out)), SK_OK);
	SK_CHECK_STR(out, "a@b.example");
	SK_CHECK_INT(smtp_address("  Sec Team <sec+falco@example.com>  ", out, sizeof(out)), SK_OK);
	SK_CHECK_STR(out, "sec+falco@example.com");
	SK_CHECK_INT(smtp_address(" ops@example.com ", out, sizeof(out)), SK_OK);
	SK_CHECK_STR(out, "ops@example.com");
	static const char *const bad[] = {"", "nobody", "a@b@c", "@b", "a@", "a b@c", "<a@b", "<a@b> x",
					  "a@b\r\nRCPT TO:<x@y>", "<a@b>,<c@d>", "\xc3\xa9@b"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SK_CHECK_INT(smtp_address(bad[i], out, sizeof(out)), SK_EINVAL);
	}
	char longest[SMTP_MAX_ADDRESS + 8];
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	longest[5] = '@';
	SK_CHECK_INT(smtp_address(longest, out, sizeof(out)), SK_ERANGE);
	SK_CHECK(smtp_header_safe("Saker <saker@example.com>"));
	SK_CHECK(!smtp_header_safe("a@b\r\nBcc: c@d"));
	SK_CHECK(!smtp_header_safe("caf\xc3\xa9 <a@b>"));
}

SK_TEST_MAIN()
