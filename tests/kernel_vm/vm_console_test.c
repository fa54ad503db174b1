/* vm_console_test: the console reader on logs shaped like a real VM run,
 * with the noise a serial console adds. */
#include "sk_test.h"
#include "vm_console.h"

#define ALERT_CAT                                                                                            \
	"{\"output\":\"x\",\"output_fields\":{\"evt.res\":\"SUCCESS\",\"fd.name\":\"/tmp/vm-probe/"          \
	"secret.txt\","                                                                                      \
	"\"proc.name\":\"cat\"},\"priority\":\"Warning\",\"rule\":\"VM probe file read\"}"
#define ALERT_FAILED                                                                                         \
	"{\"output_fields\":{\"evt.res\":\"ENOENT\",\"fd.name\":null,\"proc.name\":\"cat\"},\"rule\":\"VM "  \
	"probe failed open\"}"

static const char run_log[] =
    "\x1b[2J[    0.000000] Linux version 6.1.0-57-cloud-amd64 booting\r\n"
    "SAKER-VM kernel Linux version 6.1.0-57-cloud-amd64 (debian-kernel@lists.debian.org)\r\n"
    "SAKER-VM btf yes\r\n"
    "SAKER-VM capture-started\r\n"
    "SAKER-VM capture-exit 0\r\n"
    "SAKER-VM capture-log saker-capture: info: capturing (2 CPUs) to /tmp/rec.scap\r\n"
    "SAKER-VM alerts-begin\r\n" ALERT_CAT "\r\n" ALERT_FAILED "\r\n"
    "SAKER-VM alerts-end rc=0\r\n"
    "SAKER-VM engine-log Events read: 120, alerts: 2\r\n"
    "SAKER-VM done 0123abcd\r\n"
    "[    9.1] reboot: Power down\r\n";

SK_TEST(full_run)
{
	static const char *const cat_read[] = {"proc.name", "cat", "fd.name", "/tmp/vm-probe/secret.txt",
	                                       NULL};
	static const char *const failed_na[] = {"evt.res", "ENOENT", "fd.name", "<NA>", NULL};
	static const char *const wrong_value[] = {"proc.name", "bash", NULL};
	static const char *const missing_field[] = {"proc.exepath", "/x", NULL};
	static const char *const none[] = {NULL};
	vm_console c;

	SK_CHECK_INT(vm_console_scan(run_log, sizeof(run_log) - 1, "0123abcd", &c), SK_OK);
	SK_CHECK_STR(c.kernel, "Linux version 6.1.0-57-cloud-amd64 (debian-kernel@lists.debian.org)");
	SK_CHECK(c.capture_started);
	SK_CHECK_STR(c.capture_error, "");
	SK_CHECK_INT(c.engine_rc, 0);
	SK_CHECK_INT(c.capture_rc, 0);
	SK_CHECK(c.done);
	SK_CHECK_INT(c.bad_alert_lines, 0);
	SK_CHECK_INT(json_object_array_length(c.alerts), 2);
	SK_CHECK(vm_console_find(&c, "VM probe file read", cat_read) != NULL);
	SK_CHECK(vm_console_find(&c, "VM probe failed open", failed_na) != NULL);
	SK_CHECK(vm_console_find(&c, "VM probe file read", wrong_value) == NULL);
	SK_CHECK(vm_console_find(&c, "VM probe file read", missing_field) == NULL);
	SK_CHECK(vm_console_find(&c, "VM probe", none) == NULL);
	vm_console_free(&c);
	SK_CHECK(c.alerts == NULL);
}

SK_TEST(end_marker_needs_this_runs_nonce)
{
	vm_console c;

	SK_CHECK_INT(vm_console_scan(run_log, sizeof(run_log) - 1, "ffff0000", &c), SK_OK);
	SK_CHECK(!c.done);
	vm_console_free(&c);
	SK_CHECK_INT(vm_console_scan(run_log, sizeof(run_log) - 1, "", &c), SK_OK);
	SK_CHECK(!c.done);
	vm_console_free(&c);
	/* A prefix of the nonce is not the nonce. */
	SK_CHECK_INT(vm_console_scan(run_log, sizeof(run_log) - 1, "0123abcde", &c), SK_OK);
	SK_CHECK(!c.done);
	vm_console_free(&c);
}

SK_TEST(capture_failure_and_broken_alerts)
{
	static const char log[] =
	    "SAKER-VM kernel Linux version 6.1.0\n"
	    "SAKER-VM capture-failed exit 1\n"
	    "SAKER-VM capture-log saker-capture: error: verifier: 387: r8 = *(u64 *)(r1 +0)\n"
	    "SAKER-VM capture-log saker-capture: error: kernel 6.1.0 is too old\n"
	    "SAKER-VM capture-log saker-capture: info: detached\n"
	    "SAKER-VM alerts-begin\n"
	    "{\"rule\":\"r\",\"output_fields\":{}} trailing\n" /* not one whole object */
	    "{\"rule\":\"r\"}\n"                               /* no output_fields */
	    "{\"rule\":7,\"output_fields\":{}}\n"              /* rule not a string */
	    "[1,2]\n"
	    "{\"rule\":\"r\",\"output_fi\n" /* torn by a kernel message */
	    "{\"rule\":\"ok\",\"output_fields\":{\"a\":1}}\n"
	    "SAKER-VM capture-exit -1\n"
	    "SAKER-VM alerts-end rc=abc\n"
	    "{\"rule\":\"outside\",\"output_fields\":{}}\n"
	    "SAKER-VM done";
	static const char *const a_is_1[] = {"a", "1", NULL};
	vm_console c;

	SK_CHECK_INT(vm_console_scan(log, sizeof(log) - 1, "n", &c), SK_OK);
	SK_CHECK(!c.capture_started);
	SK_CHECK_STR(c.capture_error, "saker-capture: error: kernel 6.1.0 is too old");
	SK_CHECK_INT(c.bad_alert_lines, 5);
	SK_CHECK_INT(json_object_array_length(c.alerts), 1);
	SK_CHECK(vm_console_find(&c, "ok", a_is_1) != NULL);
	SK_CHECK_INT(c.engine_rc, -1);
	SK_CHECK_INT(c.capture_rc, -1);
	SK_CHECK(!c.done);
	vm_console_free(&c);
}

SK_TEST(empty_and_unterminated)
{
	vm_console c;

	SK_CHECK_INT(vm_console_scan("", 0, "n", &c), SK_OK);
	SK_CHECK_STR(c.kernel, "");
	SK_CHECK_INT(c.engine_rc, -1);
	vm_console_free(&c);
	/* The last line without a newline still counts. */
	SK_CHECK_INT(vm_console_scan("SAKER-VM done n", 15, "n", &c), SK_OK);
	SK_CHECK(c.done);
	vm_console_free(&c);
	/* Markers only at a line's start. */
	SK_CHECK_INT(vm_console_scan("echo SAKER-VM done n\n", 21, "n", &c), SK_OK);
	SK_CHECK(!c.done);
	vm_console_free(&c);
}

SK_TEST_MAIN()
