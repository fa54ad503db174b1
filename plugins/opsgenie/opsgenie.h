/* opsgenie: Falcosidekick's Opsgenie alert: the output line as message,
 * entity "Falcosidekick", the rule as description, a P1..P5 priority, and
 * details (string output fields with '.' as '_', source, rule, priority,
 * hostname, tags). */
#ifndef OPSGENIE_H
#define OPSGENIE_H

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define OPSGENIE_US_ENDPOINT "https://api.opsgenie.com/v2/alerts"
#define OPSGENIE_EU_ENDPOINT "https://api.eu.opsgenie.com/v2/alerts"

/* Appends the alert's JSON body; SK_ENOMEM when memory ran out. */
sk_err opsgenie_payload(sk_strbuf *sb, const saker_alert *alert);

#endif
