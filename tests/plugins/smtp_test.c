/* smtp plugin against a real SMTP server: Debian's python3-aiosmtpd run by
 * tests/plugins/smtp_receiver.py on a loopback port, in its own process
 * group (killed and reaped at the end of each test, and by the kernel if
 * the test dies). Each mail is checked byte for byte as the server stored
 * it, dot-stuffing undone, with its envelope; then header injection, the
 * SMTP replies (451 retry, 550 fail), STARTTLS required by default, AUTH
 * PLAIN accepted and refused, OAUTHBEARER, EXTERNAL, a server that is down
 * or silent, and bad settings. Bounded: every wait has a deadline. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin_host.h"
#include "sk_test.h"

#define PYTHON "/usr/bin/python3" /* Debian's, where python3-aiosmtpd lives */
#define RECEIVER "tests/plugins/smtp_receiver.py"
#define UUID1 "6f1c2a50-0000-4000-8000-000000000001"
#define UUID2 "6f1c2a50-0000-4000-8000-000000000002"
#define MAX_MAIL (256 * 1024)

/* One receiver process (group) and the folder it writes mails to. */
typedef struct receiver {
	pid_t pid;
	char port[16];
	char hostport[32];
	char dir[64];
} receiver;

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Kills the receiver's process group (TERM, then KILL after 3 s), reaps
 * it and removes its folder. */
static void receiver_stop(receiver *r)
{
	if (r->pid > 0) {
		int status;
		long long deadline = ph_now_ms() + 3000;
		kill(-r->pid, SIGTERM);
		while (waitpid(r->pid, &status, WNOHANG) == 0) {
			if (ph_now_ms() > deadline) {
				kill(-r->pid, SIGKILL);
				waitpid(r->pid, &status, 0);
				break;
			}
			nap_ms(20);
		}
		r->pid = 0;
	}
	if (r->dir[0] != '\0') {
		DIR *d = opendir(r->dir);
		struct dirent *e;
		char path[512];
		while (d != NULL && (e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
				snprintf(path, sizeof(path), "%s/%s", r->dir, e->d_name);
				unlink(path);
			}
		}
		if (d != NULL) {
			closedir(d);
		}
		rmdir(r->dir);
		r->dir[0] = '\0';
	}
}

/* Starts the receiver (auth "user:password" or NULL) and waits up to 20 s
 * for the port it prints. */
static bool receiver_start(receiver *r, const char *auth)
{
	int out[2];
	char line[64] = "";
	size_t got = 0;
	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/saker-smtp-XXXXXX");
	if (mkdtemp(r->dir) == NULL || pipe(out) != 0) {
		r->dir[0] = '\0';
		return false;
	}
	r->pid = fork();
	if (r->pid == 0) {
		char log[96];
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the test, even a crashed one */
		snprintf(log, sizeof(log), "%s/receiver.log", r->dir);
		int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(out[1], STDOUT_FILENO);
		if (logfd >= 0) {
			dup2(logfd, STDERR_FILENO);
		}
		execl(PYTHON, PYTHON, RECEIVER, r->dir, auth, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	if (r->pid < 0) {
		close(out[0]);
		r->pid = 0;
		receiver_stop(r);
		return false;
	}
	setpgid(r->pid, r->pid); /* as the child does: no race on who is first */
	long long deadline = ph_now_ms() + 20000;
	while (strchr(line, '\n') == NULL && got < sizeof(line) - 1 && ph_now_ms() < deadline) {
		struct pollfd p = {out[0], POLLIN, 0};
		if (poll(&p, 1, 200) != 1) {
			continue;
		}
		ssize_t n = read(out[0], line + got, sizeof(line) - 1 - got);
		if (n <= 0) {
			break;
		}
		got += (size_t)n;
		line[got] = '\0';
	}
	close(out[0]);
	int port = 0;
	if (sscanf(line, "PORT %d", &port) != 1 || port <= 0) {
		fprintf(stderr, "smtp receiver did not start (is python3-aiosmtpd installed? scripts/install-deps.sh)\n");
		receiver_stop(r);
		return false;
	}
	snprintf(r->port, sizeof(r->port), "%d", port);
	snprintf(r->hostport, sizeof(r->hostport), "127.0.0.1:%d", port);
	return true;
}

/* Reads mail n's file (ext "eml" or "env") into buf, waiting up to 10 s
 * for it to appear; returns its length (0 when it never came). */
static size_t receiver_read(const receiver *r, int n, const char *ext, char *buf, size_t cap)
{
	char path[128];
	long long deadline = ph_now_ms() + 10000;
	snprintf(path, sizeof(path), "%s/%d.%s", r->dir, n, ext);
	buf[0] = '\0';
	while (access(path, R_OK) != 0 && ph_now_ms() < deadline) {
		nap_ms(20);
	}
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return 0;
	}
	size_t len = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[len] = '\0';
	return len;
}

/* Whether mail n exists (after a send that was refused, it must not). */
static bool receiver_has(const receiver *r, int n)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%d.eml", r->dir, n);
	return access(path, F_OK) == 0;
}

