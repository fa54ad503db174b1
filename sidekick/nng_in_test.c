/* nng_in_test.c: the alert link's message splitter (protocol v1 and v2,
 * limits, a bad line among good ones), the PULL input receiving real nng
 * messages, and the whole daemon spooling every good alert of a batch. */
#define _GNU_SOURCE
#include "nng_in.h"

#include <nng/nng.h>
#include <nng/protocol/pipeline0/push.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "alert_log.h"
#include "config.h"
#include "daemon.h"
#include "sidekick/sidekick_harness.h"
#include "sk_test.h"
#include "sk_strbuf.h"

#define MAX_SEEN 4096

/* Receives alerts through the real parser and keeps what it accepted. */
typedef struct sink {
	pthread_mutex_t mu;
	int accepted, rejected;
	int ids[MAX_SEEN]; /* the "id=N" of each accepted alert, in order */
} sink;

static sk_err sink_ingest(void *user, skm_source src, const char *body, size_t len, char *err, size_t errlen)
{
	sink *s = user;
	ska_alert a;
	sk_err e = body != NULL ? ska_check(body, len, &a, err, errlen) : SK_EINVAL;
	pthread_mutex_lock(&s->mu);
	if (src != SKM_SOURCE_NNG || e != SK_OK) {
		s->rejected++;
	} else {
		const char *id = strstr(a.view.output, "id=");
		if (s->accepted < MAX_SEEN) {
			s->ids[s->accepted] = id != NULL ? atoi(id + 3) : -1;
		}
		s->accepted++;
	}
	pthread_mutex_unlock(&s->mu);
	if (e == SK_OK) {
		ska_free(&a);
	}
	return e;
}

static void alert_line(sk_strbuf *out, int id)
{
	sk_strbuf_printf(out,
			 "{\"hostname\":\"h\",\"output\":\"10:00:00.000000000: Warning x (id=%d)\",\"output_fields\":"
			 "{\"proc.name\":\"cat\"},\"priority\":\"Warning\",\"rule\":\"R\",\"source\":\"syscall\","
			 "\"tags\":[],\"time\":\"2024-05-01T10:00:00.000000000Z\"}",
			 id);
}

/* first..first+n-1 as a v2 message, '\n' after each (the last one too when
 * trailing_nl). */
static void batch(sk_strbuf *out, int first, int n, bool trailing_nl)
{
	for (int i = 0; i < n; i++) {
		alert_line(out, first + i);
		if (i + 1 < n || trailing_nl) {
			sk_strbuf_putc(out, '\n');
		}
	}
}

static void sink_init(sink *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
}

/* One splitter run: the message, what the sink saw and what it returned. */
typedef struct split_case {
	sink s;
	skn_counts c;
	char err[600];
	sk_strbuf m;
} split_case;

static sk_err split_run(split_case *t, size_t max_line, size_t max_alerts)
{
	sink_init(&t->s);
	return skn_split(t->m.data, t->m.len, max_line, max_alerts, sink_ingest, &t->s, &t->c, t->err,
			 sizeof(t->err));
}

static bool ids_ascending(const sink *s, int first)
{
	for (int i = 0; i < s->accepted && i < MAX_SEEN; i++) {
		if (s->ids[i] != first + i) {
			return false;
		}
	}
	return true;
}

/* The run accepted and rejected that many (by its count and the sink's),
 * kept the accepted ones in order from first_id, and err says why. */
static void check_run(const split_case *t, int accepted, int rejected, int first_id, const char *err_part)
{
	SK_CHECK_INT(t->c.accepted, accepted);
	SK_CHECK_INT(t->c.rejected, rejected);
	SK_CHECK_INT(t->s.accepted, accepted);
	SK_CHECK_INT(t->s.rejected, rejected);
	SK_CHECK(ids_ascending(&t->s, first_id));
	SK_CHECK_CONTAINS(t->err, err_part);
}

SK_TEST(v1_single_alert_without_newline)
{
	split_case t = {.m = SK_STRBUF_INIT};
	alert_line(&t.m, 7);
	SK_CHECK_INT(split_run(&t, 1 << 20, SKN_MAX_ALERTS), SK_OK);
	check_run(&t, 1, 0, 7, "");
	SK_CHECK_STR(t.err, "");
	sk_strbuf_free(&t.m);
}

