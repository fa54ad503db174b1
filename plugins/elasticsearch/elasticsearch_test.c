/* Elasticsearch URLs, documents and _bulk bodies: the dated index names,
 * the pipeline, flattened field names, and reading a _bulk answer. */
#include "elasticsearch.h"

#include <stdlib.h>

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(urls_by_suffix)
{
	es_config cfg = {"http://es:9200/", "falco", "_doc", "", ES_SUFFIX_DAILY, false};
	time_t t = 1795989600; /* 2026-11-29T22:00:00Z */
	sk_strbuf sb = SK_STRBUF_INIT;
	setenv("TZ", "UTC", 1);
	tzset();
	es_url(&sb, &cfg, t, false);
	SK_CHECK_STR(sk_strbuf_str(&sb), "http://es:9200/falco-2026.11.29/_doc");
	static const struct {
		es_suffix suffix;
		bool bulk;
		const char *pipeline, *want;
	} cases[] = {
		{ES_SUFFIX_MONTHLY, false, "", "http://es:9200/falco-2026.11/_doc"},
		{ES_SUFFIX_ANNUALLY, true, "", "http://es:9200/falco-2026/_bulk"},
		{ES_SUFFIX_NONE, false, "geoip", "http://es:9200/falco/_doc?pipeline=geoip"},
		{ES_SUFFIX_DAILY, true, "p", "http://es:9200/falco-2026.11.29/_bulk?pipeline=p"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg.suffix = cases[i].suffix;
		cfg.pipeline = cases[i].pipeline;
		sk_strbuf_reset(&sb);
		es_url(&sb, &cfg, t, cases[i].bulk);
		SK_CHECK_STR(sk_strbuf_str(&sb), cases[i].want);
	}
	es_suffix s;
	SK_CHECK_INT(es_parse_suffix("weekly", &s), SK_EINVAL);
	SK_CHECK_INT(es_parse_suffix("none", &s), SK_OK);
	sk_strbuf_free(&sb);
}

SK_TEST(documents_and_bulk_bodies)
{
	ph_alert a[2];
	const saker_alert *batch[2] = {&a[0].a, &a[1].a};
	es_config cfg = {"http://es:9200", "falco", "_doc", "", ES_SUFFIX_DAILY, false};
	sk_strbuf sb = SK_STRBUF_INIT;
	ph_alert_make(&a[0], 0);
	ph_alert_make(&a[1], 1);
	SK_CHECK_INT(es_document(&sb, &cfg, &a[0].a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), a[0].json); /* the Falco document as it came */
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(es_bulk_body(&sb, &cfg, batch, 2), SK_OK);
	char want[8192];
	snprintf(want, sizeof(want), "{\"create\":{}}\n%s\n{\"create\":{}}\n%s\n", a[0].json, a[1].json);
	SK_CHECK_STR(sk_strbuf_str(&sb), want);
	/* flattenfields: dots in output_fields names become underscores */
	cfg.flatten = true;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(es_document(&sb, &cfg, &a[0].a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"output_fields\":{\"container_id\":\"abc123\",\"proc_cmdline\":"
					      "\"bash -i #0\",\"user_name\":\"root\"}");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"rule\":\"Terminal shell in container\"");
	a[0].a.json = "not json";
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(es_document(&sb, &cfg, &a[0].a), SK_EINVAL);
	sk_strbuf_free(&sb);
}

SK_TEST(bulk_answers)
{
	char why[256] = "";
	SK_CHECK(!es_bulk_failed("{\"took\":3,\"errors\":false,\"items\":[{\"create\":{\"status\":201}}]}", why,
				 sizeof(why)));
	SK_CHECK(es_bulk_failed("{\"errors\":true,\"items\":[{\"create\":{\"status\":201}},{\"create\":{\"status\":400,"
				"\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"failed to parse\"}}}]}",
				why, sizeof(why)));
	SK_CHECK_STR(why, "_bulk: item 1: mapper_parsing_exception: failed to parse");
	SK_CHECK(!es_bulk_failed("ok", why, sizeof(why)));
	SK_CHECK(!es_bulk_failed("", why, sizeof(why)));
	SK_CHECK(es_bulk_failed("{\"errors\":true,\"items\":[7]}", why, sizeof(why)));
	SK_CHECK_STR(why, "_bulk: an item failed");
	SK_CHECK(es_bulk_failed("{\"errors\":true,\"items\":\"y\"}", why, sizeof(why))); /* found by the fuzzer */
	SK_CHECK_STR(why, "_bulk: an item failed");
}

SK_TEST_MAIN()
