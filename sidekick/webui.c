#include "webui.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "sk_log.h"
#include "sk_strbuf.h"
#include "webui_assets.h"
#include "webui_index.h"

#define SKW_MAX_LIMIT 10000
#define SKW_MAX_OFFSET 10000000
#define SKW_MAX_BUCKETS 500
#define SKW_MAX_RANGE_S (31LL * 86400)
#define SKW_TEXT_SCAN_MAX 500000 /* candidates a free-text search reads at most */
#define SKW_STREAM_KEEPALIVE_MS 15000
#define SKW_MAX_OUTPUTS 128

struct skw_server {
	skw_options opt;
	char *listen_address, *token, *user, *password;
	struct MHD_Daemon *mhd;
	skwi_index *index;
	pthread_mutex_t lock; /* guards index */
	pthread_t tail;
	bool tail_started;
	atomic_bool stopping;
	uint64_t indexed_to; /* next seq the tail thread reads */
};

/* ---- small helpers ------------------------------------------------------ */

static int64_t skw_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static enum MHD_Result skw_send(struct MHD_Connection *c, unsigned status, const char *type, const void *body,
				size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (r == NULL) {
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result skw_send_json(struct MHD_Connection *c, unsigned status, sk_strbuf *sb)
{
	if (sk_strbuf_failed(sb)) {
		static const char oom[] = "{\"error\":\"out of memory\"}";
		return skw_send(c, 500, "application/json", oom, sizeof(oom) - 1);
	}
	return skw_send(c, status, "application/json", sk_strbuf_str(sb), sb->len);
}

static enum MHD_Result skw_bad_request(struct MHD_Connection *c, const char *reason)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	enum MHD_Result ret;

	sk_strbuf_puts(&sb, "{\"error\":");
	sk_strbuf_json_string(&sb, reason, strlen(reason));
	sk_strbuf_puts(&sb, "}");
	ret = skw_send_json(c, 400, &sb);
	sk_strbuf_free(&sb);
	return ret;
}

/* Constant-time comparison so the token cannot be guessed byte by byte. */
static bool skw_secret_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = (unsigned char)(la != lb);
	for (size_t i = 0; i < la && i < lb; i++) {
		diff |= (unsigned char)(a[i] ^ b[i]);
	}
	return diff == 0;
}

/* Returns true if the request may see the API. */
static bool skw_authorized(const skw_server *s, struct MHD_Connection *c)
{
	bool ok = false;

	if (s->token == NULL && s->user == NULL) {
		return true;
	}
	if (s->token != NULL) {
		const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
		const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
		if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0 && skw_secret_eq(auth + 7, s->token)) {
			return true;
		}
		if (q != NULL && skw_secret_eq(q, s->token)) {
			return true;
		}
	}
	if (s->user != NULL) {
		char *pass = NULL;
		char *user = MHD_basic_auth_get_username_password(c, &pass);
		ok = user != NULL && pass != NULL && skw_secret_eq(user, s->user) &&
		     skw_secret_eq(pass, s->password ? s->password : "");
		MHD_free(user);
		MHD_free(pass);
	}
	return ok;
}

static enum MHD_Result skw_unauthorized(const skw_server *s, struct MHD_Connection *c)
{
	static const char body[] = "{\"error\":\"unauthorized\"}";
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (r == NULL) {
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (s->user != NULL) {
		ret = MHD_queue_basic_auth_fail_response(c, "saker", r);
	} else {
		ret = MHD_queue_response(c, 401, r);
	}
	MHD_destroy_response(r);
	return ret;
}

/* ---- query parameters --------------------------------------------------- */

typedef struct skw_query {
	skwi_filter filter;
	const char *q;   /* free text */
	const char *by;  /* counts dimension */
	long limit, offset, buckets;
	int64_t range_ns; /* since, as a duration (for the timeline) */
	char error[256];
} skw_query;

static const char *const skw_known_params[] = {
	"since", "until", "priority", "rule", "source", "hostname", "container", "tag",
	"q", "by", "limit", "offset", "buckets", "token",
};

/* Parses "90s", "5m", "1h", "7d" (or a bare number of seconds). */
static bool skw_parse_duration(const char *v, int64_t *ns)
{
	char *end = NULL;
	long long n;
	int64_t unit = 1;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || n <= 0) {
		return false;
	}
	switch (*end) {
	case '\0': case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return false;
	}
	if (*end != '\0' && end[1] != '\0') {
		return false;
	}
	if (n > SKW_MAX_RANGE_S / unit) {
		return false;
	}
	*ns = (int64_t)n * unit * 1000000000LL;
	return true;
}