SK_TEST(v2_batch_with_and_without_trailing_newline)
{
	for (int nl = 0; nl < 2; nl++) {
		split_case t = {.m = SK_STRBUF_INIT};
		batch(&t.m, 100, 50, nl == 1);
		SK_CHECK_INT(split_run(&t, 1 << 20, SKN_MAX_ALERTS), SK_OK);
		check_run(&t, 50, 0, 100, "");
		sk_strbuf_free(&t.m);
	}
}

SK_TEST(bad_line_is_rejected_good_ones_kept)
{
	split_case t = {.m = SK_STRBUF_INIT};
	batch(&t.m, 0, 2, true);
	sk_strbuf_puts(&t.m, "{\"rule\":\"no priority\"}\n\r\n\n"); /* alert 3, then blank lines */
	sk_strbuf_puts(&t.m, "{not json\n");                         /* alert 4 */
	batch(&t.m, 2, 3, false);
	SK_CHECK(split_run(&t, 1 << 20, SKN_MAX_ALERTS) != SK_OK);
	check_run(&t, 5, 2, 0, "alert 4 of the message: ");
	sk_strbuf_free(&t.m);
}

SK_TEST(limits_reject_and_count)
{
	split_case t = {.m = SK_STRBUF_INIT};

	/* More alerts than allowed: the first ones are kept. */
	batch(&t.m, 0, 5, true);
	SK_CHECK_INT(split_run(&t, 1 << 20, 3), SK_ERANGE);
	check_run(&t, 3, 2, 0, "alert 5 of the message: more than 3 alerts");

	/* One alert over the per-alert limit, between two that fit. */
	sk_strbuf_reset(&t.m);
	alert_line(&t.m, 0);
	size_t limit = t.m.len;
	sk_strbuf_putc(&t.m, '\n');
	alert_line(&t.m, 12345678); /* a valid alert, 7 bytes too long */
	sk_strbuf_putc(&t.m, '\n');
	alert_line(&t.m, 1);
	SK_CHECK_INT(split_run(&t, limit, SKN_MAX_ALERTS), SK_ERANGE);
	check_run(&t, 2, 1, 0, "alert 2 of the message: ");
	SK_CHECK_CONTAINS(t.err, "-byte limit");

	/* No alert at all still counts once. */
	const char *empties[] = {"", "\n", "\r\n \n\t"};
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		sk_strbuf_reset(&t.m);
		sk_strbuf_puts(&t.m, empties[i]);
		SK_CHECK_INT(split_run(&t, limit, SKN_MAX_ALERTS), SK_EINVAL);
		check_run(&t, 0, 1, 0, "empty message");
	}
	sk_strbuf_free(&t.m);
}

/* Sends each buffer as one message over a fresh PUSH socket dialed to url. */
static void push_messages(const char *url, sk_strbuf *msgs, size_t n)
{
	nng_socket push;
	SK_CHECK_INT(nng_push0_open(&push), 0);
	nng_socket_set_ms(push, NNG_OPT_SENDTIMEO, 5000);
	SK_CHECK_INT(nng_dial(push, url, NULL, 0), 0);
	for (size_t i = 0; i < n; i++) {
		SK_CHECK_INT(nng_send(push, msgs[i].data, msgs[i].len, 0), 0);
	}
	usleep(100000); /* nng_close may drop what is still buffered */
	nng_close(push);
}

static int sink_total(sink *s)
{
	pthread_mutex_lock(&s->mu);
	int n = s->accepted + s->rejected;
	pthread_mutex_unlock(&s->mu);
	return n;
}

SK_TEST(pull_input_takes_v1_and_v2_messages)
{
	char dir[64], url[128], err[512];
	sink s;
	skn_input *in = NULL;
	sk_strbuf msgs[4] = {SK_STRBUF_INIT, SK_STRBUF_INIT, SK_STRBUF_INIT, SK_STRBUF_INIT};
	snprintf(dir, sizeof(dir), "/tmp/skn_test_XXXXXX");
	SK_CHECK(mkdtemp(dir) != NULL);
	snprintf(url, sizeof(url), "ipc://%s/alerts.sock", dir);
	sink_init(&s);
	SK_CHECK_INT(skn_start(url, 4096, sink_ingest, &s, &in, err, sizeof(err)), SK_OK);
	alert_line(&msgs[0], 0);           /* v1 */
	batch(&msgs[1], 1, 300, true);     /* ~60 KiB: above the 4 KiB per-alert limit as a whole */
	batch(&msgs[2], 301, 2, true);
	sk_strbuf_puts(&msgs[2], "{\"x\":1}\n");
	batch(&msgs[2], 303, 1, false);
	batch(&msgs[3], 304, 10, false);
	if (in != NULL) {
		push_messages(url, msgs, 4);
	}
	for (int i = 0; i < 500 && sink_total(&s) < 315; i++) {
		usleep(10000);
	}
	skn_stop(in);
	SK_CHECK_INT(s.accepted, 314);
	SK_CHECK_INT(s.rejected, 1);
	SK_CHECK(ids_ascending(&s, 0));
	for (int i = 0; i < 4; i++) {
		sk_strbuf_free(&msgs[i]);
	}
	snprintf(err, sizeof(err), "rm -rf '%s'", dir);
	SK_CHECK_INT(skt_run(err), 0);
}

