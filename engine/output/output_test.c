/* output_test.c: Falco's JSON and text formats byte for byte, and every
 * channel against a real peer: a file, a program, an HTTP server on
 * loopback (libmicrohttpd, random port; over TLS too, with a CA and client
 * certificates made by openssl) and an nng PULL socket (single
 * alerts when idle, '\n'-separated batches under a backlog, every alert of a
 * failed batch counted); plus the bounded queue counting what it drops. */
#define _GNU_SOURCE
#include "output.h"

#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sk_test.h"

static const char *const tags[] = {"mitre_persistence", "filesystem", "T1543"};

static sk_alert sample_alert(void)
{
	sk_alert a = {0};
	a.ts = 1690557262753607000ull; /* 2023-07-28T15:14:22.753607000Z */
	a.rule = "Write below etc";
	a.priority = "Warning";
	a.source = "syscall";
	a.tags = tags;
	a.ntags = 3;
	a.hostname = "node-1";
	a.message = "File below /etc opened for writing (file=/etc/x \"q\")";
	a.output_fields = "{\"proc.name\":\"cat\",\"fd.num\":3,\"evt.type\":\"openat\",\"user.name\":null,"
			  "\"evt.is_open_write\":true}";
	return a;
}

static sk_output_config config(void)
{
	sk_output_config c;
	SK_CHECK_INT(sk_output_config_defaults(&c), SK_OK);
	return c;
}

SK_TEST(json_is_falcos)
{
	sk_output_config c = config();
	sk_alert a = sample_alert();
	sk_strbuf sb = SK_STRBUF_INIT;
	c.time_format_iso_8601 = true;
	SK_CHECK_INT(sk_alert_format_json(&a, &c, &sb), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb),
		     "{\"hostname\":\"node-1\",\"output\":\"2023-07-28T15:14:22.753607000+0000: Warning File below /etc "
		     "opened for writing (file=/etc/x \\\"q\\\")\",\"output_fields\":{\"evt.is_open_write\":true,"
		     "\"evt.type\":\"openat\",\"fd.num\":3,\"proc.name\":\"cat\",\"user.name\":null},\"priority\":"
		     "\"Warning\",\"rule\":\"Write below etc\",\"source\":\"syscall\",\"tags\":[\"T1543\","
		     "\"filesystem\",\"mitre_persistence\"],\"time\":\"2023-07-28T15:14:22.753607000Z\"}");
	sk_strbuf_reset(&sb);
	c.json_include_output_property = false;
	c.json_include_tags_property = false;
	a.output_fields = NULL;
	SK_CHECK_INT(sk_alert_format_json(&a, &c, &sb), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"hostname\":\"node-1\",\"output_fields\":{},\"priority\":\"Warning\","
					 "\"rule\":\"Write below etc\",\"source\":\"syscall\","
					 "\"time\":\"2023-07-28T15:14:22.753607000Z\"}");
	sk_strbuf_reset(&sb);
	c.json_include_message_property = true;
	c.json_include_output_fields_property = false;
	SK_CHECK_INT(sk_alert_format_json(&a, &c, &sb), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "{\"hostname\":\"node-1\",\"message\":\"File below /etc opened for writing "
					 "(file=/etc/x \\\"q\\\")\",\"priority\":\"Warning\",\"rule\":\"Write below etc\","
					 "\"source\":\"syscall\",\"time\":\"2023-07-28T15:14:22.753607000Z\"}");
	c.json_include_message_property = false;
	c.json_include_output_fields_property = true;
	sk_strbuf_reset(&sb);
	a.tags = NULL; /* a rule without tags */
	a.ntags = 0;
	c.json_include_tags_property = true;
	SK_CHECK_INT(sk_alert_format_json(&a, &c, &sb), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "\"tags\":[],");
	sk_strbuf_reset(&sb);
	a.output_fields = "[1,2]";
	SK_CHECK_INT(sk_alert_format_json(&a, &c, &sb), SK_EINVAL);
	sk_strbuf_free(&sb);
	sk_output_config_free(&c);
}

