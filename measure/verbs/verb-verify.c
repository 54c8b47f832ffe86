/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `verify` (docs/attest.md): quote bundles against golden.json. Option parsing, I/O and the
 * one log line per failure; the logic is in attest/ (attest-verify.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "background.h"
#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-verbs.h"
#include "verb-options.h"
#include "verbs.h"
#include "verify-html.h"
#include "verify-jobs.h"
#include "verify-release.h"

/* The verifier's secret: written 0600 through a temporary file and rename (never partial). */
static int write_secret_json(const char *path, const json_t *j)
{
	_cleanup_(freep) char *text = NULL, *tmp = NULL;
	_cleanup_(closep) int fd = -1;
	size_t len;
	int r;

	r = json_dump_canonical(j, &text, &len);
	if (r < 0)
		return r;
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 || rename(tmp, path) < 0) {
		r = -errno ? -errno : -EIO;
		unlink(tmp);
		return r;
	}
	explicit_bzero(text, len);
	return 0;
}

static int load_credential_secret(const char *path, uint8_t **ret_secret, size_t *ret_size,
				  uint8_t **ret_name, size_t *ret_name_size)
{
	_cleanup_(freep) uint8_t *data = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	const char *sec, *name, *fmt;
	char err[200];
	size_t len;
	int r;

	r = read_file_capped(path, 4096, &data, &len);
	if (r < 0)
		return r;
	r = json_parse_capped(data, len, 4096, 4, &j, err, sizeof(err));
	if (r < 0)
		return r;
	if (json_get_string(j, "format", &fmt) < 0 || strcmp(fmt, CREDENTIAL_FORMAT) != 0 ||
	    json_get_string(j, "secret", &sec) < 0 || json_get_string(j, "ak_name", &name) < 0)
		return -EBADMSG;
	r = hex_decode_alloc(sec, 64, ret_secret, ret_size);
	if (r < 0)
		return r;
	return hex_decode_alloc(name, TPM2_NAME_MAX, ret_name, ret_name_size);
}

static void verify_help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof verify BUNDLE... [--golden FILE] --nonce HEX\n"
		"                        (--ak-pub FILE | --ak-ca gce|azure|FILE... | --ca FILE...)\n"
		"\n"
		"Verifies quote bundles against a golden manifest: signature (scheme pinned by the\n"
		"signature), magic, type, nonce and the binding of every bundle field, PCR selection,\n"
		"pcrDigest, golden PCRs (per phase), replay of the firmware and userspace logs,\n"
		"runtime (PCR 14/15) records.\n"
		"Exit 0 only if everything holds; 3 with the specific reason otherwise.\n"
		"\n"
		"  --golden FILE        golden.json; without it the AK, the quote and the event log\n"
		"                       replay are checked and the PCRs reported, not judged\n"
		"  --nonce HEX          the challenge sent to the machine\n"
		"  --ak-pub FILE        the trusted AK (PEM public key recorded at enrolment)\n"
		"  --ca FILE            EK certificate trust anchor(s), PEM; repeatable. Proves the EK\n"
		"                       certificate's chain only, not the AK (see docs/attest.md)\n"
		"  --ak-ca ROOT         trust the AK through the cloud's AK certificate in the bundle:\n"
		"                       it must chain to ROOT (gce, azure: the shipped public roots\n"
		"                       in $BOOTPROOF_AK_ROOTS or the installed ak-roots directory;\n"
		"                       or a PEM file of roots) and certify exactly the bundle's AK.\n"
		"                       Repeatable\n"
		"  --at TIME            check the AK certificate's validity at TIME (@EPOCH or\n"
		"                       YYYY-MM-DDTHH:MM:SSZ) instead of now\n"
		"  --runtime-pcrs LIST  PCRs replayed from the runtime log (default 14,15)\n"
		"  --ek-pub FILE        the EK public key given out of band (AWS: get-instance-tpm-ek-pub,\n"
		"                       DER SubjectPublicKeyInfo, TPMT_PUBLIC or PEM; RSA 2048): the\n"
		"                       target of --make-credential / --credential-secret instead of\n"
		"                       the EK certificate\n"
		"  --containers FILE    the release's container_measurements.json: every job that\n"
		"                       ran must have run one of its containers (docs/jobs.md)\n"
		"  --require-job-success  the last job must have run, completed and exited 0\n"
		"  --make-credential F  with --ca only: write a credential challenge for the bundle's\n"
		"                       AK to the certified EK (F) and the secret to keep (F.secret)\n"
		"  --credential-secret F  with --ca only: trust the AK if the bundle carries the\n"
		"                       secret the machine's TPM released (bootproof attest --activate)\n"
		"  --json               print the verdict JSON instead of the summary\n"
		"  -o FILE              also write the verdict JSON to FILE\n"
		"  --html FILE          also write a report page for people (one bundle)\n"
		"  --release DIR        the --golden file must be the one DIR/SHA256SUMS lists, and\n"
		"                       DIR/SHA256SUMS.sig must verify with DIR/signing-key.pub.pem\n"
		"                       (compare its fingerprint with the publisher's announcement)\n");
}

