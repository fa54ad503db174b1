#include "spl_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool spl_file_readable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

const char *spl_alert_field(const saker_alert *alert, const char *name)
{
	size_t lo = 0, hi = alert->nfields;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(alert->field_names[mid], name);

		if (c == 0) {
			return alert->field_values[mid];
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

void spl_join_tags(sk_strbuf *sb, const saker_alert *alert, const char *sep)
{
	for (size_t i = 0; i < alert->ntags; i++) {
		if (i > 0) {
			sk_strbuf_puts(sb, sep);
		}
		sk_strbuf_puts(sb, alert->tags[i]);
	}
}

static void spl_strlist_add(void *user, const char *value)
{
	spl_strlist *list = user;
	char **grown;
	char *copy;

	if (list->failed || *value == '\0') {
		return;
	}
	copy = strdup(value);
	grown = realloc(list->items, (list->n + 1) * sizeof(*grown));
	if (copy == NULL || grown == NULL) {
		free(copy);
		if (grown != NULL) {
			list->items = grown;
		}
		list->failed = true;
		return;
	}
	list->items = grown;
	list->items[list->n++] = copy;
}

sk_err spl_strlist_from_config(const saker_plugin_host *host, const char *path, spl_strlist *list)
{
	host->config_list(host->ctx, path, spl_strlist_add, list);
	return list->failed ? SK_ENOMEM : SK_OK;
}

static void spl_strlist_add_key(void *user, const char *key, const char *value)
{
	(void)value;
	spl_strlist_add(user, key);
}

sk_err spl_strlist_keys_from_config(const saker_plugin_host *host, const char *path, spl_strlist *list)
{
	host->config_map(host->ctx, path, spl_strlist_add_key, list);
	return list->failed ? SK_ENOMEM : SK_OK;
}

void spl_strlist_free(spl_strlist *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->items[i]);
	}
	free(list->items);
	list->items = NULL;
	list->n = 0;
	list->failed = false;
}

saker_send_result spl_check_buf(const sk_strbuf *sb, char *err, size_t errlen)
{
	if (sk_strbuf_failed(sb)) {
		snprintf(err, errlen, "out of memory building the payload");
		return SAKER_SEND_RETRY;
	}
	return SAKER_SEND_OK;
}

/* ns in UTC as date, sep, time, then (with_fraction) the nanoseconds with
 * their trailing zeros trimmed (none when zero), as Go prints times. */
static void go_utc(sk_strbuf *sb, int64_t ns, char sep, bool with_fraction)
{
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	time_t t;
	struct tm tm;
	char date[40];
	char digits[16];
	int n;

	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	t = (time_t)sec;
	gmtime_r(&t, &tm);
	snprintf(date, sizeof(date), "%04d-%02d-%02d%c%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, sep,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
	sk_strbuf_puts(sb, date);
	if (with_fraction && frac != 0) {
		n = snprintf(digits, sizeof(digits), "%09lld", (long long)frac);
		while (n > 0 && digits[n - 1] == '0') {
			n--;
		}
		sk_strbuf_putc(sb, '.');
		sk_strbuf_append(sb, digits, (size_t)n);
	}
}

void spl_go_time(sk_strbuf *sb, int64_t ns)
{
	go_utc(sb, ns, ' ', true);
	sk_strbuf_puts(sb, " +0000 UTC");
}

void spl_go_rfc3339(sk_strbuf *sb, int64_t ns, bool with_fraction)
{
	go_utc(sb, ns, 'T', with_fraction);
	sk_strbuf_putc(sb, 'Z');
}

saker_send_result spl_build_lines(sk_strbuf *sb, const saker_alert *const *alerts, size_t n, char *err,
				  size_t errlen)
{
	sk_strbuf_reset(sb);
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_append(sb, alerts[i]->json, alerts[i]->json_len);
		sk_strbuf_putc(sb, '\n');
	}
	return spl_check_buf(sb, err, errlen);
}

sk_err spl_write_all(int fd, const char *buf, size_t len, size_t *written)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, buf + done, len - done);

		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			*written = done;
			if (w == 0) {
				errno = EIO;
			}
			return SK_EIO;
		}
		done += (size_t)w;
	}
	*written = done;
	return SK_OK;
}

/* Length of the valid UTF-8 sequence at s (1..4, at most avail bytes), or
 * 0 if invalid. */