SK_TEST(text_is_falcos)
{
	sk_output_config c = config();
	sk_alert a = sample_alert();
	sk_strbuf sb = SK_STRBUF_INIT;
	setenv("TZ", "UTC", 1);
	tzset();
	sk_alert_format_text(&a, &c, &sb);
	SK_CHECK_STR(sk_strbuf_str(&sb), "15:14:22.753607000: Warning File below /etc opened for writing (file=/etc/x \"q\")");
	sk_strbuf_reset(&sb);
	c.time_format_iso_8601 = true;
	sk_alert_format_text(&a, &c, &sb);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "2023-07-28T15:14:22.753607000+0000: Warning File below");
	sk_strbuf_free(&sb);
	sk_output_config_free(&c);
}

/* Reads a whole small file into a static buffer. */
static const char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;
	buf[0] = '\0';
	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s != '\0'; s++) {
		n += *s == '\n';
	}
	return n;
}

SK_TEST(file_and_program_channels)
{
	char file[64], prog_out[64], prog[160];
	sk_output_config c = config();
	sk_outputs *o = NULL;
	sk_alert a = sample_alert();
	snprintf(file, sizeof(file), "/tmp/sk_output_test_%d.txt", (int)getpid());
	snprintf(prog_out, sizeof(prog_out), "/tmp/sk_output_test_%d.prog", (int)getpid());
	snprintf(prog, sizeof(prog), "cat >> %s", prog_out);
	unlink(file);
	unlink(prog_out);
	c.stdout_enabled = false;
	c.file_enabled = true;
	free(c.file_name);
	c.file_name = strdup(file);
	c.program_enabled = true;
	free(c.program);
	c.program = strdup(prog);
	for (int keep = 0; keep < 2; keep++) {
		c.file_keep_alive = c.program_keep_alive = keep == 1;
		c.json_output = keep == 1;
		SK_CHECK_INT(sk_outputs_open(&c, &o), SK_OK);
		if (o == NULL) {
			break;
		}
		for (int i = 0; i < 3; i++) {
			SK_CHECK_INT(sk_outputs_submit(o, &a), SK_OK);
		}
		sk_outputs_drain(o);
		sk_outputs_stats st;
		sk_outputs_stats_get(o, &st);
		SK_CHECK_INT(st.alerts, 3);
		SK_CHECK_INT(st.sent, 6);
		SK_CHECK_INT(st.failed, 0);
		sk_outputs_close(o);
	}
	const char *f = slurp(file);
	SK_CHECK_INT(count_lines(f), 6);
	SK_CHECK_CONTAINS(f, ": Warning File below /etc opened for writing");
	SK_CHECK_CONTAINS(f, "{\"hostname\":\"node-1\",\"output\":");
	const char *p = slurp(prog_out);
	SK_CHECK_INT(count_lines(p), 6);
	SK_CHECK_CONTAINS(p, "\"rule\":\"Write below etc\"");
	unlink(file);
	unlink(prog_out);
	sk_output_config_free(&c);
}

/* A loopback HTTP receiver that keeps what it was sent. Over TLS (a
 * daemon started with MHD_OPTION_HTTPS_MEM_TRUST) it wants a client
 * certificate signed by its CA: a post without one is counted as refused
 * and answered 403. */
typedef struct receiver {
	pthread_mutex_t mu;
	int posts;
	char body[8192];
	char content_type[128];
	char user_agent[128];
	char te[64];	      /* the TE header (http_output.compress_uploads) */
	int status;	      /* answer with this */
	long stall_ms;	      /* the next answer waits this long (once) */
	int verified, refused; /* TLS client certificates */
} receiver;