/* A time bound: a duration back from now, or an RFC 3339 time. */
static bool skw_parse_time_bound(const char *v, int64_t now, int64_t *abs_ns, int64_t *range_ns)
{
	int64_t d;

	if (skw_parse_duration(v, &d)) {
		*abs_ns = now - d;
		*range_ns = d;
		return true;
	}
	if (ska_parse_time(v, abs_ns) == SK_OK) {
		*range_ns = now - *abs_ns;
		return true;
	}
	return false;
}

static bool skw_parse_long(const char *v, long min, long max, long *out)
{
	char *end = NULL;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max) {
		return false;
	}
	*out = n;
	return true;
}

typedef struct skw_arg_check {
	char bad[128];
} skw_arg_check;

static enum MHD_Result skw_check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	skw_arg_check *chk = cls;
	(void)kind;
	(void)value;
	for (size_t i = 0; i < sizeof(skw_known_params) / sizeof(skw_known_params[0]); i++) {
		if (strcmp(key, skw_known_params[i]) == 0) {
			return MHD_YES;
		}
	}
	snprintf(chk->bad, sizeof(chk->bad), "%s", key);
	return MHD_NO;
}

/* An empty value means "not set" (the page's empty inputs). */
static const char *skw_arg(struct MHD_Connection *c, const char *key)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* Fills q from the request's arguments; false with q->error set on bad input. */
static bool skw_parse_query(struct MHD_Connection *c, skw_query *q)
{
	skw_arg_check chk = {{0}};
	int64_t now = skw_now_ns();
	const char *v;

	memset(q, 0, sizeof(*q));
	q->filter.min_priority = -1;
	q->limit = 50;
	q->buckets = 60;
	q->range_ns = 3600LL * 1000000000LL;
	q->filter.since_ns = now - q->range_ns;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, skw_check_arg, &chk);
	if (chk.bad[0] != '\0') {
		snprintf(q->error, sizeof(q->error), "unknown parameter '%s'", chk.bad);
		return false;
	}
	v = skw_arg(c, "since");
	if (v != NULL && !skw_parse_time_bound(v, now, &q->filter.since_ns, &q->range_ns)) {
		snprintf(q->error, sizeof(q->error),
			 "since: '%.64s' is neither a duration (5m, 1h, 7d; at most 31d) nor an RFC 3339 time", v);
		return false;
	}
	v = skw_arg(c, "until");
	if (v != NULL) {
		int64_t unused;
		if (!skw_parse_time_bound(v, now, &q->filter.until_ns, &unused)) {
			snprintf(q->error, sizeof(q->error), "until: '%.64s' is not a duration or RFC 3339 time", v);
			return false;
		}
		q->range_ns = q->filter.until_ns - q->filter.since_ns;
	}
	v = skw_arg(c, "priority");
	if (v != NULL) {
		saker_priority p;
		if (ska_priority_parse(v, &p) != SK_OK) {
			snprintf(q->error, sizeof(q->error), "priority: unknown priority '%.64s'", v);
			return false;
		}
		q->filter.min_priority = (int)p;
	}
	v = skw_arg(c, "limit");
	if (v != NULL && !skw_parse_long(v, 1, SKW_MAX_LIMIT, &q->limit)) {
		snprintf(q->error, sizeof(q->error), "limit: must be an integer from 1 to %d", SKW_MAX_LIMIT);
		return false;
	}
	v = skw_arg(c, "offset");
	if (v != NULL && !skw_parse_long(v, 0, SKW_MAX_OFFSET, &q->offset)) {
		snprintf(q->error, sizeof(q->error), "offset: must be an integer from 0 to %d", SKW_MAX_OFFSET);
		return false;
	}
	v = skw_arg(c, "buckets");
	if (v != NULL && !skw_parse_long(v, 1, SKW_MAX_BUCKETS, &q->buckets)) {
		snprintf(q->error, sizeof(q->error), "buckets: must be an integer from 1 to %d", SKW_MAX_BUCKETS);
		return false;
	}
	q->filter.rule = skw_arg(c, "rule");
	q->filter.source = skw_arg(c, "source");
	q->filter.hostname = skw_arg(c, "hostname");
	q->filter.container = skw_arg(c, "container");
	q->filter.tag = skw_arg(c, "tag");
	q->q = skw_arg(c, "q");
	q->by = skw_arg(c, "by");
	return true;
}

