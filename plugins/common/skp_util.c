#include "skp_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool skp_file_readable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

const char *skp_alert_field(const saker_alert *alert, const char *name)
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

void skp_join_tags(sk_strbuf *sb, const saker_alert *alert, const char *sep)
{
	for (size_t i = 0; i < alert->ntags; i++) {
		if (i > 0) {
			sk_strbuf_puts(sb, sep);
		}
		sk_strbuf_puts(sb, alert->tags[i]);
	}
}

static void skp_strlist_add(void *user, const char *value)
{
	skp_strlist *list = user;
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

sk_err skp_strlist_from_config(const saker_plugin_host *host, const char *path, skp_strlist *list)
{
	host->config_list(host->ctx, path, skp_strlist_add, list);
	return list->failed ? SK_ENOMEM : SK_OK;
}

void skp_strlist_free(skp_strlist *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->items[i]);
	}
	free(list->items);
	list->items = NULL;
	list->n = 0;
	list->failed = false;
}

saker_send_result skp_check_buf(const sk_strbuf *sb, char *err, size_t errlen)
{
	if (sk_strbuf_failed(sb)) {
		snprintf(err, errlen, "out of memory building the payload");
		return SAKER_SEND_RETRY;
	}
	return SAKER_SEND_OK;
}

void skp_go_time(sk_strbuf *sb, int64_t ns)
{
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	time_t t;
	struct tm tm;
	char date[32];
	char digits[16];
	int n;

	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	t = (time_t)sec;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	sk_strbuf_puts(sb, date);
	if (frac != 0) {
		n = snprintf(digits, sizeof(digits), "%09lld", (long long)frac);
		while (n > 0 && digits[n - 1] == '0') {
			n--;
		}
		sk_strbuf_putc(sb, '.');
		sk_strbuf_append(sb, digits, (size_t)n);
	}
	sk_strbuf_puts(sb, " +0000 UTC");
}

saker_send_result skp_build_lines(sk_strbuf *sb, const saker_alert *const *alerts, size_t n, char *err,
				  size_t errlen)
{
	sk_strbuf_reset(sb);
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_append(sb, alerts[i]->json, alerts[i]->json_len);
		sk_strbuf_putc(sb, '\n');
	}
	return skp_check_buf(sb, err, errlen);
}

sk_err skp_write_all(int fd, const char *buf, size_t len, size_t *written)
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
