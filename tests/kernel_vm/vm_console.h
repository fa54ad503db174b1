/* vm_console: reads what the test VM's /init printed on the serial console.
 *
 * The init script (tests/kernel_vm/init.sh) prefixes its own lines with
 * "SAKER-VM " and a keyword; between "SAKER-VM alerts-begin" and
 * "SAKER-VM alerts-end" come saker-engine's JSON alerts, one per line. The
 * run counts as finished only with "SAKER-VM done <nonce>", the nonce the
 * host put on the kernel command line, so output of an earlier run or an
 * echo of the command line cannot pass for it. Kernel messages and carriage
 * returns may be mixed in; lines are read as they come, within limits. */
#ifndef VM_CONSOLE_H
#define VM_CONSOLE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "sk_err.h"

#define VM_CONSOLE_MAX_LINE   (64 * 1024)
#define VM_CONSOLE_MAX_ALERTS 1000

typedef struct vm_console {
	char kernel[256];         /* the VM's /proc/version, "" when not printed */
	bool capture_started;     /* saker-capture said it was capturing */
	char capture_error[512];  /* last error line of saker-capture, "" if none */
	int capture_rc;           /* saker-capture's exit status after SIGINT, -1 when not reported */
	int engine_rc;            /* saker-engine's exit status, -1 when not reported */
	bool done;                /* the end marker with the right nonce was seen */
	json_object *alerts;      /* array of the alert objects, in console order */
	unsigned bad_alert_lines; /* lines in the alert section that were no JSON alert */
} vm_console;

/* Scans len bytes of console text for the markers and alerts of the run
 * identified by nonce. Fills *out (free it with vm_console_free, also on
 * error); SK_ENOMEM is the only error: malformed text is counted, not fatal. */
sk_err vm_console_scan(const char *text, size_t len, const char *nonce, vm_console *out);

/* Returns the first alert of rule whose output_fields hold every pair of
 * the NULL-terminated list field, value, field, value, ... (values compared
 * as strings; a JSON null matches "<NA>"), or NULL. */
json_object *vm_console_find(const vm_console *c, const char *rule, const char *const *pairs);

/* Releases the alerts; *c is empty afterwards. */
void vm_console_free(vm_console *c);

#endif
