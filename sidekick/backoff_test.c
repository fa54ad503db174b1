#include "backoff.h"
#include "sk_test.h"

SK_TEST(backoff_grows_caps_and_jitters)
{
	skb_policy p = {100, 1000, 200, 0};
	uint64_t rng = 42;
	uint32_t seen_min = UINT32_MAX, seen_max = 0;
	for (int i = 0; i < 1000; i++) {
		uint32_t d = skb_delay_ms(&p, 1, &rng);
		SK_CHECK(d >= 50 && d <= 100);
		seen_min = d < seen_min ? d : seen_min;
		seen_max = d > seen_max ? d : seen_max;
	}
	SK_CHECK(seen_max - seen_min > 20); /* jitter actually spreads */
	for (int i = 0; i < 100; i++) {
		uint32_t d3 = skb_delay_ms(&p, 3, &rng);
		SK_CHECK(d3 >= 200 && d3 <= 400);
		uint32_t d20 = skb_delay_ms(&p, 20, &rng);
		SK_CHECK(d20 >= 500 && d20 <= 1000);
	}
}

SK_TEST(backoff_attempt_limit)
{
	skb_policy forever = {1, 10, 200, 0};
	skb_policy three = {1, 10, 200, 3};
	SK_CHECK(skb_may_retry(&forever, 1000000));
	SK_CHECK(skb_may_retry(&three, 2));
	SK_CHECK(!skb_may_retry(&three, 3));
}

SK_TEST_MAIN()
