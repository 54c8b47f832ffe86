/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the firmware checks before it starts a PE image with Secure Boot on, modelled on EDK2
 * (SecurityPkg DxeImageVerificationLib DxeImageVerificationHandler, IsForbiddenByDbx,
 * IsAllowedByDb, IsSignatureFoundInDatabase, IsCertHashFoundInDbx; CryptoPkg BaseCryptLib
 * AuthenticodeVerify, Pkcs7Verify), so that predict refuses a chain the firmware would refuse
 * and names the db entry that verified each image (the PCR 7 EV_EFI_VARIABLE_AUTHORITY event).
 * Formats: PE/COFF §4.7 attribute certificate table (WIN_CERTIFICATE), Microsoft Authenticode
 * PE (SpcIndirectDataContent), RFC 2315 PKCS#7 SignedData, UEFI 2.10 §32.4.1 signature lists.
 * Not modelled: dbt (timestamp database): a certificate hash in dbx revokes whatever its time of
 * revocation, as EDK2 does when no dbt entry vouches for a timestamp. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "secureboot.h"

#define SBV_MAX_SIGNATURES 16u           /* WIN_CERTIFICATE entries evaluated per image */
#define SBV_MAX_AUTH_DATA (256u * 1024)  /* one PKCS#7 signature */
#define SBV_MAX_DIGEST_ALGORITHMS 8u     /* SignedData.digestAlgorithms entries */
#define SBV_MAX_AUTHORITIES 4u           /* db entries one image can be measured with */

/* The EDK2 generations whose image verification differs in what predict models
 * (docs/predict.md "Firmware generations"); the first is the default: the oldest supported, which
 * refuses what the later ones refuse and more.
 * - EDK2_2022_11: Debian 12's OVMF (2022.11), and edk2 up to stable202308: its OpenSSL is built
 *   without EC (OPENSSL_NO_EC), so a signature with an EC key anywhere in its chain never
 *   verifies; an unsigned image is looked up by its SHA-256 digest only.
 * - EDK2_2023_11: edk2-stable202311 and later (commit bbf1822295): an unsigned image is looked up
 *   by its SHA-512, SHA-384, SHA-256 and SHA-1 digests in turn, each in dbx (refuses) and db (each
 *   db match is measured: one PCR 7 authority event per match). Still no EC.
 * - EDK2_2025_05: edk2-stable202505 and later built with OpensslLibFull (OVMF's 4 MiB builds with
 *   NETWORK_TLS_ENABLE, commit 63e4713c48): as 2023.11, and EC keys (ECDSA signers) verify. */
enum sbv_firmware {
	SBV_FIRMWARE_EDK2_2022_11,
	SBV_FIRMWARE_EDK2_2023_11,
	SBV_FIRMWARE_EDK2_2025_05,
	_SBV_FIRMWARE_MAX,
	_SBV_FIRMWARE_INVALID = -EINVAL,
};

/* "edk2-2022.11", "edk2-2023.11", "edk2-2025.05" and back; unknown: _SBV_FIRMWARE_INVALID. */
enum sbv_firmware sbv_firmware_from_string(const char *s);
const char *sbv_firmware_to_string(enum sbv_firmware f);

/* The Authenticode part of one PKCS#7 signature (views into the DER given to the parser, valid
 * while it lives). */
struct sbv_authenticode {
	enum bank alg;          /* digestAlgorithms[0] */
	size_t alg_oid_offset;  /* offset of that OID's value bytes (EDK2 reads it at 32) */
	enum bank info_alg;     /* SpcIndirectDataContent DigestInfo algorithm (-EINVAL: unknown) */
	const uint8_t *content; /* SpcIndirectDataContent without its tag and length, as EDK2's
				 * AuthenticodeVerify delimits it: the bytes the signed
				 * messageDigest attribute must cover */
	size_t content_len;
	const uint8_t *digest;  /* DigestInfo.digest: the Authenticode digest that was signed */
	size_t digest_len;
};

