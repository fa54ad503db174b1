/* The INSERT of one alert: Falcosidekick's columns and values, names
 * quoted and folded, values as parameters, "null" as SQL NULL. */
#include "timescaledb.h"

#include "plugin_host.h"
#include "sk_test.h"

static void columns(tsdb_config *cfg, const char *const *names, size_t n)
{
	cfg->columns.items = calloc(n, sizeof(char *));
	for (size_t i = 0; i < n && cfg->columns.items != NULL; i++) {
		cfg->columns.items[i] = strdup(names[i]);
		cfg->columns.n++;
	}
}

SK_TEST(row_has_falcosidekick_columns_and_parameters)
{
	ph_alert a;
	tsdb_config cfg = {SK_STRBUF_INIT, {0}};
	tsdb_row row = {SK_STRBUF_INIT, SK_STRBUF_INIT, {0}, 0};
	char err[256] = "";

	ph_alert_make(&a, 0);
	SK_CHECK_INT(tsdb_set_table(&cfg, "falco_events", err, sizeof(err)), SK_OK);
	SK_CHECK_INT(tsdb_row_build(&row, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&row.sql), "INSERT INTO \"falco_events\" (\"time\",\"rule\",\"priority\",\"source\","
					      "\"output\",\"tags\",\"hostname\") VALUES ($1,$2,$3,$4,$5,$6,$7)");
	SK_CHECK_INT(row.n, 7);
	SK_CHECK_STR(row.values[0], "2026-11-29 22:00:00.000000+00");
	SK_CHECK_STR(row.values[1], "Terminal shell in container");
	SK_CHECK_STR(row.values[2], "Warning");
	SK_CHECK_STR(row.values[3], "syscall");
	SK_CHECK_STR(row.values[4], PH_OUTPUT0);
	SK_CHECK_STR(row.values[5], "container,shell");
	SK_CHECK_STR(row.values[6], "node-1");

	/* no tags, no hostname: no columns for them */
	a.a.ntags = 0;
	a.a.hostname = "";
	a.a.time_ns += 123456789; /* microseconds kept, the rest dropped */
	SK_CHECK_INT(tsdb_row_build(&row, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&row.sql), "INSERT INTO \"falco_events\" (\"time\",\"rule\",\"priority\",\"source\","
					      "\"output\") VALUES ($1,$2,$3,$4,$5)");
	SK_CHECK_STR(row.values[0], "2026-11-29 22:00:00.123457+00");
	tsdb_row_free(&row);
	tsdb_config_free(&cfg);
}

SK_TEST(custom_columns_quoted_folded_unquoted_values_and_null)
{
	ph_alert a;
	tsdb_config cfg = {SK_STRBUF_INIT, {0}};
	tsdb_row row = {SK_STRBUF_INIT, SK_STRBUF_INIT, {0}, 0};
	char err[256] = "";
	static const char *const custom[] = {"Env", "user.name", "we\"ird", "gone"};
	const char *names[] = {"Env", "container.id", "user.name", "we\"ird"};
	const char *values[] = {"\"prod\"", "abc123", "NULL", "x"};

	ph_alert_make(&a, 1);
	a.a.field_names = names;
	a.a.field_values = values;
	a.a.nfields = 4;
	a.a.rule = "null";
	columns(&cfg, custom, 4);
	SK_CHECK_INT(tsdb_set_table(&cfg, "Falco.Events\"; DROP", err, sizeof(err)), SK_OK);
	SK_CHECK_INT(tsdb_row_build(&row, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&row.sql),
		     "INSERT INTO \"falco\".\"events\"\"; drop\" (\"time\",\"rule\",\"priority\",\"source\",\"output\","
		     "\"tags\",\"hostname\",\"env\",\"user.name\",\"we\"\"ird\") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)");
	SK_CHECK_INT(row.n, 10);
	SK_CHECK(row.values[1] == NULL); /* "null" in any case is NULL */
	SK_CHECK_STR(row.values[7], "prod");
	SK_CHECK(row.values[8] == NULL);
	SK_CHECK_STR(row.values[9], "x");
	tsdb_row_free(&row);
	tsdb_config_free(&cfg);
}

SK_TEST(table_names_refused)
{
	tsdb_config cfg = {SK_STRBUF_INIT, {0}};
	char err[256] = "";
	static const char *const bad[] = {"", ".t", "s.", "a.b.c"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		SK_CHECK_INT(tsdb_set_table(&cfg, bad[i], err, sizeof(err)), SK_EINVAL);
		SK_CHECK_CONTAINS(err, "want table or schema.table");
	}
	tsdb_config_free(&cfg);
}

SK_TEST_MAIN()
