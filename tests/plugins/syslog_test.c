/* syslog plugin against real loopback sockets: a TCP server gets each
 * alert as one newline-terminated message (JSON, then CEF), a server that
 * closed the kept connection is redialled, a UDP socket gets datagrams,
 * nobody listening is a retry, and bad settings stop init. Bounded: every
 * wait polls 5 s at most. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "plugin_host.h"
#include "sk_test.h"

/* A socket of type on 127.0.0.1 with a free port (written to port). */
static int listen_on(int type, char *port, size_t cap)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 4) != 0) || getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	snprintf(port, cap, "%u", ntohs(sin.sin_port));
	return fd;
}

/* Reads what arrives on fd within 5 s (one read) into buf. */
static size_t read_some(int fd, char *buf, size_t cap)
{
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, 5000) != 1) {
		buf[0] = '\0';
		return 0;
	}
	ssize_t n = recv(fd, buf, cap - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

static int accept_within(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, 5000) == 1 ? accept(fd, NULL, NULL) : -1;
}

SK_TEST(tcp_json_cef_and_redial)
{
	char port[16], buf[8192], want[64];
	int srv = listen_on(SOCK_STREAM, port, sizeof(port));
	SK_CHECK(srv >= 0);
	if (srv < 0) {
		return;
	}
	ph_plugin p = {0};
	ph_alert a;
	const char *const config[] = {"host", "127.0.0.1", "port", port, NULL};
	ph_alert_make(&a, 6);
	SK_CHECK(ph_open(&p, "syslog", config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	int conn = accept_within(srv);
	SK_CHECK(conn >= 0);
	size_t n = conn >= 0 ? read_some(conn, buf, sizeof(buf)) : 0;
	snprintf(want, sizeof(want), " falco[%ld]: {", (long)getpid());
	SK_CHECK(n > 0 && strncmp(buf, "<4>", 3) == 0 && buf[n - 1] == '\n');
	SK_CHECK_CONTAINS(buf, want);
	SK_CHECK_CONTAINS(buf, "\"rule\":\"Terminal shell in container\"");
	/* the server drops the connection: the next alert dials again */
	if (conn >= 0) {
		close(conn);
	}
	a.a.priority_num = SAKER_PRIORITY_CRITICAL;
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	conn = accept_within(srv);
	SK_CHECK(conn >= 0);
	n = conn >= 0 ? read_some(conn, buf, sizeof(buf)) : 0;
	SK_CHECK(n > 0 && strncmp(buf, "<2>", 3) == 0);
	ph_unload(&p);
	if (conn >= 0) {
		close(conn);
	}
	/* format cef */
	const char *const cef[] = {"host", "127.0.0.1", "port", port, "format", "cef", NULL};
	ph_plugin q = {0};
	SK_CHECK(ph_open(&q, "syslog", cef));
	SK_CHECK_INT(q.state != NULL ? ph_send(&q, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	conn = accept_within(srv);
	n = conn >= 0 ? read_some(conn, buf, sizeof(buf)) : 0;
	SK_CHECK_CONTAINS(buf, ": CEF:0|Falcosecurity|Falco|1.0|Falco Event|Terminal shell in container|8|uuid=");
	SK_CHECK_CONTAINS(buf, "proc.cmdline:bash -i #6 user.name:root tags=container,shell\n");
	ph_unload(&q);
	if (conn >= 0) {
		close(conn);
	}
	/* nobody listening: a retry */
	close(srv);
	ph_plugin r = {0};
	SK_CHECK(ph_open(&r, "syslog", config));
	SK_CHECK_INT(r.state != NULL ? ph_send(&r, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(r.err, "Connection refused");
	ph_unload(&r);
}

SK_TEST(udp_datagrams_and_settings)
{
	char port[16], buf[8192];
	int srv = listen_on(SOCK_DGRAM, port, sizeof(port));
	SK_CHECK(srv >= 0);
	if (srv < 0) {
		return;
	}
	ph_plugin p = {0};
	ph_alert a;
	const char *const config[] = {"host", "localhost", "port", port, "protocol", "udp", NULL};
	ph_alert_make(&a, 7);
	SK_CHECK(ph_open(&p, "syslog", config));
	for (int i = 0; i < 2; i++) {
		SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
		size_t n = read_some(srv, buf, sizeof(buf));
		SK_CHECK(n > 0 && strncmp(buf, "<4>", 3) == 0);
		SK_CHECK_CONTAINS(buf, "\"proc.cmdline\":\"bash -i #7\"");
	}
	ph_unload(&p);
	close(srv);
	static const char *const bad[][6] = {{"host", "h", "protocol", "sctp", NULL, NULL},
					     {"host", "h", "format", "xml", NULL, NULL},
					     {"host", "h", "port", "", NULL, NULL}};
	static const char *const why[] = {"protocol 'sctp': want tcp or udp", "format 'xml': want json or cef",
					  "host and port: both are needed"};
	for (size_t i = 0; i < 3; i++) {
		ph_plugin q = {0};
		SK_CHECK(!ph_open(&q, "syslog", bad[i]));
		SK_CHECK_CONTAINS(q.err, why[i]);
		ph_unload(&q);
	}
}

SK_TEST_MAIN()
