/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Without libFuzzer, a fuzz target is a regression test: run LLVMFuzzerTestOneInput over every
 * file given (directories: every file in them), as systemd's fuzz-main.c does. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r = read_file_capped(path, 64u * 1024 * 1024, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "fuzz-main: cannot read %s: %s\n", path, strerror(-r));
		return 1;
	}
	/* Exact-size copy so ASan sees reads past the end of the input. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return 1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char *argv[])
{
	size_t n = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "fuzz-main: %s: not found\n", argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int k = scandir(argv[i], &ents, NULL, alphasort);
			if (k < 0)
				return 1;
			for (int j = 0; j < k; j++) {
				char *p;
				if (ents[j]->d_name[0] != '.' &&
				    asprintf(&p, "%s/%s", argv[i], ents[j]->d_name) >= 0) {
					if (run_file(p) != 0)
						return 1;
					n++;
					free(p);
				}
				free(ents[j]);
			}
			free(ents);
		} else {
			if (run_file(argv[i]) != 0)
				return 1;
			n++;
		}
	}
	fprintf(stderr, "fuzz-main: %zu input(s) ran clean\n", n);
	return n > 0 ? 0 : 1;
}
