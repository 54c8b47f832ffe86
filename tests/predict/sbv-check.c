/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sbv-check: predict's Secure Boot verdict (sb-verify.h, the same code predict runs for systemd-boot
 * and the UKI) on any PE, for the tests whose subject is not a systemd-boot/UKI pair: the crafted
 * images of tests/predict/sb-craft.py, judged here and by OVMF in tests/boot/sb-firmware-verdicts.sh.
 * Usage: sbv-check [--firmware NAME] DB.esl DBX.esl|- FILE
 * Prints "allowed: HOW" with one "authority: SHA256" line per db entry measured (sha256 of the
 * EFI_SIGNATURE_DATA), or "refused: REASON". Exit 0 allowed, 3 refused, 1 error, 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"
#include "digest.h"
#include "measure-predict.h"

static int load_lists(const char *path, uint8_t **buf, const uint8_t **ret, size_t *ret_len)
{
	size_t len;

	*ret = NULL;
	*ret_len = 0;
	if (strcmp(path, "-") == 0)
		return 0;
	if (read_file_capped(path, SECUREBOOT_MAX_VAR, buf, &len) < 0 ||
	    secureboot_signature_lists(*buf, len, ret, ret_len) < 0) {
		fprintf(stderr, "sbv-check: cannot read signature lists '%s'\n", path);
		return -1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	enum sbv_firmware fw = SBV_FIRMWARE_EDK2_2022_11;
	struct sbv_databases dbs = {};
	struct sbv_verdict v;
	_cleanup_(freep) uint8_t *db = NULL, *dbx = NULL, *pe = NULL;
	size_t pe_len;
	int a = 1, r;

	if (argc > 2 && strcmp(argv[1], "--firmware") == 0) {
		fw = sbv_firmware_from_string(argv[2]);
		if (fw < 0) {
			fprintf(stderr, "sbv-check: unknown firmware '%s'\n", argv[2]);
			return 2;
		}
		a = 3;
	}
	if (argc - a != 3) {
		fprintf(stderr, "usage: sbv-check [--firmware NAME] DB.esl DBX.esl|- FILE\n");
		return 2;
	}
	if (load_lists(argv[a], &db, &dbs.db, &dbs.db_len) < 0 ||
	    load_lists(argv[a + 1], &dbx, &dbs.dbx, &dbs.dbx_len) < 0)
		return 1;
	dbs.firmware = fw;
	if (read_file_capped(argv[a + 2], 256u << 20, &pe, &pe_len) < 0) {
		fprintf(stderr, "sbv-check: cannot read '%s'\n", argv[a + 2]);
		return 1;
	}
	r = sbv_verify_image(pe, pe_len, NULL, 0, &dbs, &v);
	if (r < 0) {
		fprintf(stderr, "sbv-check: cannot evaluate '%s': %s\n", argv[a + 2], strerror(-r));
		return 1;
	}
	if (!v.allowed) {
		printf("refused: %s\n", v.reason);
		return 3;
	}
	printf("allowed: %s: %s\n", sbv_how_to_string(v.how), v.reason);
	for (size_t i = 0; i < v.n_authorities; i++) {
		uint8_t d[DIGEST_MAX];
		if (digest_buffer(BANK_SHA256, v.authorities[i].data, v.authorities[i].len, d) < 0)
			return 1;
		printf("authority: ");
		for (size_t k = 0; k < 32; k++)
			printf("%02x", d[k]);
		printf("\n");
	}
	return 0;
}
