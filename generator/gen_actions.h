/* gen_actions: the table of actions, one or more per Saker rule.
 *
 * Every action reproduces what its rule detects, safely: inside its own temp
 * dir, behind tmpfs-covered system directories, in private network
 * namespaces whose loopback holds the "remote" address, or in a simulated
 * container. Process-name rules use a symlink named like the tool that
 * points at a harmless program (true) or at this generator's helpers. */
#ifndef GEN_ACTIONS_H
#define GEN_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "gen_sandbox.h"
#include "sk_err.h"

typedef struct gen_action gen_action;

/* A step runs inside the sandbox; it returns once the behaviour happened. */
typedef sk_err (*gen_step_fn)(const gen_env *env, const gen_action *a);

struct gen_action {
	const char *rule;        /* exact name of the rule it triggers */
	const char *does;        /* one line for `list -v` */
	bool extra;              /* its rule is in saker_rules_extra.yaml: needs --all */
	gen_sandbox_spec box;
	gen_step_fn step;
	const char *path;        /* file the step works on; "{tmp}/" = the action's temp dir */
	const char *path2;       /* second path (a link's name ...) */
	int number;              /* open flags, mode or port, per step */
	const char *const *argv; /* exec: argv[0] becomes the process name */
	const char *target;      /* exec: program argv[0] stands for (PATH name); NULL = this program */
	const char *const *envp; /* exec: extra environment entries */
};

/* The table, in rule-file order; *count receives its length. */
const gen_action *gen_actions(size_t *count);

/* Finds the action named name ("syscall.WriteBelowEtc" or "WriteBelowEtc",
 * any case). Returns NULL when unknown. */
const gen_action *gen_action_find(const char *name);

/* Runs a in its sandbox (root needed for most). *exit_code as in
 * gen_sandbox_run. Returns SK_OK when the action ran to completion. */
sk_err gen_action_run(const gen_action *a, int timeout_ms, int *exit_code);

/* Entry point of `saker-event-generator helper NAME ARGS...`, the code
 * that aliased re-executions of this program run. Returns an exit status. */
int gen_helper_main(int argc, char **argv);

#endif