static int add_ca_file(X509_STORE *store, const char *path)
{
	BIO *bio = BIO_new_file(path, "r");
	X509 *x;
	int n = 0;

	if (!bio)
		return -ENOENT;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (X509_STORE_add_cert(store, x) != 1) {
			X509_free(x);
			BIO_free(bio);
			return -EIO;
		}
		X509_free(x);
		n++;
	}
	BIO_free(bio);
	return n > 0 ? 0 : -EBADMSG;
}

static void print_summary(const json_t *v, FILE *f)
{
	const char *name = json_string_value(json_object_get(v, "bundle"));
	const char *reason = json_string_value(json_object_get(v, "reason"));
	const char *detail = json_string_value(json_object_get(v, "detail"));
	json_t *rt = json_object_get(v, "runtime"), *e;
	size_t i;

	const char *binding = json_string_value(json_object_get(v, "binding"));
	bool ok = json_is_true(json_object_get(v, "ok"));

	/* said plainly: exit 0 without golden values judged no PCR; an imported bundle's quote
	 * bound the nonce only */
	fprintf(f, "%s: %s%s%s\n", name ? name : "?", ok ? "VERIFIED" : "FAILED",
		ok && detail && strstr(detail, "no golden values")
			? " (no golden values: the PCRs are reported, not judged)"
			: "",
		ok && binding && strcmp(binding, "nonce-only") == 0
			? " (imported bundle: the quote binds the nonce only)"
			: "");
	if (!json_is_true(json_object_get(v, "ok")))
		fprintf(f, "  reason: %s: %s\n", reason ? reason : "?", detail ? detail : "");
	if (rt) {
		json_array_foreach(json_object_get(rt, "inputs"), i, e)
			fprintf(f, "  input  (PCR %lld) %s %s sha256:%s %s\n",
				json_integer_value(json_object_get(e, "pcr")),
				json_string_value(json_object_get(e, "type")),
				json_string_value(json_object_get(e, "path")),
				json_string_value(json_object_get(e, "sha256")),
				json_string_value(json_object_get(e, "label")));
		json_array_foreach(json_object_get(rt, "outputs"), i, e)
			fprintf(f, "  output (PCR %lld) %s %s sha256:%s %s\n",
				json_integer_value(json_object_get(e, "pcr")),
				json_string_value(json_object_get(e, "type")),
				json_string_value(json_object_get(e, "path")),
				json_string_value(json_object_get(e, "sha256")),
				json_string_value(json_object_get(e, "label")));
	}
}

/* verify's command line: the library's options and what the verb itself reads and writes. */
struct verify_cli {
	struct verify_options o;
	uint8_t *nonce, *cred_secret, *cred_name;
	EVP_PKEY *ak, *ek_pub;
	X509_STORE *ca;
	struct ak_anchors ak_ca;
	struct job_release *release;
	const char *containers_path;
	const char *golden_path, *ak_path, *out, *make_credential, *html, *release_dir;
	struct release_check release_check;
	bool json;
};

