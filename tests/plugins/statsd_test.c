/* statsd and dogstatsd plugins against sockets the test binds: every
 * datagram checked byte for byte (one per alert, nothing more), UDP and a
 * Unix datagram socket, a forwarder nobody listens on is a retry, and bad
 * settings stop init. Bounded: every wait polls 5 s at most. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "plugin_host.h"
#include "sk_test.h"

/* A UDP socket on 127.0.0.1 with a free port, "127.0.0.1:port" in addr. */
static int udp_listen(char *addr, size_t cap)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	snprintf(addr, cap, "127.0.0.1:%u", ntohs(sin.sin_port));
	return fd;
}

/* Receives one datagram within wait_ms into buf; its length, 0 if none. */
static size_t recv_datagram(int fd, char *buf, size_t cap, int wait_ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	buf[0] = '\0';
	if (poll(&p, 1, wait_ms) != 1) {
		return 0;
	}
	ssize_t n = recv(fd, buf, cap - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

SK_TEST(statsd_datagrams)
{
	char addr[64], buf[2048];
	int fd = udp_listen(addr, sizeof(addr));
	SK_CHECK(fd >= 0);
	if (fd < 0) {
		return;
	}
	ph_plugin p = {0};
	ph_alert a;
	const char *const config[] = {"forwarder", addr, NULL};
	ph_alert_make(&a, 0);
	SK_CHECK(ph_open(&p, "statsd", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_INT(recv_datagram(fd, buf, sizeof(buf), 5000), 107);
	SK_CHECK_STR(buf, "falcosidekick.total:1|c\n"
			  "falcosidekick.falco.accepted.Warning:1|c\n"
			  "falcosidekick.inputs.requests.accepted:1|c");
	a.a.priority_num = SAKER_PRIORITY_EMERGENCY;
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	recv_datagram(fd, buf, sizeof(buf), 5000);
	SK_CHECK_STR(buf, "falcosidekick.total:1|c\n"
			  "falcosidekick.falco.accepted.Emergency:1|c\n"
			  "falcosidekick.inputs.requests.accepted:1|c");
	SK_CHECK_INT(recv_datagram(fd, buf, sizeof(buf), 200), 0); /* one datagram per alert */
	ph_unload(&p);
	/* another namespace */
	const char *const ns[] = {"forwarder", addr, "namespace", "saker.", NULL};
	SK_CHECK(ph_open(&p, "statsd", ns));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	recv_datagram(fd, buf, sizeof(buf), 5000);
	SK_CHECK_STR(buf, "saker.total:1|c\nsaker.falco.accepted.Emergency:1|c\nsaker.inputs.requests.accepted:1|c");
	ph_unload(&p);
	close(fd);
}

SK_TEST(dogstatsd_datagrams_udp_and_unix)
{
	char addr[64], buf[2048];
	int fd = udp_listen(addr, sizeof(addr));
	SK_CHECK(fd >= 0);
	if (fd < 0) {
		return;
	}
	ph_plugin p = {0};
	ph_alert a;
	const char *const config[] = {"forwarder", addr, "tags", "env:prod, team:sec", NULL};
	ph_alert_make(&a, 1);
	a.a.priority_num = SAKER_PRIORITY_NOTICE;
	SK_CHECK(ph_open(&p, "dogstatsd", config));
	for (int i = 0; i < 2; i++) {
		SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
		recv_datagram(fd, buf, sizeof(buf), 5000);
		SK_CHECK_STR(buf, "falcosidekick.total:1|c|#env:prod,team:sec\n"
				  "falcosidekick.falco.accepted:1|c|#env:prod,team:sec,priority:Notice\n"
				  "falcosidekick.inputs.requests.accepted:1|c|#env:prod,team:sec");
	}
	SK_CHECK_INT(recv_datagram(fd, buf, sizeof(buf), 200), 0);
	ph_unload(&p);
	close(fd);

	/* unix:///path: a Unix datagram socket, as datadog-go dials it */
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char forwarder[128];
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/saker-dsd-%ld.sock", (long)getpid());
	snprintf(forwarder, sizeof(forwarder), "unix://%s", sun.sun_path);
	unlink(sun.sun_path);
	int ufd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	SK_CHECK(ufd >= 0 && bind(ufd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	const char *const uconfig[] = {"forwarder", forwarder, "namespace", "", NULL};
	SK_CHECK(ph_open(&p, "dogstatsd", uconfig));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	recv_datagram(ufd, buf, sizeof(buf), 5000);
	SK_CHECK_STR(buf, "total:1|c\nfalco.accepted:1|c|#priority:Notice\ninputs.requests.accepted:1|c");
	/* the agent went away: retry */
	close(ufd);
	unlink(sun.sun_path);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
}

SK_TEST(nobody_listening_and_settings)
{
	char addr[64];
	int fd = udp_listen(addr, sizeof(addr));
	SK_CHECK(fd >= 0);
	if (fd >= 0) {
		close(fd); /* the port is free now: datagrams bounce (ICMP) */
	}
	ph_plugin p = {0};
	ph_alert a;
	const char *const config[] = {"forwarder", addr, NULL};
	ph_alert_make(&a, 2);
	SK_CHECK(ph_open(&p, "statsd", config));
	/* UDP learns of the refusal from the datagram before: a few tries */
	saker_send_result last = SAKER_SEND_OK;
	for (int i = 0; i < 10 && p.state != NULL && last != SAKER_SEND_RETRY; i++) {
		last = ph_send(&p, &a.a);
		struct timespec nap = {0, 20 * 1000000L};
		nanosleep(&nap, NULL);
	}
	SK_CHECK_INT(last, SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "Connection refused");
	ph_unload(&p);

	static const char *const bad[][6] = {{"forwarder", "http://statsd:8125", NULL},
					     {"forwarder", "statsd", NULL},
					     {"forwarder", "statsd:99999", NULL},
					     {"forwarder", "unix://", NULL},
					     {"forwarder", "statsd:8125", "namespace", "a:b", NULL},
					     {"forwarder", "statsd:8125", "tags", "a|b", NULL}};
	static const char *const why[] = {"forwarder 'http://statsd:8125': want host:port or unix:///path",
					  "forwarder 'statsd': want host:port",
					  "forwarder 'statsd:99999': want host:port",
					  "forwarder 'unix://': want unix:// and a socket path",
					  "namespace 'a:b': no blank, control character or ':|#,@'",
					  "tags 'a|b': no control character or '|' in a tag"};
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		ph_plugin q = {0};
		SK_CHECK(!ph_open(&q, i % 2 == 0 ? "statsd" : "dogstatsd", bad[i]));
		SK_CHECK_CONTAINS(q.err, why[i]);
		ph_unload(&q);
	}
	/* ":port" is the local host, "[::1]:port" IPv6 */
	static const char *const ok[][2] = {{"forwarder", ":8125"}, {"forwarder", "[::1]:8125"}};
	for (size_t i = 0; i < 2; i++) {
		const char *const c[] = {ok[i][0], ok[i][1], NULL};
		ph_plugin q = {0};
		SK_CHECK(ph_open(&q, "dogstatsd", c));
		ph_unload(&q);
	}
}

SK_TEST_MAIN()
