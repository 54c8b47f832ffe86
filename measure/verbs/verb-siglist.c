/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `siglist split`: an EFI_SIGNATURE_LIST chain (UEFI 2.10 §32.4.1) split into its entries,
 * one file each, for the clouds that take hashes and certificates instead of lists (GCE's
 * --forbidden-database-file, Azure's uefiSettings; image/scripts/cloud-formats.sh). The chain is
 * walked by predict/'s secureboot_walk(), the parser predict and fuzz-siglist use; this file only
 * checks each entry's type and writes it. Every entry is checked before the first file is written,
 * so a refused chain leaves nothing behind. */

#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "measure-eventlog.h"
#include "macro.h"
#include "measure-predict.h"
#include "measure-verbs.h"
#include "size.h"
#include "verbs.h"

/* Three digits keep the file names in list order. */
#define SPLIT_MAX_ENTRIES 999u

/* GUIDs in their on-disk (mixed-endian) byte order. */
static const uint8_t cert_sha256[16] = {0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40,
					0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28};
static const uint8_t cert_x509[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
				      0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};

static void help_siglist(FILE *f)
{
	fprintf(f,
		"Usage: bootproof siglist split FILE DIR\n"
		"\n"
		"Splits the EFI signature lists in FILE (an .esl such as dbx.esl) into their entries:\n"
		"DIR/NNN.sha256 (the 32-byte SHA-256 of an EFI_CERT_SHA256 entry) or DIR/NNN.x509 (the DER\n"
		"certificate of an EFI_CERT_X509 entry), NNN from 001 in list order, without the entries'\n"
		"owner GUIDs. Any other entry type, an EFI_CERT_SHA256 list whose SignatureSize is not 48,\n"
		"an empty entry or more than 999 entries is refused (exit 1, naming the offset) and nothing\n"
		"is written. DIR must exist.\n"
		"\n"
		"Options:\n"
		"  -h --help          show this help\n");
}

struct split {
	const char *path;     /* FILE, for messages */
	const uint8_t *data;  /* its bytes: an entry's offset is its distance from here */
	const char *dir;      /* NULL: only check */
	unsigned n;
	size_t end;           /* where the last entry seen ends: a list that fails starts here */
	bool said;            /* the callback has named what is wrong */
};

/* secureboot_walk callback: check one EFI_SIGNATURE_DATA (owner GUID + payload), write it. */
static int split_entry(const uint8_t type[16], const uint8_t *sig, size_t sig_size, void *ud)
{
	struct split *s = ud;
	size_t at = (size_t)(sig - s->data);
	bool sha256 = memcmp(type, cert_sha256, 16) == 0;
	char name[4096];
	int r;

	s->said = true; /* for the refusals below; cleared again when the entry passes */
	if (!sha256 && memcmp(type, cert_x509, 16) != 0) {
		char g[37];
		evlog_guid_format(type, g);
		log_error("%s: offset %zu: signature type %s: only SHA-256 hashes (EFI_CERT_SHA256) and "
			  "certificates (EFI_CERT_X509) can be carried one by one", s->path, at, g);
		return -EBADMSG;
	}
	if (sha256 ? sig_size != 16 + 32 : sig_size <= 16) {
		log_error("%s: offset %zu: an EFI_CERT_%s entry of %zu bytes (SignatureSize)", s->path,
			  at, sha256 ? "SHA256" : "X509", sig_size);
		return -EBADMSG;
	}
	if (++s->n > SPLIT_MAX_ENTRIES) {
		log_error("%s: offset %zu: more than %u entries", s->path, at, SPLIT_MAX_ENTRIES);
		return -E2BIG;
	}
	s->said = false;
	s->end = at + sig_size;
	if (!s->dir)
		return 0;
	if ((size_t)snprintf(name, sizeof(name), "%s/%03u.%s", s->dir, s->n,
			     sha256 ? "sha256" : "x509") >= sizeof(name))
		return log_error_errno(-ENAMETOOLONG, "siglist split: '%s'", s->dir);
	r = write_file_atomic(name, sig + 16, sig_size - 16);
	if (r < 0) {
		s->said = true;
		return log_error_errno(r, "siglist split: cannot write '%s'", name);
	}
	return 0;
}

/* The walk refused the list after the last entry seen (a list's sizes are checked before its
 * entries are visited): name its offset and header. Lists with no entries before it are not
 * counted, so the offset can be theirs. */
static void why_bad_list(const struct split *s, size_t len)
{
	const uint8_t *h = s->data + s->end;
	size_t left = len - s->end;

	if (left < 28)
		log_error("%s: offset %zu: %zu bytes left, an EFI_SIGNATURE_LIST header needs 28",
			  s->path, s->end, left);
	else
		log_error("%s: offset %zu: an EFI_SIGNATURE_LIST that does not fit or is not filled "
			  "by whole entries: ListSize %u, HeaderSize %u, SignatureSize %u, %zu bytes "
			  "left", s->path, s->end, load_le32(h + 16), load_le32(h + 20),
			  load_le32(h + 24), left);
}

static int verb_split(int argc, char *argv[])
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {}};
	_cleanup_(freep) uint8_t *data = NULL;
	struct split s = {};
	size_t len;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
		if (c != 'h')
			return EXIT_USAGE;
		help_siglist(stdout);
		return EXIT_OK;
	}
	if (optind + 2 != argc) {
		log_error("siglist split: expected FILE and DIR");
		help_siglist(stderr);
		return EXIT_USAGE;
	}
	s.path = argv[optind];
	r = read_file_capped(s.path, SECUREBOOT_MAX_VAR, &data, &len);
	if (r < 0)
		return log_error_errno(r, "siglist split: cannot read '%s'", s.path);
	s.data = data;
	/* first pass: the whole chain and every entry; second: the files */
	r = secureboot_walk(data, len, split_entry, &s);
	if (r < 0) {
		if (r == -E2BIG && !s.said)
			log_error("%s: more than %u bytes or %u entries", s.path, SECUREBOOT_MAX_VAR,
				  SECUREBOOT_MAX_ENTRIES);
		else if (!s.said)
			why_bad_list(&s, len);
		return EXIT_ERROR;
	}
	s.dir = argv[optind + 1];
	s.n = 0;
	r = secureboot_walk(data, len, split_entry, &s);
	return r < 0 ? EXIT_ERROR : EXIT_OK;
}

static const struct verb siglist_verbs[] = {
	{"split", verb_split, "EFI signature lists -> one file per SHA-256 hash or certificate"},
};

int verb_siglist(int argc, char *argv[])
{
	return verb_dispatch_group(siglist_verbs, ARRAY_SIZE(siglist_verbs), "bootproof siglist",
				   help_siglist, argc, argv);
}
