/* The mqtt output's broker parsing (Paho's reading of `broker`: schemes,
 * default scheme and ports, user info, IPv6, refusals) and its client id. */
#include "mqtt.h"

#include <string.h>

#include "sk_test.h"

static mqtt_broker b;
static char err[256];

static sk_err parse(const char *broker)
{
	err[0] = '\0';
	return mqtt_parse_broker(broker, &b, err, sizeof(err));
}

SK_TEST(broker_schemes_and_ports)
{
	SK_CHECK_INT(parse("tcp://broker.local:1884"), SK_OK);
	SK_CHECK_STR(b.host, "broker.local");
	SK_CHECK_INT(b.port, 1884);
	SK_CHECK(!b.tls && !b.has_user);
	SK_CHECK_INT(parse("broker.local"), SK_OK); /* tcp:// is implied */
	SK_CHECK_INT(b.port, 1883);
	SK_CHECK_INT(parse(":1999"), SK_OK);
	SK_CHECK_STR(b.host, "127.0.0.1");
	SK_CHECK_INT(b.port, 1999);
	SK_CHECK_INT(parse("ssl://mq.example.com"), SK_OK);
	SK_CHECK(b.tls);
	SK_CHECK_INT(b.port, 8883);
	for (size_t i = 0; i < 4; i++) {
		static const char *const tls_schemes[] = {"tls://h:1", "mqtts://h:1", "TCPS://h:1", "mqtt+ssl://h:1"};

		SK_CHECK_INT(parse(tls_schemes[i]), SK_OK);
		SK_CHECK(b.tls);
	}
	SK_CHECK_INT(parse("mqtt://h/some/path"), SK_OK);
	SK_CHECK_STR(b.host, "h");
	SK_CHECK(!b.tls);
	SK_CHECK_INT(parse("tcp://[::1]:1883"), SK_OK);
	SK_CHECK_STR(b.host, "::1");
	SK_CHECK_INT(b.port, 1883);
	SK_CHECK_INT(parse("tcp://[fe80::1]"), SK_OK);
	SK_CHECK_STR(b.host, "fe80::1");
	SK_CHECK_INT(b.port, 1883);
}

SK_TEST(broker_user_info)
{
	SK_CHECK_INT(parse("tcp://alice:s%40cret:x@h:1883"), SK_OK);
	SK_CHECK(b.has_user);
	SK_CHECK_STR(b.user, "alice");
	SK_CHECK_STR(b.password, "s@cret:x");
	SK_CHECK_STR(b.host, "h");
	SK_CHECK_INT(parse("tcp://bob@h"), SK_OK);
	SK_CHECK(b.has_user);
	SK_CHECK_STR(b.user, "bob");
	SK_CHECK_STR(b.password, "");
	/* A bad escape is refused without echoing the password. */
	SK_CHECK_INT(parse("tcp://u:p%zz@h"), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "tcp://***@h");
	SK_CHECK(strstr(err, "p%zz") == NULL);
}

SK_TEST(broker_refusals)
{
	SK_CHECK_INT(parse("ws://h:80/mqtt"), SK_EUNSUPP);
	SK_CHECK_CONTAINS(err, "ws:// is not supported");
	SK_CHECK_INT(parse("wss://u:secret@h"), SK_EUNSUPP);
	SK_CHECK(strstr(err, "secret") == NULL);
	SK_CHECK_INT(parse("unix:///run/mqtt.sock"), SK_EUNSUPP);
	SK_CHECK_INT(parse("http://h"), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "broker 'http://h'");
	SK_CHECK_INT(parse("tcp://h:0"), SK_EINVAL);
	SK_CHECK_INT(parse("tcp://h:65536"), SK_EINVAL);
	SK_CHECK_INT(parse("tcp://h:12a"), SK_EINVAL);
	SK_CHECK_INT(parse("tcp://h:"), SK_EINVAL);
	SK_CHECK_INT(parse("tcp://"), SK_EINVAL);
	SK_CHECK_INT(parse("tcp://[::1"), SK_EINVAL);
	SK_CHECK_INT(parse("tcp://[::1]x"), SK_EINVAL);
	SK_CHECK_INT(parse(""), SK_EINVAL);
}

SK_TEST(client_id_as_falcosidekick)
{
	char id[32], small[8];
	const unsigned char r[3] = {0x0a, 0xbc, 0xff};

	SK_CHECK_INT(mqtt_client_id(id, sizeof(id), r), SK_OK);
	SK_CHECK_STR(id, "falcosidekick-0abcff");
	SK_CHECK_INT(mqtt_client_id(small, sizeof(small), r), SK_ERANGE);
}

SK_TEST_MAIN()
