/* watch.c: inotify on the directories of the engine's configuration and
 * rules files (engine/watch.h). */
#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCH_MASK                                                                                             \
	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | \
	 IN_MOVE_SELF | IN_ONLYDIR)

/* One watched name: wd's directory itself (name NULL: any file in it) or
 * one file in it. */
typedef struct watch_entry {
	int wd;
	char *name;
} watch_entry;

struct sk_watch {
	int fd;
	watch_entry entries[SK_WATCH_MAX_PATHS];
	size_t nentries;
	size_t ndirs; /* distinct watch descriptors */
};

static bool known_wd(const sk_watch *w, int wd)
{
	for (size_t i = 0; i < w->nentries; i++) {
		if (w->entries[i].wd == wd) {
			return true;
		}
	}
	return false;
}

/* Adds dir to inotify and an entry for name in it (NULL: the whole dir). */
static sk_err add_entry(sk_watch *w, const char *dir, const char *name, sk_strbuf *why)
{
	if (w->nentries >= SK_WATCH_MAX_PATHS) {
		sk_strbuf_printf(why, "more than %d paths to watch", SK_WATCH_MAX_PATHS);
		return SK_ERANGE;
	}
	int wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
	if (wd < 0) {
		sk_strbuf_printf(why, "%s%s: %s (not watched)", why->len > 0 ? "; " : "", dir, strerror(errno));
		return SK_OK; /* the rest is still watched */
	}
	char *copy = NULL;
	if (name != NULL) {
		copy = strdup(name);
		if (copy == NULL) {
			return SK_ENOMEM;
		}
	}
	w->ndirs += !known_wd(w, wd);
	w->entries[w->nentries].wd = wd;
	w->entries[w->nentries].name = copy;
	w->nentries++;
	return SK_OK;
}

/* A path: a directory is watched whole; anything else (a file, a missing
 * name) through its directory. */
static sk_err add_path(sk_watch *w, const char *path, sk_strbuf *why)
{
	struct stat st;
	char dir[PATH_MAX];
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/') {
		len--;
	}
	if (len == 0 || len >= sizeof(dir)) {
		return SK_OK;
	}
	memcpy(dir, path, len);
	dir[len] = '\0';
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		return add_entry(w, dir, NULL, why);
	}
	char *slash = strrchr(dir, '/');
	const char *name = dir;
	if (slash == NULL) {
		return add_entry(w, ".", name, why);
	}
	*slash = '\0';
	name = slash + 1;
	return add_entry(w, slash == dir ? "/" : dir, name, why);
}

sk_err sk_watch_open(const char *const *paths, size_t n, sk_watch **out, sk_strbuf *why)
{
	sk_watch *w;
	sk_err err = SK_OK;

	if (paths == NULL && n > 0) {
		return SK_EINVAL;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		return SK_ENOMEM;
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		sk_strbuf_printf(why, "inotify: %s", strerror(errno));
		free(w);
		return SK_EIO;
	}
	for (size_t i = 0; i < n && err == SK_OK; i++) {
		if (paths[i] != NULL && paths[i][0] != '\0') {
			err = add_path(w, paths[i], why);
		}
	}
	if (err != SK_OK) {
		sk_watch_close(w);
		return err;
	}
	*out = w;
	return SK_OK;
}

/* Whether an event named name in wd's directory concerns a watched path.
 * A ConfigMap volume swaps its ..data link to publish new contents. */
static bool concerns(const sk_watch *w, int wd, const char *name)
{
	bool data_swap = strncmp(name, "..data", 6) == 0;
	for (size_t i = 0; i < w->nentries; i++) {
		const watch_entry *e = &w->entries[i];
		if (e->wd != wd) {
			continue;
		}
		if (data_swap || (e->name == NULL && name[0] != '.') ||
		    (e->name != NULL && strcmp(e->name, name) == 0)) {
			return true;
		}
	}
	return false;
}

sk_err sk_watch_poll(sk_watch *w, bool *changed)
{
	/* aligned as inotify_event, as inotify(7) shows */
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));

	*changed = false;
	if (w == NULL) {
		return SK_OK;
	}
	for (int rounds = 0; rounds < 64; rounds++) {
		ssize_t got = read(w->fd, buf, sizeof(buf));
		if (got < 0) {
			return errno == EAGAIN || errno == EINTR ? SK_OK : SK_EIO;
		}
		for (char *p = buf; p < buf + got;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if ((ev->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) != 0) {
				*changed = true;
			} else if (ev->len > 0 && concerns(w, ev->wd, ev->name)) {
				*changed = true;
			}
			p += sizeof(struct inotify_event) + ev->len;
		}
	}
	return SK_OK;
}

size_t sk_watch_count(const sk_watch *w)
{
	return w != NULL ? w->ndirs : 0;
}

void sk_watch_close(sk_watch *w)
{
	if (w == NULL) {
		return;
	}
	for (size_t i = 0; i < w->nentries; i++) {
		free(w->entries[i].name);
	}
	close(w->fd);
	free(w);
}