/* ---- /api/v1/events ----------------------------------------------------- */

typedef struct skw_seqs {
	uint64_t *v;
	size_t n, cap, max;
	bool truncated;
} skw_seqs;

static bool skw_collect(void *user, uint64_t seq)
{
	skw_seqs *s = user;
	if (s->n == s->max) {
		s->truncated = true;
		return false;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *v = realloc(s->v, cap * sizeof(*v));
		if (v == NULL) {
			s->truncated = true;
			return false;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = seq;
	return true;
}

static bool skw_icontains(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0) {
		return true;
	}
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && tolower((unsigned char)hay[i + j]) == tolower((unsigned char)needle[j])) {
			j++;
		}
		if (j == m) {
			return true;
		}
	}
	return false;
}

/* Calls fn(payload) for each record of seqs (newest first as given) by one
 * forward pass of a log reader from the oldest wanted sequence. */
typedef void (*skw_record_fn)(void *user, size_t idx, const sal_record *rec);

static sk_err skw_read_records(sal_log *log, const uint64_t *seqs, size_t n, skw_record_fn fn, void *user)
{
	sal_reader *r = NULL;
	sal_record rec;
	size_t want;
	sk_err err;

	if (n == 0) {
		return SK_OK;
	}
	want = n; /* seqs[n-1] is the oldest; walk towards seqs[0] */
	err = sal_reader_open(log, seqs[n - 1], &r);
	if (err != SK_OK) {
		return err;
	}
	while (want > 0) {
		err = sal_reader_next(r, &rec, NULL);
		if (err != SK_OK) {
			break;
		}
		while (want > 0 && seqs[want - 1] < rec.seq) {
			want--; /* deleted meanwhile */
		}
		if (want > 0 && seqs[want - 1] == rec.seq) {
			fn(user, want - 1, &rec);
			want--;
		}
	}
	sal_reader_close(r);
	return err == SK_EAGAIN ? SK_OK : err;
}

typedef struct skw_text_ctx {
	const char *q;
	bool *keep;
} skw_text_ctx;

static void skw_text_match(void *user, size_t idx, const sal_record *rec)
{
	skw_text_ctx *t = user;
	t->keep[idx] = skw_icontains(rec->data, rec->len, t->q);
}

typedef struct skw_page_ctx {
	char **json;
	uint32_t *len;
} skw_page_ctx;

static void skw_page_copy(void *user, size_t idx, const sal_record *rec)
{
	skw_page_ctx *p = user;
	p->json[idx] = malloc(rec->len ? rec->len : 1);
	if (p->json[idx] != NULL) {
		memcpy(p->json[idx], rec->data, rec->len);
		p->len[idx] = rec->len;
	}
}

static sk_err skw_filter_text(sal_log *log, skw_seqs *seqs, const char *q)
{
	skw_text_ctx t = {q, calloc(seqs->n ? seqs->n : 1, sizeof(bool))};
	size_t kept = 0;
	sk_err err;

	if (t.keep == NULL) {
		return SK_ENOMEM;
	}
	err = skw_read_records(log, seqs->v, seqs->n, skw_text_match, &t);
	for (size_t i = 0; i < seqs->n; i++) {
		if (t.keep[i]) {
			seqs->v[kept++] = seqs->v[i];
		}
	}
	seqs->n = kept;
	free(t.keep);
	return err;
}

