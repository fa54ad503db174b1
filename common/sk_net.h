/* sk_net: the numeric listen addresses the HTTP servers take. */
#ifndef SK_NET_H
#define SK_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sk_err.h"

/* Fills *addr with a numeric IPv4 or IPv6 address and port; *ipv6 says
 * which it was. SK_EINVAL when address is neither (host names are not
 * resolved: a listener binds what it is told). */
sk_err sk_net_addr(const char *address, uint16_t port, struct sockaddr_storage *addr, bool *ipv6);

#endif
