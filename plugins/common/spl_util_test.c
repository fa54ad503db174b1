/* JSON escaping as Go writes it, Go's time text, UTF-8 counting and
 * repair, fields, hex text, gRPC's status header lines and frames. */
#include "spl_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin_host.h"
#include "sk_test.h"
#include "spl_http.h"

static const char *go_json(const char *s)
{
	static sk_strbuf sb;

	sk_strbuf_reset(&sb);
	spl_json_go_string(&sb, s);
	return sb.data;
}

static const char *go_time(int64_t ns)
{
	static sk_strbuf sb;

	sk_strbuf_reset(&sb);
	spl_go_time(&sb, ns);
	return sb.data;
}

SK_TEST(json_go_string_escapes_like_encoding_json)
{
	SK_CHECK_STR(go_json("plain"), "\"plain\"");
	SK_CHECK_STR(go_json("a\"b\\c\n\r\t"), "\"a\\\"b\\\\c\\n\\r\\t\"");
	SK_CHECK_STR(go_json("<a href=x>&"), "\"\\u003ca href=x\\u003e\\u0026\"");
	SK_CHECK_STR(go_json("\x01\x1f"), "\"\\u0001\\u001f\"");
	SK_CHECK_STR(go_json("caf\xc3\xa9 \xe2\x82\xac"), "\"caf\xc3\xa9 \xe2\x82\xac\"");
	SK_CHECK_STR(go_json("bad\xff\xc3("), "\"bad\\ufffd\\ufffd(\"");
	SK_CHECK_STR(go_json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	SK_CHECK_STR(go_json("ls\xe2\x80\xa8"), "\"ls\\u2028\"");
}

SK_TEST(json_go_stringn_bounds_and_nul)
{
	sk_strbuf sb = SK_STRBUF_INIT;

	spl_json_go_stringn(&sb, "a\0b\xe2\x82\xac", 6);
	SK_CHECK_STR(sb.data, "\"a\\u0000b\xe2\x82\xac\"");
	sk_strbuf_reset(&sb);
	/* A sequence cut by the length is invalid, not read past. */
	spl_json_go_stringn(&sb, "\xe2\x82\xac", 2);
	SK_CHECK_STR(sb.data, "\"\\ufffd\\ufffd\"");
	sk_strbuf_free(&sb);
}

SK_TEST(utf8_len_counts_characters)
{
	SK_CHECK_INT(spl_utf8_len(""), 0);
	SK_CHECK_INT(spl_utf8_len("abc"), 3);
	SK_CHECK_INT(spl_utf8_len("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), 3);
	SK_CHECK_INT(spl_utf8_len("\xff\xfe"), 2);
}

/* Each byte that is not part of valid UTF-8 becomes U+FFFD, as the JSON
 * writers' \ufffd; overlong forms and surrogates are not valid. */
SK_TEST(utf8_repair_replaces_each_bad_byte)
{
	sk_strbuf sb = SK_STRBUF_INIT;

	SK_CHECK(spl_utf8_valid(""));
	SK_CHECK(spl_utf8_valid("caf\xc3\xa9 \xf0\x9f\x98\x80"));
	SK_CHECK(!spl_utf8_valid("a\xff"));
	SK_CHECK(!spl_utf8_valid("\xc0\xaf"));	    /* overlong '/' */
	SK_CHECK(!spl_utf8_valid("\xed\xa0\x80")); /* a surrogate */
	SK_CHECK(!spl_utf8_valid("\xe2\x9c"));	    /* cut short */
	spl_utf8_repair(&sb, "a\xff" "b\xe2\x9c" "c\xc3\xa9");
	SK_CHECK_STR(sk_strbuf_str(&sb), "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xc3\xa9");
	SK_CHECK(spl_utf8_valid(sk_strbuf_str(&sb)));
	sk_strbuf_free(&sb);
}

SK_TEST(hex_encode_lower_case)
{
	static const uint8_t bytes[] = {0x00, 0x9f, 0xa0, 0xff};
	char hex[9];
	spl_hex_encode(hex, bytes, sizeof(bytes));
	SK_CHECK_STR(hex, "009fa0ff");
	spl_hex_encode(hex, bytes, 0);
	SK_CHECK_STR(hex, "");
}

/* grpc-status and grpc-message from header or trailer lines */
SK_TEST(grpc_header_lines_give_status_and_message)
{
	int status = -1;
	char msg[16] = "";
	const char *ok = "grpc-status: 0\r\n";
	spl_grpc_header(ok, strlen(ok), &status, msg, sizeof(msg));
	SK_CHECK_INT(status, 0);
	const char *unavailable = "Grpc-Status:14";
	spl_grpc_header(unavailable, strlen(unavailable), &status, msg, sizeof(msg));
	SK_CHECK_INT(status, 14);
	const char *junk = "grpc-status: 1x\r\n";
	spl_grpc_header(junk, strlen(junk), &status, msg, sizeof(msg));
	SK_CHECK_INT(status, 2); /* UNKNOWN */
	const char *message = "grpc-message: warming%20up%zz%4\r\n";
	spl_grpc_header(message, strlen(message), &status, msg, sizeof(msg));
	SK_CHECK_STR(msg, "warming up%zz%4");
	const char *longer = "grpc-message: 0123456789abcdefghij\r\n";
	spl_grpc_header(longer, strlen(longer), &status, msg, sizeof(msg));
	SK_CHECK_STR(msg, "0123456789abcde"); /* cut to the buffer */
	const char *other = "content-type: application/grpc\r\n";
	status = 7;
	spl_grpc_header(other, strlen(other), &status, msg, sizeof(msg));
	SK_CHECK_INT(status, 7);
	const char *status_line = "HTTP/2 200\r\n";
	spl_grpc_header(status_line, strlen(status_line), &status, msg, sizeof(msg));
	SK_CHECK_INT(status, 7);
}

/* A gRPC frame's prefix written and read back; a compressed, short or cut
 * frame gives no message. */
SK_TEST(grpc_frames_round_trip)
{
	uint8_t frame[SPL_GRPC_PREFIX + 3] = {0};
	const uint8_t *message = NULL;
	size_t len = 0;
	spl_grpc_prefix(frame, false, 3);
	memcpy(frame + SPL_GRPC_PREFIX, "abc", 3);
	SK_CHECK(frame[0] == 0 && frame[1] == 0 && frame[4] == 3);
	SK_CHECK(spl_grpc_message(frame, sizeof(frame), &message, &len));
	SK_CHECK(message == frame + SPL_GRPC_PREFIX && len == 3);
	SK_CHECK(!spl_grpc_message(frame, sizeof(frame) - 1, &message, &len)); /* cut */
	SK_CHECK(!spl_grpc_message(frame, 4, &message, &len));
	spl_grpc_prefix(frame, true, 0x01020304);
	SK_CHECK(frame[0] == 1 && frame[1] == 1 && frame[2] == 2 && frame[3] == 3 && frame[4] == 4);
	SK_CHECK(!spl_grpc_message(frame, sizeof(frame), &message, &len)); /* compressed */
}

SK_TEST(go_time_trims_fraction)
{
	SK_CHECK_STR(go_time(1795989600LL * 1000000000LL), "2026-11-29 22:00:00 +0000 UTC");
	SK_CHECK_STR(go_time(1795989600LL * 1000000000LL + 120000000), "2026-11-29 22:00:00.12 +0000 UTC");
	SK_CHECK_STR(go_time(1795989600LL * 1000000000LL + 789), "2026-11-29 22:00:00.000000789 +0000 UTC");
	SK_CHECK_STR(go_time(-1), "1969-12-31 23:59:59.999999999 +0000 UTC");
}

SK_TEST(alert_field_lookup)
{
	ph_alert a;

	ph_alert_make(&a, 3);
	SK_CHECK_STR(spl_alert_field(&a.a, "user.name"), "root");
	SK_CHECK_STR(spl_alert_field(&a.a, "container.id"), "abc123");
	SK_CHECK_STR(spl_alert_field(&a.a, "proc.cmdline"), "bash -i #3");
	SK_CHECK(spl_alert_field(&a.a, "proc.name") == NULL);
}

SK_TEST(base64_rfc4648_vectors)
{
	static const char *const vectors[][2] = {{"", ""},	      {"f", "Zg=="},	     {"fo", "Zm8="},
						 {"foo", "Zm9v"},     {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
						 {"foobar", "Zm9vYmFy"}, {"\xff\xfe\x00", "//4A"}};
	sk_strbuf sb = SK_STRBUF_INIT;

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t len = i == 7 ? 3 : strlen(vectors[i][0]);
		sk_strbuf_reset(&sb);
		sk_strbuf_base64(&sb, vectors[i][0], len);
		SK_CHECK_STR(sk_strbuf_str(&sb), vectors[i][1]);
	}
	sk_strbuf_free(&sb);
}

SK_TEST(dated_object_keys)
{
	sk_strbuf k = SK_STRBUF_INIT;

	SK_CHECK_INT(spl_dated_key(&k, "falco/alerts", 1796126400123400000LL), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&k), "falco/alerts/2026-12-01/2026-12-01T12:00:00.1234Z.json");
	SK_CHECK_INT(spl_dated_key(&k, "", 1796126400000000000LL), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&k), "2026-12-01/2026-12-01T12:00:00Z.json");
	sk_strbuf_free(&k);
}

SK_TEST(uri_encoding_keeps_only_unreserved)
{
	sk_strbuf b = SK_STRBUF_INIT;
	spl_uri_encode(&b, "a-Z_0.9~ /:+=&%\xc3\xa9", false);
	SK_CHECK_STR(sk_strbuf_str(&b), "a-Z_0.9~%20%2F%3A%2B%3D%26%25%C3%A9");
	sk_strbuf_reset(&b);
	spl_uri_encode(&b, "p/2026-12-01/12:00.json", true);
	SK_CHECK_STR(sk_strbuf_str(&b), "p/2026-12-01/12%3A00.json");
	sk_strbuf_free(&b);
}

SK_TEST(base64_decodes_what_it_encodes_and_refuses_the_rest)
{
	sk_strbuf enc = SK_STRBUF_INIT, dec = SK_STRBUF_INIT;
	static const char *const samples[] = {"", "f", "fo", "foo", "foob", "{\"type\": \"service_account\"}\n"};

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		sk_strbuf_reset(&enc);
		sk_strbuf_base64(&enc, samples[i], strlen(samples[i]));
		SK_CHECK_INT(spl_base64_decode(&dec, enc.data != NULL ? enc.data : "", enc.len), SK_OK);
		SK_CHECK_STR(sk_strbuf_str(&dec), samples[i]);
	}
	static const char *const bad[] = {"Zm9", "Zm9v!", "Zg=a", "Z===", "=Zm9", "Zm9v\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SK_CHECK_INT(spl_base64_decode(&dec, bad[i], strlen(bad[i])), SK_EPARSE);
	}
	/* wrapped text: whitespace anywhere is skipped, the rest still checked */
	SK_CHECK_INT(spl_base64_decode_text(&dec, " Zm9v\r\n Ym Fy\t\n"), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&dec), "foobar");
	SK_CHECK_INT(spl_base64_decode_text(&dec, " \n"), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&dec), "");
	SK_CHECK_INT(spl_base64_decode_text(&dec, "Zm9v\nYm!y"), SK_EPARSE);
	SK_CHECK_INT(spl_base64_decode_text(&dec, "Zm9\nv Ym"), SK_EPARSE);
	sk_strbuf_free(&enc);
	sk_strbuf_free(&dec);
}

