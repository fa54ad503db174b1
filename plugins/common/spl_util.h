/* spl_util: small helpers the output plugins share (alert fields, tags,
 * config lists). Linked statically into each plugin. */
#ifndef SPL_UTIL_H
#define SPL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* Marks the one symbol a plugin exports (plugins build with hidden
 * visibility). */
#define SPL_EXPORT __attribute__((visibility("default")))

/* Defines the plugin's exported entry point returning &table. */
#define SPL_PLUGIN_ENTRY(table)                                                  \
	SPL_EXPORT const saker_output_plugin *saker_output_plugin_entry(void)    \
	{                                                                        \
		return &(table);                                                 \
	}

/* Returns true if path names a regular file this process can read. */
bool spl_file_readable(const char *path);

/* Returns the text value of output field name, or NULL when absent
 * (field_names is sorted, so this is a binary search). */
const char *spl_alert_field(const saker_alert *alert, const char *name);

/* Appends the alert's tags (already sorted) joined by sep. */
void spl_join_tags(sk_strbuf *sb, const saker_alert *alert, const char *sep);

/* A list of strings owned by the list (config lists, label names). */
typedef struct spl_strlist {
	char **items;
	size_t n;
	bool failed; /* an allocation failed while filling */
} spl_strlist;

/* Copies every value of the config list at path into list (empty values
 * are skipped). Returns SK_ENOMEM if a copy failed. */
sk_err spl_strlist_from_config(const saker_plugin_host *host, const char *path, spl_strlist *list);

/* Copies every key of the config map at path into list. Returns
 * SK_ENOMEM if a copy failed. */
sk_err spl_strlist_keys_from_config(const saker_plugin_host *host, const char *path, spl_strlist *list);

/* Frees every item; the list is empty afterwards. */
void spl_strlist_free(spl_strlist *list);

/* Appends ns (since the epoch, UTC) as Go's time.Time.String() prints it,
 * "2006-01-02 15:04:05.123456789 +0000 UTC" (trailing zeros trimmed): the
 * text Falcosidekick shows in chat outputs. */
void spl_go_time(sk_strbuf *sb, int64_t ns);

/* Appends ns (UTC) as Go's time.RFC3339Nano writes it
 * ("2026-11-29T22:00:00.000000789Z", trailing zeros trimmed: a time.Time in
 * JSON) with with_fraction, else as time.RFC3339 ("2026-11-29T22:00:00Z"). */
void spl_go_rfc3339(sk_strbuf *sb, int64_t ns, bool with_fraction);

/* Appends base (a configured http[s]://host:port) without its trailing
 * slashes, so that a path appended next does not start with "//". */
void spl_put_base_url(sk_strbuf *sb, const char *base);

/* Finishes a send error: copies sb's failure into err as "out of memory"
 * and returns RETRY when sb failed, else OK. */
saker_send_result spl_check_buf(const sk_strbuf *sb, char *err, size_t errlen);

/* Appends s as a JSON string the way Go's encoding/json writes it (what
 * Falcosidekick's receivers see): <, > and & as \u003c.., control bytes as
 * \u00XX, invalid UTF-8 as \ufffd, so the result is always valid JSON. */
void spl_json_go_string(sk_strbuf *sb, const char *s);

/* The same for len bytes (NUL bytes become \u0000). */
void spl_json_go_stringn(sk_strbuf *sb, const char *s, size_t len);

/* The client files of mutual TLS, as Falcosidekick finds them: each
 * mutualtlsclient.* key (certfile, keyfile, cacertfile), else the file
 * client.crt, client.key or ca.crt in mutualtlsfilespath (default
 * /etc/certs). The host answers these keys from the top level when the
 * output's section lacks them. */
typedef struct spl_tls_files {
	char cert[4096];
	char key[4096];
	char ca[4096];
} spl_tls_files;

/* Fills files; SK_ENOENT with "mutualtls: cannot read PATH" in err when one
 * of them is not a readable file. */
