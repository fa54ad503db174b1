/* wavefront: points through a proxy (a TCP listener of the test: the exact
 * lines of a batch, then a proxy that closed the connection is dialled
 * again) and direct (an HTTPS receiver with test certificates: the report
 * path and the bearer token), and the refusals at start. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon_peer.h"
#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

/* Accepts one connection on lfd and reads until want newlines arrived or
 * 5 s passed. */
static int read_lines(int lfd, char *buf, size_t n, int want)
{
	struct pollfd p = {lfd, POLLIN, 0};
	if (poll(&p, 1, 5000) <= 0) {
		return -1;
	}
	int fd = accept(lfd, NULL, NULL);
	size_t got = 0;
	int lines = 0;
	for (int i = 0; fd >= 0 && i < 50 && lines < want && got < n - 1; i++) {
		struct pollfd q = {fd, POLLIN, 0};
		if (poll(&q, 1, 100) <= 0) {
			continue;
		}
		ssize_t r = read(fd, buf + got, n - 1 - got);
		if (r <= 0) {
			break;
		}
		for (ssize_t k = 0; k < r; k++) {
			lines += buf[got + (size_t)k] == '\n';
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	return fd;
}

SK_TEST(proxy_lines_and_a_redial)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	char port[16], buf[8192], want[2048];
	ph_plugin p = {0};
	ph_alert a[2];

	SK_CHECK(lfd >= 0 && bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == 0 && listen(lfd, 4) == 0 &&
		 getsockname(lfd, (struct sockaddr *)&sin, &len) == 0);
	snprintf(port, sizeof(port), "%d", ntohs(sin.sin_port));
	const char *const cfg[] = {"endpointtype", "proxy", "endpointhost", "127.0.0.1", "endpointmetricport", port, NULL};
	SK_CHECK(ph_open(&p, "wavefront", cfg));
	const saker_alert *batch[2] = {&a[0].a, &a[1].a};
	ph_alert_make(&a[0], 0);
	ph_alert_make(&a[1], 1);
	SK_CHECK(p.state != NULL);
	if (p.state == NULL) {
		close(lfd);
		return;
	}
	SK_CHECK_INT(p.api->send_batch(p.state, batch, 2, p.err, sizeof(p.err)), SAKER_SEND_OK);
	int fd = read_lines(lfd, buf, sizeof(buf), 2);
	snprintf(want, sizeof(want),
		 "\"falco.alert\" 1 %lld source=\"falco-exporter\" \"severity\"=\"Warning\" \"rule\"=\"Terminal shell in "
		 "container\" \"source\"=\"syscall\" \"hostname\"=\"node-1\" \"tags\"=\"container, shell\" "
		 "\"container.id\"=\"abc123\" \"proc.cmdline\"=\"bash -i #0\" \"user.name\"=\"root\"\n",
		 (long long)(a[0].a.time_ns / 1000000000));
	SK_CHECK(strncmp(buf, want, strlen(want)) == 0);
	SK_CHECK_CONTAINS(buf + strlen(want), "\"proc.cmdline\"=\"bash -i #1\"");
	/* the proxy restarts: the next point dials again */
	if (fd >= 0) {
		close(fd);
	}
	usleep(100 * 1000);
	SK_CHECK_INT(ph_send(&p, &a[0].a), SAKER_SEND_OK);
	fd = read_lines(lfd, buf, sizeof(buf), 1);
	SK_CHECK_CONTAINS(buf, "\"falco.alert\" 1 ");
	if (fd >= 0) {
		close(fd);
	}
	ph_unload(&p);
	close(lfd);
}

SK_TEST(direct_report_with_the_token_and_refusals)
{
	char dir[] = "/tmp/saker-wf-XXXXXX", host[64], ca[128];
	hp_peer *peer = NULL;
	ph_plugin p = {0};
	ph_alert a;

	SK_CHECK(mkdtemp(dir) != NULL && dp_make_certs(dir));
	char *crt = dp_slurp(dir, "server.crt"), *key = dp_slurp(dir, "server.key");
	SK_CHECK(crt != NULL && key != NULL && hp_start_tls(&peer, 202, crt, key, NULL) == SK_OK);
	free(crt);
	free(key);
	if (peer != NULL) {
		snprintf(host, sizeof(host), "127.0.0.1:%d", hp_port(peer));
		snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
		const char *const cfg[] = {"endpointtype", "direct", "endpointhost", host, "endpointtoken", "wf-token",
					   "tlsclient.cacertfile", ca, "metricname", "falco.events", NULL};
		SK_CHECK(ph_open(&p, "wavefront", cfg));
		ph_alert_make(&a, 0);
		SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
		ph_unload(&p);
		SK_CHECK_INT(hp_count(peer), 1);
		if (hp_count(peer) == 1) {
			const hp_request *r = hp_get(peer, 0);
			SK_CHECK_STR(r->raw_url, "/report?f=wavefront");
			SK_CHECK_CONTAINS(r->headers, "Authorization: Bearer wf-token\n");
			SK_CHECK(strncmp(r->body, "\"falco.events\" 1 ", 17) == 0);
		}
		hp_stop(peer);
	}
	const char *const bad_type[] = {"endpointtype", "udp", "endpointhost", "h", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "wavefront", bad_type));
	SK_CHECK_CONTAINS(p.err, "endpointtype 'udp': want direct or proxy");
	ph_unload(&p);
	const char *const bad_host[] = {"endpointtype", "proxy", "endpointhost", "http://wf:2878", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "wavefront", bad_host));
	SK_CHECK_CONTAINS(p.err, "endpointhost 'http://wf:2878': want the host name");
	ph_unload(&p);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	SK_CHECK(system(cmd) == 0);
}

SK_TEST_MAIN()
