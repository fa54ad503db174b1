/* CloudEvents header values and extension names. */
#include "cloudevents.h"

#include "sk_test.h"

SK_TEST(header_values_are_percent_encoded)
{
	sk_strbuf sb = SK_STRBUF_INIT;

	cloudevents_header_value(&sb, "Read \"sensitive\" file 100% \xc3\xa9\n");
	SK_CHECK_STR(sk_strbuf_str(&sb), "Read%20%22sensitive%22%20file%20100%25%20%C3%A9%0A");
	sk_strbuf_free(&sb);
}

SK_TEST(extension_names)
{
	SK_CHECK(cloudevents_extension_ok("team"));
	SK_CHECK(cloudevents_extension_ok("env2"));
	SK_CHECK(!cloudevents_extension_ok("event_source"));
	SK_CHECK(!cloudevents_extension_ok("Team"));
	SK_CHECK(!cloudevents_extension_ok(""));
	SK_CHECK(!cloudevents_extension_ok("abcdefghijklmnopqrstu"));
	SK_CHECK(!cloudevents_extension_ok("rule"));
	SK_CHECK(!cloudevents_extension_ok("id"));
}

SK_TEST_MAIN()