/* Whether conn is TLS with a client certificate its CA signed. */
static bool client_verified(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t tls = ci != NULL ? (gnutls_session_t)ci->tls_session : NULL;
	unsigned status = 1, npeers = 0;
	return tls != NULL && gnutls_certificate_verify_peers2(tls, &status) == 0 && status == 0 &&
	       gnutls_certificate_get_peers(tls, &npeers) != NULL && npeers > 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *data, size_t *size, void **state)
{
	receiver *r = cls;
	static int marker;
	if (*state == NULL) {
		*state = &marker;
		pthread_mutex_lock(&r->mu);
		r->body[0] = '\0';
		pthread_mutex_unlock(&r->mu);
		return MHD_YES;
	}
	if (*size > 0) {
		pthread_mutex_lock(&r->mu);
		size_t have = strlen(r->body);
		size_t n = *size < sizeof(r->body) - 1 - have ? *size : sizeof(r->body) - 1 - have;
		memcpy(r->body + have, data, n);
		r->body[have + n] = '\0';
		pthread_mutex_unlock(&r->mu);
		*size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&r->mu);
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	const char *ua = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent");
	const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "TE");
	snprintf(r->content_type, sizeof(r->content_type), "%s", ct != NULL ? ct : "");
	snprintf(r->user_agent, sizeof(r->user_agent), "%s", ua != NULL ? ua : "");
	snprintf(r->te, sizeof(r->te), "%s", te != NULL ? te : "");
	if (strcmp(method, "POST") == 0) {
		r->posts++;
	}
	int status = r->status;
	if (MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION) != NULL) {
		bool ok = client_verified(conn);
		r->verified += ok;
		r->refused += !ok;
		status = ok ? status : 403;
	}
	long stall = r->stall_ms;
	r->stall_ms = 0;
	pthread_mutex_unlock(&r->mu);
	if (stall > 0) {
		struct timespec ts = {stall / 1000, (stall % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(2, (void *)"{}", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Starts a plain HTTP receiver on a loopback port (extra MHD flags
 * added) and writes its URL; NULL when it cannot start. */
static struct MHD_Daemon *start_receiver(receiver *r, unsigned flags, char *url, size_t cap)
{
	pthread_mutex_init(&r->mu, NULL);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | flags, 0, NULL,
						NULL, on_request, r, MHD_OPTION_END);
	SK_CHECK(d != NULL);
	if (d != NULL) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		snprintf(url, cap, "http://127.0.0.1:%u/", info->port);
	}
	return d;
}

SK_TEST(http_channel_posts_each_alert)
{
	receiver r = {.status = 200};
	char url[64];
	struct MHD_Daemon *d = start_receiver(&r, 0, url, sizeof(url));
	if (d == NULL) {
		return;
	}
	sk_output_config c = config();
	sk_outputs *o = NULL;
	sk_alert a = sample_alert();
	c.stdout_enabled = false;
	c.http_enabled = true;
	c.json_output = true;
	free(c.http_url);
	c.http_url = strdup(url);
	SK_CHECK_INT(sk_outputs_open(&c, &o), SK_OK);
	for (int i = 0; o != NULL && i < 4; i++) {
		SK_CHECK_INT(sk_outputs_submit(o, &a), SK_OK);
	}
	sk_outputs_drain(o);
	pthread_mutex_lock(&r.mu);
	SK_CHECK_INT(r.posts, 4);
	SK_CHECK_STR(r.content_type, "application/json");
	SK_CHECK_STR(r.user_agent, "falcosecurity/falco");
	SK_CHECK_CONTAINS(r.body, "\"rule\":\"Write below etc\"");
	SK_CHECK(r.body[0] == '{' && r.body[strlen(r.body) - 1] == '}');
	r.status = 500; /* now the receiver fails: counted, not retried forever */
	pthread_mutex_unlock(&r.mu);
	SK_CHECK_INT(sk_outputs_submit(o, &a), SK_OK);
	sk_outputs_drain(o);
	sk_outputs_stats st;
	sk_outputs_stats_get(o, &st);
	SK_CHECK_INT(st.sent, 4);
	SK_CHECK_INT(st.failed, 1);
	sk_outputs_close(o);
	MHD_stop_daemon(d);
	pthread_mutex_destroy(&r.mu);
	sk_output_config_free(&c);
}

/* A CA, a server certificate for 127.0.0.1 and a client certificate it
 * signed, made with openssl in dir (ca.pem, server.pem/.key,
 * client.pem/.key). */
static bool make_certificates(const char *dir)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && P='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes' && "
		 "openssl req -x509 $P -keyout ca.key -out ca.pem -days 1 -subj /CN=saker-test-ca && "
		 "printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext && "
		 "openssl req $P -keyout server.key -out server.csr -subj /CN=127.0.0.1 && "
		 "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 "
		 "-extfile server.ext -out server.pem && "
		 "openssl req $P -keyout client.key -out client.csr -subj /CN=saker-engine && "
		 "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out client.pem",
		 dir);
	return system(cmd) == 0;
}

