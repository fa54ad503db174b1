/* influxdb: Falcosidekick's InfluxDB point, in line protocol:
 *
 *   events,rule=R,priority=P,source=S[,FIELD=V...][,hostname=H][,tags=T] value="OUTPUT" TIME
 *
 * with the string output fields as tags (sorted), spaces in tag values as
 * '_' and the tags joined by '_', as Falcosidekick writes them. Unlike
 * Falcosidekick, commas, '=' and quotes are escaped (its points break on
 * them) and the point carries the alert's time, so a retried alert keeps
 * its place in time. */
#ifndef INFLUXDB_H
#define INFLUXDB_H

#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct influxdb_config {
	int64_t ns_per_unit; /* the write precision: 1 for ns ... 3600e9 for h */
} influxdb_config;

/* Reads a precision name (InfluxDB's n, ns, u, us, ms, s, m, h; "" means
 * ns) into *ns_per_unit; SK_EINVAL for anything else. */
sk_err influxdb_precision(const char *name, int64_t *ns_per_unit);

/* The write endpoint's settings, as the influxdb.* keys name them. */
typedef struct influxdb_target {
	const char *hostport;     /* http[s]://host:port */
	const char *database;     /* API v1 */
	const char *organization; /* API v2 when set, with bucket */
	const char *bucket;
	const char *user; /* API v1 credentials, unused with a token */
	const char *password;
	const char *token;
	const char *precision;
} influxdb_target;

/* Appends the write URL: hostport/api/v2/write?org=O&bucket=B with an
 * organization, else hostport/write?db=D[&u=U&p=P], then &precision=;
 * values are percent-encoded. SK_EINVAL (why in err) when neither an
 * organization nor a database is set. */
sk_err influxdb_url(sk_strbuf *sb, const influxdb_target *t, char *err, size_t errlen);

/* Appends the alert's point, newline-terminated; SK_ENOMEM when memory ran
 * out. */
sk_err influxdb_line(sk_strbuf *sb, const influxdb_config *cfg, const saker_alert *alert);

#endif