static enum MHD_Result skw_api_events(skw_server *s, struct MHD_Connection *c, const skw_query *q)
{
	skw_seqs seqs = {NULL, 0, 0, q->q ? SKW_TEXT_SCAN_MAX : SKW_MAX_OFFSET + SKW_MAX_LIMIT, false};
	skw_page_ctx page = {NULL, NULL};
	sk_strbuf sb = SK_STRBUF_INIT;
	size_t first, count = 0;
	enum MHD_Result ret;
	sk_err err;

	pthread_mutex_lock(&s->lock);
	skwi_scan(s->index, &q->filter, skw_collect, &seqs);
	pthread_mutex_unlock(&s->lock);
	err = q->q ? skw_filter_text(s->opt.log, &seqs, q->q) : SK_OK;
	first = (size_t)q->offset < seqs.n ? (size_t)q->offset : seqs.n;
	count = seqs.n - first < (size_t)q->limit ? seqs.n - first : (size_t)q->limit;
	page.json = calloc(count ? count : 1, sizeof(char *));
	page.len = calloc(count ? count : 1, sizeof(uint32_t));
	if (err == SK_OK && (page.json == NULL || page.len == NULL)) {
		err = SK_ENOMEM;
	}
	if (err == SK_OK && count > 0) {
		err = skw_read_records(s->opt.log, seqs.v + first, count, skw_page_copy, &page);
	}
	sk_strbuf_printf(&sb, "{\"total\":%zu,\"offset\":%ld,\"limit\":%ld,\"truncated\":%s,\"events\":[", seqs.n,
			 q->offset, q->limit, seqs.truncated ? "true" : "false");
	for (size_t i = 0, emitted = 0; i < count && page.json != NULL; i++) {
		if (page.json[i] == NULL) {
			continue; /* deleted by the log's bounds since the scan */
		}
		if (emitted++ > 0) {
			sk_strbuf_putc(&sb, ',');
		}
		sk_strbuf_append(&sb, page.json[i], page.len[i]);
	}
	sk_strbuf_puts(&sb, "]}");
	if (err != SK_OK) {
		char msg[128];
		snprintf(msg, sizeof(msg), "{\"error\":\"reading the alert log: %s\"}", sk_strerror(err));
		ret = skw_send(c, 500, "application/json", msg, strlen(msg));
	} else {
		ret = skw_send_json(c, 200, &sb);
	}
	for (size_t i = 0; i < count && page.json != NULL; i++) {
		free(page.json[i]);
	}
	free(page.json);
	free(page.len);
	free(seqs.v);
	sk_strbuf_free(&sb);
	return ret;
}

/* ---- /api/v1/counts and /timeline --------------------------------------- */

static enum MHD_Result skw_api_counts(skw_server *s, struct MHD_Connection *c, const skw_query *q)
{
	skwi_count *items = NULL;
	size_t n = 0;
	uint64_t total = 0;
	skwi_dim dim;
	sk_strbuf sb = SK_STRBUF_INIT;
	enum MHD_Result ret;
	sk_err err;

	if (q->by == NULL || skwi_dim_parse(q->by, &dim) != SK_OK) {
		return skw_bad_request(c, "by: must be one of priority, rule, source, tags, hostname, container");
	}
	pthread_mutex_lock(&s->lock);
	err = skwi_counts(s->index, &q->filter, dim, &items, &n, &total);
	sk_strbuf_printf(&sb, "{\"by\":\"%s\",\"total\":%llu,\"counts\":[", q->by, (unsigned long long)total);
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_puts(&sb, i ? ",{\"key\":" : "{\"key\":");
		sk_strbuf_json_string(&sb, items[i].key, strlen(items[i].key));
		sk_strbuf_printf(&sb, ",\"count\":%llu}", (unsigned long long)items[i].count);
	}
	pthread_mutex_unlock(&s->lock);
	sk_strbuf_puts(&sb, "]}");
	ret = err == SK_OK ? skw_send_json(c, 200, &sb) : skw_bad_request(c, sk_strerror(err));
	free(items);
	sk_strbuf_free(&sb);
	return ret;
}

