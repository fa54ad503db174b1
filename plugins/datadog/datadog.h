/* datadog: Falcosidekick's two Datadog bodies.
 *
 * datadog, an event (Events API v1): the rule as title, the output line as
 * text, an alert type from the priority (error for Emergency..Error,
 * warning, else info), source type "falco" and the tags "field:value" for
 * every string output field (sorted), then "source:S", "hostname:H" and the
 * rule's tags.
 *
 * datadoglogs, a log (Logs API v2): ddsource "falco", the hostname, the
 * service, the whole Falco alert (JSON) as message and the rule's tags
 * joined by commas as ddtags. */
#ifndef DATADOG_H
#define DATADOG_H

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define DATADOG_DEFAULT_HOST "https://api.datadoghq.com"
#define DATADOG_EVENTS_PATH "/api/v1/events"

#define DATADOG_LOGS_DEFAULT_HOST "https://http-intake.logs.datadoghq.com"
#define DATADOG_LOGS_PATH "/api/v2/logs"

/* Appends the event's JSON body; SK_ENOMEM when memory ran out. */
sk_err datadog_payload(sk_strbuf *sb, const saker_alert *alert);

/* Appends the log's JSON body (service may be ""); SK_ENOMEM when memory
 * ran out. */
sk_err datadog_logs_payload(sk_strbuf *sb, const char *service, const saker_alert *alert);

#endif
