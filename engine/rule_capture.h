/* rule_capture: falco.yaml's `capture`: a .scap file of the events that
 * follow an alert, for forensics.
 *
 * A rule that starts one (every rule with `mode: all_rules`, rules with
 * `capture: true` with `mode: rules`) opens <path_prefix>_<ts>_<evt.num>.scap
 * (gzip), writes the state as it stands (interfaces, users, processes and
 * their fds, state_scap.h) and the triggering event, then every event after
 * it until the deadline: the event's time plus the rule's
 * capture_duration, or default_duration. A rule matching while a file is
 * open moves the deadline later, never earlier. The file closes at the
 * first event past the deadline (or, live, at a tick once the clock is past
 * it), when it reaches max_file_size_mb (measured on the compressed bytes
 * on disk, so a little over), or when the engine stops. `saker-engine -e`
 * and `sysdig -r` read the files.
 *
 *   sk_rcap_new(&c, &cfg)
 *   per event: sk_rcap_event(c, evt, &done)      before the rules
 *   per match: sk_rcap_rule_matched(c, st, rule, evt)
 *   live, periodically: sk_rcap_tick(c, now_ns, &done)
 *   sk_rcap_free(c, &done)                        closes an open file */
#ifndef SK_RULE_CAPTURE_H
#define SK_RULE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "event.h"
#include "ruleset.h"
#include "sk_err.h"
#include "state.h"

typedef struct sk_rcap sk_rcap;

typedef enum sk_rcap_reason {
	SK_RCAP_OPEN = 0,   /* still open (no file closed) */
	SK_RCAP_DEADLINE,   /* an event or the clock passed the deadline */
	SK_RCAP_SIZE,       /* max_file_size_mb reached */
	SK_RCAP_SHUTDOWN,   /* closed by sk_rcap_free or a reconfiguration */
	SK_RCAP_WRITE_FAIL, /* a write failed: the file is incomplete */
} sk_rcap_reason;

/* A file that closed: what the caller reports. */
typedef struct sk_rcap_done {
	sk_rcap_reason reason; /* SK_RCAP_OPEN: nothing closed */
	char path[4096];
	uint64_t events; /* events written, the triggering one included */
	uint64_t bytes;  /* on disk */
} sk_rcap_done;

/* Creates the recorder with a copy of cfg (enabled or not). */
sk_err sk_rcap_new(const sk_rule_capture_config *cfg, sk_rcap **out);

/* Takes new settings (a reload); an open file is closed first when capture
 * is turned off or its prefix changes (reported in *done). */
sk_err sk_rcap_configure(sk_rcap *c, const sk_rule_capture_config *cfg, sk_rcap_done *done);

/* Whether rule starts a file under the current settings. */
bool sk_rcap_wants(const sk_rcap *c, const sk_rule *rule);

/* An event, after the state took it and before the rules see it: closes the
 * open file when evt is past its deadline (*done says so), otherwise
 * appends evt to it, closing it when it reaches its size. */
sk_err sk_rcap_event(sk_rcap *c, const sk_event *evt, sk_rcap_done *done);

/* rule matched evt: with no file open, opens one and writes st and evt
 * (a file that cannot be created is logged, and triggers up to the
 * deadline it would have had try no other); with one open, moves its
 * deadline to evt's time plus the rule's duration when that is later.
 * Does nothing for a rule that does not start captures. */
sk_err sk_rcap_rule_matched(sk_rcap *c, const sk_state *st, const sk_rule *rule, const sk_event *evt);

/* Closes the open file when now_ns (ns since the epoch) is past its
 * deadline. For the live stream, whose events may stop coming. */
void sk_rcap_tick(sk_rcap *c, uint64_t now_ns, sk_rcap_done *done);

/* Whether a file is open (false for NULL). */
bool sk_rcap_active(const sk_rcap *c);

/* Closes any open file (reported in *done when done is not NULL) and frees
 * c. NULL is a no-op. */
void sk_rcap_free(sk_rcap *c, sk_rcap_done *done);

#endif
