/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Trusting a cloud vTPM's attestation key through the certificate its cloud issued for it
 * (docs/attest.md "Cloud AK certificates", docs/cloud-gce.md, docs/cloud-azure.md):
 *  - the anchors: pinned root certificates (--ak-ca FILE, or the short names "gce" / "azure" for
 *    the public roots shipped under data/ak-roots/), plus known intermediates as untrusted chain
 *    material;
 *  - the check: the AK certificate chains to a pinned root through intermediates from the bundle
 *    (OpenSSL X509_STORE, no network), at the verification time or --at; its critical extensions
 *    are ones bootproof knows by name; its EKU is a TCG one; its public key EQUALS the bundle's
 *    AK (go-tpm-tools and others use the certificate's key and never look at the AK: we do);
 *  - the identity it states: GCE's instance extension (OID 1.3.6.1.4.1.11129.2.1.21, the
 *    structure of google/go-tpm-tools server/verify.go gceInstanceInfo) or the subject. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "macro.h"

#define AK_CERT_MAX_SIZE (16u * 1024)     /* one DER certificate (bundle, NV) */
#define AK_CERT_MAX_INTERMEDIATES 8u      /* in a bundle */
#define AK_ANCHORS_MAX 64u                /* certificates across all --ak-ca */
#define GCE_INSTANCE_MAX_EXT 4096u        /* the extension's DER */
#define GCE_INSTANCE_MAX_STRING 256u      /* zone, project id, instance name */
#define GCE_INSTANCE_OID "1.3.6.1.4.1.11129.2.1.21"

/* ------------------------------------------------------------ GCE instance extension */

/* gceInstanceInfo (go-tpm-tools server/verify.go):
 *   SEQUENCE { zone UTF8String, projectNumber INTEGER, projectId UTF8String,
 *              instanceId INTEGER, instanceName UTF8String,
 *              [0] EXPLICIT SEQUENCE { [0] EXPLICIT INTEGER securityVersion OPTIONAL,
 *                                      [1] EXPLICIT BOOLEAN isProduction OPTIONAL,
 *                                      ... } OPTIONAL, ... }
 * Real certificates carry more booleans [2]..[5] in the inner sequence; like Go's decoder we
 * accept well-formed elements after the known ones (X.509-style extensibility). */
struct gce_instance_info {
	char zone[GCE_INSTANCE_MAX_STRING + 1];
	char project_id[GCE_INSTANCE_MAX_STRING + 1];
	char instance_name[GCE_INSTANCE_MAX_STRING + 1];
	uint64_t project_number;
	uint64_t instance_id;
	bool has_security_properties;
	uint64_t security_version;
	bool is_production;
};

/* Decodes the extension's value (the OCTET STRING's contents). Strings must be printable ASCII
 * (GCE names are), integers non-negative and at most 63 bits (as go-tpm-tools' int64), DER
 * minimal. -EBADMSG with "field: defect" in err, -E2BIG over the caps. */
int gce_instance_info_parse(const uint8_t *data, size_t len, struct gce_instance_info *ret,
			    char *err, size_t err_size);

/* ------------------------------------------------------------ anchors */

struct ak_anchor {
	X509 *cert;
	char *source; /* "gce", "azure" or the file name given */
	bool trusted; /* a pinned root; false: a known intermediate (chain material only) */
};

struct ak_anchors {
	struct ak_anchor items[AK_ANCHORS_MAX];
	size_t n;
};

void ak_anchors_done(struct ak_anchors *a);
/* Directory of the shipped roots: $BOOTPROOF_AK_ROOTS, else the installed one
 * (BOOTPROOF_AK_ROOTS_DIR, set by CMake to <datadir>/bootproof/ak-roots). */
const char *ak_anchors_dir(void);
/* Adds one --ak-ca argument: "gce" / "azure" (the shipped roots, and for gce the known
 * intermediates) or a PEM file of root certificates (every certificate in it is pinned).
 * -ENOENT / -EBADMSG (no certificate) / -E2BIG (too many). err names the file. */
int ak_anchors_add(struct ak_anchors *a, const char *arg, char *err, size_t err_size);

/* ------------------------------------------------------------ the check */

enum ak_cert_failure {
	AK_CERT_OK,
	AK_CERT_MALFORMED,            /* not one DER certificate, or an intermediate is not */
	AK_CERT_ROOT_NOT_PINNED,      /* the chain ends at a certificate no --ak-ca pins */
	AK_CERT_INTERMEDIATE_MISSING, /* the AK certificate's issuer is nowhere to be found */
	AK_CERT_SIGNATURE_INVALID,    /* a signature in the chain does not verify */
	AK_CERT_EXPIRED,
	AK_CERT_NOT_YET_VALID,
	AK_CERT_EKU,                  /* EKU without a TCG purpose, or key usage without signing */
	AK_CERT_CRITICAL_EXTENSION,   /* a critical extension bootproof does not know */
	AK_CERT_KEY_TYPE,             /* the certificate is for another key type (RSA vs ECC) */
	AK_CERT_KEY_MISMATCH,         /* same type, another key */
	AK_CERT_IDENTITY_MALFORMED,   /* the GCE instance extension does not decode */
	AK_CERT_CHAIN_INVALID,        /* any other chain defect OpenSSL reports */
	_AK_CERT_FAILURE_MAX,
};

/* The verdict reason ("ak-certificate-..."). */
const char *ak_cert_failure_to_string(enum ak_cert_failure f);

struct ak_cert_input {
	const uint8_t *cert; /* DER */
	size_t cert_size;
	const uint8_t *const *intermediates; /* DER each */
	const size_t *intermediate_sizes;
	size_t n_intermediates;
	EVP_PKEY *ak;        /* the bundle's AK (from its TPM2B_PUBLIC) */
	const struct ak_anchors *anchors;
	time_t at;           /* verification time; 0: now */
};

struct ak_cert_verdict {
	enum ak_cert_failure why;
	char detail[512];
	json_t *info; /* on success: {anchor, subject, issuer, not_after, identity...}; caller owns */
};

/* Runs the checks in this order: decode, critical extensions, usage, key type, key, chain (time
 * included), identity. Returns 0 with the verdict filled (why = AK_CERT_OK or the first
 * failure); < 0 only when it could not evaluate (-ENOMEM, -EIO). */
int ak_cert_verify(const struct ak_cert_input *in, struct ak_cert_verdict *ret);

struct blob;
/* attest --ak-chain: the PEM certificates of path as DER blobs (at most max, each capped). */
int ak_chain_load_pem(const char *path, struct blob *ret, size_t max, size_t *ret_n, char *err,
		      size_t err_size);

/* "@EPOCH" or "YYYY-MM-DDTHH:MM:SSZ" -> seconds since the epoch. -EINVAL otherwise. */
int ak_cert_parse_time(const char *s, time_t *ret);