/* GET /metrics over a plain socket; returns the value of the series. */
static long metric(uint16_t port, const char *series)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	static char buf[1 << 16];
	size_t len = 0;
	ssize_t n = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	const char req[] = "GET /metrics HTTP/1.0\r\n\r\n";
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	do {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		len += n > 0 ? (size_t)n : 0;
	} while (n > 0 && len < sizeof(buf) - 1);
	close(fd);
	buf[len] = '\0';
	const char *p = strstr(buf, series);
	return p != NULL ? strtol(p + strlen(series), NULL, 10) : -1;
}

SK_TEST(daemon_spools_every_good_alert_of_a_batch)
{
	char dir[64], cfgtext[512], url[128], err[512], plugins[128];
	skc_config *cfg = NULL;
	skd_daemon *d = NULL;
	sk_strbuf msgs[3] = {SK_STRBUF_INIT, SK_STRBUF_INIT, SK_STRBUF_INIT};
	const char *acc = "inputs_total{source=\"nng\",status=\"accepted\"} ";
	const char *rej = "inputs_total{source=\"nng\",status=\"rejected\"} ";
	uint16_t port = skt_free_port();

	snprintf(dir, sizeof(dir), "/tmp/skn_test_XXXXXX");
	SK_CHECK(mkdtemp(dir) != NULL);
	snprintf(url, sizeof(url), "ipc://%s/alerts.sock", dir);
	snprintf(plugins, sizeof(plugins), "%s/no-plugins", dir);
	int n = snprintf(cfgtext, sizeof(cfgtext), "listenport: %u\nnng:\n  listen: %s\nspool:\n  dir: %s/spool\n",
			 (unsigned)port, url, dir);
	SK_CHECK_INT(skc_load_buffer("test", cfgtext, (size_t)n, &cfg, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(skd_start(cfg, plugins, &d, err, sizeof(err)), SK_OK);
	batch(&msgs[0], 0, 200, true);
	sk_strbuf_puts(&msgs[1], "{\"priority\":\"Bogus\"}\n");
	batch(&msgs[1], 200, 20, false);
	alert_line(&msgs[2], 220);
	if (d != NULL) {
		push_messages(url, msgs, 3);
	}
	for (int i = 0; d != NULL && i < 500 && metric(port, acc) + metric(port, rej) < 222; i++) {
		usleep(10000);
	}
	SK_CHECK_INT(metric(port, acc), 221);
	SK_CHECK_INT(metric(port, rej), 1);
	SK_CHECK(skd_stop(d));
	skc_free(cfg);

	/* Every accepted alert is in the spool, in order. */
	char spool[128];
	sal_log *log = NULL;
	sal_reader *r = NULL;
	sal_record rec;
	uint64_t skipped = 0;
	int count = 0, in_order = 0;
	snprintf(spool, sizeof(spool), "%s/spool", dir);
	sal_options lo = {.dir = spool};
	SK_CHECK_INT(sal_open(&lo, &log, err, sizeof(err)), SK_OK);
	SK_CHECK_INT(log != NULL ? sal_reader_open(log, 0, &r) : SK_EINVAL, SK_OK);
	while (r != NULL && count < 1000 && sal_reader_next(r, &rec, &skipped) == SK_OK) {
		char want[32];
		int wn = snprintf(want, sizeof(want), "(id=%d)", count);
		in_order += memmem(rec.data, rec.len, want, (size_t)wn) != NULL;
		count++;
	}
	SK_CHECK_INT(count, 221);
	SK_CHECK_INT(in_order, 221);
	sal_reader_close(r);
	sal_close(log);
	for (int i = 0; i < 3; i++) {
		sk_strbuf_free(&msgs[i]);
	}
	snprintf(err, sizeof(err), "rm -rf '%s'", dir);
	SK_CHECK_INT(skt_run(err), 0);
}

SK_TEST_MAIN()
