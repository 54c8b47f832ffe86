/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `manifest sign|verify` (docs/attest.md): detached signatures over release files. Option
 * parsing, I/O and the one log line per failure; the logic is in attest/manifest-sign.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-verbs.h"
#include "verbs.h"

static void manifest_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof manifest sign --key KEY.pem [-o SIG] FILE\n"
		"       bootproof manifest verify --key PUB.pem [--signature SIG] [--check] FILE\n"
		"\n"
		"Detached signatures over release files (SHA256SUMS). RSA and EC keys sign SHA-256\n"
		"(as 'openssl dgst -sha256 -sign'), Ed25519 keys sign the file itself. SIG defaults to\n"
		"FILE.sig. --check also verifies every file listed in a SHA256SUMS file (relative to\n"
		"its directory). Exit 3 when a signature or a digest does not match.\n");
}

static const struct option manifest_sign_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"key", required_argument, NULL, 'k'},
	{"output", required_argument, NULL, 'o'},
	{},
};

static int manifest_sign_verb(int argc, char *argv[])
{
	_cleanup_(EVP_PKEY_freep) EVP_PKEY *key = NULL;
	_cleanup_(freep) uint8_t *data = NULL, *sig = NULL;
	_cleanup_(freep) char *def = NULL;
	const char *key_path = NULL, *out = NULL;
	size_t len, sig_len;
	int c, r;

	while ((c = getopt_long(argc, argv, "hk:o:", manifest_sign_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			manifest_help(stdout);
			return EXIT_OK;
		case 'k':
			key_path = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			manifest_help(stderr);
			return EXIT_USAGE;
		}
	if (!key_path || optind != argc - 1) {
		log_error("manifest sign: --key and exactly one FILE are required");
		return EXIT_USAGE;
	}
	r = manifest_load_private_key(key_path, &key);
	if (r < 0)
		return log_error_errno(r, "manifest sign: cannot load the private key '%s'",
				       key_path);
	r = read_file_capped(argv[optind], MANIFEST_MAX_SIZE, &data, &len);
	if (r < 0)
		return log_error_errno(r, "manifest sign: cannot read '%s'", argv[optind]);
	r = manifest_sign(key, data, len, &sig, &sig_len);
	if (r < 0)
		return log_error_errno(r, "manifest sign: signing failed (RSA, EC or Ed25519 keys)");
	if (!out) {
		if (asprintf(&def, "%s.sig", argv[optind]) < 0)
			return log_error_errno(-ENOMEM, "manifest sign");
		out = def;
	}
	r = write_file_atomic(out, sig, sig_len);
	if (r < 0)
		return log_error_errno(r, "manifest sign: cannot write '%s'", out);
	return EXIT_OK;
}

static const struct option manifest_verify_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"key", required_argument, NULL, 'k'},
	{"signature", required_argument, NULL, 's'},
	{"check", no_argument, NULL, 'C'},
	{},
};

static int manifest_verify_verb(int argc, char *argv[])
{
	_cleanup_(EVP_PKEY_freep) EVP_PKEY *key = NULL;
	_cleanup_(freep) uint8_t *data = NULL, *sig = NULL;
	_cleanup_(freep) char *def = NULL, *dir = NULL;
	const char *key_path = NULL, *sig_path = NULL;
	bool check = false;
	size_t len, sig_len;
	char err[512];
	int c, r;

	while ((c = getopt_long(argc, argv, "hk:s:", manifest_verify_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			manifest_help(stdout);
			return EXIT_OK;
		case 'k':
			key_path = optarg;
			break;
		case 's':
			sig_path = optarg;
			break;
		case 'C':
			check = true;
			break;
		default:
			manifest_help(stderr);
			return EXIT_USAGE;
		}
	if (!key_path || optind != argc - 1) {
		log_error("manifest verify: --key and exactly one FILE are required");
		return EXIT_USAGE;
	}
	if (!sig_path) {
		if (asprintf(&def, "%s.sig", argv[optind]) < 0)
			return log_error_errno(-ENOMEM, "manifest verify");
		sig_path = def;
	}
	r = manifest_load_public_key(key_path, &key);
	if (r < 0)
		return log_error_errno(r, "manifest verify: cannot load the public key '%s'",
				       key_path);
	r = read_file_capped(argv[optind], MANIFEST_MAX_SIZE, &data, &len);
	if (r < 0)
		return log_error_errno(r, "manifest verify: cannot read '%s'", argv[optind]);
	r = read_file_capped(sig_path, MANIFEST_MAX_SIG, &sig, &sig_len);
	if (r < 0)
		return log_error_errno(r, "manifest verify: cannot read '%s'", sig_path);
	r = manifest_verify(key, data, len, sig, sig_len);
	if (r < 0)
		return log_error_errno(r, "manifest verify: cannot verify (RSA, EC or Ed25519 keys)");
	if (r == 0) {
		log_error("manifest verify: '%s' is not a valid signature of '%s' by '%s'", sig_path,
			  argv[optind], key_path);
		return EXIT_MISMATCH;
	}
	if (check) {
		const char *slash = strrchr(argv[optind], '/');
		dir = slash ? strndup(argv[optind], (size_t)(slash - argv[optind])) : strdup(".");
		if (!dir)
			return log_error_errno(-ENOMEM, "manifest verify");
		r = manifest_check_sums(data, len, dir, err, sizeof(err));
		if (r != 0) {
			log_error("manifest verify: %s: %s", argv[optind], err);
			return r == 1 || r == -EBADMSG || r == -EEXIST || r == -ENOENT ? EXIT_MISMATCH
										: EXIT_ERROR;
		}
	}
	printf("%s: signature OK%s\n", argv[optind], check ? ", every listed file matches" : "");
	return EXIT_OK;
}

int verb_manifest(int argc, char *argv[])
{
	static const struct verb verbs[] = {
		{"sign", manifest_sign_verb, "write a detached signature of a file"},
		{"verify", manifest_verify_verb, "check a detached signature (and SHA256SUMS)"},
	};

	return verb_dispatch_group(verbs, ARRAY_SIZE(verbs), "bootproof manifest", manifest_help,
				   argc, argv);
}
