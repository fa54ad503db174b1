/* wavefront: Falcosidekick's Wavefront output, a metric point per alert in
 * the Wavefront data format:
 *
 *   "falco.alert" 1 <alert time, epoch s> source="falco-exporter"
 *     "severity"="<priority>" "rule"="<rule>" "source"="<falco source>"
 *     ["hostname"="..."] ["tags"="a, b"] ["<field>"="<value>" per string
 *     output field]
 *
 * Names and values are quoted with '"' and '\' escaped, line ends turned
 * into "\n"; tag keys keep [A-Za-z0-9._-] (others become '-'), and a tag
 * whose key and value pass Wavefront's 254 characters is left out. */
#ifndef WAVEFRONT_H
#define WAVEFRONT_H

#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* Appends the point of alert (one line with its '\n') to b. */
sk_err wavefront_line(sk_strbuf *b, const char *metric, const saker_alert *alert);

#endif