static const char text_mail[] =
	"Date: Sun, 29 Nov 2026 22:00:00 +0000\r\n"
	"From: Saker <saker@example.com>\r\n"
	"To: ops@example.com, Sec Team <sec@example.com>\r\n"
	"Subject: [Warning] 22:00:00.002000789: Warning A shell was spawned in a\r\n"
	" container (user=root container_id=abc123 shell=bash cmdline=bash -i #2)\r\n"
	"Message-ID: <" UUID2 "@saker-test-host>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: text/plain; charset=UTF-8\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"[Warning] Terminal shell in container\r\n"
	"\r\n"
	"22:00:00.002000789: Warning A shell was spawned in a container (user=3Droot=\r\n"
	" container_id=3Dabc123 shell=3Dbash cmdline=3Dbash -i #2)\r\n"
	"\r\n"
	"Rule:     Terminal shell in container\r\n"
	"Priority: Warning\r\n"
	"Source:   syscall\r\n"
	"Hostname: node-1\r\n"
	"Time:     2026-11-29T22:00:00.002000789Z\r\n"
	"Tags:     container, shell\r\n"
	"UUID:     " UUID2 "\r\n"
	"\r\n"
	"Output fields:\r\n"
	"  container.id: abc123\r\n"
	"  proc.cmdline: bash -i #2\r\n"
	"  user.name: root\r\n";

