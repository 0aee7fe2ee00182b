/* A tiny test framework for host unit tests: each CHECK prints nothing on success;
 * each test function reports one "PASS name" or "FAIL name" line, counted by `make test`. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_failures;      /* failures inside the current test */
static int check_tests_failed;  /* tests that failed in this program */

#define CHECK(cond) do { \
    if (!(cond)) { \
        fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        check_failures++; \
    } } while (0)

#define CHECK_EQ(a, b) do { \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
    if (check_a_ != check_b_) { \
        fprintf(stderr, "  %s:%d: %s == %s failed: %lld != %lld\n", \
                __FILE__, __LINE__, #a, #b, check_a_, check_b_); \
        check_failures++; \
    } } while (0)

#define RUN_TEST(fn) do { \
    check_failures = 0; \
    fn(); \
    printf("%s host/%s\n", check_failures ? "FAIL" : "PASS", #fn); \
    if (check_failures) check_tests_failed++; \
    fflush(stdout); \
    } while (0)

#define CHECK_EXIT() return check_tests_failed ? 1 : 0

#endif