static void verify_cli_done(struct verify_cli *v)
{
	free(v->nonce);
	free(v->cred_secret);
	free(v->cred_name);
	EVP_PKEY_free(v->ak);
	EVP_PKEY_free(v->ek_pub);
	X509_STORE_free(v->ca);
	ak_anchors_done(&v->ak_ca);
	job_release_free(v->release);
}

static const struct option verify_options_table[] = {
	{"help", no_argument, NULL, 'h'},
	{"golden", required_argument, NULL, 'g'},
	{"nonce", required_argument, NULL, 'n'},
	{"ak-pub", required_argument, NULL, 'a'},
	{"ca", required_argument, NULL, 'c'},
	{"runtime-pcrs", required_argument, NULL, 'R'},
	{"json", no_argument, NULL, 'j'},
	{"output", required_argument, NULL, 'o'},
	{"make-credential", required_argument, NULL, 'M'},
	{"credential-secret", required_argument, NULL, 'S'},
	{"ak-ca", required_argument, NULL, 'K'},
	{"at", required_argument, NULL, 't'},
	{"ek-pub", required_argument, NULL, 'E'},
	{"containers", required_argument, NULL, 'C'},
	{"require-job-success", no_argument, NULL, 'J'},
	{"html", required_argument, NULL, 'H'},
	{"release", required_argument, NULL, 'L'},
	{},
};

/* --ak-ca ROOT (ak-cert.h), --at TIME, --ek-pub FILE (ek-pub.h): VERB_PROCEED or an exit code. */
static int verify_parse_trust_option(int c, const char *arg, struct verify_cli *v)
{
	_cleanup_(freep) uint8_t *d = NULL;
	char err[300] = "cannot read it";
	size_t n;
	int r;

	switch (c) {
	case 'K':
		r = ak_anchors_add(&v->ak_ca, arg, err, sizeof(err));
		if (r < 0)
			return log_error_errno(r, "verify: --ak-ca %s: %s", arg, err);
		v->o.ak_ca = &v->ak_ca;
		return VERB_PROCEED;
	case 't':
		if (ak_cert_parse_time(arg, &v->o.at) < 0) {
			log_error("verify: --at '%s' is neither @EPOCH nor YYYY-MM-DDTHH:MM:SSZ", arg);
			return EXIT_USAGE;
		}
		return VERB_PROCEED;
	default: /* 'E' */
		r = read_file_capped(arg, EK_PUB_MAX_SIZE, &d, &n);
		if (r >= 0) {
			EVP_PKEY_free(v->ek_pub);
			v->ek_pub = NULL;
			r = ek_pub_parse(d, n, &v->ek_pub, err, sizeof(err));
		}
		if (r < 0)
			return log_error_errno(r, "verify: --ek-pub '%s': %s", arg, err);
		v->o.ek_pub = v->ek_pub;
		return VERB_PROCEED;
	}
}

/* --containers FILE (the release's container measurements, job-verify.h), --require-job-success,
 * --release DIR: VERB_PROCEED or an exit code. */
static int verify_parse_job_option(int c, const char *arg, struct verify_cli *v)
{
	if (c == 'L') { /* --release DIR: see verify-release.h */
		v->release_dir = arg;
		return VERB_PROCEED;
	}
	if (c == 'J') {
		v->o.require_job_success = true;
		return VERB_PROCEED;
	}
	job_release_free(v->release);
	v->release = NULL;
	if (verify_load_release(arg, &v->release) < 0)
		return EXIT_ERROR;
	v->o.release_containers = v->release;
	v->containers_path = arg;
	return VERB_PROCEED;
}

