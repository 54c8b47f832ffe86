/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs every TEST() of the executable, or the ones named on the command line. */
#include "test.h"

struct test_case test_cases[TEST_MAX];
size_t n_test_cases;

int main(int argc, char *argv[])
{
	size_t ran = 0;
	for (size_t i = 0; i < n_test_cases; i++) {
		int wanted = argc < 2;
		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], test_cases[i].name) == 0)
				wanted = 1;
		if (!wanted)
			continue;
		fprintf(stderr, "== %s\n", test_cases[i].name);
		test_cases[i].fn();
		ran++;
	}
	fprintf(stderr, "%zu test(s) passed\n", ran);
	return ran > 0 ? 0 : 1;
}
