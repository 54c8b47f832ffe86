/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writes the synthetic edge-case PE images of tests/unit/test-pe-builder.h into a directory,
 * for the cross-check against pesign in test-pe-hash-tools.sh. */
#include <stdio.h>
#include <string.h>

#include "../unit/test-pe-builder.h"

static int put(const char *dir, const char *name, const struct tpe_spec *s)
{
	char path[4096];
	size_t len;
	uint8_t *b = tpe_build(s, &len, NULL);
	FILE *f;
	if (!b)
		return 1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wbe");
	if (!f || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		free(b);
		return 1;
	}
	free(b);
	return 0;
}

int main(int argc, char *argv[])
{
	const struct tpe_section basic[] = {{".text", 0x300, 0x400, 0, NULL, 0},
					    {".data", 0x180, 0x200, 0, NULL, 0}};
	const struct tpe_section order[] = {{".b", 0x200, 0x200, 0x600, NULL, 0},
					    {".a", 0x200, 0x400, 0x200, NULL, 0}};
	const struct tpe_section bss[] = {{".text", 0x200, 0x200, 0, NULL, 0},
					  {".bss", 0x5000, 0x200, 0, NULL, 0}};
	const struct tpe_spec specs[] = {
		{true, 16, basic, 2, 0, 0},  {false, 16, basic, 2, 0, 0},
		{true, 16, order, 2, 0, 0},  {true, 16, basic, 2, 0x2b, 0},
		{true, 16, basic, 2, 0x2b, 0x48}, {false, 16, bss, 2, 0x10, 0x38},
	};
	static const char *const names[] = {"pe32plus.efi", "pe32.efi", "out-of-order.efi",
					    "trailing.efi", "trailing-cert.efi", "pe32-bss-cert.efi"};
	if (argc != 2) {
		fprintf(stderr, "usage: pe-gen DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (put(argv[1], names[i], &specs[i]) != 0)
			return 1;
	return 0;
}
