/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal test harness: TEST(name) registers a function; ASSERT_* abort the test with the
 * location. Each tests/unit/test-<module>.c is one executable and one ctest. Exit 77 = skip. */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_MAX 256
extern struct test_case test_cases[TEST_MAX];
extern size_t n_test_cases;

#define TEST(n)                                                                                    \
	static void test_##n(void);                                                                \
	__attribute__((constructor)) static void test_register_##n(void)                           \
	{                                                                                          \
		if (n_test_cases < TEST_MAX)                                                       \
			test_cases[n_test_cases++] = (struct test_case){#n, test_##n};             \
	}                                                                                          \
	static void test_##n(void)

#define TEST_FAIL(...)                                                                             \
	do {                                                                                       \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                    \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fputc('\n', stderr);                                                               \
		exit(1);                                                                           \
	} while (0)

#define ASSERT_TRUE(x)                                                                             \
	do {                                                                                       \
		if (!(x))                                                                          \
			TEST_FAIL("assertion failed: %s", #x);                                     \
	} while (0)
#define ASSERT_OK(expr)                                                                            \
	do {                                                                                       \
		long _r = (long)(expr);                                                            \
		if (_r < 0)                                                                        \
			TEST_FAIL("%s failed: %ld (%s)", #expr, _r, strerror((int)-_r));           \
	} while (0)
#define ASSERT_ERR(expr, err)                                                                      \
	do {                                                                                       \
		long _r = (long)(expr);                                                            \
		if (_r != (long)(err))                                                             \
			TEST_FAIL("%s returned %ld, expected %ld", #expr, _r, (long)(err));        \
	} while (0)
#define ASSERT_EQ(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a != _b)                                                                      \
			TEST_FAIL("%s == %lld, expected %s == %lld", #a, _a, #b, _b);              \
	} while (0)
#define ASSERT_STREQ(a, b)                                                                         \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (!_a || !_b || strcmp(_a, _b) != 0)                                             \
			TEST_FAIL("%s == \"%s\", expected \"%s\"", #a, _a ? _a : "(null)",         \
				  _b ? _b : "(null)");                                             \
	} while (0)
#define ASSERT_MEMEQ(a, b, n)                                                                      \
	do {                                                                                       \
		if (memcmp((a), (b), (n)) != 0)                                                    \
			TEST_FAIL("%s and %s differ", #a, #b);                                     \
	} while (0)