/* Parses a DER PKCS#7 ContentInfo {signedData} whose content is an Authenticode
 * SpcIndirectDataContent (trailing bytes after the ContentInfo are allowed: the certificate
 * table pads to 8 bytes). Lengths are read as OpenSSL's d2i reads them (long form with leading
 * zero octets allowed), except the SpcIndirectDataContent's own, which must also read the same
 * under EDK2's AuthenticodeVerify rule (short form, or 0x81/0x82 long form by bit test: "83 00 00
 * 6a" is refused, "82 00 6a" is not). -EBADMSG with errbuf naming the offset and the element, -E2BIG above
 * SBV_MAX_AUTH_DATA or SBV_MAX_DIGEST_ALGORITHMS, -EOPNOTSUPP for a digest algorithm other than
 * SHA-1/256/384/512. */
int sbv_parse_authenticode(const uint8_t *der, size_t len, struct sbv_authenticode *ret,
			   char *errbuf, size_t errbuf_size);

/* Signature databases as the firmware holds them (EFI_SIGNATURE_LIST chains, already checked
 * by secureboot_signature_lists(); empty or NULL = variable absent). */
struct sbv_databases {
	const uint8_t *db;
	size_t db_len;
	const uint8_t *dbx;
	size_t dbx_len;
	enum sbv_firmware firmware; /* whose verification to model; 0 = the oldest (default) */
};

enum sbv_how {
	SBV_REFUSED,
	SBV_BY_CERTIFICATE, /* a db X.509 certificate anchors a valid signature */
	SBV_BY_HASH,        /* the image's Authenticode digest is a db EFI_CERT_SHA* entry */
};

/* A verdict is data: sbv_verify_*() return 0 with allowed false and a reason when the firmware
 * would refuse the image. */
struct sbv_verdict {
	bool allowed;
	enum sbv_how how;
	/* allowed: the db EFI_SIGNATURE_DATA entries that verified it, in the order the firmware
	 * measures them into PCR 7 (views into db): one, except for an unsigned image on
	 * EDK2_2023_11 and later, whose every matching db hash entry is measured */
	struct secureboot_entry authorities[SBV_MAX_AUTHORITIES];
	size_t n_authorities;
	size_t signature;                  /* SBV_BY_CERTIFICATE: index of the signature */
	char reason[512];                  /* refused: why; allowed: how */
};

/* Banks of the Authenticode digests that verifying a certificate table needs: SHA-256 (unsigned
 * images, dbx/db hash entries; all four for an unsigned image, see sbv_unsigned_algs) and each
 * signature's digest algorithm as EDK2 reads it (at offset 32). */
unsigned sbv_table_algs(const uint8_t *table, size_t len);
/* The banks an unsigned image is looked up with on firmware f. */
unsigned sbv_unsigned_algs(enum sbv_firmware f);

/* Evaluates the attribute certificate table of an image whose Authenticode digests are in
 * digests (every bank of sbv_table_algs()). table NULL or len 0: an unsigned image.
 * Negative only when it cannot evaluate: -ENOMEM, -EIO, -E2BIG (more than SBV_MAX_SIGNATURES). */
int sbv_verify_table(const uint8_t *table, size_t len, const uint8_t digests[_BANK_MAX][DIGEST_MAX],
		     const struct sbv_databases *dbs, struct sbv_verdict *ret);

/* The same for a whole PE image: parses it, computes the digests it needs (known_mask banks of
 * known are taken as given, known may be NULL), evaluates its certificate table. A PE the
 * firmware cannot parse is refused. */
int sbv_verify_image(const uint8_t *image, size_t len, const uint8_t known[_BANK_MAX][DIGEST_MAX],
		     unsigned known_mask, const struct sbv_databases *dbs, struct sbv_verdict *ret);

/* A short text for a verdict's how. */
const char *sbv_how_to_string(enum sbv_how how);
