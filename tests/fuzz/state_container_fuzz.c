/* state_container_fuzz: container runtime state files (docker
 * config.v2.json + hostconfig.json, OCI config.json) from arbitrary bytes.
 * Input: first byte picks the runtime, the rest is config, optionally
 * followed by a NUL and the hostconfig. Must never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {"docker", "containerd", "cri-o", "podman"};
	const char *type = types[size > 0 ? data[0] % 4 : 0];
	const char *config = size > 1 ? (const char *)data + 1 : "";
	size_t len = size > 1 ? size - 1 : 0;
	const char *nul = memchr(config, '\0', len);
	const char *host = NULL;
	size_t host_len = 0;
	if (nul != NULL) {
		host = nul + 1;
		host_len = len - (size_t)(host - config);
		len = (size_t)(nul - config);
	}
	sk_container *c = NULL;
	if (sk_container_parse("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", type, config, len,
			       host, host_len, &c) == SK_OK) {
		sk_container_free(c);
	}
	return 0;
}