/* Which ways of trusting the AK combine (argv[optind..] are the bundles). Logs a usage error. */
static int verify_check_trust_options(int argc, const struct verify_cli *v)
{
	if (v->o.ak_ca && (v->ak_path || v->make_credential || v->cred_secret)) {
		log_error("verify: --ak-ca is one way to trust the AK; it does not combine with "
			  "--ak-pub, --make-credential or --credential-secret");
		return -EINVAL;
	}
	if (v->o.at && !v->o.ak_ca) {
		log_error("verify: --at applies to the AK certificate: it needs --ak-ca");
		return -EINVAL;
	}
	if ((v->make_credential || v->cred_secret) &&
	    ((!v->ca && !v->ek_pub) || v->ak_path || argc - optind != 1)) {
		log_error("verify: --make-credential / --credential-secret need --ca or --ek-pub, "
			  "no --ak-pub, and one bundle");
		return -EINVAL;
	}
	if (v->ek_pub && (v->ca || v->ak_path || v->o.ak_ca || (!v->make_credential &&
								!v->cred_secret))) {
		log_error("verify: --ek-pub is the EK for credential activation: it goes with "
			  "--make-credential or --credential-secret, without --ca, --ak-pub or --ak-ca");
		return -EINVAL;
	}
	return 0;
}

static int verify_check_options(int argc, struct verify_cli *v);