/* Posts n alerts through an http channel set by c; returns sent, failed. */
static void post_alerts(sk_output_config *c, int n, uint64_t *sent, uint64_t *failed)
{
	sk_outputs *o = NULL;
	sk_alert a = sample_alert();
	sk_outputs_stats st = {0};
	SK_CHECK_INT(sk_outputs_open(c, &o), SK_OK);
	for (int i = 0; o != NULL && i < n; i++) {
		SK_CHECK_INT(sk_outputs_submit(o, &a), SK_OK);
	}
	if (o != NULL) {
		sk_outputs_drain(o);
		sk_outputs_stats_get(o, &st);
		sk_outputs_close(o);
	}
	*sent = st.sent;
	*failed = st.failed;
}

static void set_str(char **slot, const char *value)
{
	free(*slot);
	*slot = strdup(value);
}

SK_TEST(http_channel_tls_ca_and_client_certificates)
{
	char dir[] = "/tmp/sk_output_tls_XXXXXX", path[256], key[65536], cert[65536], ca[65536];
	SK_CHECK(mkdtemp(dir) != NULL);
	SK_CHECK(make_certificates(dir));
	snprintf(path, sizeof(path), "%s/server.key", dir);
	snprintf(key, sizeof(key), "%s", slurp(path));
	snprintf(path, sizeof(path), "%s/server.pem", dir);
	snprintf(cert, sizeof(cert), "%s", slurp(path));
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	snprintf(ca, sizeof(ca), "%s", slurp(path));
	receiver r = {.status = 200};
	pthread_mutex_init(&r.mu, NULL);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_ERROR_LOG, 0,
						NULL, NULL, on_request, &r, MHD_OPTION_HTTPS_MEM_KEY, key,
						MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_TRUST, ca,
						MHD_OPTION_END);
	SK_CHECK(d != NULL);
	if (d == NULL) {
		return;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char url[64], file[256];
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/", info->port);
	sk_output_config c = config();
	uint64_t sent = 0, failed = 0;
	c.stdout_enabled = false;
	c.http_enabled = true;
	c.json_output = true;
	set_str(&c.http_url, url);
	snprintf(file, sizeof(file), "%s/ca.pem", dir);
	set_str(&c.http_ca_cert, file);
	c.http_mtls = true;
	snprintf(file, sizeof(file), "%s/client.pem", dir);
	set_str(&c.http_client_cert, file);
	snprintf(file, sizeof(file), "%s/client.key", dir);
	set_str(&c.http_client_key, file);

	/* ca_cert verifies the server, mtls presents the client certificate */
	post_alerts(&c, 2, &sent, &failed);
	SK_CHECK(sent == 2 && failed == 0);
	pthread_mutex_lock(&r.mu);
	SK_CHECK(r.verified == 2 && r.refused == 0);
	SK_CHECK_STR(r.te, "");
	pthread_mutex_unlock(&r.mu);

	/* ca_bundle does the same when ca_cert is empty */
	snprintf(file, sizeof(file), "%s/ca.pem", dir);
	set_str(&c.http_ca_bundle, file);
	set_str(&c.http_ca_cert, "");
	c.http_compress_uploads = true; /* Falco's meaning: a TE request header */
	post_alerts(&c, 1, &sent, &failed);
	SK_CHECK(sent == 1 && failed == 0);
	pthread_mutex_lock(&r.mu);
	SK_CHECK(r.verified == 3);
	SK_CHECK_CONTAINS(r.te, "gzip");
	pthread_mutex_unlock(&r.mu);

	/* without the CA (an empty ca_path) the server is not trusted */
	set_str(&c.http_ca_bundle, "");
	set_str(&c.http_ca_path, dir);
	post_alerts(&c, 1, &sent, &failed);
	SK_CHECK(sent == 0 && failed == 1);

	/* without mtls the receiver refuses the post */
	set_str(&c.http_ca_cert, file);
	c.http_mtls = false;
	post_alerts(&c, 1, &sent, &failed);
	SK_CHECK(sent == 0 && failed == 1);
	pthread_mutex_lock(&r.mu);
	SK_CHECK(r.verified == 3 && r.refused == 1);
	pthread_mutex_unlock(&r.mu);

	/* echo: the receiver's answer on stdout, a line per post */
	c.http_mtls = true;
	c.http_echo = true;
	snprintf(file, sizeof(file), "%s/stdout.txt", dir);
	fflush(stdout);
	int saved = dup(1);
	FILE *capture = freopen(file, "w", stdout);
	SK_CHECK(capture != NULL);
	post_alerts(&c, 2, &sent, &failed);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	SK_CHECK(sent == 2);
	SK_CHECK_STR(slurp(file), "{}\n{}\n");

	/* a certificate file that is not there stops the start */
	snprintf(file, sizeof(file), "%s/nothing.key", dir);
	set_str(&c.http_client_key, file);
	sk_outputs *o = NULL;
	SK_CHECK_INT(sk_outputs_open(&c, &o), SK_EINVAL);
	SK_CHECK(o == NULL);
	MHD_stop_daemon(d);
	pthread_mutex_destroy(&r.mu);
	sk_output_config_free(&c);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	SK_CHECK(system(path) == 0);
}

