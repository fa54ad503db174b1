/* Google Chat payloads byte for byte: the card's widgets, messageformat's
 * text, outputformat text. */
#include "googlechat.h"

#include "plugin_host.h"
#include "sk_test.h"

SK_TEST(card_matches_falcosidekick)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	googlechat_config cfg = {false, NULL};
	ph_alert_make(&a, 0);
	SK_CHECK_INT(googlechat_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "{\"cards\":[{\"header\":{\"title\":\"\",\"subtitle\":\"\"},\"sections\":[{\"widgets\":["
		     "{\"keyValue\":{\"topLabel\":\"rule\",\"content\":\"Terminal shell in container\"}},"
		     "{\"keyValue\":{\"topLabel\":\"priority\",\"content\":\"Warning\"}},"
		     "{\"keyValue\":{\"topLabel\":\"source\",\"content\":\"syscall\"}},"
		     "{\"keyValue\":{\"topLabel\":\"hostname\",\"content\":\"node-1\"}},"
		     "{\"keyValue\":{\"topLabel\":\"container.id\",\"content\":\"abc123\"}},"
		     "{\"keyValue\":{\"topLabel\":\"proc.cmdline\",\"content\":\"bash -i #0\"}},"
		     "{\"keyValue\":{\"topLabel\":\"user.name\",\"content\":\"root\"}},"
		     "{\"keyValue\":{\"topLabel\":\"tags\",\"content\":\"container, shell\"}},"
		     "{\"keyValue\":{\"topLabel\":\"time\",\"content\":\"2026-11-29 22:00:00.000000789 +0000 UTC\"}}"
		     "]}]}]}");
	spl_template *t = NULL;
	char why[128];
	SK_CHECK_INT(spl_template_compile("*{{ .Rule }}* on {{ .Hostname }}", 32, &t, why, sizeof(why)), SK_OK);
	cfg.message = t;
	cfg.text_only = true;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(googlechat_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"text\":\"*Terminal shell in container* on node-1\"}");
	cfg.text_only = false;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(googlechat_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK(strncmp(sk_strbuf_str(&sb), "{\"text\":\"*Terminal shell in container* on node-1\",\"cards\":[", 59) == 0);
	/* text only without messageformat: an empty object, as Go writes it */
	cfg.message = NULL;
	cfg.text_only = true;
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(googlechat_payload(&sb, &cfg, &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{}");
	spl_template_free(t);
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
