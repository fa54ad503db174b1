/* Logstash event lines: the alert's JSON with indexed field names rewritten
 * and the configured tags appended. */
#include "logstash.h"

#include <stdio.h>
#include <string.h>

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(keys_lose_their_indexes)
{
	sk_strbuf sb = SK_STRBUF_INIT;

	logstash_key(&sb, "proc.aname[2]");
	SK_CHECK_STR(sk_strbuf_str(&sb), "proc.aname.2");
	sk_strbuf_reset(&sb);
	logstash_key(&sb, "a[10][3]b[x][]c[4");
	SK_CHECK_STR(sk_strbuf_str(&sb), "a.10.3b[x][]c[4");
	sk_strbuf_free(&sb);
}

SK_TEST(line_renames_fields_and_appends_tags)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	char *extra_items[] = {"k8s", "prod"};
	spl_strlist extra = {extra_items, 2, false};

	ph_alert_make(&a, 0);
	snprintf(a.json, sizeof(a.json),
		 "{\"rule\":\"R\",\"tags\":[\"shell\"],\"output_fields\":{\"proc.aname[2]\":\"bash\",\"n\":{\"x[1]\":1},"
		 "\"fd.name\":null}}");
	a.a.json_len = strlen(a.json);
	SK_CHECK_INT(logstash_line(&sb, &a.a, &extra), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"output_fields\":{\"fd.name\":null,\"n\":{\"x.1\":1},\"proc.aname.2\":\"bash\"},"
					 "\"rule\":\"R\",\"tags\":[\"shell\",\"k8s\",\"prod\"]}\n");
	/* no tags of its own: the configured ones; none configured: as it was */
	snprintf(a.json, sizeof(a.json), "{\"rule\":\"R\"}");
	a.a.json_len = strlen(a.json);
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(logstash_line(&sb, &a.a, &extra), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"rule\":\"R\",\"tags\":[\"k8s\",\"prod\"]}\n");
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(logstash_line(&sb, &a.a, NULL), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"rule\":\"R\"}\n");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