/* http_output.max_consecutive_timeouts: a post the receiver leaves
 * unanswered past the 5 s timeout is posted again (about 6 s). */
SK_TEST(http_channel_retries_a_timed_out_post)
{
	receiver r = {.status = 200, .stall_ms = 6000};
	char url[64];
	/* a thread per connection: the retry is answered while the first waits */
	struct MHD_Daemon *d = start_receiver(&r, MHD_USE_THREAD_PER_CONNECTION, url, sizeof(url));
	if (d == NULL) {
		return;
	}
	sk_output_config c = config();
	uint64_t sent = 0, failed = 0;
	c.stdout_enabled = false;
	c.http_enabled = true;
	free(c.http_url);
	c.http_url = strdup(url);
	c.http_max_consecutive_timeouts = 1;
	post_alerts(&c, 1, &sent, &failed);
	SK_CHECK(sent == 1 && failed == 0);
	pthread_mutex_lock(&r.mu);
	SK_CHECK_INT(r.posts, 2); /* the stalled one and its retry */
	pthread_mutex_unlock(&r.mu);
	MHD_stop_daemon(d);
	pthread_mutex_destroy(&r.mu);
	sk_output_config_free(&c);
}

/* Runs the alerts through outputs c with the process's stderr in a file;
 * returns what was written there (static) and the stats. */
static const char *stderr_of_alerts(sk_output_config *c, int n, sk_outputs_stats *st)
{
	static char text[4096];
	char path[] = "/tmp/sk_output_stderr_XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDERR_FILENO);
	sk_outputs *o = NULL;
	sk_alert a = sample_alert();

	text[0] = '\0';
	memset(st, 0, sizeof(*st));
	if (fd < 0 || saved < 0) {
		return text;
	}
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	if (sk_outputs_open(c, &o) == SK_OK) {
		for (int i = 0; i < n; i++) {
			(void)sk_outputs_submit(o, &a);
		}
		sk_outputs_drain(o);
		sk_outputs_stats_get(o, st);
		sk_outputs_close(o);
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	ssize_t len = pread(fd, text, sizeof(text) - 1, 0);
	text[len > 0 ? len : 0] = '\0';
	close(fd);
	unlink(path);
	return text;
}

/* output_timeout: a channel stuck on one alert past the timeout is named
 * in one warning; nothing is dropped; 0 keeps it quiet. */
SK_TEST(output_timeout_names_the_stuck_channel)
{
	receiver r = {.status = 200, .stall_ms = 1500};
	char url[64];
	sk_outputs_stats st;
	struct MHD_Daemon *d = start_receiver(&r, 0, url, sizeof(url));
	if (d == NULL) {
		return;
	}
	sk_output_config c = config();
	c.stdout_enabled = false;
	c.http_enabled = true;
	set_str(&c.http_url, url);
	c.timeout_ms = 300;
	const char *text = stderr_of_alerts(&c, 3, &st);
	SK_CHECK(st.sent == 3 && st.failed == 0 && st.queue_full == 0);
	SK_CHECK(st.timeouts == 1);
	SK_CHECK_CONTAINS(text, "output_timeout: the http output has been delivering one alert for more than 300 ms");
	const char *first = strstr(text, "output_timeout");
	SK_CHECK(first != NULL && strstr(first + 1, "output_timeout") == NULL); /* once per stuck delivery */
	/* the same stall with the warning off */
	pthread_mutex_lock(&r.mu);
	r.stall_ms = 1500;
	pthread_mutex_unlock(&r.mu);
	c.timeout_ms = 0;
	text = stderr_of_alerts(&c, 1, &st);
	SK_CHECK(st.sent == 1 && st.timeouts == 0);
	SK_CHECK(strstr(text, "output_timeout") == NULL);
	MHD_stop_daemon(d);
	pthread_mutex_destroy(&r.mu);
	sk_output_config_free(&c);
}

/* What a PULL socket got: messages, alerts (lines) and the largest batch. */
typedef struct nng_seen {
	int messages, alerts, max_batch;
	size_t max_bytes;
	int out_of_order; /* alert numbers (in the message) not ascending */
	int bad_lines;    /* empty, or not one JSON object */
	int next;         /* number expected next */
} nng_seen;

static void seen_line(nng_seen *s, const char *line, size_t len)
{
	char want[32];
	int n = snprintf(want, sizeof(want), "alert #%d)", s->next);
	if (len < 2 || line[0] != '{' || line[len - 1] != '}' || memchr(line, '\n', len) != NULL) {
		s->bad_lines++;
	}
	if (memmem(line, len, want, (size_t)n) == NULL) {
		s->out_of_order++;
	}
	s->next++;
	s->alerts++;
}

/* Receives until want alerts arrived or a receive times out (pull has its
 * RECVTIMEO set); splits every message on '\n'. */
static void nng_receive(nng_socket pull, int want, nng_seen *s)
{
	while (s->alerts < want) {
		nng_msg *m = NULL;
		if (nng_recvmsg(pull, &m, 0) != 0) {
			break;
		}
		const char *p = nng_msg_body(m), *end = p + nng_msg_len(m);
		int before = s->alerts;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *stop = nl != NULL ? nl : end;
			seen_line(s, p, (size_t)(stop - p));
			p = nl != NULL ? nl + 1 : end;
		}
		s->messages++;
		s->max_batch = s->alerts - before > s->max_batch ? s->alerts - before : s->max_batch;
		s->max_bytes = nng_msg_len(m) > s->max_bytes ? nng_msg_len(m) : s->max_bytes;
		nng_msg_free(m);
	}
}

