/* Zoho Cliq messages byte for byte in the three output formats, with the
 * template, the emoji and the icon. */
#include "cliq.h"

#include <string.h>

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(message_matches_falcosidekick)
{
	ph_alert a;
	cliq_config cfg = {CLIQ_ALL, false, "", NULL};
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK_INT(cliq_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "{\"text\":\"" PH_OUTPUT0 "\",\"bot\":{\"name\":\"Falco Sidekick\",\"image\":\"" CLIQ_DEFAULT_ICON
		     "\"},\"slides\":[{\"type\":\"table\",\"data\":{\"headers\":[\"field\",\"value\"],\"rows\":["
		     "{\"field\":\"rule\",\"value\":\"Terminal shell in container\"},{\"field\":\"priority\",\"value\":"
		     "\"Warning\"},{\"field\":\"hostname\",\"value\":\"node-1\"},{\"field\":\"container.id\",\"value\":"
		     "\"abc123\"},{\"field\":\"proc.cmdline\",\"value\":\"bash -i #0\"},{\"field\":\"user.name\",\"value\":"
		     "\"root\"},{\"field\":\"time\",\"value\":\"2026-11-29 22:00:00.000000789 +0000 UTC\"}]}}]}");
	/* text only: no slides; the emoji for Warning; an icon of one's own */
	cfg = (cliq_config){CLIQ_TEXT, true, "https://x/i.png", NULL};
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(cliq_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"text\":\"\xF0\x9F\x9F\xA1 " PH_OUTPUT0
					 "\",\"bot\":{\"name\":\"Falco Sidekick\",\"image\":\"https://x/i.png\"}}");
	sk_strbuf_free(&sb);
}

SK_TEST(template_moves_the_output_to_a_text_slide)
{
	ph_alert a;
	spl_template *t = NULL;
	const char *src = "Alert: {{ .Rule }}";
	char why[128];
	sk_strbuf sb = SK_STRBUF_INIT;

	ph_alert_make(&a, 0);
	SK_CHECK_INT(spl_template_compile(src, strlen(src), &t, why, sizeof(why)), SK_OK);
	cliq_config cfg = {CLIQ_TEXT, false, "", t};
	SK_CHECK_INT(cliq_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "{\"text\":\"Alert: Terminal shell in container\",\"bot\":");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"slides\":[{\"type\":\"text\",\"data\":\"" PH_OUTPUT0 "\"}]}");
	cfg.format = CLIQ_FIELDS;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(cliq_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"slides\":[{\"type\":\"table\",");
	SK_CHECK(strstr(sk_strbuf_str(&sb), "\"type\":\"text\"") == NULL);
	spl_template_free(t);
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
