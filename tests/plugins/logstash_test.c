/* The logstash plugin against real receivers on loopback: a TCP listener
 * the test reads JSON lines from (a closed connection is dialled again, a
 * missing server is RETRY), and openssl s_server for TLS and mutual TLS. */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

/* A listening TCP socket on 127.0.0.1:*port. */
static int listen_tcp(int *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Accepts one connection within 3 s; -1 when none came. */
static int accept_one(int lfd)
{
	struct pollfd p = {lfd, POLLIN, 0};

	return poll(&p, 1, 3000) == 1 ? accept(lfd, NULL, NULL) : -1;
}

/* Reads from fd until buf holds n lines or 3 s passed; returns the lines. */
static int read_lines(int fd, char *buf, size_t cap, int n)
{
	size_t got = strlen(buf);
	long long deadline = ph_now_ms() + 3000;
	int lines = 0;

	for (const char *p = buf; (p = strchr(p, '\n')) != NULL; p++) {
		lines++;
	}
	while (lines < n && got < cap - 1 && ph_now_ms() < deadline) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 100) != 1) {
			continue;
		}
		ssize_t r = read(fd, buf + got, cap - 1 - got);
		if (r <= 0) {
			break;
		}
		for (ssize_t i = 0; i < r; i++) {
			lines += buf[got + (size_t)i] == '\n';
		}
		got += (size_t)r;
		buf[got] = '\0';
	}
	return lines;
}

/* Checks that line (up to its newline) is the alert seq with the tags. */
static void check_event(const char *line, const ph_alert *a)
{
	json_object *o = json_tokener_parse(line), *v = NULL;

	SK_CHECK(o != NULL);
	if (o == NULL) {
		return;
	}
	SK_CHECK(json_object_object_get_ex(o, "uuid", &v) && strcmp(json_object_get_string(v), a->uuid) == 0);
	SK_CHECK(json_object_object_get_ex(o, "tags", &v) && json_object_array_length(v) == 3);
	SK_CHECK_STR(json_object_get_string(json_object_array_get_idx(v, 2)), "lab");
	SK_CHECK(json_object_object_get_ex(o, "output_fields", &v) && json_object_object_get_ex(v, "proc.aname.2", NULL));
	json_object_put(o);
}

/* ph_alert_make with an indexed field among the output fields. */
static void make_alert(ph_alert *a, int seq)
{
	ph_alert_make(a, seq);
	char *at = strstr(a->json, "\"user.name\"");
	if (at != NULL) {
		memmove(at + 25, at, strlen(at) + 1);
		memcpy(at, "\"proc.aname[2]\":\"bash\",  ", 25);
	}
	a->a.json_len = strlen(a->json);
}

SK_TEST(lines_over_tcp_and_a_dropped_connection)
{
	ph_plugin p = {0};
	ph_alert a[3];
	char port_s[16], buf[16384] = "";
	int port = 0;
	int lfd = listen_tcp(&port);
	const char *const config[] = {"address", "127.0.0.1", "port", port_s, "tags", "lab", NULL};

	snprintf(port_s, sizeof(port_s), "%d", port);
	SK_CHECK(lfd >= 0 && ph_open(&p, "logstash", config));
	for (int i = 0; i < 3; i++) {
		make_alert(&a[i], i);
	}
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[1].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	int cfd = accept_one(lfd);
	SK_CHECK(cfd >= 0);
	SK_CHECK_INT(cfd >= 0 ? read_lines(cfd, buf, sizeof(buf), 2) : 0, 2);
	check_event(buf, &a[0]);
	check_event(strchr(buf, '\n') != NULL ? strchr(buf, '\n') + 1 : "", &a[1]);
	/* Logstash restarted: the next alert goes on a new connection */
	if (cfd >= 0) {
		close(cfd);
	}
	poll(NULL, 0, 200); /* let the close reach the plugin's socket */
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[2].a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	cfd = accept_one(lfd);
	SK_CHECK(cfd >= 0);
	buf[0] = '\0';
	SK_CHECK_INT(cfd >= 0 ? read_lines(cfd, buf, sizeof(buf), 1) : 0, 1);
	check_event(buf, &a[2]);
	if (cfd >= 0) {
		close(cfd);
	}
	/* nobody listening any more: retried */
	close(lfd);
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a[0].a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
}

/* Starts openssl s_server on d (certificates in d->dir), writing what it
 * receives to d->dir/received; verify asks for a client certificate; with
 * once it serves one connection after dp_start()'s readiness probe, so a
 * client that dials again is refused.
 * Its stdin is a FIFO it holds open itself: at end of input it would stop. */
