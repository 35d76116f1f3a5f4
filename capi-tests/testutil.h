/* testutil.h - tiny assertion helpers shared by the zmqrs C API tests.
 *
 * Each test file is one program: main() calls RUN(fn) for each case and
 * returns test_summary().  A failed CHECK prints file:line and the failing
 * expression, marks the case failed and returns from the case function.
 */
#ifndef ZMQRS_TESTUTIL_H
#define ZMQRS_TESTUTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tu_failed_cases = 0;
static int tu_passed_cases = 0;
static int tu_case_failed = 0;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf (stderr, "%s:%d: CHECK failed: %s (errno %d: %s)\n",      \
                     __FILE__, __LINE__, #cond, errno, strerror (errno));     \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

/* CHECK that a call returning int succeeds (>= 0). */
#define CHECK_OK(call)                                                        \
    do {                                                                      \
        int tu_rc_ = (call);                                                  \
        if (tu_rc_ < 0) {                                                     \
            fprintf (stderr, "%s:%d: %s failed: rc %d errno %d (%s)\n",       \
                     __FILE__, __LINE__, #call, tu_rc_, errno,                \
                     strerror (errno));                                       \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

/* CHECK that a call returning int fails with -1 and the given errno. */
#define CHECK_ERR(expected_errno, call)                                       \
    do {                                                                      \
        errno = 0;                                                            \
        int tu_rc_ = (call);                                                  \
        int tu_en_ = errno;                                                   \
        if (tu_rc_ != -1 || tu_en_ != (expected_errno)) {                     \
            fprintf (stderr,                                                  \
                     "%s:%d: %s: expected -1/%s, got rc %d errno %d (%s)\n",  \
                     __FILE__, __LINE__, #call, #expected_errno, tu_rc_,      \
                     tu_en_, strerror (tu_en_));                              \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

#define CHECK_EQ_INT(expected, actual)                                        \
    do {                                                                      \
        long long tu_e_ = (long long) (expected);                             \
        long long tu_a_ = (long long) (actual);                               \
        if (tu_e_ != tu_a_) {                                                 \
            fprintf (stderr, "%s:%d: %s: expected %lld, got %lld\n",          \
                     __FILE__, __LINE__, #actual, tu_e_, tu_a_);              \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

#define CHECK_EQ_STR(expected, actual)                                        \
    do {                                                                      \
        const char *tu_e_ = (expected);                                       \
        const char *tu_a_ = (actual);                                         \
        if (tu_a_ == NULL || strcmp (tu_e_, tu_a_) != 0) {                    \
            fprintf (stderr, "%s:%d: %s: expected \"%s\", got \"%s\"\n",      \
                     __FILE__, __LINE__, #actual, tu_e_,                      \
                     tu_a_ ? tu_a_ : "(null)");                               \
            tu_case_failed = 1;                                               \
            return;                                                           \
        }                                                                     \
    } while (0)

#define CHECK_MEM(expected, actual, len)                                      \
    CHECK (memcmp ((expected), (actual), (len)) == 0)

#define RUN(fn)                                                               \
    do {                                                                      \
        tu_case_failed = 0;                                                   \
        fn ();                                                                \
        if (tu_case_failed) {                                                 \
            tu_failed_cases++;                                                \
            fprintf (stderr, "FAIL %s\n", #fn);                               \
        } else {                                                              \
            tu_passed_cases++;                                                \
            printf ("ok   %s\n", #fn);                                        \
        }                                                                     \
    } while (0)

static int test_summary (void)
{
    printf ("cases: %d passed, %d failed\n", tu_passed_cases,
            tu_failed_cases);
    return tu_failed_cases == 0 ? 0 : 1;
}

#endif
