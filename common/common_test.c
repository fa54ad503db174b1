#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sk_err.h"
#include "sk_ipc.h"
#include "sk_net.h"
#include "sk_strbuf.h"
#include "sk_test.h"

SK_TEST(strerror_covers_every_code)
{
	for (int e = 0; e < SK_ERR_COUNT; e++) {
		SK_CHECK(strcmp(sk_strerror((sk_err)e), "unknown error") != 0);
	}
	SK_CHECK_STR(sk_strerror((sk_err)9999), "unknown error");
}

SK_TEST(strbuf_grows_and_formats)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	SK_CHECK_STR(sk_strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++) {
		sk_strbuf_printf(&sb, "%d,", i % 10);
	}
	SK_CHECK_INT(sb.len, 2000);
	SK_CHECK(!sk_strbuf_failed(&sb));
	sk_strbuf_reset(&sb);
	sk_strbuf_puts(&sb, "ab");
	sk_strbuf_putc(&sb, 'c');
	SK_CHECK_STR(sk_strbuf_str(&sb), "abc");
	sk_strbuf_free(&sb);
}

SK_TEST(strbuf_json_escapes)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	const char in[] = "a\"b\\c\n\x01\xc3\xa9";
	sk_strbuf_json_string(&sb, in, sizeof(in) - 1);
	SK_CHECK_STR(sk_strbuf_str(&sb), "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
	sk_strbuf_free(&sb);
}

SK_TEST(hex_digits_either_case)
{
	SK_CHECK_INT(sk_hex_digit('0'), 0);
	SK_CHECK_INT(sk_hex_digit('9'), 9);
	SK_CHECK_INT(sk_hex_digit('a'), 10);
	SK_CHECK_INT(sk_hex_digit('F'), 15);
	SK_CHECK_INT(sk_hex_digit('g'), -1);
	SK_CHECK_INT(sk_hex_digit('/'), -1);
	SK_CHECK_INT(sk_hex_digit((char)0xe9), -1);
}

SK_TEST(base64_both_ways)
{
	sk_strbuf sb = SK_STRBUF_INIT;
	static const unsigned char bin[] = {0, 0xff, 0x10, 0x80, 0x7f};
	sk_strbuf_base64(&sb, bin, sizeof(bin));
	SK_CHECK_STR(sk_strbuf_str(&sb), "AP8QgH8=");
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(sk_base64_decode(&sb, "AP8QgH8=", 8, true), SK_OK);
	SK_CHECK(sb.len == sizeof(bin) && memcmp(sb.data, bin, sizeof(bin)) == 0);
	/* padding optional only when the caller says so */
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(sk_base64_decode(&sb, "Zm8", 3, false), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "fo");
	SK_CHECK_INT(sk_base64_decode(&sb, "Zm8", 3, true), SK_EINVAL);
	static const char *const bad[] = {"Z", "Zm8===", "Q===", "Zm=8", "Zm8*", "Zm9vY", "Zm9v=", "QQ="};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SK_CHECK_INT(sk_base64_decode(&sb, bad[i], strlen(bad[i]), false), SK_EINVAL);
	}
	sk_strbuf_free(&sb);
}

