/* drops_test: syscall_event_drops on made-up capture reports: the threshold
 * on the dropped share since the previous report, the token bucket that
 * paces log and alert (rate, max_burst), exit that is never paced, ignore,
 * simulate_drops, and counters that start over. */
#include "drops.h"
#include "sk_test.h"

#define S 1000000000ull /* one second in ns */

static sk_drops_config falco_defaults(void)
{
	sk_drops_config c = {.threshold = 0.1, .actions = SK_DROPS_LOG | SK_DROPS_ALERT, .rate = 1.0 / 30.0, .max_burst = 1};
	return c;
}

SK_TEST(threshold_and_bucket)
{
	sk_drops d;
	sk_drops_config c = falco_defaults();
	uint64_t n = 0;
	sk_drops_init(&d, &c);
	SK_CHECK_INT(sk_drops_report(&d, 1000, 0, 1 * S, &n), 0);
	SK_CHECK_INT(n, 0);
	/* 50 of the next 1000 events dropped: 5%, under 10% */
	SK_CHECK_INT(sk_drops_report(&d, 2000, 50, 2 * S, &n), 0);
	SK_CHECK_INT(n, 50);
	/* 300 of the next 1000: over; the bucket holds one message */
	SK_CHECK_INT(sk_drops_report(&d, 3000, 350, 3 * S, &n), SK_DROPS_LOG | SK_DROPS_ALERT);
	SK_CHECK_INT(n, 300);
	/* again a second later: the bucket is empty until 30 s have passed */
	SK_CHECK_INT(sk_drops_report(&d, 4000, 650, 4 * S, &n), 0);
	SK_CHECK_INT(sk_drops_report(&d, 5000, 950, 32 * S, &n), 0);
	SK_CHECK_INT(sk_drops_report(&d, 6000, 1250, 33 * S, &n), SK_DROPS_LOG | SK_DROPS_ALERT);
	/* the capture restarted: its counters start over from zero */
	SK_CHECK_INT(sk_drops_report(&d, 100, 0, 100 * S, &n), 0);
	SK_CHECK_INT(n, 0);
	SK_CHECK_INT(sk_drops_report(&d, 200, 60, 101 * S, &n), SK_DROPS_LOG | SK_DROPS_ALERT);
	SK_CHECK_INT(n, 60);
}

SK_TEST(actions_threshold_zero_and_burst)
{
	sk_drops d;
	uint64_t n = 0;
	/* threshold 0: any drop; exit is not paced; max_burst 2 */
	sk_drops_config c = {.threshold = 0, .actions = SK_DROPS_ALERT | SK_DROPS_EXIT, .rate = 0.001, .max_burst = 2};
	sk_drops_init(&d, &c);
	SK_CHECK_INT(sk_drops_report(&d, 1000000, 1, 1 * S, &n), SK_DROPS_ALERT | SK_DROPS_EXIT);
	SK_CHECK_INT(sk_drops_report(&d, 2000000, 2, 2 * S, &n), SK_DROPS_ALERT | SK_DROPS_EXIT);
	SK_CHECK_INT(sk_drops_report(&d, 3000000, 3, 3 * S, &n), SK_DROPS_EXIT);
	/* threshold 1: never (the drops are part of the events) */
	c.threshold = 1;
	sk_drops_init(&d, &c);
	SK_CHECK_INT(sk_drops_report(&d, 100, 100, 1 * S, &n), 0);
	/* ignore: nothing, however many drops */
	c = falco_defaults();
	c.actions = 0;
	sk_drops_init(&d, &c);
	SK_CHECK_INT(sk_drops_report(&d, 100, 90, 1 * S, &n), 0);
	/* simulate_drops: the actions without any drop */
	c = falco_defaults();
	c.simulate = true;
	sk_drops_init(&d, &c);
	SK_CHECK_INT(sk_drops_report(&d, 100, 0, 1 * S, &n), SK_DROPS_LOG | SK_DROPS_ALERT);
	SK_CHECK_INT(n, 0);
}

SK_TEST_MAIN()