/* Outputs with only the nng channel, dialing url. */
static sk_outputs *nng_outputs(sk_output_config *c, const char *url)
{
	sk_outputs *o = NULL;
	c->stdout_enabled = false;
	c->nng_enabled = true;
	free(c->nng_url);
	c->nng_url = strdup(url);
	SK_CHECK_INT(sk_outputs_open(c, &o), SK_OK);
	return o;
}

static sk_err submit_numbered(sk_outputs *o, int i)
{
	char msg[128];
	sk_alert a = sample_alert();
	snprintf(msg, sizeof(msg), "File below /etc opened for writing (alert #%d)", i);
	a.message = msg;
	return sk_outputs_submit(o, &a);
}

/* Drains o and checks its delivery counts. */
static void check_delivered(sk_outputs *o, uint64_t sent, uint64_t failed)
{
	sk_outputs_stats st = {0};
	if (o != NULL) {
		sk_outputs_drain(o);
		sk_outputs_stats_get(o, &st);
	}
	SK_CHECK_INT(st.sent, sent);
	SK_CHECK_INT(st.failed, failed);
}

SK_TEST(nng_channel_sends_each_alert_at_once_when_idle)
{
	char url[96];
	nng_socket pull;
	nng_seen seen = {0};
	snprintf(url, sizeof(url), "ipc:///tmp/sk_output_test_%d.sock", (int)getpid());
	SK_CHECK_INT(nng_pull0_open(&pull), 0);
	SK_CHECK_INT(nng_listen(pull, url, NULL, 0), 0);
	nng_socket_set_ms(pull, NNG_OPT_RECVTIMEO, 5000);
	sk_output_config c = config();
	sk_outputs *o = nng_outputs(&c, url);
	for (int i = 0; o != NULL && i < 3; i++) {
		SK_CHECK_INT(submit_numbered(o, i), SK_OK);
		/* Once the queue is empty the alert must be on the wire, alone. */
		sk_outputs_drain(o);
		nng_receive(pull, i + 1, &seen);
		SK_CHECK_INT(seen.messages, i + 1);
	}
	SK_CHECK_INT(seen.alerts, 3);
	SK_CHECK_INT(seen.max_batch, 1);
	SK_CHECK_INT(seen.bad_lines + seen.out_of_order, 0);
	check_delivered(o, 3, 0);
	sk_outputs_close(o);
	nng_close(pull);
	sk_output_config_free(&c);
}