SK_TEST(read_file_takes_regular_files_only)
{
	char dir[] = "/tmp/saker-readfile-XXXXXX", path[64], fifo[64], err[256];
	sk_strbuf sb = SK_STRBUF_INIT;

	SK_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/token", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	FILE *f = fopen(path, "w");
	SK_CHECK(f != NULL);
	if (f != NULL) {
		fputs("secret-token\r\n", f);
		fclose(f);
	}
	SK_CHECK_INT(spl_read_file(path, 1024, true, &sb, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "secret-token");
	SK_CHECK_INT(spl_read_file(path, 1024, false, &sb, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "secret-token\r\n");
	SK_CHECK_INT(spl_read_file(path, 4, false, &sb, err, sizeof(err)), SK_ERANGE);
	SK_CHECK_CONTAINS(err, "larger than 4 bytes");
	/* a FIFO nobody writes to: refused at once, not waited on */
	SK_CHECK(mkfifo(fifo, 0600) == 0);
	SK_CHECK_INT(spl_read_file(fifo, 1024, false, &sb, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "not a regular file");
	SK_CHECK_INT(spl_read_file(dir, 1024, false, &sb, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_INT(spl_read_file("/nonexistent/x", 1024, false, &sb, err, sizeof(err)), SK_ENOENT);
	SK_CHECK_CONTAINS(err, "/nonexistent/x: cannot read");
	unlink(path);
	unlink(fifo);
	rmdir(dir);
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