static const char html_mail[] =
"Date: Sun, 29 Nov 2026 22:00:00 +0000\r\n"
	"From: Saker <saker@example.com>\r\n"
	"To: ops@example.com, Sec Team <sec@example.com>\r\n"
	"Subject: [Warning] 22:00:00.001000789: Warning A shell was spawned in a\r\n"
	" container (user=root container_id=abc123 shell=bash cmdline=bash -i #1)\r\n"
	"Message-ID: <" UUID1 "@saker-test-host>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/alternative;\r\n"
	" boundary=\"=_saker_" UUID1 "\"\r\n"
	"\r\n"
	"--=_saker_" UUID1 "\r\n"
	"Content-Type: text/plain; charset=UTF-8\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"[Warning] Terminal shell in container\r\n"
	"\r\n"
	"22:00:00.001000789: Warning A shell was spawned in a container (user=3Droot=\r\n"
	" container_id=3Dabc123 shell=3Dbash cmdline=3Dbash -i #1)\r\n"
	"\r\n"
	"Rule:     Terminal shell in container\r\n"
	"Priority: Warning\r\n"
	"Source:   syscall\r\n"
	"Hostname: node-1\r\n"
	"Time:     2026-11-29T22:00:00.001000789Z\r\n"
	"Tags:     container, shell\r\n"
	"UUID:     " UUID1 "\r\n"
	"\r\n"
	"Output fields:\r\n"
	"  container.id: abc123\r\n"
	"  proc.cmdline: bash -i #1\r\n"
	"  user.name: root\r\n"
	"--=_saker_" UUID1 "\r\n"
	"Content-Type: text/html; charset=UTF-8\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"<!DOCTYPE html>\r\n"
	"<html><head><meta charset=3D\"UTF-8\"><title>[Warning] Terminal shell in cont=\r\n"
	"ainer</title></head>\r\n"
	"<body style=3D\"margin:0;padding:16px;font-family:Helvetica,Arial,sans-serif=\r\n"
	";font-size:14px;color:#1f2328\">\r\n"
	"<div style=3D\"border-left:6px solid #ca8a04;background:#f6f8fa;padding:8px =\r\n"
	"12px\"><div style=3D\"font-size:12px;font-weight:bold;color:#ca8a04\">Warning<=\r\n"
	"/div><div style=3D\"font-size:16px;font-weight:bold\">Terminal shell in conta=\r\n"
	"iner</div></div>\r\n"
	"<p style=3D\"font-family:Menlo,Consolas,monospace;white-space:pre-wrap\">22:0=\r\n"
	"0:00.001000789: Warning A shell was spawned in a container (user=3Droot con=\r\n"
	"tainer_id=3Dabc123 shell=3Dbash cmdline=3Dbash -i #1)</p>\r\n"
	"<table style=3D\"border-collapse:collapse\">\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">Rule</th><td>Termi=\r\n"
	"nal shell in container</td></tr>\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">Priority</th><td>W=\r\n"
	"arning</td></tr>\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">Source</th><td>sys=\r\n"
	"call</td></tr>\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">Hostname</th><td>n=\r\n"
	"ode-1</td></tr>\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">Time</th><td>2026-=\r\n"
	"11-29T22:00:00.001000789Z</td></tr>\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">Tags</th><td>conta=\r\n"
	"iner, shell</td></tr>\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">UUID</th><td>6f1c2=\r\n"
	"a50-0000-4000-8000-000000000001</td></tr>\r\n"
	"</table>\r\n"
	"<h4 style=3D\"margin:16px 0 4px\">Output fields</h4>\r\n"
	"<table style=3D\"border-collapse:collapse;font-family:Menlo,Consolas,monospa=\r\n"
	"ce\">\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">container.id</th><=\r\n"
	"td>abc123</td></tr>\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">proc.cmdline</th><=\r\n"
	"td>bash -i #1</td></tr>\r\n"
	"<tr><th style=3D\"text-align:left;padding:2px 16px 2px 0\">user.name</th><td>=\r\n"
	"root</td></tr>\r\n"
	"</table>\r\n"
	"</body></html>\r\n"
	"--=_saker_" UUID1 "--\r\n";

