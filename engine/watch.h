/* watch: falco.yaml's watch_config_files. Tells saker-engine when one of
 * its configuration or rules files changed on disk, so it reloads as on
 * SIGHUP.
 *
 * inotify watches the directory holding each named file (so an editor's
 * write-to-temp-and-rename, and a Kubernetes ConfigMap volume's swap of
 * its ..data link, are both seen) and each named directory (a file in it
 * written, added, removed or renamed; hidden names other than ..data are
 * left out, as editors' swap files). Nothing blocks: the engine's loop
 * asks between batches of events. */
#ifndef SK_WATCH_H
#define SK_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "sk_err.h"
#include "sk_strbuf.h"

#define SK_WATCH_MAX_PATHS 512

typedef struct sk_watch sk_watch;

/* Watches paths (files or directories; a missing file is watched through
 * its directory, so creating it counts). A path whose directory does not
 * exist is left out with a line in why (the watch still opens). Fails
 * with SK_EIO (why says why) when inotify cannot start, SK_ERANGE past
 * SK_WATCH_MAX_PATHS. */
sk_err sk_watch_open(const char *const *paths, size_t n, sk_watch **out, sk_strbuf *why);

/* Reads what inotify queued since the last call, never blocking; *changed
 * is true when any of it concerns a watched path (or the queue
 * overflowed, or a watched directory went away). */
sk_err sk_watch_poll(sk_watch *w, bool *changed);

/* How many directories are watched. */
size_t sk_watch_count(const sk_watch *w);

/* Stops watching and frees w (NULL is fine). */
void sk_watch_close(sk_watch *w);

#endif
