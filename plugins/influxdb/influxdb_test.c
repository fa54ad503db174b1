/* InfluxDB points byte for byte (Falcosidekick's tags, escaping, the time
 * at each precision) and the write URLs of API v1 and v2. */
#include "influxdb.h"

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(point_matches_falcosidekick_with_escaping_and_time)
{
	ph_alert a;
	influxdb_config cfg = {.ns_per_unit = 1};
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK_INT(influxdb_line(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "events,rule=Terminal_shell_in_container,priority=Warning,source=syscall,container.id=abc123,"
		     "proc.cmdline=bash_-i_#0,user.name=root,hostname=node-1,tags=container_shell value=\"" PH_OUTPUT0
		     "\" 1795989600000000789\n");

	/* delimiters escaped, quotes in the value, empty keys and values and
	 * non-string fields left out, "value" not a tag, a trailing backslash (InfluxDB refuses it)
	 * as '_'; the time in seconds */
	snprintf(a.json, sizeof(a.json),
		 "{\"output_fields\":{\"\":\"k\",\"a,b=c\":\"x y,z=w\",\"e\":\"\",\"n\":42,\"value\":\"v\","
		 "\"z\":\"end\\\\\"}}");
	const char *names[] = {"", "a,b=c", "e", "n", "value", "z"};
	const char *values[] = {"k", "x y,z=w", "", "42", "v", "end\\"};
	a.a.field_names = names;
	a.a.field_values = values;
	a.a.nfields = 6;
	a.a.rule = "r=1, \"two\"";
	a.a.hostname = "";
	a.a.ntags = 0;
	a.a.output = "say \"hi\" \\ there\nnext";
	cfg.ns_per_unit = 1000000000;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(influxdb_line(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "events,rule=r\\=1\\,_\"two\",priority=Warning,source=syscall,"
					 "a\\,b\\=c=x_y\\,z\\=w,z=end_ value=\"say \\\"hi\\\" \\\\ there\nnext\" "
					 "1795989600\n");
	sk_strbuf_free(&sb);
}

SK_TEST(precision_names)
{
	int64_t ns = 0;

	SK_CHECK_INT(influxdb_precision("ns", &ns), SK_OK);
	SK_CHECK(ns == 1);
	SK_CHECK_INT(influxdb_precision("u", &ns), SK_OK);
	SK_CHECK(ns == 1000);
	SK_CHECK_INT(influxdb_precision("ms", &ns), SK_OK);
	SK_CHECK(ns == 1000000);
	SK_CHECK_INT(influxdb_precision("h", &ns), SK_OK);
	SK_CHECK(ns == INT64_C(3600000000000));
	SK_CHECK_INT(influxdb_precision("days", &ns), SK_EINVAL);
}

SK_TEST(write_urls)
{
	influxdb_target t = {"http://db:8086/", "falco", "", "falco", "me", "p&ss word", "", "ns"};
	sk_strbuf sb = SK_STRBUF_INIT;
	char err[128] = "";

	SK_CHECK_INT(influxdb_url(&sb, &t, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "http://db:8086/write?db=falco&u=me&p=p%26ss%20word&precision=ns");
	/* a token replaces the user and password */
	t.token = "tok";
	t.precision = "";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(influxdb_url(&sb, &t, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "http://db:8086/write?db=falco");
	/* an organization selects API v2 */
	t.organization = "sec ops";
	t.bucket = "alerts";
	t.precision = "ms";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(influxdb_url(&sb, &t, err, sizeof(err)), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "http://db:8086/api/v2/write?org=sec%20ops&bucket=alerts&precision=ms");
	t.organization = "";
	t.database = "";
	SK_CHECK_INT(influxdb_url(&sb, &t, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "database");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