static enum MHD_Result skw_api_timeline(skw_server *s, struct MHD_Connection *c, const skw_query *q)
{
	size_t nb = (size_t)q->buckets;
	int64_t end = q->filter.until_ns ? q->filter.until_ns : skw_now_ns();
	int64_t start = q->filter.since_ns;
	int64_t bucket_ns = (end - start + (int64_t)nb - 1) / (int64_t)nb;
	uint64_t *series = calloc(8 * nb, sizeof(*series));
	sk_strbuf sb = SK_STRBUF_INIT;
	enum MHD_Result ret;

	if (series == NULL) {
		return MHD_NO;
	}
	if (bucket_ns <= 0) {
		bucket_ns = 1;
	}
	pthread_mutex_lock(&s->lock);
	skwi_timeline(s->index, &q->filter, start, bucket_ns, nb, series);
	pthread_mutex_unlock(&s->lock);
	sk_strbuf_printf(&sb, "{\"start_ns\":%lld,\"bucket_ns\":%lld,\"buckets\":%zu,\"series\":{", (long long)start,
			 (long long)bucket_ns, nb);
	for (int p = 0; p < 8; p++) {
		sk_strbuf_printf(&sb, "%s\"%s\":[", p ? "," : "", ska_priority_name((saker_priority)p));
		for (size_t b = 0; b < nb; b++) {
			sk_strbuf_printf(&sb, "%s%llu", b ? "," : "", (unsigned long long)series[(size_t)p * nb + b]);
		}
		sk_strbuf_putc(&sb, ']');
	}
	sk_strbuf_puts(&sb, "}}");
	ret = skw_send_json(c, 200, &sb);
	free(series);
	sk_strbuf_free(&sb);
	return ret;
}

/* ---- /api/v1/outputs and /info ------------------------------------------ */

static enum MHD_Result skw_api_outputs(skw_server *s, struct MHD_Connection *c)
{
	skw_output_info infos[SKW_MAX_OUTPUTS];
	size_t n = s->opt.outputs ? s->opt.outputs(s->opt.outputs_user, infos, SKW_MAX_OUTPUTS) : 0;
	sal_stats st;
	sk_strbuf sb = SK_STRBUF_INIT;
	enum MHD_Result ret;

	sal_get_stats(s->opt.log, &st);
	sk_strbuf_printf(&sb, "{\"spool_bytes\":%llu,\"outputs\":[", (unsigned long long)st.bytes);
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_puts(&sb, i ? ",{\"name\":" : "{\"name\":");
		sk_strbuf_json_string(&sb, infos[i].name, strlen(infos[i].name));
		sk_strbuf_printf(&sb,
				 ",\"queue_depth\":%llu,\"sent\":%llu,\"retries\":%llu,\"failed\":%llu,\"lost\":%llu,"
				 "\"spool_bytes\":%llu,\"last_error\":",
				 (unsigned long long)infos[i].queue_depth, (unsigned long long)infos[i].sent,
				 (unsigned long long)infos[i].retries, (unsigned long long)infos[i].failed,
				 (unsigned long long)infos[i].lost, (unsigned long long)st.bytes);
		sk_strbuf_json_string(&sb, infos[i].last_error, strlen(infos[i].last_error));
		sk_strbuf_putc(&sb, '}');
	}
	sk_strbuf_puts(&sb, "]}");
	ret = skw_send_json(c, 200, &sb);
	sk_strbuf_free(&sb);
	return ret;
}

/* Keys whose values never leave the process unmasked. */
static bool skw_is_secret(const char *key)
{
	static const char *const words[] = {"password", "token", "secret", "apikey", "key", "webhookurl",
					    "credentials", "sasl", "auth", "user"};
	char low[128];
	size_t i;

	for (i = 0; key[i] != '\0' && i < sizeof(low) - 1; i++) {
		low[i] = (char)tolower((unsigned char)key[i]);
	}
	low[i] = '\0';
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		if (strstr(low, words[w]) != NULL) {
			return true;
		}
	}
	return false;
}

