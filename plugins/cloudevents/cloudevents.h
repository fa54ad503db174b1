/* cloudevents: the Falco alert as a CloudEvent in HTTP binary content mode
 * (CloudEvents 1.0 HTTP binding): the alert's JSON as the body, the
 * attributes as ce-* headers: id (the alert's uuid), source
 * https://falco.org, type falco.rule.output.v1, time, and the extensions
 * priority, rule, eventsource, hostname plus the configured ones. */
#ifndef CLOUDEVENTS_H
#define CLOUDEVENTS_H

#include <stdbool.h>

#include "sk_strbuf.h"

/* Appends value as a CloudEvents HTTP header value: space, '"', '%' and
 * every byte outside printable ASCII percent-encoded (UTF-8 bytes as
 * they are). */
void cloudevents_header_value(sk_strbuf *sb, const char *value);

/* True when name is a valid extension attribute name: 1 to 20 lower-case
 * letters or digits, and not one of the attributes Saker sets. */
bool cloudevents_extension_ok(const char *name);

#endif