static size_t spl_utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned int cp;
	size_t n;

	if (s[0] < 0x80) {
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (n > avail) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		return 0;
	}
	return n;
}

bool spl_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);

	while (p < end) {
		size_t n = spl_utf8_seq(p, (size_t)(end - p));
		if (n == 0) {
			return false;
		}
		p += n;
	}
	return true;
}

void spl_utf8_repair(sk_strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s), *run = p;

	while (p < end) {
		size_t n = spl_utf8_seq(p, (size_t)(end - p));
		if (n > 0) {
			p += n;
			continue;
		}
		sk_strbuf_append(sb, run, (size_t)(p - run));
		sk_strbuf_puts(sb, "\xef\xbf\xbd");
		p++;
		run = p;
	}
	sk_strbuf_append(sb, run, (size_t)(p - run));
}

size_t spl_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	size_t count = 0;

	while (p < end) {
		size_t n = spl_utf8_seq(p, (size_t)(end - p));

		p += n == 0 ? 1 : n;
		count++;
	}
	return count;
}

void spl_json_go_string(sk_strbuf *sb, const char *s)
{
	spl_json_go_stringn(sb, s, strlen(s));
}

void spl_json_go_stringn(sk_strbuf *sb, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len, *run = p;

	sk_strbuf_putc(sb, '"');
	while (p < end) {
		size_t n = spl_utf8_seq(p, (size_t)(end - p));
		const char *esc = NULL;
		char u[6] = {'\\', 'u', '0', '0', 0, 0};

		if (n > 1 && !(n == 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))) {
			p += n;
			continue;
		}
		if (n == 1 && *p >= 0x20 && *p != '"' && *p != '\\' && *p != '<' && *p != '>' && *p != '&') {
			p++;
			continue;
		}
		sk_strbuf_append(sb, run, (size_t)(p - run));
		if (n == 0) {
			esc = "\\ufffd";
			n = 1;
		} else if (n == 3) {
			esc = p[2] == 0xa8 ? "\\u2028" : "\\u2029";
		} else if (*p == '"') {
			esc = "\\\"";
		} else if (*p == '\\') {
			esc = "\\\\";
		} else if (*p == '\n') {
			esc = "\\n";
		} else if (*p == '\r') {
			esc = "\\r";
		} else if (*p == '\t') {
			esc = "\\t";
		}
		if (esc != NULL) {
			sk_strbuf_puts(sb, esc);
		} else {
			u[4] = hex[*p >> 4];
			u[5] = hex[*p & 15];
			sk_strbuf_append(sb, u, sizeof(u));
		}
		p += n;
		run = p;
	}
	sk_strbuf_append(sb, run, (size_t)(p - run));
	sk_strbuf_putc(sb, '"');
}

void spl_put_base_url(sk_strbuf *sb, const char *base)
{
	size_t len = strlen(base);

	while (len > 0 && base[len - 1] == '/') {
		len--;
	}
	sk_strbuf_append(sb, base, len);
}

/* path: explicit_path when set, else dir/file. */
static void tls_path(char *dst, size_t n, const char *explicit_path, const char *dir, const char *file)
{
	if (*explicit_path != '\0') {
		snprintf(dst, n, "%s", explicit_path);
	} else {
		snprintf(dst, n, "%s/%s", dir, file);
	}
}

sk_err spl_mutual_tls_files(const saker_plugin_host *host, spl_tls_files *files, char *err, size_t errlen)
{
	const char *dir = host->config_string(host->ctx, "mutualtlsfilespath", "/etc/certs");
	char *paths[3] = {files->cert, files->key, files->ca};

	tls_path(files->cert, sizeof(files->cert), host->config_string(host->ctx, "mutualtlsclient.certfile", ""), dir,
		 "client.crt");
	tls_path(files->key, sizeof(files->key), host->config_string(host->ctx, "mutualtlsclient.keyfile", ""), dir,
		 "client.key");
	tls_path(files->ca, sizeof(files->ca), host->config_string(host->ctx, "mutualtlsclient.cacertfile", ""), dir,
		 "ca.crt");
	for (int i = 0; i < 3; i++) {
		if (!spl_file_readable(paths[i])) {
			snprintf(err, errlen, "mutualtls: cannot read %s", paths[i]);
			return SK_ENOENT;
		}
	}
	return SK_OK;
}

