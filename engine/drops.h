/* drops: what saker-engine does about the capture's dropped events, as
 * falco.yaml's syscall_event_drops says.
 *
 * The capture reports cumulative counters about once a second. A report
 * whose dropped share of the events since the previous one exceeds
 * `threshold` (any drop when 0) calls for the actions; `log` and `alert`
 * are paced by a token bucket (`rate` messages a second, at most
 * `max_burst` at once), `exit` stops the engine with status 1; `ignore`
 * (or no action) does nothing. `simulate_drops` makes every report call
 * for them, to try the actions out. */
#ifndef SK_DROPS_H
#define SK_DROPS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h" /* sk_drops_config, SK_DROPS_* */

typedef struct sk_drops {
	sk_drops_config cfg;
	uint64_t events, drops; /* counters of the previous report */
	double tokens;
	uint64_t last_ns; /* when the tokens were counted, 0 before the first report */
} sk_drops;

/* Starts the tracker with cfg, counters at zero (drops before the first
 * report count) and a full bucket. */
void sk_drops_init(sk_drops *d, const sk_drops_config *cfg);

/* Takes one report of cumulative counters (events seen, dropped of them)
 * at now_ns; returns the actions to take now (SK_DROPS_*, 0 for none) and
 * the drops since the previous report in *new_drops. A counter lower than
 * the previous (a restarted capture) starts over from it. */
unsigned sk_drops_report(sk_drops *d, uint64_t events, uint64_t drops, uint64_t now_ns, uint64_t *new_drops);

#endif
