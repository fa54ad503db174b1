/* sk_asan.h: tells AddressSanitizer about memory a pool keeps for reuse.
 *
 * An object parked in a pool is still allocated, so ASan would let a stale
 * pointer read it silently; poisoning it makes such a read a report, as it
 * would be after free(). Without ASan the macros do nothing. */
#ifndef SK_ASAN_H
#define SK_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define SK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SK_ASAN 1
#endif
#endif

#ifdef SK_ASAN
#include <sanitizer/asan_interface.h>
/* Marks n bytes at p unusable until SK_POOL_TAKE. */
#define SK_POOL_PARK(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
/* Marks n bytes at p usable again. */
#define SK_POOL_TAKE(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define SK_POOL_PARK(p, n) ((void)(p), (void)(n))
#define SK_POOL_TAKE(p, n) ((void)(p), (void)(n))
#endif

#endif
