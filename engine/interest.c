/* interest.c: the capture's interest set from rules and base_syscalls (see interest.h). */
#include "interest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "event_table.h"

/* Syscalls whose events keep the process and fd tables right, whatever the
 * rules say: the default base set. */
static const char *const state_syscalls[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat", "procexit", "open", "openat", "openat2",
	"creat", "close", "socket", "socketpair", "connect", "accept", "accept4", "bind", "listen", "dup",
	"dup2", "dup3", "fcntl", "pipe", "pipe2", "chdir", "fchdir", "eventfd", "eventfd2", "signalfd",
	"signalfd4", "timerfd_create", "inotify_init", "inotify_init1", "memfd_create", "userfaultfd",
	"setuid", "setgid", "setresuid", "setresgid", "prctl", "setsid", "setpgid",
};

/* base_syscalls.repair, always: the process lifecycle and what keeps
 * user, group, session and working directory right. */
static const char *const repair_always[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat", "procexit", "setuid", "setgid", "setresuid",
	"setresgid", "setsid", "setpgid", "capset", "chdir", "fchdir", "chroot",
};
/* ... when a rule's syscall uses or makes fds: their end and copies */
static const char *const repair_fds[] = {"close", "dup", "dup2", "dup3", "fcntl"};
/* ... when it is a network call: the socket and its address */
static const char *const repair_net[] = {"socket", "bind", "getsockopt"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The types that may be asked for: exits still produced (not unused, not
 * an older layout kept for reading captures). */
static bool capturable(uint16_t t)
{
	const sk_event_info *info = sk_event_info_get(t);
	return sk_event_is_exit(t) && (info->flags & (SK_EF_UNUSED | SK_EF_OLD_VERSION)) == 0;
}

/* Sets want[t] for every capturable type of syscall name; false when the
 * name has none (procexit, an enter-only event, counts as known). */
static bool want_name(bool *want, const char *name, bool value)
{
	uint16_t ids[16];
	size_t k = sk_event_types_by_name(name, ids, N(ids));
	for (size_t j = 0; j < k && j < N(ids); j++) {
		if (capturable(ids[j])) {
			want[ids[j]] = value;
		}
	}
	return k > 0;
}

static void want_names(bool *want, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		want_name(want, names[i], true);
	}
}

sk_err sk_interest_compute(const sk_ruleset *rs, const sk_engine_config *cfg, uint16_t **out, size_t *n,
			   sk_strbuf *unknown)
{
	uint16_t count = sk_event_type_count();
	bool *want = calloc(count, sizeof(*want));
	bool *rules = calloc(count, sizeof(*rules));
	*out = NULL;
	*n = 0;
	if (want == NULL || rules == NULL) {
		free(want);
		free(rules);
		return SK_ENOMEM;
	}
	bool positive = false, uses_fds = false, net = false;
	for (uint16_t t = 0; t < count; t++) {
		if (capturable(t) && sk_ruleset_rules_for_type(rs, t) > 0) {
			const sk_event_info *info = sk_event_info_get(t);
			want[t] = rules[t] = true;
			uses_fds |= (info->flags & (SK_EF_CREATES_FD | SK_EF_USES_FD)) != 0;
			net |= info->category == SK_EC_NET;
		}
	}
	for (size_t i = 0; i < cfg->nbase_custom_set; i++) {
		const char *name = cfg->base_custom_set[i];
		if (name[0] != '!') {
			positive = true;
			if (!want_name(want, name, true) && unknown != NULL) {
				sk_strbuf_printf(unknown, "%s%s", unknown->len > 0 ? " " : "", name);
			}
		}
	}
	if (cfg->base_all) {
		for (uint16_t t = 0; t < count; t++) {
			want[t] = want[t] || capturable(t);
		}
	} else if (cfg->base_repair) {
		want_names(want, repair_always, N(repair_always));
		if (uses_fds) {
			want_names(want, repair_fds, N(repair_fds));
		}
		if (net) {
			want_names(want, repair_net, N(repair_net));
		}
	} else if (!positive) {
		want_names(want, state_syscalls, N(state_syscalls));
	}
	for (size_t i = 0; i < cfg->nbase_custom_set; i++) {
		const char *name = cfg->base_custom_set[i];
		if (name[0] == '!' && !want_name(want, name + 1, false) && unknown != NULL) {
			sk_strbuf_printf(unknown, "%s%s", unknown->len > 0 ? " " : "", name);
		}
	}
	free(rules);
	uint16_t *set = malloc(count * sizeof(*set));
	if (set == NULL) {
		free(want);
		return SK_ENOMEM;
	}
	for (uint16_t t = 0; t < count; t++) {
		if (want[t]) {
			set[(*n)++] = t;
		}
	}
	free(want);
	*out = set;
	return unknown != NULL && sk_strbuf_failed(unknown) ? SK_ENOMEM : SK_OK;
}
