/* sk_http_recv_test: the shared loopback receiver against libcurl, a real
 * client. Proves the handler sees method, path, headers and the whole body
 * (also one that arrives in many reads), its status and body go back, the
 * body bound answers 413 without the handler, it listens on 127.0.0.1
 * only, it restarts on the port it had, and with a thread per connection
 * a blocked handler does not hold up another client. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sk_http_recv.h"
#include "sk_test.h"

/* What the handler saw of the last request. */
typedef struct seen {
	pthread_mutex_t mu;
	int calls;
	char method[16], url[64], header[64];
	char *body;
	size_t body_len;
	atomic_bool hold;       /* "/slow" waits while this is set (5 s at most) */
	atomic_int slow_active; /* "/slow" requests inside the handler */
} seen;

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void on_req(void *ctx, const sk_http_req *req, sk_http_reply *reply)
{
	seen *s = ctx;
	const char *h = sk_http_req_header(req, "x-saker-test");

	if (strcmp(req->url, "/slow") == 0) {
		atomic_fetch_add(&s->slow_active, 1);
		for (int i = 0; i < 500 && atomic_load(&s->hold); i++) {
			sleep_ms(10);
		}
		atomic_fetch_sub(&s->slow_active, 1);
	}
	pthread_mutex_lock(&s->mu);
	s->calls++;
	snprintf(s->method, sizeof(s->method), "%s", req->method);
	snprintf(s->url, sizeof(s->url), "%s", req->url);
	snprintf(s->header, sizeof(s->header), "%s", h != NULL ? h : "(none)");
	free(s->body);
	s->body = malloc(req->body_len + 1);
	if (s->body != NULL) {
		memcpy(s->body, req->body, req->body_len + 1); /* the receiver's NUL too */
	}
	s->body_len = req->body_len;
	pthread_mutex_unlock(&s->mu);
	reply->status = strcmp(req->method, "POST") == 0 ? 201 : 200;
	reply->body = "answered";
}

typedef struct resp {
	char text[256];
	size_t len;
} resp;

static size_t keep(char *p, size_t size, size_t n, void *user)
{
	resp *r = user;
	size_t len = size * n, room = sizeof(r->text) - 1 - r->len;
	size_t take = len < room ? len : room;

	memcpy(r->text + r->len, p, take);
	r->len += take;
	r->text[r->len] = '\0';
	return len;
}

/* One request to url (POST when body is not NULL); the status, 0 when
 * the connection failed. */
