/* azure_eventhub: the send URL for each namespace form, the batch body and
 * token answers of both shapes. */
#include "azure_eventhub.h"

#include <stdlib.h>
#include <string.h>

#include "sk_test.h"

SK_TEST(namespaces_bodies_and_token_answers)
{
	sk_strbuf url = SK_STRBUF_INIT;
	static const char json[] = "{\"rule\":\"<r>\"}";
	saker_alert a = {.uuid = "u", .json = json, .json_len = sizeof(json) - 1};
	const saker_alert *two[] = {&a, &a};
	char *token = NULL;
	int64_t expires = 0;

	SK_CHECK_INT(azure_eventhub_url(&url, "falco-ns", "alerts"), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&url),
		     "https://falco-ns.servicebus.windows.net/alerts/messages?api-version=2014-01&timeout=60");
	SK_CHECK_INT(azure_eventhub_url(&url, "falco-ns.servicebus.chinacloudapi.cn", "a b"), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&url),
		     "https://falco-ns.servicebus.chinacloudapi.cn/a%20b/messages?api-version=2014-01&timeout=60");
	SK_CHECK_INT(azure_eventhub_url(&url, "http://127.0.0.1:8080/", "falco"), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&url), "http://127.0.0.1:8080/falco/messages?api-version=2014-01&timeout=60");
	SK_CHECK_INT(azure_eventhub_body(&url, two, 2), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&url), "[{\"Body\":\"{\\\"rule\\\":\\\"\\u003cr\\u003e\\\"}\"},"
					  "{\"Body\":\"{\\\"rule\\\":\\\"\\u003cr\\u003e\\\"}\"}]");
	sk_strbuf_free(&url);

	static const char *const bad[] = {"{\"access_token\":\"a b\"}", "{}", "[]", "{\"access_token\":1}", "x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SK_CHECK_INT(azure_token_parse(bad[i], strlen(bad[i]), &token, &expires), SK_EPARSE);
		SK_CHECK(token == NULL);
	}
	static const char msi[] = "{\"access_token\":\"t\",\"expires_in\":\"60\"}";
	SK_CHECK_INT(azure_token_parse(msi, strlen(msi), &token, &expires), SK_OK);
	SK_CHECK_STR(token, "t");
	SK_CHECK_INT(expires, 60);
	free(token);
	static const char entra[] = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"eyJ\"}";
	SK_CHECK_INT(azure_token_parse(entra, strlen(entra), &token, &expires), SK_OK);
	SK_CHECK_INT(expires, 3599);
	free(token);
}

SK_TEST_MAIN()
