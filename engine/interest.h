/* interest: the event types saker-engine asks saker-capture for (the
 * control link's SET, docs/protocol.md).
 *
 * Falco's rule, base_syscalls included: the syscalls the loaded rules
 * name, plus a base set for the state. The base set is Saker's state set
 * (process lifecycle, fd creation and closing, credentials, working
 * directory); a non-empty list of names in base_syscalls.custom_set
 * replaces it; base_syscalls.repair replaces it with the fewest the rules'
 * syscalls need (the process lifecycle, close and dup when they use fds,
 * socket and bind when they are network calls, the credential and
 * directory changes); base_syscalls.all takes every syscall. "!name"
 * entries are then taken out, whatever put them in. The capture keeps
 * execve, clone and procexit on whatever the set says. */
#ifndef SK_INTEREST_H
#define SK_INTEREST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ruleset.h"
#include "sk_err.h"
#include "sk_strbuf.h"

/* Computes the set of exit event types for rs and cfg's base_syscalls into
 * *out (malloc'ed, *n of them, no duplicates). Entries of custom_set that
 * name no syscall Saker knows are appended to unknown (may be NULL),
 * space-separated, and otherwise ignored, as they would be by a sensor
 * without that syscall. SK_ENOMEM only. */
sk_err sk_interest_compute(const sk_ruleset *rs, const sk_engine_config *cfg, uint16_t **out, size_t *n,
			   sk_strbuf *unknown);

#endif
