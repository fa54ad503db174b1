/* Discord embeds byte for byte: Falcosidekick's layout, colours, string
 * fields in code blocks. */
#include "discord.h"

#include "plugin_host.h"
#include "sk_test.h"

#define OUTPUT0 PH_OUTPUT0

SK_TEST(embed_matches_falcosidekick)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	ph_alert_make(&a, 0);
	SK_CHECK_INT(discord_payload(&sb, "https://i/icon.png", &a.a), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "{\"content\":\"\",\"avatar_url\":\"https://i/icon.png\",\"embeds\":[{\"title\":\"\",\"url\":\"\","
		     "\"description\":\"" OUTPUT0 "\",\"color\":\"12745742\",\"fields\":["
		     "{\"name\":\"rule\",\"value\":\"Terminal shell in container\",\"inline\":true},"
		     "{\"name\":\"priority\",\"value\":\"Warning\",\"inline\":true},"
		     "{\"name\":\"source\",\"value\":\"syscall\",\"inline\":true},"
		     "{\"name\":\"hostname\",\"value\":\"node-1\",\"inline\":true},"
		     "{\"name\":\"container.id\",\"value\":\"```abc123```\",\"inline\":true},"
		     "{\"name\":\"proc.cmdline\",\"value\":\"```bash -i #0```\",\"inline\":true},"
		     "{\"name\":\"user.name\",\"value\":\"```root```\",\"inline\":true},"
		     "{\"name\":\"tags\",\"value\":\"container, shell\",\"inline\":true},"
		     "{\"name\":\"time\",\"value\":\"2026-11-29 22:00:00.000000789 +0000 UTC\",\"inline\":true}]}]}");
	sk_strbuf_reset(&sb);
	a.a.priority_num = SAKER_PRIORITY_EMERGENCY;
	snprintf(a.json, sizeof(a.json), "{\"output_fields\":{\"proc.pid\":42}}");
	SK_CHECK_INT(discord_payload(&sb, "", &a.a), SK_OK);
	SK_CHECK(strstr(sk_strbuf_str(&sb), "avatar_url") == NULL);
	SK_CHECK(strstr(sk_strbuf_str(&sb), "```") == NULL); /* numbers are not listed */
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"color\":\"15158332\"");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
