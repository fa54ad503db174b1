/* timescaledb: the INSERT of one alert (timescaledb.h). */
#include "timescaledb.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Appends name as a quoted identifier, folded to lower case as PostgreSQL
 * folds an unquoted one; n bytes of it. */
static void put_identifier(sk_strbuf *sb, const char *name, size_t n)
{
	sk_strbuf_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
		}
		if (c == '"') {
			sk_strbuf_putc(sb, '"');
		}
		sk_strbuf_putc(sb, c);
	}
	sk_strbuf_putc(sb, '"');
}

sk_err tsdb_set_table(tsdb_config *cfg, const char *name, char *err, size_t errlen)
{
	const char *dot = strchr(name, '.');
	size_t first = dot != NULL ? (size_t)(dot - name) : strlen(name);

	if (first == 0 || (dot != NULL && (dot[1] == '\0' || strchr(dot + 1, '.') != NULL))) {
		snprintf(err, errlen, "hypertablename '%s': want table or schema.table", name);
		return SK_EINVAL;
	}
	sk_strbuf_reset(&cfg->table);
	put_identifier(&cfg->table, name, first);
	if (dot != NULL) {
		sk_strbuf_putc(&cfg->table, '.');
		put_identifier(&cfg->table, dot + 1, strlen(dot + 1));
	}
	return sk_strbuf_failed(&cfg->table) ? SK_ENOMEM : SK_OK;
}

/* Where each value of the row under construction lives: in the alert, or
 * at an offset of row->text (which may still move as it grows). */
typedef struct row_values {
	const char *ptr[TSDB_MAX_COLUMNS];
	long text_off[TSDB_MAX_COLUMNS]; /* -1: ptr */
} row_values;

static void add_column(tsdb_row *row, row_values *rv, const char *name, const char *value, long text_off)
{
	if (row->n >= TSDB_MAX_COLUMNS) {
		return; /* init caps the custom columns; never reached */
	}
	sk_strbuf_puts(&row->sql, row->n > 0 ? "," : "");
	put_identifier(&row->sql, name, strlen(name));
	rv->ptr[row->n] = value;
	rv->text_off[row->n] = text_off;
	row->n++;
}

/* Starts a value in row->text; returns its offset. */
static long text_begin(tsdb_row *row)
{
	return (long)row->text.len;
}

static void text_end(tsdb_row *row)
{
	sk_strbuf_append(&row->text, "", 1); /* each value NUL-terminated */
}

/* "2026-11-29 22:00:00.000000+00": PostgreSQL keeps microseconds. */
static void put_time(sk_strbuf *sb, int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000);
	long us = (long)(ns % 1000000000) / 1000;
	struct tm tm;
	char buf[64];

	if (ns < 0) {
		secs = 0;
		us = 0;
	}
	gmtime_r(&secs, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d.%06ld+00", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
	sk_strbuf_puts(sb, buf);
}

static bool is_column(const tsdb_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->columns.n; i++) {
		if (strcmp(cfg->columns.items[i], name) == 0) {
			return true;
		}
	}
	return false;
}

sk_err tsdb_row_build(tsdb_row *row, const tsdb_config *cfg, const saker_alert *alert)
{
	row_values rv;
	long off;

	sk_strbuf_reset(&row->sql);
	sk_strbuf_reset(&row->text);
	row->n = 0;
	sk_strbuf_puts(&row->sql, "INSERT INTO ");
	sk_strbuf_append(&row->sql, cfg->table.data, cfg->table.len);
	sk_strbuf_puts(&row->sql, " (");

	off = text_begin(row);
	put_time(&row->text, alert->time_ns);
	text_end(row);
	add_column(row, &rv, "time", NULL, off);
	add_column(row, &rv, "rule", alert->rule, -1);
	add_column(row, &rv, "priority", alert->priority, -1);
	add_column(row, &rv, "source", alert->source, -1);
	add_column(row, &rv, "output", alert->output, -1);
	if (alert->ntags > 0) {
		off = text_begin(row);
		spl_join_tags(&row->text, alert, ",");
		text_end(row);
		add_column(row, &rv, "tags", NULL, off);
	}
	if (alert->hostname != NULL && alert->hostname[0] != '\0') {
		add_column(row, &rv, "hostname", alert->hostname, -1);
	}
	for (size_t i = 0; i < alert->nfields; i++) {
		if (!is_column(cfg, alert->field_names[i])) {
			continue;
		}
		off = text_begin(row);
		for (const char *v = alert->field_values[i]; *v != '\0'; v++) {
			if (*v != '"') {
				sk_strbuf_putc(&row->text, *v);
			}
		}
		text_end(row);
		add_column(row, &rv, alert->field_names[i], NULL, off);
	}

	sk_strbuf_puts(&row->sql, ") VALUES (");
	for (int i = 0; i < row->n; i++) {
		sk_strbuf_printf(&row->sql, "%s$%d", i > 0 ? "," : "", i + 1);
	}
	sk_strbuf_putc(&row->sql, ')');
	if (sk_strbuf_failed(&row->sql) || sk_strbuf_failed(&row->text)) {
		return SK_ENOMEM;
	}
	for (int i = 0; i < row->n; i++) {
		const char *v = rv.text_off[i] >= 0 ? row->text.data + rv.text_off[i] : rv.ptr[i];
		row->values[i] = v != NULL && strcasecmp(v, "null") != 0 ? v : NULL;
	}
	return SK_OK;
}

void tsdb_row_free(tsdb_row *row)
{
	sk_strbuf_free(&row->sql);
	sk_strbuf_free(&row->text);
	row->n = 0;
}

void tsdb_config_free(tsdb_config *cfg)
{
	sk_strbuf_free(&cfg->table);
	spl_strlist_free(&cfg->columns);
}
