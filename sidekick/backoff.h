/* backoff: retry delays for failed deliveries.
 *
 * Exponential growth capped at max_ms, with "equal jitter" (a random delay
 * in [d/2, d]) so that outputs recovering together do not retry in lockstep. */
#ifndef SK_BACKOFF_H
#define SK_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

typedef struct skb_policy {
	uint32_t initial_ms;   /* delay before the first retry */
	uint32_t max_ms;       /* cap on any delay */
	uint32_t factor_pct;   /* growth per retry in percent (200: doubles) */
	uint32_t max_attempts; /* give up after this many attempts (0: never) */
} skb_policy;

#define SKB_POLICY_DEFAULT {100, 30000, 200, 0}

/* Returns the delay in ms before retry number attempt (1 = first retry);
 * rng is the caller's PRNG state (any non-zero seed). */
uint32_t skb_delay_ms(const skb_policy *p, uint32_t attempt, uint64_t *rng);

/* Returns true if another attempt is allowed after attempts_done attempts. */
bool skb_may_retry(const skb_policy *p, uint32_t attempts_done);

#endif
