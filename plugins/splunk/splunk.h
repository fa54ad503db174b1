/* splunk: Falcosidekick's Splunk output, the HTTP Event Collector. Each
 * alert is {"event": <Falco JSON alert>, "sourcetype": "falcosidekick"};
 * a batch is those objects one after the other (a line each), which HEC
 * takes in one request. */
#ifndef SPLUNK_H
#define SPLUNK_H

#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* The HEC body for n alerts (reset first). */
sk_err splunk_body(sk_strbuf *b, const saker_alert *const *alerts, size_t n);

#endif
