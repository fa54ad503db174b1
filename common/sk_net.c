/* sk_net.c: numeric listen addresses. */
#include "sk_net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

sk_err sk_net_addr(const char *address, uint16_t port, struct sockaddr_storage *addr, bool *ipv6)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;

	memset(addr, 0, sizeof(*addr));
	if (address != NULL && inet_pton(AF_INET, address, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*ipv6 = false;
		return SK_OK;
	}
	if (address != NULL && inet_pton(AF_INET6, address, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*ipv6 = true;
		return SK_OK;
	}
	return SK_EINVAL;
}
