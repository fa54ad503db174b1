/* format: Falco output format strings ("... user=%user.name file=%fd.name").
 *
 * Compiled once at load: every %field / %field[arg] / %evt.arg.x token,
 * with an optional width (%8proc.name) and transformers around the field
 * (%toupper(basename(fd.name))), is resolved against the field registry
 * (unknown field = error). Rendering gives the text line (missing values
 * print <NA>) and Falco's typed output_fields JSON object (missing values
 * are null; a transformed field appears both as itself and under its
 * transformed name). */
#ifndef SK_RULES_FORMAT_H
#define SK_RULES_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "env.h"
#include "field.h"
#include "sk_err.h"
#include "sk_strbuf.h"

typedef struct sk_fmt sk_fmt;

/* Resolves a field name plus optional argument (arg NULL when none) into
 * ref, checking argument rules from the registry flags. "evt.arg.flags" is
 * read as field evt.arg with key "flags". ref->arg_key is malloc'd (free it
 * with sk_fmt_field_release). Returns SK_ENOENT for an unknown field,
 * SK_EINVAL for a bad argument; why receives the reason. */
sk_err sk_fmt_field_resolve(const sk_rules_env *env, const char *name, const char *arg, sk_field_ref *ref,
			    sk_strbuf *why);
/* Frees what sk_fmt_field_resolve allocated in ref. */
void sk_fmt_field_release(sk_field_ref *ref);

/* Compiles a format string. On error returns SK_ENOENT/SK_EINVAL, sets
 * *err_pos to the offset of the bad token and writes the reason to why. */
sk_err sk_fmt_compile(const sk_rules_env *env, const char *text, size_t len, sk_fmt **out, uint32_t *err_pos,
		      sk_strbuf *why);
/* Appends the text line for the current event; byte buffers in base64
 * when bytes_base64 (falco.yaml's buffer_format_base64). */
sk_err sk_fmt_render_text(const sk_fmt *fmt, struct sk_eval_ctx *ctx, bool bytes_base64, sk_strbuf *out);
/* Appends the output_fields JSON object: {"proc.name":"bash","fd.num":3,...}. */
sk_err sk_fmt_render_json(const sk_fmt *fmt, struct sk_eval_ctx *ctx, bool bytes_base64, sk_strbuf *out);
/* Number of output_fields keys, and the i-th one ("proc.aname[2]", "toupper(proc.name)"). */
size_t sk_fmt_field_count(const sk_fmt *fmt);
const char *sk_fmt_field_name(const sk_fmt *fmt, size_t i);
/* Frees a compiled format (NULL is fine). */
void sk_fmt_free(sk_fmt *fmt);

#endif