SK_TEST(html_and_text_mails_byte_for_byte)
{
	static char buf[MAX_MAIL];
	receiver r;
	SK_CHECK(receiver_start(&r, NULL));
	if (r.pid <= 0) {
		return;
	}
	const char *const html_config[] = {"hostport", r.hostport, "tls", "false", "from", "Saker <saker@example.com>",
					   "to", "ops@example.com, Sec Team <sec@example.com>", NULL};
	const char *const text_config[] = {"hostport", r.hostport, "tls", "false", "from", "Saker <saker@example.com>",
					   "to", "ops@example.com, Sec Team <sec@example.com>", "outputformat", "text",
					   NULL};
	ph_plugin p = {0}, q = {0};
	ph_alert a;
	/* the default outputformat: html beside text */
	ph_alert_make(&a, 1);
	SK_CHECK(ph_open(&p, "smtp", html_config));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_STR(p.err, "");
	SK_CHECK_INT(receiver_read(&r, 1, "eml", buf, sizeof(buf)), sizeof(html_mail) - 1);
	SK_CHECK_STR(buf, html_mail);
	receiver_read(&r, 1, "env", buf, sizeof(buf));
	SK_CHECK_STR(buf, "saker@example.com\nops@example.com,sec@example.com\n-\n");
	/* outputformat text */
	ph_alert_make(&a, 2);
	SK_CHECK(ph_open(&q, "smtp", text_config));
	SK_CHECK_INT(q.state != NULL ? ph_send(&q, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_INT(receiver_read(&r, 2, "eml", buf, sizeof(buf)), sizeof(text_mail) - 1);
	SK_CHECK_STR(buf, text_mail);
	/* a body line that is one dot: libcurl doubles it on the wire, the
	 * server undoes it, and the mail is whole (75 characters fill a
	 * quoted-printable line, the dot starts the next) */
	char output[80];
	memset(output, 'a', 75);
	snprintf(output + 75, sizeof(output) - 75, ".");
	a.a.output = output;
	SK_CHECK_INT(q.state != NULL ? ph_send(&q, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK(receiver_read(&r, 3, "eml", buf, sizeof(buf)) > 0);
	SK_CHECK_CONTAINS(buf, "\r\n\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=\r\n.\r\n\r\n"
			       "Rule:     Terminal shell in container\r\n");
	SK_CHECK_CONTAINS(buf, "  user.name: root\r\n");
	/* CR/LF in the alert's text adds no header and no recipient */
	a.a.output = "x\r\nBcc: evil@example.com\r\n\r\nbody";
	a.a.rule = "r\nTo: evil@example.com";
	SK_CHECK_INT(q.state != NULL ? ph_send(&q, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK(receiver_read(&r, 4, "eml", buf, sizeof(buf)) > 0);
	char *end = strstr(buf, "\r\n\r\n");
	SK_CHECK(end != NULL);
	if (end != NULL) {
		end[2] = '\0';
	}
	SK_CHECK_CONTAINS(buf, "\r\nSubject: [Warning] x Bcc: evil@example.com body\r\n");
	SK_CHECK(strstr(buf, "\nBcc:") == NULL && strstr(buf, "evil@example.com\r\nTo:") == NULL);
	receiver_read(&r, 4, "env", buf, sizeof(buf));
	SK_CHECK_STR(buf, "saker@example.com\nops@example.com,sec@example.com\n-\n");
	ph_unload(&p);
	ph_unload(&q);
	receiver_stop(&r);
}

SK_TEST(replies_starttls_and_server_down)
{
	static char buf[MAX_MAIL];
	receiver r;
	ph_alert a;
	SK_CHECK(receiver_start(&r, NULL));
	if (r.pid <= 0) {
		return;
	}
	ph_alert_make(&a, 3);
	/* 451 to a recipient: retry (nothing was delivered); 550: fail */
	static const struct {
		const char *to;
		saker_send_result want;
		const char *why;
	} replies[] = {{"ops@example.com, later@example.com", SAKER_SEND_RETRY, "(last reply 451)"},
		       {"reject@example.com", SAKER_SEND_FAIL, "(last reply 550)"}};
	for (size_t i = 0; i < 2; i++) {
		const char *const config[] = {"hostport", r.hostport, "tls", "false", "from", "saker@example.com",
					      "to", replies[i].to, NULL};
		ph_plugin p = {0};
		SK_CHECK(ph_open(&p, "smtp", config));
		SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, replies[i].want);
		SK_CHECK_CONTAINS(p.err, replies[i].why);
		ph_unload(&p);
	}
	SK_CHECK(!receiver_has(&r, 1));
	/* tls defaults to true: a server without STARTTLS is a failure, and
	 * nothing goes in clear */
	const char *const tls_config[] = {"hostport", r.hostport, "from", "saker@example.com", "to", "ops@example.com",
					  NULL};
	ph_plugin t = {0};
	SK_CHECK(ph_open(&t, "smtp", tls_config));
	SK_CHECK_INT(t.state != NULL ? ph_send(&t, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(t.err, "SSL");
	ph_unload(&t);
	SK_CHECK(!receiver_has(&r, 1));
	/* OAUTHBEARER: user, token, host and port in the initial response */
	const char *const oauth[] = {"hostport", r.hostport, "tls", "false", "from", "saker@example.com", "to",
				     "ops@example.com", "authmechanism", "oauthbearer", "user", "saker", "token",
				     "tok-123", NULL};
	ph_plugin o = {0};
	char want[160];
	SK_CHECK(ph_open(&o, "smtp", oauth));
	SK_CHECK_INT(o.state != NULL ? ph_send(&o, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&o);
	receiver_read(&r, 1, "env", buf, sizeof(buf));
	snprintf(want, sizeof(want), "\nn,a=saker,^Ahost=127.0.0.1^Aport=%s^Aauth=Bearer tok-123^A^A\n", r.port);
	SK_CHECK_CONTAINS(buf, want);
	/* EXTERNAL: the identity as the authorization identity */
	const char *const external[] = {"hostport", r.hostport, "tls", "false", "from", "saker@example.com", "to",
					"ops@example.com", "authmechanism", "external", "identity", "saker-client",
					NULL};
	ph_plugin e = {0};
	SK_CHECK(ph_open(&e, "smtp", external));
	SK_CHECK_INT(e.state != NULL ? ph_send(&e, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	ph_unload(&e);
	receiver_read(&r, 2, "env", buf, sizeof(buf));
	SK_CHECK_STR(buf, "saker@example.com\nops@example.com\nsaker-client\n");
	/* PLAIN asked of a server that offers only OAUTHBEARER and EXTERNAL: refused */
	const char *const plain[] = {"hostport", r.hostport, "tls", "false", "from", "saker@example.com", "to",
				     "ops@example.com", "user", "saker", "password", "pw", NULL};
	ph_plugin pl = {0};
	SK_CHECK(ph_open(&pl, "smtp", plain));
	SK_CHECK_INT(pl.state != NULL ? ph_send(&pl, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
	ph_unload(&pl);
	/* the server is gone: retry */
	receiver_stop(&r);
	const char *const down[] = {"hostport", r.hostport, "tls", "false", "from", "saker@example.com", "to",
				    "ops@example.com", NULL};
	ph_plugin d = {0};
	SK_CHECK(ph_open(&d, "smtp", down));
	SK_CHECK_INT(d.state != NULL ? ph_send(&d, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(d.err, "Couldn't connect");
	ph_unload(&d);
}

SK_TEST(auth_plain_accepted_and_refused)
{
	static char buf[MAX_MAIL];
	receiver r;
	ph_alert a;
	SK_CHECK(receiver_start(&r, "saker:s3cret"));
	if (r.pid <= 0) {
		return;
	}
	ph_alert_make(&a, 4);
	const char *const good[] = {"hostport", r.hostport, "tls", "false", "from", "saker@example.com", "to",
				    "ops@example.com", "user", "saker", "password", "s3cret", "identity", "saker",
				    NULL};
	ph_plugin p = {0};
	SK_CHECK(ph_open(&p, "smtp", good));
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_FAIL, SAKER_SEND_OK);
	SK_CHECK_STR(p.err, "");
	ph_unload(&p);
	receiver_read(&r, 1, "env", buf, sizeof(buf));
	SK_CHECK_STR(buf, "saker@example.com\nops@example.com\nsaker\n");
	/* a wrong password (535) and no AUTH where it is required (530) fail */
	static const char *const mech[] = {"plain", "none"};
	static const char *const why[] = {"(last reply 535)", "(last reply 530)"};
	for (size_t i = 0; i < 2; i++) {
		const char *const bad[] = {"hostport", r.hostport, "tls", "false", "from", "saker@example.com", "to",
					   "ops@example.com", "user", "saker", "password", "wrong", "authmechanism",
					   mech[i], NULL};
		ph_plugin q = {0};
		SK_CHECK(ph_open(&q, "smtp", bad));
		SK_CHECK_INT(q.state != NULL ? ph_send(&q, &a.a) : SAKER_SEND_OK, SAKER_SEND_FAIL);
		SK_CHECK_CONTAINS(q.err, why[i]);
		ph_unload(&q);
	}
	SK_CHECK(!receiver_has(&r, 2));
	receiver_stop(&r);
}

SK_TEST(silent_server_times_out)
{
	/* a listener that never greets: the timeout bounds the attempt */
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	char hostport[32];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	SK_CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 && listen(fd, 4) == 0 &&
		 getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	snprintf(hostport, sizeof(hostport), "127.0.0.1:%u", ntohs(sin.sin_port));
	const char *const config[] = {"hostport", hostport, "tls", "false", "from", "saker@example.com", "to",
				      "ops@example.com", "timeout", "500", NULL};
	ph_plugin p = {0};
	ph_alert a;
	ph_alert_make(&a, 5);
	SK_CHECK(ph_open(&p, "smtp", config));
	long long start = ph_now_ms();
	SK_CHECK_INT(p.state != NULL ? ph_send(&p, &a.a) : SAKER_SEND_OK, SAKER_SEND_RETRY);
	SK_CHECK(ph_now_ms() - start < 5000);
	SK_CHECK_CONTAINS(p.err, "Timeout");
	ph_unload(&p);
	if (fd >= 0) {
		close(fd);
	}
}

SK_TEST(bad_settings_stop_init)
{
	static const char *const bad[][12] = {
		{"hostport", "mail.example.com", "from", "a@b", "to", "c@d", NULL},
		{"hostport", "mail.example.com:25/x", "from", "a@b", "to", "c@d", NULL},
		{"hostport", "m:25", "to", "c@d", NULL},
		{"hostport", "m:25", "from", "a@b\r\nBcc: e@f", "to", "c@d", NULL},
		{"hostport", "m:25", "from", "a@b", "to", "c@d, nobody", NULL},
		{"hostport", "m:25", "from", "a@b", NULL},
		{"hostport", "m:25", "from", "a@b", "to", "c@d", "outputformat", "xml", NULL},
		{"hostport", "m:25", "from", "a@b", "to", "c@d", "authmechanism", "cram-md5", NULL},
		{"hostport", "m:25", "from", "a@b", "to", "c@d", "authmechanism", "oauthbearer", NULL},
		{"hostport", "m:25", "from", "a@b", "to", "c@d", "timeout", "0", NULL},
	};
	static const char *const why[] = {"hostport 'mail.example.com': want host:port",
					  "hostport 'mail.example.com:25/x': want host:port",
					  "from: the sender address is needed",
					  "not an email address",
					  "to 'nobody': not an email address",
					  "to: at least one recipient is needed",
					  "outputformat 'xml': want html or text",
					  "authmechanism 'cram-md5': want plain, oauthbearer, external, anonymous or none",
					  "authmechanism oauthbearer: token is empty",
					  "timeout 0 ms: want 1..600000"};
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		ph_plugin p = {0};
		SK_CHECK(!ph_open(&p, "smtp", bad[i]));
		SK_CHECK_CONTAINS(p.err, why[i]);
		ph_unload(&p);
	}
	/* anonymous and external are accepted (anonymous without AUTH) */
	static const char *const ok[][10] = {
		{"hostport", "m:25", "from", "a@b", "to", "c@d", "authmechanism", "anonymous", NULL},
		{"hostport", "[::1]:2525", "from", "a@b", "to", "c@d", "authmechanism", "EXTERNAL", NULL},
	};
	for (size_t i = 0; i < 2; i++) {
		ph_plugin p = {0};
		SK_CHECK(ph_open(&p, "smtp", ok[i]));
		ph_unload(&p);
	}
}

SK_TEST_MAIN()