static bool tls_server(dp_daemon *d, bool verify, bool once)
{
	char script[1024];

	snprintf(script, sizeof(script),
		 "cd '%s' && rm -f stdin && mkfifo stdin && exec openssl s_server -quiet %s -accept 127.0.0.1:%d "
		 "-cert server.crt -key server.key %s <> stdin > received",
		 d->dir, once ? "-naccept 2" : "", d->port, verify ? "-Verify 1 -CAfile ca.crt -verify_return_error" : "");
	char *const argv[] = {"sh", "-c", script, NULL};
	return dp_start(d, argv, 5000);
}

/* What the TLS server wrote to its file within 3 s, once it has n lines. */
static int tls_received(const dp_daemon *d, char *buf, size_t cap, int n)
{
	char path[128];
	long long deadline = ph_now_ms() + 3000;
	int lines = 0;

	snprintf(path, sizeof(path), "%s/received", d->dir);
	while (lines < n && ph_now_ms() < deadline) {
		FILE *f = fopen(path, "r");
		size_t len = f != NULL ? fread(buf, 1, cap - 1, f) : 0;
		if (f != NULL) {
			fclose(f);
		}
		buf[len] = '\0';
		lines = 0;
		for (const char *p = buf; (p = strchr(p, '\n')) != NULL; p++) {
			lines++;
		}
	}
	return lines;
}

SK_TEST(tls_checkcert_and_mutual_tls)
{
	dp_daemon d = {0};
	ph_plugin p = {0};
	ph_alert a;
	char port_s[16], ca[128], crt[128], key[128], buf[8192];

	make_alert(&a, 0);
	SK_CHECK(dp_prepare(&d, "logstash", 0) && dp_make_certs(d.dir));
	snprintf(port_s, sizeof(port_s), "%d", d.port);
	snprintf(ca, sizeof(ca), "%s/ca.crt", d.dir);
	snprintf(crt, sizeof(crt), "%s/client.crt", d.dir);
	snprintf(key, sizeof(key), "%s/client.key", d.dir);
	/* two alerts on one kept connection: the server serves only one */
	SK_CHECK(tls_server(&d, false, true));
	const char *const trusted[] = {"address", "localhost", "port", port_s, "tls", "true",
				       "tlsclient.cacertfile", ca, "tags", "lab", NULL};
	ph_alert b;
	make_alert(&b, 1);
	SK_CHECK(ph_open(&p, "logstash", trusted));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	poll(NULL, 0, 300); /* TLS 1.3 session tickets arrive after the handshake */
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &b.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(tls_received(&d, buf, sizeof(buf), 2), 2);
	check_event(buf, &a);
	check_event(strchr(buf, '\n') != NULL ? strchr(buf, '\n') + 1 : "", &b);
	dp_stop(&d);
	/* an unknown CA is refused: retried */
	SK_CHECK(tls_server(&d, false, false));
	const char *const untrusted[] = {"address", "localhost", "port", port_s, "tls", "true", "tags", "lab", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "logstash", untrusted));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	ph_unload(&p);
	dp_stop(&d);

	/* mutual TLS with logstash's own files; without a certificate refused */
	SK_CHECK(tls_server(&d, true, true));
	const char *const mutual[] = {"address", "127.0.0.1", "port", port_s, "mutualtls", "true", "certfile", crt,
				      "keyfile", key, "cacertfile", ca, "mutualtlsfilespath", "/nonexistent",
				      "tags", "lab", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(ph_open(&p, "logstash", mutual));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&p);
	SK_CHECK_INT(tls_received(&d, buf, sizeof(buf), 1), 1);
	check_event(buf, &a);
	const char *const missing[] = {"address", "127.0.0.1", "port", port_s, "mutualtls", "true",
				       "mutualtlsfilespath", "/nonexistent", NULL};
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "logstash", missing));
	SK_CHECK_CONTAINS(p.err, "mutualtls: no readable client.crt");
	ph_unload(&p);
	dp_done(&d);
}

SK_TEST(bad_settings_stop_the_start)
{
	ph_plugin p = {0};
	const char *const url[] = {"address", "tcp://logstash:5044", NULL};
	const char *const port[] = {"address", "logstash", "port", "70000", NULL};

	SK_CHECK(!ph_open(&p, "logstash", url));
	SK_CHECK_CONTAINS(p.err, "address 'tcp://logstash:5044'");
	ph_unload(&p);
	memset(&p, 0, sizeof(p));
	SK_CHECK(!ph_open(&p, "logstash", port));
	SK_CHECK_CONTAINS(p.err, "port 70000");
	ph_unload(&p);
}

SK_TEST_MAIN()
