/* sk_ipc: helpers for the nng ipc:// sockets the processes share. */
#ifndef SK_IPC_H
#define SK_IPC_H

#include <stddef.h>

#include "sk_err.h"

/* For an ipc:// URL, makes sure the socket's directory exists (creating it
 * 0750 when missing); other URLs are left alone. On failure returns
 * SK_EINVAL (the path is not a directory) or SK_ENOENT (it cannot be
 * created) with a one-line reason naming the directory and the URL in err. */
sk_err sk_ipc_prepare_dir(const char *url, char *err, size_t errlen);

#endif
