/* fields_internal.h: helpers shared by the extractor files.
 *
 * Every extractor is one small function sk_xf_<name> (dots become
 * underscores) that evaluation calls straight through the table. Where one
 * extractor serves a family of fields, the table gives each a number
 * (sk_field_def.sub, SK_SUB_* below) for it to switch on; the families not
 * hot in the upstream rules still tell their fields apart by name. */
#ifndef SK_FIELDS_INTERNAL_H
#define SK_FIELDS_INTERNAL_H

#include <string.h>

#include "eval_ctx.h"
#include "field.h"

/* sk_field_def.sub of fields that share an extractor: the table sets it,
 * the extractor switches on it (field_table_test checks none is left 0). */
enum {
	/* sk_xf_fd_str */
	SK_SUB_FD_NAME = 1,
	SK_SUB_FD_TYPE,
	SK_SUB_FD_TYPECHAR,
	SK_SUB_FD_NAMERAW,
	SK_SUB_FD_DIRECTORY,
	SK_SUB_FD_FILENAME,
	SK_SUB_FD_L4PROTO,
	SK_SUB_FD_SOCKFAMILY,
	SK_SUB_FD_UID,
	SK_SUB_FD_CONTAINERNAME,
	SK_SUB_FD_CONTAINERDIRECTORY,
};
enum {
	/* sk_xf_fd_num */
	SK_SUB_FD_NUM = 1,
	SK_SUB_FD_INO,
	SK_SUB_FD_DEV,
	SK_SUB_FD_DEV_MAJOR,
	SK_SUB_FD_DEV_MINOR,
};
enum {
	/* sk_xf_proc_str (the process), sk_xf_proc_parent (its parent),
	 * sk_xf_proc_ancestor and sk_xf_proc_leader */
	SK_SUB_PROC_NAME = 1,
	SK_SUB_PROC_EXE,
	SK_SUB_PROC_EXEPATH,
	SK_SUB_PROC_ARGS,
	SK_SUB_PROC_CMDLINE,
	SK_SUB_PROC_EXELINE,
	SK_SUB_PROC_CWD,
	SK_SUB_PROC_PID, /* proc.apid only */
};
enum {
	/* sk_xf_evt_is_open */
	SK_SUB_OPEN_READ = 1,
	SK_SUB_OPEN_WRITE,
	SK_SUB_OPEN_EXEC,
	SK_SUB_OPEN_CREATE,
};

#define SK_XF(fname) sk_err sk_xf_##fname(struct sk_eval_ctx *ctx, const sk_field_ref *ref, sk_values *out)

static inline sk_err sk_out_str(sk_values *out, const char *p, size_t len)
{
	out->count = 1;
	out->v[0].type = SK_FT_STRING;
	out->v[0].u.str.ptr = p != NULL ? p : "";
	out->v[0].u.str.len = p != NULL ? (uint32_t)len : 0;
	return SK_OK;
}

static inline sk_err sk_out_cstr(sk_values *out, const char *s)
{
	return sk_out_str(out, s, s != NULL ? strlen(s) : 0);
}

static inline sk_err sk_out_num(sk_values *out, sk_ftype type, uint64_t v)
{
	out->count = 1;
	out->v[0].type = type;
	out->v[0].u.u64 = v;
	return SK_OK;
}

static inline sk_err sk_out_i64(sk_values *out, int64_t v)
{
	out->count = 1;
	out->v[0].type = SK_FT_INT64;
	out->v[0].u.i64 = v;
	return SK_OK;
}

static inline sk_err sk_out_bool(sk_values *out, bool b)
{
	out->count = 1;
	out->v[0].type = SK_FT_BOOL;
	out->v[0].u.b = b;
	return SK_OK;
}

static inline sk_err sk_out_none(sk_values *out)
{
	out->count = 0;
	return SK_OK;
}

/* Copies NUL-separated parts into the arena joined by sep; NULL on failure. */
const char *sk_join_nul(struct sk_eval_ctx *ctx, const char *s, size_t len, char sep, size_t *out_len);

/* Renders parameter i of the current event into the arena as Falco prints
 * it: "raw(resolved)" in evt.args, only the resolved text in evt.arg
 * (only_resolved). *text is NULL when the parameter is absent. */
sk_err sk_render_param(struct sk_eval_ctx *ctx, uint32_t i, bool only_resolved, const char **text, size_t *len);

#include "fields_decl.inc"

#endif
