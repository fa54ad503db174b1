/* spyderbat: Falcosidekick's Spyderbat output. Alerts go to the
 * organization's source falcosidekick_<orguid> (created at start when
 * missing) as falco_alert::1.0.0 records, one JSON line each:
 *
 *   {"schema":"falco_alert::1.0.0","id":<uuid>,"monotonic_time":<ns>,
 *    "orc_time":<now, s>,"time":<evt.time, s>,"pid":<proc.pid>,
 *    "level":<critical|high|medium|low|info>,"msg":[<output words after
 *    the time and priority>],"args":<proc.cmdline>,"container":<container.id>}
 */
#ifndef SPYDERBAT_H
#define SPYDERBAT_H

#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* The record for alert at now_ns (the record's orc_time). SK_ENOENT, with
 * why in err, when the alert has no proc.pid (Spyderbat needs it). */
sk_err sb_record(sk_strbuf *b, const saker_alert *alert, int64_t now_ns, char *err, size_t errlen);

/* Whether the source list (the GET .../source/ answer, a JSON array of
 * objects) holds uid. */
bool sb_has_source(const char *answer, size_t len, const char *uid);

#endif
