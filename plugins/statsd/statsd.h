/* statsd: Falcosidekick's StatsD and DogStatsD outputs, UDP counters.
 *
 * For every Falco event it accepts, Falcosidekick counts "total",
 * "falco.accepted" (tagged with the priority) and
 * "inputs.requests.accepted", each prefixed with the namespace. StatsD has
 * no tags, so there the tag values join the name
 * ("falcosidekick.falco.accepted.Warning:1|c"); DogStatsD keeps them
 * ("falcosidekick.falco.accepted:1|c|#priority:Warning"). This output sees
 * each alert once and sends those three counters in one datagram, one line
 * each, as datadog-go's buffered client packs them. */
#ifndef STATSD_H
#define STATSD_H

#include <stdbool.h>
#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"
#include "spl_util.h"

/* The largest datagram a UDP socket sends. */
#define STATSD_MAX_DATAGRAM 65507

typedef struct statsd_config {
	bool dogstatsd;            /* DogStatsD tags, else the values in the name */
	const char *namespace_;    /* prefix of every metric, "falcosidekick." by default */
	const spl_strlist *tags;   /* constant tags of every metric ("|#a,b"), may be NULL */
} statsd_config;

/* Returns true when s can go into a metric line as it is: no control
 * character, no '|', and for a name (not a tag) no ':', '#', ',', '@' or
 * blank either. */
bool statsd_token_ok(const char *s, bool tag);

/* Appends the datagram for alert: "total", "falco.accepted" and
 * "inputs.requests.accepted", one "name:1|c[|#tags]" line each, separated
 * by '\n'. The priority is Falcosidekick's spelling ("Warning"). Tag text
 * loses any newline, as datadog-go writes it. Returns SK_ENOMEM when memory
 * ran out. */
sk_err statsd_payload(sk_strbuf *sb, const statsd_config *cfg, const saker_alert *alert);

#endif