sk_err spl_mutual_tls_files(const saker_plugin_host *host, spl_tls_files *files, char *err, size_t errlen);


/* Returns the number of UTF-8 characters in s (invalid bytes count one). */
size_t spl_utf8_len(const char *s);

/* True when s is valid UTF-8 throughout. */
bool spl_utf8_valid(const char *s);

/* Appends s with each byte that is not part of valid UTF-8 replaced by
 * U+FFFD, as Go's JSON encoder (and spl_json_go_string) does. */
void spl_utf8_repair(sk_strbuf *sb, const char *s);

/* Replaces sb's content with each alert's JSON followed by a newline (JSON
 * Lines). Returns OK, or RETRY with err set if memory ran out. */
saker_send_result spl_build_lines(sk_strbuf *sb, const saker_alert *const *alerts, size_t n, char *err,
				  size_t errlen);

/* Writes all len bytes to fd, retrying on EINTR and short writes. Returns
 * SK_OK, or SK_EIO with errno set and *written the bytes that did go out. */
sk_err spl_write_all(int fd, const char *buf, size_t len, size_t *written);

/* The object key Falcosidekick's S3 and GCS outputs write for an alert
 * sent at now_ns: "<prefix>/" when prefix is not "", then the UTC date and
 * the RFC 3339 time with nanoseconds (trailing zeros trimmed, as Go), and
 * ".json". SK_ENOMEM when memory ran out. */
sk_err spl_dated_key(sk_strbuf *key, const char *prefix, int64_t now_ns);

/* Appends s (len bytes) percent-encoded as SigV4, OAuth and form bodies
 * want: all but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash, for paths). */
void spl_uri_encoden(sk_strbuf *sb, const char *s, size_t len, bool keep_slash);
void spl_uri_encode(sk_strbuf *sb, const char *s, bool keep_slash);

/* Writes n bytes of data as 2n lower-case hex digits and a NUL into out. */
void spl_hex_encode(char *out, const uint8_t *data, size_t n);

/* Decodes len bytes of standard, padded base64 into out (reset first).
 * SK_EPARSE when s is not that (other characters, a bad length or
 * padding). */
sk_err spl_base64_decode(sk_strbuf *out, const char *s, size_t len);

/* The same for a NUL-terminated text that may be wrapped: spaces, tabs
 * and line ends anywhere are skipped (base64 values in configs, keys in
 * kubeconfigs). SK_ENOMEM when memory ran out. */
sk_err spl_base64_decode_text(sk_strbuf *out, const char *s);

/* An OAuth bearer token of a cloud output and when to renew it. */
typedef struct spl_bearer {
	char *header;	 /* "Bearer <token>", NULL before the first */
	int64_t expires; /* Unix seconds */
	int64_t fetched;
} spl_bearer;

/* Keeps "Bearer <token>", valid for expires_in seconds from now (an hour
 * when expires_in <= 0). SK_ENOMEM leaves b as it was. */
sk_err spl_bearer_set(spl_bearer *b, const char *token, int64_t expires_in);

/* Whether to fetch a new one: none yet, or 5 minutes before it expires
 * (halfway through a life shorter than 10 minutes). */
bool spl_bearer_due(const spl_bearer *b);

/* Makes it due (after a 401). */
void spl_bearer_expire(spl_bearer *b);

/* Frees the token. */
void spl_bearer_free(spl_bearer *b);

/* Reads the regular file path (never a FIFO or device, which could block)
 * of at most max bytes into sb (reset first), without the line ends it
 * ends with when trim. On failure err names the file and what is wrong
 * (SK_ENOENT unreadable, SK_EINVAL not a regular file, SK_ERANGE too
 * large). For the secrets and configs cloud outputs read: tokens, keys,
 * kubeconfigs. */
sk_err spl_read_file(const char *path, size_t max, bool trim, sk_strbuf *sb, char *err, size_t errlen);

#endif
