/* sk_err: the one error enum every Saker module returns.
 *
 * Functions return an sk_err (SK_OK == 0) and deliver results through
 * out-pointers. sk_strerror() gives a short, stable English text. */
#ifndef SK_ERR_H
#define SK_ERR_H

typedef enum sk_err {
	SK_OK = 0,
	SK_ENOMEM,     /* allocation failed */
	SK_EINVAL,     /* invalid argument or malformed input */
	SK_ENOENT,     /* no such file, key or item */
	SK_EIO,        /* read/write failed (see errno) */
	SK_ETRUNC,     /* input ended in the middle of a record */
	SK_ERANGE,     /* value or size outside its limit */
	SK_EPARSE,     /* syntax error in a rules file, config or condition */
	SK_EUNSUPP,    /* valid but not supported by this build */
	SK_EEXIST,     /* already exists */
	SK_EFULL,      /* bounded queue or buffer full */
	SK_EAGAIN,     /* try again later (non-blocking) */
	SK_ETIMEDOUT,  /* deadline passed */
	SK_ECLOSED,    /* peer or object closed */
	SK_EPERM,      /* missing privilege or capability */
	SK_EVERSION,   /* version mismatch (ABI, file format, protocol) */
	SK_EINTERNAL,  /* a bug: an invariant did not hold */
	SK_ERR_COUNT
} sk_err;

/* Returns a static, human-readable description of err; never NULL. */
const char *sk_strerror(sk_err err);

#endif