SK_TEST(nng_channel_batches_a_backlog)
{
	enum { N = 1000 };
	char url[96];
	nng_socket pull;
	nng_seen seen = {0};
	snprintf(url, sizeof(url), "ipc:///tmp/sk_output_test_b%d.sock", (int)getpid());
	sk_output_config c = config();
	/* Nobody listens yet: the first alert's send waits for the sidekick
	 * while the rest queue up behind it, as in a burst. */
	sk_outputs *o = nng_outputs(&c, url);
	for (int i = 0; o != NULL && i < N; i++) {
		SK_CHECK_INT(submit_numbered(o, i), SK_OK);
	}
	usleep(100000);
	SK_CHECK_INT(nng_pull0_open(&pull), 0);
	nng_socket_set_ms(pull, NNG_OPT_RECVTIMEO, 5000);
	SK_CHECK_INT(nng_listen(pull, url, NULL, 0), 0);
	nng_receive(pull, N, &seen);
	SK_CHECK_INT(seen.alerts, N);
	SK_CHECK_INT(seen.bad_lines + seen.out_of_order, 0);
	SK_CHECK(seen.max_batch > 1);
	SK_CHECK(seen.max_batch <= (int)SK_OUTPUT_NNG_BATCH_ALERTS);
	SK_CHECK(seen.max_bytes <= SK_OUTPUT_NNG_BATCH_BYTES);
	SK_CHECK(seen.messages < N / 10);
	check_delivered(o, N, 0);
	sk_outputs_close(o);
	nng_close(pull);
	sk_output_config_free(&c);
}

SK_TEST(nng_channel_counts_every_alert_of_a_failed_batch)
{
	enum { N = 100 };
	char url[96];
	snprintf(url, sizeof(url), "ipc:///tmp/sk_output_test_nobody_%d.sock", (int)getpid());
	sk_output_config c = config();
	sk_outputs *o = nng_outputs(&c, url);
	/* Nobody ever listens: each send gives up after the 2 s timeout. */
	for (int i = 0; o != NULL && i < N; i++) {
		SK_CHECK_INT(submit_numbered(o, i), SK_OK);
	}
	check_delivered(o, 0, N);
	sk_outputs_close(o);
	sk_output_config_free(&c);
}

SK_TEST(full_queue_is_counted)
{
	char prog[96];
	sk_output_config c = config();
	sk_outputs *o = NULL;
	sk_alert a = sample_alert();
	int full = 0;
	snprintf(prog, sizeof(prog), "sleep 0.2; cat >/dev/null");
	c.stdout_enabled = false;
	c.program_enabled = true;
	free(c.program);
	c.program = strdup(prog);
	c.queue_capacity = 2;
	SK_CHECK_INT(sk_outputs_open(&c, &o), SK_OK);
	for (int i = 0; o != NULL && i < 10; i++) {
		sk_err err = sk_outputs_submit(o, &a);
		SK_CHECK(err == SK_OK || err == SK_EFULL);
		full += err == SK_EFULL;
	}
	sk_outputs_drain(o);
	sk_outputs_stats st;
	sk_outputs_stats_get(o, &st);
	SK_CHECK(full >= 5);
	SK_CHECK_INT(st.queue_full, (uint64_t)full);
	SK_CHECK_INT(st.alerts, 10);
	SK_CHECK_INT(st.sent + st.queue_full, 10);
	sk_outputs_close(o);
	sk_output_config_free(&c);
}

SK_TEST(channels_refuse_bad_settings)
{
	sk_output_config c = config();
	sk_outputs *o = NULL;
	c.file_enabled = true;
	free(c.file_name);
	c.file_name = strdup("/nonexistent-dir/alerts.txt");
	SK_CHECK_INT(sk_outputs_open(&c, &o), SK_EIO);
	c.file_enabled = false;
	c.nng_enabled = true;
	free(c.nng_url);
	c.nng_url = strdup("bogus://x");
	SK_CHECK_INT(sk_outputs_open(&c, &o), SK_EINVAL);
	sk_output_config_free(&c);
}

SK_TEST_MAIN()