static long request(const char *url, const char *body, size_t body_len, const char *header, resp *out)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = header != NULL ? curl_slist_append(NULL, header) : NULL;
	resp dummy = {.len = 0};
	long status = 0;

	if (c == NULL) {
		return 0;
	}
	out = out != NULL ? out : &dummy;
	out->len = 0;
	out->text[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 8000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static sk_http_recv *start(seen *s, size_t max_body, bool per_connection, char *url, size_t url_size)
{
	sk_http_recv_opts o = {
	    .handle = on_req, .ctx = s, .max_body = max_body, .thread_per_connection = per_connection};
	sk_http_recv *r = NULL;

	SK_CHECK_INT(sk_http_recv_start(&o, &r), SK_OK);
	SK_CHECK(r != NULL && sk_http_recv_port(r) != 0);
	if (r != NULL) {
		SK_CHECK_INT(sk_http_recv_url(r, "", url, url_size), SK_OK);
	}
	return r;
}

/* True if the handler ran `calls` times and the last request was
 * "METHOD URL HEADER BODY" with a body of body_len bytes; else says what
 * it saw. */
static bool saw(seen *s, int calls, const char *want, size_t body_len)
{
	char got[512];
	bool same;

	pthread_mutex_lock(&s->mu);
	snprintf(got, sizeof(got), "%s %s %s %s", s->method, s->url, s->header,
		 s->body != NULL ? s->body : "(null)");
	same = s->calls == calls && s->body_len == body_len && strcmp(got, want) == 0;
	if (!same) {
		fprintf(stderr, "saw %d calls, last \"%s\" (%zu bytes); want %d, \"%s\" (%zu)\n", s->calls,
			got, s->body_len, calls, want, body_len);
	}
	pthread_mutex_unlock(&s->mu);
	return same;
}

static void seen_free(seen *s)
{
	free(s->body);
	pthread_mutex_destroy(&s->mu);
}

SK_TEST(handler_sees_the_request_and_chooses_the_answer)
{
	seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
	char base[64], url[128];
	resp r;
	sk_http_recv *rx = start(&s, 0, false, base, sizeof(base));

	if (rx == NULL) {
		return;
	}
	snprintf(url, sizeof(url), "%s/hook?x=1", base);
	SK_CHECK_INT(request(url, "{\"rule\":\"r\"}", 12, "X-Saker-Test: yes", &r), 201);
	SK_CHECK_STR(r.text, "answered");
	SK_CHECK(saw(&s, 1, "POST /hook yes {\"rule\":\"r\"}", 12));

	/* No body: "" of length 0, never NULL; an absent header is NULL. */
	SK_CHECK_INT(request(base, NULL, 0, NULL, &r), 200);
	SK_CHECK(saw(&s, 2, "GET / (none) ", 0));

	/* 300 kB with NUL bytes inside arrives in many reads, byte for byte. */
	size_t big_len = 300 * 1000;
	char *big = malloc(big_len);
	SK_CHECK(big != NULL);
	if (big != NULL) {
		for (size_t i = 0; i < big_len; i++) {
			big[i] = (char)(i * 7 % 251);
		}
		SK_CHECK_INT(request(base, big, big_len, NULL, NULL), 201);
		pthread_mutex_lock(&s.mu);
		SK_CHECK_INT(s.body_len, big_len);
		SK_CHECK(s.body != NULL && memcmp(s.body, big, big_len) == 0 && s.body[big_len] == '\0');
		pthread_mutex_unlock(&s.mu);
		free(big);
	}
	SK_CHECK_INT(sk_http_recv_too_big(rx), 0);
	sk_http_recv_stop(rx);
	seen_free(&s);
}

SK_TEST(body_over_the_bound_is_refused_with_413_unseen)
{
	seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
	char url[64];
	resp r;
	sk_http_recv *rx = start(&s, 16, false, url, sizeof(url));

	if (rx == NULL) {
		return;
	}
	SK_CHECK_INT(request(url, "0123456789abcdef", 16, NULL, NULL), 201); /* exactly the bound */
	SK_CHECK_INT(request(url, "0123456789abcdefg", 17, NULL, &r), 413);
	SK_CHECK_CONTAINS(r.text, "too large");
	SK_CHECK_INT(sk_http_recv_too_big(rx), 1);
	SK_CHECK(saw(&s, 1, "POST / (none) 0123456789abcdef", 16));
	/* And the receiver still serves the next request. */
	SK_CHECK_INT(request(url, "ok", 2, NULL, NULL), 201);
	sk_http_recv_stop(rx);
	seen_free(&s);
}

/* True if /proc/net/tcp lists a listener on 127.0.0.1:port and none on
 * another address with that port. */
static bool listens_on_loopback_only(uint16_t port)
{
	char line[512], want[32];
	int loopback = 0, other = 0;
	FILE *f = fopen("/proc/net/tcp", "r");

	if (f == NULL) {
		return false;
	}
	snprintf(want, sizeof(want), ":%04X ", (unsigned)port);
	for (int i = 0; i < 100000 && fgets(line, sizeof(line), f) != NULL; i++) {
		char local[64] = "", state[8] = "";
		/* "  sl  local_address rem_address   st ..." */
		if (sscanf(line, "%*s %63s %*s %7s", local, state) != 2 || strcmp(state, "0A") != 0) {
			continue;
		}
		strcat(local, " ");
		if (strstr(local, want) == NULL) {
			continue;
		}
		if (strncmp(local, "0100007F:", 9) == 0) {
			loopback++;
		} else {
			other++;
		}
	}
	fclose(f);
	return loopback == 1 && other == 0;
}

SK_TEST(loopback_only_restart_on_the_same_port_and_bad_starts)
{
	sk_http_recv_opts o = {.handle = NULL};
	sk_http_recv *rx = NULL, *again = NULL, *clash = NULL;
	char url[64];

	SK_CHECK_INT(sk_http_recv_start(NULL, &rx), SK_EINVAL);
	SK_CHECK(rx == NULL);
	SK_CHECK_INT(sk_http_recv_start(&o, &rx), SK_OK);
	if (rx == NULL) {
		return;
	}
	uint16_t port = sk_http_recv_port(rx);
	SK_CHECK(listens_on_loopback_only(port));
	SK_CHECK_INT(sk_http_recv_url(rx, "/", url, sizeof(url)), SK_OK);
	SK_CHECK_INT(request(url, "x", 1, NULL, NULL), 200); /* no handler: the preset answer */
	SK_CHECK_INT(sk_http_recv_url(rx, "/a-path-too-long-for-the-buffer", url, 20), SK_ERANGE);

	/* The port is taken: a second receiver on it says so. */
	o.port = port;
	fprintf(stderr, "expected next: \"cannot listen\" for port %u\n", (unsigned)port);
	SK_CHECK_INT(sk_http_recv_start(&o, &clash), SK_EIO);
	SK_CHECK(clash == NULL);
	sk_http_recv_stop(rx);
	/* Stopped (a client's connection just closed), it comes back on its port. */
	SK_CHECK_INT(sk_http_recv_start(&o, &again), SK_OK);
	SK_CHECK(again != NULL && sk_http_recv_port(again) == port);
	sk_http_recv_stop(again);
	sk_http_recv_stop(NULL);
}

typedef struct slow_call {
	const char *url;
	long status;
} slow_call;

static void *slow_main(void *arg)
{
	slow_call *c = arg;
	c->status = request(c->url, NULL, 0, NULL, NULL);
	return NULL;
}

SK_TEST(thread_per_connection_a_blocked_handler_holds_up_only_its_client)
{
	seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
	char base[64], slow_url[96];
	sk_http_recv *rx = start(&s, 0, true, base, sizeof(base));
	slow_call slow = {.url = slow_url};
	pthread_t t;

	if (rx == NULL) {
		return;
	}
	atomic_store(&s.hold, true);
	snprintf(slow_url, sizeof(slow_url), "%s/slow", base);
	SK_CHECK_INT(pthread_create(&t, NULL, slow_main, &slow), 0);
	for (int i = 0; i < 300 && atomic_load(&s.slow_active) == 0; i++) {
		sleep_ms(10);
	}
	SK_CHECK_INT(atomic_load(&s.slow_active), 1);
	SK_CHECK_INT(request(base, "fast", 4, NULL, NULL), 201);
	SK_CHECK_INT(atomic_load(&s.slow_active), 1); /* still blocked while the other was served */
	atomic_store(&s.hold, false);
	pthread_join(t, NULL);
	SK_CHECK_INT(slow.status, 200);
	SK_CHECK(saw(&s, 2, "GET /slow (none) ", 0)); /* the blocked one ended last */
	sk_http_recv_stop(rx);
	seen_free(&s);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = sk_test_run();
	curl_global_cleanup();
	return rc;
}
