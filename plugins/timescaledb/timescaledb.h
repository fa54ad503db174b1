/* timescaledb: Falcosidekick's row for TimescaleDB, which is a PostgreSQL
 * table (a hypertable when the extension is there, any table otherwise):
 *
 *   INSERT INTO "falco_events" ("time","rule","priority","source","output"
 *     [,"tags"][,"hostname"][,"<customfield>"...]) VALUES ($1,$2,...)
 *
 * tags joined by ',', hostname when the alert has one, then one column per
 * customfields / templatedfields entry the alert carries, its value with
 * double quotes removed; a value spelled "null" (any case) is SQL NULL.
 * That is Falcosidekick's row. The values travel as parameters, never in
 * the statement. Names are quoted identifiers, folded to lower case first,
 * as PostgreSQL folds the unquoted names Falcosidekick writes: the same
 * columns, while a field or table name that is not a plain identifier can
 * no longer break (or change) the statement. The time is the alert's,
 * to the microsecond PostgreSQL keeps. */
#ifndef TIMESCALEDB_H
#define TIMESCALEDB_H

#include <stdbool.h>
#include <stddef.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"
#include "spl_util.h"

#define TSDB_FIXED_COLUMNS 7 /* time, rule, priority, source, output, tags, hostname */
#define TSDB_MAX_CUSTOM 57
#define TSDB_MAX_COLUMNS (TSDB_FIXED_COLUMNS + TSDB_MAX_CUSTOM)

typedef struct tsdb_config {
	sk_strbuf table;     /* the quoted [schema.]table, ready for the statement */
	spl_strlist columns; /* customfields and templatedfields names */
} tsdb_config;

/* Quotes hypertablename ("name" or "schema.name") into cfg->table.
 * SK_EINVAL, with why in err, for an empty name or part, or more than two
 * parts. */
sk_err tsdb_set_table(tsdb_config *cfg, const char *name, char *err, size_t errlen);

/* One INSERT: the statement and its n parameters (NULL for SQL NULL),
 * which point into the alert and into the row's own storage. */
typedef struct tsdb_row {
	sk_strbuf sql;
	sk_strbuf text; /* values the row had to make: time, tags, unquoted fields */
	const char *values[TSDB_MAX_COLUMNS];
	int n;
} tsdb_row;

/* Builds the alert's INSERT into row (emptied first); valid until the next
 * call or tsdb_row_free(). SK_ENOMEM when memory ran out. */
sk_err tsdb_row_build(tsdb_row *row, const tsdb_config *cfg, const saker_alert *alert);

void tsdb_row_free(tsdb_row *row);
void tsdb_config_free(tsdb_config *cfg);

#endif
