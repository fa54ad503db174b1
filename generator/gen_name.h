/* gen_name: action names derived from rule names, as upstream's
 * event-generator does ("Write below etc" <-> "syscall.WriteBelowEtc").
 *
 * A name matches a rule when both are equal once every character that is
 * not a letter or a digit is dropped, ignoring case. */
#ifndef GEN_NAME_H
#define GEN_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "sk_err.h"

#define GEN_ACTION_PREFIX "syscall."
#define GEN_NAME_MAX 160

/* Writes "syscall." + the CamelCase form of rule (each run of letters and
 * digits starts with a capital, the rest dropped) into out (cap bytes).
 * Returns SK_ERANGE when it does not fit, SK_EINVAL for an empty name. */
sk_err gen_action_name(const char *rule, char *out, size_t cap);

/* True when name (with or without the "syscall." prefix) designates rule. */
bool gen_name_matches(const char *name, const char *rule);

#endif
