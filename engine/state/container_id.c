/* container_id.c: container ids from cgroup paths (see container_id.h). */
#include "container_id.h"

#include <stdbool.h>
#include <string.h>

static bool is_hex64(const char *s, size_t len)
{
	if (len != SK_CONTAINER_ID_LEN) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false;
		}
	}
	return true;
}

/* Cgroup leaf names that carry an id: prefix + 64 hex (+ ".scope"). */
static const struct {
	const char *prefix;
	const char *type;
} scope_prefixes[] = {
	{"docker-", "docker"},
	{"cri-containerd-", "containerd"},
	{"crio-", "cri-o"},
	{"libpod-", "podman"},
};

/* Checks one path component; on a match copies the id and sets *type. */
static bool match_component(const char *c, size_t len, const char *parent, size_t parent_len, char *id,
			    const char **type)
{
	const char *scope = ".scope";
	size_t scope_len = strlen(scope);
	if (len > scope_len && memcmp(c + len - scope_len, scope, scope_len) == 0) {
		len -= scope_len;
	}
	for (size_t i = 0; i < sizeof(scope_prefixes) / sizeof(scope_prefixes[0]); i++) {
		size_t plen = strlen(scope_prefixes[i].prefix);
		if (len == plen + SK_CONTAINER_ID_LEN && memcmp(c, scope_prefixes[i].prefix, plen) == 0 &&
		    is_hex64(c + plen, SK_CONTAINER_ID_LEN)) {
			memcpy(id, c + plen, SK_CONTAINER_ID_LEN);
			*type = scope_prefixes[i].type;
			return true;
		}
	}
	if (!is_hex64(c, len)) {
		return false;
	}
	memcpy(id, c, SK_CONTAINER_ID_LEN);
	/* "/docker/<id>" is docker; bare ids under kubepods are CRI (containerd). */
	*type = parent_len == 6 && memcmp(parent, "docker", 6) == 0 ? "docker" : "containerd";
	return true;
}

static bool match_path(const char *path, size_t len, char *id, const char **type)
{
	const char *parent = "";
	size_t parent_len = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && path[i] == '/') {
			i++;
		}
		size_t start = i;
		while (i < len && path[i] != '/') {
			i++;
		}
		if (i > start && match_component(path + start, i - start, parent, parent_len, id, type)) {
			return true;
		}
		parent = path + start;
		parent_len = i - start;
	}
	return false;
}

sk_err sk_container_id_from_cgroups(const char *cgroups, size_t len, char id[SK_CONTAINER_ID_LEN + 1],
				    const char **type)
{
	size_t i = 0;
	while (cgroups != NULL && i < len) {
		const char *entry = cgroups + i;
		size_t elen = strnlen(entry, len - i);
		const char *eq = memchr(entry, '=', elen);
		const char *path = eq != NULL ? eq + 1 : entry;
		size_t plen = elen - (size_t)(path - entry);
		if (match_path(path, plen, id, type)) {
			id[SK_CONTAINER_ID_LEN] = '\0';
			return SK_OK;
		}
		i += elen + 1;
	}
	return SK_ENOENT;
}

uint64_t sk_container_key(const char *id)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *p = id; *p != '\0'; p++) {
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	}
	return h;
}
