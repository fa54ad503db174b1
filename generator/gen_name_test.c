#include "gen_name.h"
#include "sk_test.h"

SK_TEST(camel_case_from_rule_names)
{
	char buf[GEN_NAME_MAX];

	SK_CHECK_INT(gen_action_name("Write below etc", buf, sizeof(buf)), SK_OK);
	SK_CHECK_STR(buf, "syscall.WriteBelowEtc");
	SK_CHECK_INT(gen_action_name("Detect release_agent file container escapes", buf, sizeof(buf)), SK_OK);
	SK_CHECK_STR(buf, "syscall.DetectReleaseAgentFileContainerEscapes");
	SK_CHECK_INT(gen_action_name("Execution from /dev/shm", buf, sizeof(buf)), SK_OK);
	SK_CHECK_STR(buf, "syscall.ExecutionFromDevShm");
	SK_CHECK_INT(gen_action_name("PTRACE anti-debug attempt", buf, sizeof(buf)), SK_OK);
	SK_CHECK_STR(buf, "syscall.PTRACEAntiDebugAttempt");
}

SK_TEST(bad_names_and_small_buffers)
{
	char buf[GEN_NAME_MAX];
	char tiny[12];

	SK_CHECK_INT(gen_action_name(" -/ ", buf, sizeof(buf)), SK_EINVAL);
	SK_CHECK_INT(gen_action_name(NULL, buf, sizeof(buf)), SK_EINVAL);
	SK_CHECK_INT(gen_action_name("Write below etc", tiny, sizeof(tiny)), SK_ERANGE);
	SK_CHECK_INT(gen_action_name("Write below etc", buf, 8), SK_ERANGE);
}

SK_TEST(matching_ignores_case_prefix_and_punctuation)
{
	SK_CHECK(gen_name_matches("syscall.WriteBelowEtc", "Write below etc"));
	SK_CHECK(gen_name_matches("WriteBelowEtc", "Write below etc"));
	SK_CHECK(gen_name_matches("syscall.PtraceAntiDebugAttempt", "PTRACE anti-debug attempt"));
	SK_CHECK(gen_name_matches("writebelowetc", "Write below etc"));
	SK_CHECK(!gen_name_matches("syscall.WriteBelowEtcX", "Write below etc"));
	SK_CHECK(!gen_name_matches("syscall.WriteBelow", "Write below etc"));
	SK_CHECK(!gen_name_matches("", "Write below etc"));
}

SK_TEST_MAIN()
