#include "backoff.h"

static uint64_t skb_next(uint64_t *s)
{
	/* xorshift64: enough randomness for jitter, no locks. */
	uint64_t x = *s != 0 ? *s : 0x2545f4914f6cdd1dull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

uint32_t skb_delay_ms(const skb_policy *p, uint32_t attempt, uint64_t *rng)
{
	uint64_t d = p->initial_ms != 0 ? p->initial_ms : 1;
	uint32_t factor = p->factor_pct >= 100 ? p->factor_pct : 100;

	for (uint32_t i = 1; i < attempt && d < p->max_ms; i++) {
		d = d * factor / 100;
	}
	if (d > p->max_ms) {
		d = p->max_ms;
	}
	uint64_t half = d / 2;
	return (uint32_t)(d - half + (half > 0 ? skb_next(rng) % (half + 1) : 0));
}

bool skb_may_retry(const skb_policy *p, uint32_t attempts_done)
{
	return p->max_attempts == 0 || attempts_done < p->max_attempts;
}