static void skw_config_json(const skc_node *n, bool masked, int depth, sk_strbuf *sb)
{
	if (depth > SKC_MAX_DEPTH) {
		sk_strbuf_puts(sb, "null");
		return;
	}
	switch (n->kind) {
	case SKC_SCALAR:
		if (masked && n->value[0] != '\0') {
			sk_strbuf_puts(sb, "\"***\"");
		} else {
			sk_strbuf_json_string(sb, n->value, strlen(n->value));
		}
		break;
	case SKC_MAP:
		sk_strbuf_putc(sb, '{');
		for (size_t i = 0; i < n->nitems; i++) {
			const skc_node *child = n->items[i];
			if (i > 0) {
				sk_strbuf_putc(sb, ',');
			}
			sk_strbuf_json_string(sb, child->key ? child->key : "", child->key ? strlen(child->key) : 0);
			sk_strbuf_putc(sb, ':');
			skw_config_json(child, masked || (child->key && skw_is_secret(child->key)), depth + 1, sb);
		}
		sk_strbuf_putc(sb, '}');
		break;
	case SKC_LIST:
		sk_strbuf_putc(sb, '[');
		for (size_t i = 0; i < n->nitems; i++) {
			if (i > 0) {
				sk_strbuf_putc(sb, ',');
			}
			skw_config_json(n->items[i], masked, depth + 1, sb);
		}
		sk_strbuf_putc(sb, ']');
		break;
	}
}

static enum MHD_Result skw_api_info(skw_server *s, struct MHD_Connection *c)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	enum MHD_Result ret;

	sk_strbuf_puts(&sb, "{\"version\":\"" SAKER_VERSION "\",\"indexed\":");
	pthread_mutex_lock(&s->lock);
	sk_strbuf_printf(&sb, "%zu", skwi_size(s->index));
	pthread_mutex_unlock(&s->lock);
	sk_strbuf_puts(&sb, ",\"config\":");
	if (s->opt.cfg != NULL && s->opt.cfg->root != NULL) {
		skw_config_json(s->opt.cfg->root, false, 0, &sb);
	} else {
		sk_strbuf_puts(&sb, "{}");
	}
	sk_strbuf_putc(&sb, '}');
	ret = skw_send_json(c, 200, &sb);
	sk_strbuf_free(&sb);
	return ret;
}

/* ---- /api/v1/stream (Server-Sent Events) -------------------------------- */

typedef struct skw_stream {
	skw_server *s;
	sal_reader *reader;
	sk_strbuf pending;
	size_t sent;     /* bytes of pending already handed to MHD */
	unsigned idle_ms; /* time since the last thing sent */
} skw_stream;