/* Returns VERB_PROCEED (argv[optind..] are the bundles), or the exit code to end with. */
static int verify_parse_options(int argc, char *argv[], struct verify_cli *v)
{
	int c, r;

	while ((c = getopt_long(argc, argv, "ho:", verify_options_table, NULL)) >= 0)
		switch (c) {
		case 'h':
			verify_help(stdout);
			return EXIT_OK;
		case 'g':
			v->golden_path = optarg;
			break;
		case 'n':
			if (parse_nonce("verify", optarg, &v->nonce, &v->o.nonce_size) < 0)
				return EXIT_USAGE;
			break;
		case 'a':
			v->ak_path = optarg; /* loaded while golden.json loads: verb_verify() */
			break;
		case 'c':
			if (!v->ca && !(v->ca = X509_STORE_new()))
				return log_error_errno(-ENOMEM, "verify");
			r = add_ca_file(v->ca, optarg);
			if (r < 0)
				return log_error_errno(r, "verify: cannot load --ca '%s' (PEM "
							  "certificates)", optarg);
			break;
		case 'R':
			if (pcr_list_parse(optarg, &v->o.runtime_pcrs) < 0) {
				log_error("verify: --runtime-pcrs '%s' is not a PCR list", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			v->json = true;
			break;
		case 'o':
			v->out = optarg;
			break;
		case 'M':
			v->make_credential = optarg;
			break;
		case 'C':
		case 'J':
		case 'L':
			r = verify_parse_job_option(c, optarg, v);
			if (r != VERB_PROCEED)
				return r;
			break;
		case 'H':
			v->html = optarg;
			break;
		case 'S':
			r = load_credential_secret(optarg, &v->cred_secret, &v->o.credential_secret_size,
						   &v->cred_name, &v->o.credential_ak_name_size);
			if (r < 0)
				return log_error_errno(r, "verify: cannot load --credential-secret "
							  "'%s'", optarg);
			v->o.credential_secret = v->cred_secret;
			v->o.credential_ak_name = v->cred_name;
			break;
		case 'K':
		case 't':
		case 'E':
			r = verify_parse_trust_option(c, optarg, v);
			if (r != VERB_PROCEED)
				return r;
			break;
		default:
			verify_help(stderr);
			return EXIT_USAGE;
		}
	return verify_check_options(argc, v);
}

/* The combinations the options allow, once all are read. */
static int verify_check_options(int argc, struct verify_cli *v)
{
	if (optind >= argc || !v->nonce || (!v->ak_path && !v->ca && !v->o.ak_ca && !v->ek_pub)) {
		log_error("verify: BUNDLE, --nonce and --ak-pub, --ak-ca or --ca are required");
		return EXIT_USAGE;
	}
	if (v->html && (argc - optind != 1 || !v->golden_path)) {
		/* the page compares the bundle with golden.json (verify-html.c) */
		log_error("verify: --html reports on one bundle, against --golden");
		return EXIT_USAGE;
	}
	if (v->release_dir && !v->golden_path) {
		log_error("verify: --release checks the --golden file against the release");
		return EXIT_USAGE;
	}
	if (verify_check_trust_options(argc, v) < 0)
		return EXIT_USAGE;
	v->o.nonce = v->nonce;
	v->o.ca = v->ca;
	return VERB_PROCEED;
}

/* golden.json, loaded on a second thread (helpers/background.h) while the main thread loads the
 * AK key and parses and checks the first bundle: the two halves cost about the same (jansson
 * parsing golden.json; OpenSSL's first key import and the bundle's JSON), so a verifier that
 * runs one process per quote waits for the longer of the two, not their sum (issue 9). */
struct golden_job {
	const char *path;
	struct golden *golden;
	struct background_job job; /* zeroed until started: joining it then is a no-op */
	bool logged;
	char err[512];
};

static int golden_job_run(void *userdata)
{
	struct golden_job *g = userdata;
	return golden_load_file(g->path, &g->golden, g->err, sizeof(g->err));
}

static void golden_job_start(struct golden_job *g)
{
	g->job = (struct background_job){.run = golden_job_run, .userdata = g};
	background_start(&g->job);
}

/* verify_options.golden_wait: joins the job (once; later calls return the same result). */
static int golden_job_wait(void *userdata, const struct golden **ret)
{
	struct golden_job *g = userdata;
	int r = background_join(&g->job);

	if (r < 0) {
		if (!g->logged)
			log_error_errno(r, "verify: golden manifest '%s': %s", g->path, g->err);
		g->logged = true;
		return r;
	}
	*ret = g->golden;
	return 0;
}

static void golden_job_done(struct golden_job *g)
{
	background_join(&g->job);
	golden_free(g->golden);
}

/* attest_verify_bundle() on each file; the summaries on stdout, the verdicts into all. */
static int verify_bundles(char *paths[], size_t n, struct verify_cli *v, json_t *all,
			  bool *ret_all_ok)
{
	bool all_ok = true;
	int r;

	for (size_t i = 0; i < n; i++) {
		_cleanup_(freep) uint8_t *data = NULL;
		json_t *verdict = NULL;
		size_t len;
		bool ok;

		r = read_file_capped(paths[i], BUNDLE_MAX_FILE_SIZE, &data, &len);
		if (r < 0)
			return log_error_errno(r, "verify: cannot read '%s'", paths[i]);
		r = attest_verify_bundle(data, len, paths[i], &v->o, &verdict, &ok);
		if (!v->o.golden && v->o.golden_wait) {
			/* golden.json is judged before any verdict is printed, even if this
			 * bundle failed before it needed it. */
			int rg = golden_job_wait(v->o.golden_wait_userdata, &v->o.golden);
			if (rg < 0) {
				json_decref(verdict);
				return rg;
			}
		}
		if (r < 0)
			return log_error_errno(r, "verify: cannot evaluate '%s'", paths[i]);
		all_ok = all_ok && ok;
		if (v->html && (r = verify_html_write(v->html, &(struct verify_report){
				.verdict = verdict, .golden = v->o.golden, .bundle = data,
				.bundle_size = len, .runtime_pcrs = v->o.runtime_pcrs,
				.release = v->release_dir ? &v->release_check : NULL})) < 0) {
			json_decref(verdict);
			return log_error_errno(r, "verify: cannot write '%s'", v->html);
		}
		if (!v->json) {
			print_summary(verdict, stdout);
			verify_print_jobs(verdict, v->o.golden, v->containers_path, stdout);
		}
		if (json_array_append_new(all, verdict) < 0)
			return log_error_errno(-ENOMEM, "verify");
	}
	*ret_all_ok = all_ok;
	return 0;
}

/* The verdict JSON (one object for one bundle) on stdout and/or into a file. */
static int write_verdicts(const struct verify_cli *v, json_t *all)
{
	json_t *doc = json_array_size(all) == 1 ? json_array_get(all, 0) : all;
	int r;

	if (v->json) {
		r = json_write_canonical("-", doc);
		if (r < 0)
			return log_error_errno(r, "verify: cannot write the verdict");
	}
	if (v->out) {
		r = json_write_canonical(v->out, doc);
		if (r < 0)
			return log_error_errno(r, "verify: cannot write '%s'", v->out);
	}
	return 0;
}

/* --make-credential: the challenge for the machine, and the secret the verifier keeps. */
static int write_credential(const char *path, const json_t *challenge, const json_t *secret)
{
	_cleanup_(freep) char *secret_path = NULL;
	int r;

	r = json_write_canonical(path, challenge);
	if (r < 0)
		return log_error_errno(r, "verify: cannot write '%s'", path);
	if (asprintf(&secret_path, "%s.secret", path) < 0)
		return log_error_errno(-ENOMEM, "verify");
	r = write_secret_json(secret_path, secret);
	if (r < 0)
		return log_error_errno(r, "verify: cannot write '%s'", secret_path);
	log_info("verify: credential challenge in '%s', its secret in '%s'", path, secret_path);
	return 0;
}

/* --release: the golden values must be the release's own, signed. Prints the key's fingerprint
 * (to compare with the publisher's announcement) or names what failed. */
static bool verify_release_judge(const struct verify_cli *v)
{
	const struct release_check *c = &v->release_check;

	if (c->signature_ok && c->golden_listed) {
		if (!v->json)
			printf("release: golden.json sha256:%s is listed in %s/SHA256SUMS, signed by "
			       "the key with SPKI sha256:%s\n", c->golden_sha256, v->release_dir,
			       c->key_sha256);
		return true;
	}
	log_error("verify: --release: %s", c->detail);
	return false;
}

int verb_verify(int argc, char *argv[])
{
	_cleanup_(verify_cli_done) struct verify_cli v = {
		.o = {.runtime_pcrs = (1u << 14) | (1u << 15)},
	};
	_cleanup_(golden_job_done) struct golden_job golden = {};
	_cleanup_(json_decrefp) json_t *challenge = NULL, *challenge_secret = NULL;
	_cleanup_(json_decrefp) json_t *all = json_array();
	bool all_ok = true;
	int r;

	if (!all)
		return -ENOMEM;
	r = verify_parse_options(argc, argv, &v);
	if (r != VERB_PROCEED)
		return r;
	if (v.make_credential) {
		v.o.ret_challenge = &challenge;
		v.o.ret_challenge_secret = &challenge_secret;
	}
	if (v.golden_path) { /* without: no golden values, the PCRs are reported, not judged */
		golden.path = v.golden_path;
		golden_job_start(&golden);
		v.o.golden_wait = golden_job_wait;
		v.o.golden_wait_userdata = &golden;
	}
	if (v.ak_path) {
		r = manifest_load_public_key(v.ak_path, &v.ak);
		if (r < 0)
			return log_error_errno(r, "verify: cannot load --ak-pub '%s'", v.ak_path);
		v.o.ak = v.ak;
	}
	if (v.release_dir && release_check(v.release_dir, v.golden_path, &v.release_check) < 0) {
		log_error("verify: --release: %s", v.release_check.detail);
		return EXIT_ERROR;
	}
	r = verify_bundles(argv + optind, (size_t)(argc - optind), &v, all, &all_ok);
	if (r < 0)
		return r;
	if (v.release_dir && !verify_release_judge(&v))
		all_ok = false;
	r = write_verdicts(&v, all);
	if (r < 0)
		return r;
	if (v.make_credential && challenge && challenge_secret) {
		r = write_credential(v.make_credential, challenge, challenge_secret);
		if (r < 0)
			return r;
	}
	return all_ok ? EXIT_OK : EXIT_MISMATCH;
}
