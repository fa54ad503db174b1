/* imap_test: put/get/remove agree with a plain array over many keys,
 * including removals inside probe runs. */
#include "imap.h"
#include "sk_test.h"

SK_TEST(imap_matches_reference)
{
	enum { N = 5000 };
	static int present[N];
	static int values[N];
	sk_imap m = SK_IMAP_INIT;
	uint32_t seed = 12345;
	for (int round = 0; round < 40000; round++) {
		seed = seed * 1103515245u + 12345u;
		int key = (int)((seed >> 8) % N);
		if ((seed >> 4) % 3 == 0) {
			void *got = sk_imap_remove(&m, key);
			SK_CHECK(got == (present[key] ? &values[key] : NULL));
			present[key] = 0;
		} else {
			SK_CHECK(sk_imap_put(&m, key, &values[key]) == SK_OK);
			present[key] = 1;
		}
	}
	size_t count = 0;
	for (int k = 0; k < N; k++) {
		SK_CHECK(sk_imap_get(&m, k) == (present[k] ? &values[k] : NULL));
		count += (size_t)present[k];
	}
	SK_CHECK_INT(m.count, count);
	SK_CHECK(sk_imap_get(&m, -7) == NULL);
	SK_CHECK(sk_imap_put(&m, 1, NULL) == SK_EINVAL);
	sk_imap_free(&m);
	SK_CHECK(sk_imap_get(&m, 1) == NULL);
}

SK_TEST_MAIN()
