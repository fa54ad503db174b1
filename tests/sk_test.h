/* sk_test: the minimal unit-test harness every *_test.c uses.
 *
 *   SK_TEST(name) { SK_CHECK(x == 1); SK_CHECK_STR(got, "want"); }
 *   int main(void) { return sk_test_run(); }   (or SK_TEST_MAIN())
 *
 * Tests register themselves through constructors; sk_test_run() runs them in
 * definition order and ends with "N passed, N failed". A failed check prints
 * file:line and the expression, and the test continues. */
#ifndef SK_TEST_H
#define SK_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sk_test_fn)(void);
struct sk_test_entry {
	const char *name;
	sk_test_fn fn;
};

#define SK_TEST_MAX 1024
static struct sk_test_entry sk_tests[SK_TEST_MAX];
static int sk_test_count;
static int sk_test_failures; /* failed checks in the current test */

#define SK_TEST(tname)                                                        \
	static void sk_test_##tname(void);                                    \
	__attribute__((constructor)) static void sk_test_reg_##tname(void)    \
	{                                                                     \
		if (sk_test_count < SK_TEST_MAX) {                            \
			sk_tests[sk_test_count].name = #tname;                \
			sk_tests[sk_test_count].fn = sk_test_##tname;         \
			sk_test_count++;                                      \
		}                                                             \
	}                                                                     \
	static void sk_test_##tname(void)

#define SK_CHECK(expr)                                                                    \
	do {                                                                              \
		if (!(expr)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
			sk_test_failures++;                                               \
		}                                                                         \
	} while (0)

#define SK_CHECK_INT(got, want)                                                             \
	do {                                                                                \
		long long sk_g_ = (long long)(got), sk_w_ = (long long)(want);              \
		if (sk_g_ != sk_w_) {                                                       \
			fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, \
				#got, sk_g_, sk_w_);                                        \
			sk_test_failures++;                                                 \
		}                                                                           \
	} while (0)

#define SK_CHECK_STR(got, want)                                                                   \
	do {                                                                                      \
		const char *sk_g_ = (got), *sk_w_ = (want);                                       \
		if (sk_g_ == NULL || sk_w_ == NULL ? sk_g_ != sk_w_ : strcmp(sk_g_, sk_w_) != 0) { \
			fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__,  \
				#got, sk_g_ ? sk_g_ : "(null)", sk_w_ ? sk_w_ : "(null)");          \
			sk_test_failures++;                                                       \
		}                                                                                 \
	} while (0)

/* Checks that haystack contains needle. */
#define SK_CHECK_CONTAINS(hay, needle)                                                           \
	do {                                                                                     \
		const char *sk_h_ = (hay), *sk_n_ = (needle);                                    \
		if (sk_h_ == NULL || strstr(sk_h_, sk_n_) == NULL) {                             \
			fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
				sk_h_ ? sk_h_ : "(null)", sk_n_);                                \
			sk_test_failures++;                                                      \
		}                                                                                \
	} while (0)

/* Runs every registered test (or those whose name contains argv filter). */
static inline int sk_test_run_filtered(const char *filter)
{
	int passed = 0, failed = 0;
	for (int i = 0; i < sk_test_count; i++) {
		if (filter != NULL && strstr(sk_tests[i].name, filter) == NULL) {
			continue;
		}
		sk_test_failures = 0;
		sk_tests[i].fn();
		if (sk_test_failures == 0) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "FAIL %s (%d checks)\n", sk_tests[i].name, sk_test_failures);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 && passed > 0 ? 0 : 1;
}

static inline int sk_test_run(void)
{
	return sk_test_run_filtered(getenv("SK_TEST_FILTER"));
}

#define SK_TEST_MAIN()            \
	int main(void)            \
	{                         \
		return sk_test_run(); \
	}

#endif
