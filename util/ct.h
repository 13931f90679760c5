/* util/ct.h -- marking secret data for the constant-time checker.
 *
 * tests/ctime/ runs code under valgrind memcheck with every secret input
 * marked "undefined" (sh_ct_poison): memcheck then reports any branch or
 * memory index that depends on a secret, which is exactly a timing leak.
 * Values that are secret-derived but become public by design (a nonce that
 * turned out nonzero, a published commitment) are declassified with
 * sh_ct_declassify at the point where they become public.  Outside valgrind
 * both are a few instructions (a client request that nobody answers); when
 * the valgrind headers are missing they compile to nothing.
 */
#ifndef SHROUD_UTIL_CT_H
#define SHROUD_UTIL_CT_H

#include <stddef.h>

#if defined(SHROUD_HAVE_VALGRIND)
#include <valgrind/memcheck.h>
#define sh_ct_poison(p, len) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (len)))
#define sh_ct_declassify(p, len) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (len)))
#else
#define sh_ct_poison(p, len) ((void)(p), (void)(len))
#define sh_ct_declassify(p, len) ((void)(p), (void)(len))
#endif

#endif
