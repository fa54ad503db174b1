#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "gen_alert.h"
#include "sk_test.h"

static const char falco_alert[] =
	"{\"hostname\":\"node-1\",\"output\":\"File below /etc opened for writing (file=/etc/x)\","
	"\"priority\":\"Error\",\"rule\":\"Write below etc\",\"source\":\"syscall\","
	"\"tags\":[\"filesystem\",\"T1543\"],\"time\":\"2026-11-29T23:00:00.000000000Z\","
	"\"output_fields\":{\"fd.name\":\"/etc/x\",\"proc.name\":\"touch\"}}";

static size_t discard(char *p, size_t size, size_t n, void *user)
{
	return size * n;
}

/* Sends body to the receiver with method; returns the HTTP status (0 on failure). */
static long http(uint16_t port, const char *method, const char *body, size_t len)
{
	char url[64];
	long status = 0;
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return status;
}

SK_TEST(parse_falco_alert)
{
	gen_alert a;

	SK_CHECK_INT(gen_alert_parse(falco_alert, strlen(falco_alert), &a), SK_OK);
	SK_CHECK_STR(a.rule, "Write below etc");
	SK_CHECK_STR(a.priority, "Error");
}

SK_TEST(parse_rejects_what_is_not_an_alert)
{
	gen_alert a;
	char long_rule[GEN_ALERT_RULE_MAX + 32];

	SK_CHECK_INT(gen_alert_parse("", 0, &a), SK_EPARSE);
	SK_CHECK_INT(gen_alert_parse("{\"rule\":", 8, &a), SK_EPARSE);
	SK_CHECK_INT(gen_alert_parse("[1,2]", 5, &a), SK_EPARSE);
	SK_CHECK_INT(gen_alert_parse("{\"a\":1} x", 9, &a), SK_EPARSE);
	SK_CHECK_INT(gen_alert_parse("{\"output\":\"x\"}", 14, &a), SK_EINVAL);
	SK_CHECK_INT(gen_alert_parse("{\"rule\":\"\"}", 11, &a), SK_EINVAL);
	SK_CHECK_INT(gen_alert_parse("{\"rule\":7}", 10, &a), SK_EINVAL);
	snprintf(long_rule, sizeof(long_rule), "{\"rule\":\"%0*d\"}", GEN_ALERT_RULE_MAX, 0);
	SK_CHECK_INT(gen_alert_parse(long_rule, strlen(long_rule), &a), SK_EINVAL);
}

SK_TEST(receiver_counts_posted_alerts)
{
	gen_receiver *rx = NULL;
	gen_alert got;
	uint64_t since = gen_now_ns(), accepted = 0, rejected = 0;

	SK_CHECK_INT(gen_receiver_start("127.0.0.1", 0, &rx), SK_OK);
	if (rx == NULL) {
		return;
	}
	SK_CHECK(gen_receiver_port(rx) != 0);
	SK_CHECK_INT(http(gen_receiver_port(rx), "POST", falco_alert, strlen(falco_alert)), 200);
	gen_receiver_counts(rx, &accepted, &rejected);
	SK_CHECK_INT(accepted, 1);
	SK_CHECK_INT(rejected, 0);
	SK_CHECK_INT(gen_receiver_wait(rx, "Write below etc", since, 2000, &got), SK_OK);
	SK_CHECK(got.received_ns >= since);
	/* An alert of another rule, or one from before `since`, does not count. */
	SK_CHECK_INT(gen_receiver_wait(rx, "Terminal shell in container", since, 50, &got), SK_ETIMEDOUT);
	SK_CHECK_INT(gen_receiver_wait(rx, "Write below etc", gen_now_ns(), 50, &got), SK_ETIMEDOUT);
	gen_receiver_stop(rx);
}

SK_TEST(receiver_rejects_bad_requests)
{
	gen_receiver *rx = NULL;
	static char big[GEN_ALERT_BODY_MAX + 100];
	char seen[256];
	uint64_t accepted = 0, rejected = 0;

	SK_CHECK_INT(gen_receiver_start("127.0.0.1", 0, &rx), SK_OK);
	if (rx == NULL) {
		return;
	}
	SK_CHECK_INT(http(gen_receiver_port(rx), "GET", NULL, 0), 405);
	SK_CHECK_INT(http(gen_receiver_port(rx), "POST", "not json", 8), 400);
	SK_CHECK_INT(http(gen_receiver_port(rx), "POST", "{\"output\":\"no rule\"}", 20), 400);
	memset(big, ' ', sizeof(big));
	SK_CHECK_INT(http(gen_receiver_port(rx), "POST", big, sizeof(big)), 413);
	gen_receiver_counts(rx, &accepted, &rejected);
	SK_CHECK_INT(accepted, 0);
	SK_CHECK_INT(rejected, 4);
	gen_receiver_seen(rx, 0, seen, sizeof(seen));
	SK_CHECK_STR(seen, "");
	gen_receiver_stop(rx);
}

SK_TEST(receiver_refuses_bad_addresses)
{
	gen_receiver *rx = NULL;

	SK_CHECK_INT(gen_receiver_start("localhost", 0, &rx), SK_EINVAL);
	SK_CHECK_INT(gen_receiver_start("300.1.1.1", 0, &rx), SK_EINVAL);
	SK_CHECK(rx == NULL);
}

int main(void)
{
	int ret;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	ret = sk_test_run();
	curl_global_cleanup();
	return ret;
}