sk_err spl_dated_key(sk_strbuf *key, const char *prefix, int64_t now_ns)
{
	time_t secs = (time_t)(now_ns / 1000000000);
	struct tm day;
	char date[16];

	sk_strbuf_reset(key);
	gmtime_r(&secs, &day);
	strftime(date, sizeof(date), "%Y-%m-%d", &day);
	if (prefix[0] != '\0') {
		sk_strbuf_printf(key, "%s/", prefix);
	}
	sk_strbuf_printf(key, "%s/", date);
	spl_go_rfc3339(key, now_ns, true);
	sk_strbuf_puts(key, ".json");
	return sk_strbuf_failed(key) ? SK_ENOMEM : SK_OK;
}

void spl_uri_encoden(sk_strbuf *sb, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	for (; p < end; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.' || *p == '~' || (keep_slash && *p == '/')) {
			sk_strbuf_putc(sb, (char)*p);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			sk_strbuf_append(sb, esc, sizeof(esc));
		}
	}
}

void spl_uri_encode(sk_strbuf *sb, const char *s, bool keep_slash)
{
	spl_uri_encoden(sb, s, strlen(s), keep_slash);
}

void spl_hex_encode(char *out, const uint8_t *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * n] = '\0';
}

sk_err spl_base64_decode(sk_strbuf *out, const char *s, size_t len)
{
	sk_strbuf_reset(out);
	sk_err err = sk_base64_decode(out, s, len, true);
	return err == SK_EINVAL ? SK_EPARSE : err;
}

sk_err spl_base64_decode_text(sk_strbuf *out, const char *s)
{
	sk_strbuf clean = SK_STRBUF_INIT;
	sk_err rc = SK_ENOMEM;

	for (const char *c = s; *c != '\0'; c++) {
		if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n') {
			sk_strbuf_putc(&clean, *c);
		}
	}
	if (!sk_strbuf_failed(&clean)) {
		rc = spl_base64_decode(out, clean.data != NULL ? clean.data : "", clean.len);
	}
	if (clean.data != NULL) {
		explicit_bzero(clean.data, clean.len); /* keys and credentials pass here */
	}
	sk_strbuf_free(&clean);
	return rc;
}

sk_err spl_bearer_set(spl_bearer *b, const char *token, int64_t expires_in)
{
	char *header = NULL;
	int64_t now = (int64_t)time(NULL);

	if (asprintf(&header, "Bearer %s", token) < 0) {
		return SK_ENOMEM;
	}
	free(b->header);
	b->header = header;
	b->fetched = now;
	b->expires = now + (expires_in > 0 ? expires_in : 3600);
	return SK_OK;
}

bool spl_bearer_due(const spl_bearer *b)
{
	int64_t margin = (b->expires - b->fetched) / 2;
	margin = margin < 300 ? margin : 300;
	return b->header == NULL || (int64_t)time(NULL) >= b->expires - margin;
}

void spl_bearer_expire(spl_bearer *b)
{
	b->expires = 0;
	b->fetched = 0;
}

void spl_bearer_free(spl_bearer *b)
{
	free(b->header);
	memset(b, 0, sizeof(*b));
}

sk_err spl_read_file(const char *path, size_t max, bool trim, sk_strbuf *sb, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char buf[4096];
	ssize_t n;
	sk_err rc = SK_OK;

	sk_strbuf_reset(sb);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read (%s)", path, strerror(errno));
		return SK_ENOENT;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return SK_EINVAL;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (sb->len + (size_t)n > max) {
			snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
			rc = SK_ERANGE;
			break;
		}
		sk_strbuf_append(sb, buf, (size_t)n);
	}
	if (rc == SK_OK && n < 0) {
		snprintf(err, errlen, "%s: cannot read (%s)", path, strerror(errno));
		rc = SK_EIO;
	}
	close(fd);
	if (rc == SK_OK && sk_strbuf_failed(sb)) {
		snprintf(err, errlen, "out of memory");
		rc = SK_ENOMEM;
	}
	while (rc == SK_OK && trim && sb->len > 0 && (sb->data[sb->len - 1] == '\n' || sb->data[sb->len - 1] == '\r')) {
		sb->data[--sb->len] = '\0';
	}
	return rc;
}
