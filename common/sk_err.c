#include "sk_err.h"

#include <stddef.h>

static const char *const sk_err_text[SK_ERR_COUNT] = {
	[SK_OK] = "success",
	[SK_ENOMEM] = "out of memory",
	[SK_EINVAL] = "invalid argument or input",
	[SK_ENOENT] = "not found",
	[SK_EIO] = "input/output error",
	[SK_ETRUNC] = "input truncated",
	[SK_ERANGE] = "value out of range",
	[SK_EPARSE] = "syntax error",
	[SK_EUNSUPP] = "not supported",
	[SK_EEXIST] = "already exists",
	[SK_EFULL] = "queue or buffer full",
	[SK_EAGAIN] = "try again",
	[SK_ETIMEDOUT] = "timed out",
	[SK_ECLOSED] = "closed",
	[SK_EPERM] = "permission denied",
	[SK_EVERSION] = "version mismatch",
	[SK_EINTERNAL] = "internal error",
};

const char *sk_strerror(sk_err err)
{
	if ((unsigned)err >= SK_ERR_COUNT || sk_err_text[err] == NULL) {
		return "unknown error";
	}
	return sk_err_text[err];
}
