/* The three entry points newer LLVM ThreadSanitizer instrumentation (rustc
 * nightly) calls for memory copies, which GCC 12's libtsan lacks. They go
 * to libc's functions, which libtsan intercepts and checks as usual.
 * Linked into the ThreadSanitizer build of `make sanitize` only. */
#include <stddef.h>
#include <string.h>

void *__tsan_memcpy (void *dest, const void *src, size_t n);
void *__tsan_memmove (void *dest, const void *src, size_t n);
void *__tsan_memset (void *dest, int c, size_t n);

void *__tsan_memcpy (void *dest, const void *src, size_t n)
{
    return memcpy (dest, src, n);
}

void *__tsan_memmove (void *dest, const void *src, size_t n)
{
    return memmove (dest, src, n);
}

void *__tsan_memset (void *dest, int c, size_t n)
{
    return memset (dest, c, n);
}