static ssize_t skw_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	skw_stream *st = cls;
	sal_record rec;
	size_t n;
	(void)pos;

	while (st->sent == st->pending.len) {
		sk_err err;
		if (atomic_load(&st->s->stopping)) {
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		sk_strbuf_reset(&st->pending);
		st->sent = 0;
		err = sal_reader_next(st->reader, &rec, NULL);
		if (err == SK_OK) {
			st->idle_ms = 0;
			sk_strbuf_puts(&st->pending, "event: alert\ndata: ");
			sk_strbuf_append(&st->pending, rec.data, rec.len);
			sk_strbuf_puts(&st->pending, "\n\n");
		} else if (err == SK_EAGAIN) {
			/* Short waits so a stopping server ends the stream promptly. */
			if (!sal_wait(st->s->opt.log, sal_reader_position(st->reader), 500)) {
				st->idle_ms += 500;
			}
			if (st->idle_ms >= SKW_STREAM_KEEPALIVE_MS) {
				st->idle_ms = 0;
				sk_strbuf_puts(&st->pending, ": keep-alive\n\n");
			}
		} else {
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	n = st->pending.len - st->sent < max ? st->pending.len - st->sent : max;
	memcpy(buf, st->pending.data + st->sent, n);
	st->sent += n;
	return (ssize_t)n;
}

static void skw_stream_free(void *cls)
{
	skw_stream *st = cls;
	sal_reader_close(st->reader);
	sk_strbuf_free(&st->pending);
	free(st);
}

static enum MHD_Result skw_api_stream(skw_server *s, struct MHD_Connection *c)
{
	skw_stream *st = calloc(1, sizeof(*st));
	struct MHD_Response *r;
	sal_stats stats;
	enum MHD_Result ret;

	if (st == NULL) {
		return MHD_NO;
	}
	st->s = s;
	sal_get_stats(s->opt.log, &stats);
	if (sal_reader_open(s->opt.log, stats.next_seq, &st->reader) != SK_OK) {
		free(st);
		return MHD_NO;
	}
	/* A comment first so the browser sees the stream open at once. */
	sk_strbuf_puts(&st->pending, ": saker alerts\n\n");
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, skw_stream_read, st, skw_stream_free);
	if (r == NULL) {
		skw_stream_free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- routing ------------------------------------------------------------ */

static enum MHD_Result skw_static(struct MHD_Connection *c, const char *url)
{
	const skw_asset *a = skw_asset_find(strcmp(url, "/") == 0 ? "/index.html" : url);
	if (a == NULL) {
		static const char nf[] = "not found\n";
		return skw_send(c, 404, "text/plain", nf, sizeof(nf) - 1);
	}
	return skw_send(c, 200, a->type, a->data, a->len);
}

static enum MHD_Result skw_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	skw_server *s = cls;
	skw_query q;
	(void)version;
	(void)upload_data;
	(void)con_cls;

	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* the UI takes no bodies */
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		static const char body[] = "{\"error\":\"only GET is served here\"}";
		return skw_send(c, 405, "application/json", body, sizeof(body) - 1);
	}
	if (strncmp(url, "/api/v1/", 8) != 0) {
		/* With basic auth the browser asks for credentials on the page itself;
		 * with a token the page must load to show its token form. */
		if (s->user != NULL && !skw_authorized(s, c)) {
			return skw_unauthorized(s, c);
		}
		return skw_static(c, url);
	}
	if (!skw_authorized(s, c)) {
		return skw_unauthorized(s, c);
	}
	url += 8;
	if (strcmp(url, "outputs") == 0) {
		return skw_api_outputs(s, c);
	}
	if (strcmp(url, "info") == 0) {
		return skw_api_info(s, c);
	}
	if (strcmp(url, "stream") == 0) {
		return skw_api_stream(s, c);
	}
	if (!skw_parse_query(c, &q)) {
		return skw_bad_request(c, q.error);
	}
	if (strcmp(url, "events") == 0) {
		return skw_api_events(s, c, &q);
	}
	if (strcmp(url, "counts") == 0) {
		return skw_api_counts(s, c, &q);
	}
	if (strcmp(url, "timeline") == 0) {
		return skw_api_timeline(s, c, &q);
	}
	{
		static const char body[] = "{\"error\":\"no such endpoint\"}";
		return skw_send(c, 404, "application/json", body, sizeof(body) - 1);
	}
}

/* ---- the index follows the log ------------------------------------------ */

static void *skw_tail_main(void *arg)
{
	skw_server *s = arg;
	sal_reader *r = NULL;
	sal_record rec;
	sal_stats st;
	int64_t last_evict = 0;

	if (sal_reader_open(s->opt.log, 0, &r) != SK_OK) {
		sk_error("webui: cannot read the alert log; history is unavailable");
		return NULL;
	}
	while (!atomic_load(&s->stopping)) {
		sk_err err = sal_reader_next(r, &rec, NULL);
		if (err == SK_OK) {
			pthread_mutex_lock(&s->lock);
			(void)skwi_add(s->index, rec.seq, rec.time_ns, rec.data, rec.len);
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		if (err != SK_EAGAIN) {
			sk_warn("webui: alert log read failed: %s", sk_strerror(err));
		}
		/* Caught up: drop what the log's bounds deleted, then wait. */
		if (skw_now_ns() - last_evict > 1000000000LL) {
			sal_get_stats(s->opt.log, &st);
			pthread_mutex_lock(&s->lock);
			skwi_evict_below(s->index, st.first_seq);
			pthread_mutex_unlock(&s->lock);
			last_evict = skw_now_ns();
		}
		(void)sal_wait(s->opt.log, sal_reader_position(r), 500);
	}
	sal_reader_close(r);
	return NULL;
}

/* ---- life cycle --------------------------------------------------------- */

sk_err skw_options_load(const skc_config *cfg, skw_options *opt, int *enabled, char *err, size_t errlen)
{
	bool on = false;
	int64_t port = 2802, max = 2000000;
	sk_err e;

	memset(opt, 0, sizeof(*opt));
	e = skc_bool(cfg, "webui", "enabled", false, &on, err, errlen);
	if (e == SK_OK) {
		e = skc_int(cfg, "webui", "listenport", 2802, &port, err, errlen);
	}
	if (e == SK_OK && (port < 0 || port > 65535)) {
		char where[128];
		skc_where(cfg, "webui", "listenport", where, sizeof(where));
		snprintf(err, errlen, "%s: webui.listenport: %lld is not a port", where, (long long)port);
		e = SK_EINVAL;
	}
	if (e == SK_OK) {
		e = skc_int(cfg, "webui", "maxalerts", 2000000, &max, err, errlen);
	}
	if (e == SK_OK && (max < 1 || max > 100000000)) {
		snprintf(err, errlen, "webui.maxalerts: must be from 1 to 100000000");
		e = SK_EINVAL;
	}
	if (e != SK_OK) {
		return e;
	}
	*enabled = on;
	opt->port = (uint16_t)port;
	opt->max_entries = (size_t)max;
	opt->listen_address = skc_string(cfg, "webui", "listenaddress", "127.0.0.1");
	opt->token = skc_string(cfg, "webui", "token", NULL);
	opt->user = skc_string(cfg, "webui", "user", NULL);
	opt->password = skc_string(cfg, "webui", "password", NULL);
	opt->cfg = cfg;
	return SK_OK;
}

static char *skw_dup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

sk_err skw_start(const skw_options *opt, skw_server **out, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	skw_server *s;
	sk_err e;

	*out = NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(opt->port);
	if (inet_pton(AF_INET, opt->listen_address ? opt->listen_address : "127.0.0.1", &sa.sin_addr) != 1) {
		snprintf(err, errlen, "webui: listenaddress '%s' is not an IPv4 address", opt->listen_address);
		return SK_EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return SK_ENOMEM;
	}
	s->opt = *opt;
	s->listen_address = skw_dup(opt->listen_address);
	s->token = skw_dup(opt->token);
	s->user = skw_dup(opt->user);
	s->password = skw_dup(opt->password);
	pthread_mutex_init(&s->lock, NULL);
	e = skwi_new(opt->max_entries ? opt->max_entries : 2000000, 100000, &s->index);
	if (e != SK_OK) {
		snprintf(err, errlen, "webui: %s", sk_strerror(e));
		skw_stop(s);
		return e;
	}
	if (pthread_create(&s->tail, NULL, skw_tail_main, s) != 0) {
		snprintf(err, errlen, "webui: cannot start the indexing thread");
		skw_stop(s);
		return SK_ENOMEM;
	}
	s->tail_started = true;
	s->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
				  0, NULL, NULL, skw_handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				  MHD_OPTION_CONNECTION_LIMIT, opt->max_connections ? opt->max_connections : 64u,
				  MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	if (s->mhd == NULL) {
		snprintf(err, errlen, "webui: cannot listen on %s:%u (in use, or not an address of this host)",
			 s->listen_address, (unsigned)opt->port);
		skw_stop(s);
		return SK_EIO;
	}
	*out = s;
	return SK_OK;
}

uint16_t skw_port(const skw_server *s)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	return info != NULL ? info->port : 0;
}

void skw_stop(skw_server *s)
{
	if (s == NULL) {
		return;
	}
	atomic_store(&s->stopping, true);
	sal_wake_all(s->opt.log);
	if (s->mhd != NULL) {
		MHD_stop_daemon(s->mhd);
	}
	if (s->tail_started) {
		pthread_join(s->tail, NULL);
	}
	skwi_free(s->index);
	pthread_mutex_destroy(&s->lock);
	free(s->listen_address);
	free(s->token);
	free(s->user);
	free(s->password);
	free(s);
}