SK_TEST(read_file_whole_or_refused)
{
	char path[] = "/tmp/common_test_read.XXXXXX";
	int fd = mkstemp(path);
	SK_CHECK(fd >= 0 && write(fd, "abc\0def", 7) == 7);
	close(fd);
	sk_strbuf sb = SK_STRBUF_INIT;
	sk_strbuf_puts(&sb, "<");
	SK_CHECK_INT(sk_strbuf_read_file(&sb, path, 7), SK_OK);
	SK_CHECK(sb.len == 8 && memcmp(sb.data, "<abc\0def", 8) == 0 && sb.data[8] == '\0');
	/* over the limit: nothing appended */
	SK_CHECK_INT(sk_strbuf_read_file(&sb, path, 6), SK_ERANGE);
	SK_CHECK_INT(sb.len, 8);
	unlink(path);
	SK_CHECK_INT(sk_strbuf_read_file(&sb, path, 100), SK_ENOENT);
	SK_CHECK_INT(sk_strbuf_read_file(&sb, "/tmp", 100), SK_EIO);
	SK_CHECK_INT(errno, EISDIR);
	/* a pipe, as `-c <(...)` hands one over */
	int fds[2];
	SK_CHECK(pipe(fds) == 0 && write(fds[1], "piped", 5) == 5);
	close(fds[1]);
	char fd_path[64];
	snprintf(fd_path, sizeof(fd_path), "/dev/fd/%d", fds[0]);
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(sk_strbuf_read_file(&sb, fd_path, 100), SK_OK);
	SK_CHECK_STR(sk_strbuf_str(&sb), "piped");
	close(fds[0]);
	/* a /proc file reports size 0 and still has content */
	sk_strbuf_reset(&sb);
	SK_CHECK_INT(sk_strbuf_read_file(&sb, "/proc/self/status", 1 << 20), SK_OK);
	SK_CHECK_CONTAINS(sk_strbuf_str(&sb), "Pid:");
	sk_strbuf_free(&sb);
}

SK_TEST(ipc_dir_is_created_or_explained)
{
	char base[] = "/tmp/sk_ipc_XXXXXX";
	char url[256], file[128], err[256] = "";
	struct stat st;

	SK_CHECK(mkdtemp(base) != NULL);
	SK_CHECK_INT(sk_ipc_prepare_dir("tcp://127.0.0.1:1", err, sizeof(err)), SK_OK);
	snprintf(url, sizeof(url), "ipc://%s/run/a.sock", base);
	SK_CHECK_INT(sk_ipc_prepare_dir(url, err, sizeof(err)), SK_OK);
	snprintf(file, sizeof(file), "%s/run", base);
	SK_CHECK(stat(file, &st) == 0 && S_ISDIR(st.st_mode));
	SK_CHECK_INT(sk_ipc_prepare_dir(url, err, sizeof(err)), SK_OK); /* already there */
	snprintf(url, sizeof(url), "ipc://%s/missing/deeper/a.sock", base);
	SK_CHECK_INT(sk_ipc_prepare_dir(url, err, sizeof(err)), SK_ENOENT);
	SK_CHECK_CONTAINS(err, "does not exist and cannot be created");
	snprintf(file, sizeof(file), "%s/plain", base);
	FILE *f = fopen(file, "w");
	SK_CHECK(f != NULL);
	if (f != NULL) {
		fclose(f);
	}
	snprintf(url, sizeof(url), "ipc://%s/a.sock", file);
	SK_CHECK_INT(sk_ipc_prepare_dir(url, err, sizeof(err)), SK_EINVAL);
	SK_CHECK_CONTAINS(err, "not a directory");
	unlink(file);
	snprintf(file, sizeof(file), "%s/run", base);
	rmdir(file);
	rmdir(base);
}

SK_TEST(net_addr_takes_numeric_addresses_only)
{
	struct sockaddr_storage ss;
	bool v6 = true;
	SK_CHECK_INT(sk_net_addr("127.0.0.1", 8765, &ss, &v6), SK_OK);
	SK_CHECK(!v6 && ss.ss_family == AF_INET);
	SK_CHECK_INT(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8765);
	SK_CHECK_INT(sk_net_addr("::1", 1, &ss, &v6), SK_OK);
	SK_CHECK(v6 && ss.ss_family == AF_INET6);
	SK_CHECK_INT(sk_net_addr("localhost", 1, &ss, &v6), SK_EINVAL);
	SK_CHECK_INT(sk_net_addr("0.0.0.0.0", 1, &ss, &v6), SK_EINVAL);
	SK_CHECK_INT(sk_net_addr(NULL, 1, &ss, &v6), SK_EINVAL);
}

SK_TEST_MAIN()
