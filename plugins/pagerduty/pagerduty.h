/* pagerduty: Falcosidekick's PagerDuty output, an Events API v2 "trigger"
 * with the output line as summary, source "falco", severity "critical",
 * the alert's time, and the output fields (plus hostname) as
 * custom_details. */
#ifndef PAGERDUTY_H
#define PAGERDUTY_H

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define PAGERDUTY_US_ENDPOINT "https://events.pagerduty.com/v2/enqueue"
#define PAGERDUTY_EU_ENDPOINT "https://events.eu.pagerduty.com/v2/enqueue"

/* Appends the event for alert with routing_key; SK_ENOMEM when memory ran
 * out. */
sk_err pagerduty_payload(sk_strbuf *sb, const char *routing_key, const saker_alert *alert);

#endif
