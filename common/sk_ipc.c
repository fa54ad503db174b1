#include "sk_ipc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

sk_err sk_ipc_prepare_dir(const char *url, char *err, size_t errlen)
{
	char dir[4096];
	char *slash;
	struct stat st;

	if (strncmp(url, "ipc://", 6) != 0) {
		return SK_OK;
	}
	snprintf(dir, sizeof(dir), "%s", url + 6);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir) {
		return SK_OK;
	}
	*slash = '\0';
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: not a directory (for %s)", dir, url);
			return SK_EINVAL;
		}
		return SK_OK;
	}
	if (mkdir(dir, 0750) != 0) {
		snprintf(err, errlen, "directory %s for %s does not exist and cannot be created (%s)", dir, url,
			 strerror(errno));
		return SK_ENOENT;
	}
	return SK_OK;
}
