#include "sk_err.h"
#include "sk_strbuf.h"
#include "sk_test.h"

SK_TEST(strerror_covers_every_code)
{
	for (int e = 0; e < SK_ERR_COUNT; e++) {
		SK_CHECK(strcmp(sk_strerror((sk_err)e), "unknown error") != 0);
	}
	SK_CHECK_STR(sk_strerror((sk_err)9999), "unknown error");
}

SK_TEST(strbuf_grows_and_formats)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	SK_CHECK_STR(sk_strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++) {
		sk_strbuf_printf(&sb, "%d,", i % 10);
	}
	SK_CHECK_INT(sb.len, 2000);
	SK_CHECK(!sk_strbuf_failed(&sb));
	sk_strbuf_reset(&sb);
	sk_strbuf_puts(&sb, "ab");
	sk_strbuf_putc(&sb, 'c');
	SK_CHECK_STR(sk_strbuf_str(&sb), "abc");
	sk_strbuf_free(&sb);
}

SK_TEST(strbuf_json_escapes)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	const char in[] = "a\"b\\c\n\x01\xc3\xa9";
	sk_strbuf_json_string(&sb, in, sizeof(in) - 1);
	SK_CHECK_STR(sk_strbuf_str(&sb), "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
