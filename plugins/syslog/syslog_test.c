/* The syslog output's messages byte for byte: Go's log/syslog framing
 * (severity as the priority, RFC 3339 time, host, falco[pid]) and
 * Falcosidekick's CEF line. */
#include "syslog_out.h"

#include <stdlib.h>

#include "plugin_host.h"
#include "sk_test.h"

#define OUTPUT0 PH_OUTPUT0

SK_TEST(cef_and_framing)
{
	ph_alert a;
	sk_strbuf sb = SK_STRBUF_INIT;
	ph_alert_make(&a, 0);
	syslog_cef(&sb, &a.a);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "CEF:0|Falcosecurity|Falco|1.0|Falco Event|Terminal shell in container|6|uuid="
		     "6f1c2a50-0000-4000-8000-000000000000 start=2026-11-29T22:00:00Z msg=" OUTPUT0
		     " source=syscall hostname=node-1 outputfields=container.id:abc123 proc.cmdline:bash -i #0 "
		     "user.name:root tags=container,shell");
	a.a.ntags = 0;
	a.a.priority_num = SAKER_PRIORITY_EMERGENCY;
	sk_strbuf_reset(&sb);
	syslog_cef(&sb, &a.a);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "|10|uuid=");
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "user.name:root"); /* the last blank trimmed */
	SK_CHECK(sb.data[sb.len - 1] == 't');

	setenv("TZ", "UTC", 1);
	tzset();
	sk_strbuf_reset(&sb);
	syslog_frame(&sb, 4, 1795989600, "node-1", 42, "{\"a\":1}", 7);
	SK_CHECK_STR(sk_strbuf_str(&sb), "<4>2026-11-29T22:00:00Z node-1 falco[42]: {\"a\":1}\n");
	setenv("TZ", "CET-1", 1);
	tzset();
	sk_strbuf_reset(&sb);
	syslog_frame(&sb, 2, 1795989600, "n", 1, "x\n", 2);
	SK_CHECK_STR(sk_strbuf_str(&sb), "<2>2026-11-29T23:00:00+01:00 n falco[1]: x\n");
	sk_strbuf_free(&sb);
}

SK_TEST_MAIN()
