/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `predict`: options into struct predict_files, predict_files_run() (predict-files.c reads
 * the inputs, predict.c is the model), output in one of four formats. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "json.h"
#include "log.h"
#include "measure-predict.h"
#include "measure-verbs.h"
#include "parse.h"
#include "verbs.h"

struct predict_options {
	struct predict_files files;
	const char *phases, *format, *output;
};

static void help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof predict [OPTIONS] (--disk IMAGE | --uki UKI [--bootloader EFI]) -o FILE\n"
		"\n"
		"Expected PCR values and event lists of a machine that boots this image, for each bank:\n"
		"PCR 4 (boot applications), 5 (GPT, loader.conf, ExitBootServices), 7 (Secure Boot),\n"
		"9 (kernel command line + initrd), 11 (UKI sections + boot phases), 12/13 (must stay\n"
		"zero, or systemd-boot <= 254's command line), 0-3/6 from a platform profile.\n"
		"\n"
		"Inputs, from the disk image itself:\n"
		"     --disk IMAGE        GPT disk image: the GPT event is built from its header and\n"
		"                         entries; \\EFI\\BOOT\\BOOTX64.EFI, the UKI in \\EFI\\Linux and\n"
		"                         \\loader\\loader.conf are read from its ESP (mtools)\n"
		"     --esp-uki PATH      which UKI on the ESP, if \\EFI\\Linux holds several\n"
		"or as explicit files (these override what --disk finds):\n"
		"     --uki FILE          the UKI as installed on the ESP\n"
		"     --bootloader FILE   systemd-boot as installed (BOOTX64.EFI); omit when the\n"
		"                         firmware starts the UKI directly\n"
		"     --loader-conf FILE  \\loader\\loader.conf (measured by systemd-boot >= 255)\n"
		"     --no-loader-conf    the ESP has no loader.conf\n"
		"\n"
		"Model:\n"
		"     --phases LIST       boot phases extended into PCR 11, ':'-separated\n"
		"                         (default enter-initrd:leave-initrd:sysinit:ready)\n"
		"     --banks LIST        sha1,sha256,sha384,sha512 (default sha1,sha256,sha384)\n"
		"     --secure-boot off|on  (default off); on: systemd-boot and the UKI must pass the\n"
		"                         firmware's signature checks against db/dbx, else exit 1\n"
		"     --pk/--kek/--db/--dbx FILE  Secure Boot variables as EFI signature lists (.esl)\n"
		"                         or .auth files; absent = empty variable\n"
		"     --firmware edk2-2022.11|edk2-2023.11|edk2-2025.05\n"
		"                         whose image verification to model with Secure Boot on\n"
		"                         (default edk2-2022.11, the oldest: no ECDSA signers,\n"
		"                         unsigned images by SHA-256 only; docs/predict.md)\n"
		"     --platform FILE     platform profile (bootproof eventlog profile LOG -o FILE):\n"
		"                         PCR 0-3 and 6 of the target platform\n"
		"     --no-exit-boot-services  leave the two ExitBootServices actions out of PCR 5\n"
		"\n"
		"Sealing policy (golden.json \"seal\", docs/golden-format.md):\n"
		"     --seal-pcrs LIST    PCRs the data is sealed to (default " SEAL_DEFAULT_PCRS ")\n"
		"     --seal-phase PATH   boot phase path PCR 11 is taken at\n"
		"                         (default " SEAL_DEFAULT_PHASE ")\n"
		"     --seal-bank BANK    PCR bank of the policy (default sha256)\n"
		"     --no-seal           no sealing policy\n"
		"\n"
		"Output:\n"
		"  -o --output FILE       output file, '-' = stdout (default '-'); written atomically\n"
		"     --format golden|systemd|tpm2-pcrs|tpm2-values\n"
		"                         golden: golden.json (docs/golden-format.md, default);\n"
		"                         systemd: systemd-measure 'calculate --json=short' shape (PCR 11);\n"
		"                         tpm2-pcrs: PCR file for 'tpm2_checkquote -f FILE' (the layout\n"
		"                         'tpm2_quote -l SEL -o' writes; SEL is printed on stderr);\n"
		"                         tpm2-values: the bare values (tpm2_quote -F values)\n"
		"     --name NAME, --image-version V   image identity written into golden.json\n"
		"     --threads N         hashing threads (default: all CPUs)\n"
		"  -h --help              show this help\n"
		"\n"
		"Example (the release pipeline):\n"
		"  bootproof predict --disk out/bootproof.raw --platform ovmf.platform.json \\\n"
		"      --name bootproof --image-version 1.0 -o out/release/golden.json\n");
}

enum {
	ARG_DISK = 0x100, ARG_ESP_UKI, ARG_UKI, ARG_BOOTLOADER, ARG_LOADER_CONF,
	ARG_NO_LOADER_CONF, ARG_PHASES, ARG_BANKS, ARG_SB, ARG_PK, ARG_KEK, ARG_DB, ARG_DBX,
	ARG_PLATFORM, ARG_NO_EBS, ARG_FORMAT, ARG_NAME, ARG_VERSION, ARG_THREADS,
	ARG_SEAL_PCRS, ARG_SEAL_PHASE, ARG_SEAL_BANK, ARG_NO_SEAL, ARG_FIRMWARE,
};

/* The combinations the options cannot express alone. */
static int check_options(struct predict_options *o)
{
	if (!o->files.disk && !o->files.uki) {
		log_error("predict: give --disk IMAGE or --uki UKI");
		help(stderr);
		return EXIT_USAGE;
	}
	if (o->files.model.secure_boot && !o->files.db) {
		log_error("predict: --secure-boot on needs --db (and --pk, --kek)");
		return EXIT_USAGE;
	}
	if (predict_parse_phases(&o->files.model, o->phases) < 0) {
		log_error("predict: --phases '%s': known words are enter-initrd, leave-initrd, "
			  "sysinit, ready, shutdown, final, separated by ':'", o->phases);
		return EXIT_USAGE;
	}
	if (o->files.no_seal && o->files.seal_required) {
		log_error("predict: --no-seal contradicts --seal-pcrs/--seal-phase/--seal-bank");
		return EXIT_USAGE;
	}
	if (o->files.disk && strstr(o->files.disk, "@@")) {
		/* mtools reads "IMAGE@@OFFSET": a path with "@@" would be misparsed. */
		log_error("predict: the disk image path '%s' contains '@@'; rename or link it",
			  o->files.disk);
		return EXIT_USAGE;
	}
	return VERB_PROCEED;
}

static const struct option predict_options_table[] = {
	{"help", no_argument, NULL, 'h'},
	{"disk", required_argument, NULL, ARG_DISK},
	{"esp-uki", required_argument, NULL, ARG_ESP_UKI},
	{"uki", required_argument, NULL, ARG_UKI},
	{"bootloader", required_argument, NULL, ARG_BOOTLOADER},
	{"loader-conf", required_argument, NULL, ARG_LOADER_CONF},
	{"no-loader-conf", no_argument, NULL, ARG_NO_LOADER_CONF},
	{"phases", required_argument, NULL, ARG_PHASES},
	{"banks", required_argument, NULL, ARG_BANKS},
	{"bank", required_argument, NULL, ARG_BANKS},
	{"secure-boot", required_argument, NULL, ARG_SB},
	{"pk", required_argument, NULL, ARG_PK},
	{"kek", required_argument, NULL, ARG_KEK},
	{"db", required_argument, NULL, ARG_DB},
	{"dbx", required_argument, NULL, ARG_DBX},
	{"firmware", required_argument, NULL, ARG_FIRMWARE},
	{"platform", required_argument, NULL, ARG_PLATFORM},
	{"no-exit-boot-services", no_argument, NULL, ARG_NO_EBS},
	{"format", required_argument, NULL, ARG_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"name", required_argument, NULL, ARG_NAME},
	{"image-version", required_argument, NULL, ARG_VERSION},
	{"threads", required_argument, NULL, ARG_THREADS},
	{"seal-pcrs", required_argument, NULL, ARG_SEAL_PCRS},
	{"seal-phase", required_argument, NULL, ARG_SEAL_PHASE},
	{"seal-bank", required_argument, NULL, ARG_SEAL_BANK},
	{"no-seal", no_argument, NULL, ARG_NO_SEAL},
	{},
};

/* The sealing policy's options (golden.json "seal"); any of the three makes it required. */
static int parse_seal_option(int c, struct predict_files *f)
{
	switch (c) {
	case ARG_SEAL_PCRS:
		if (seal_pcr_mask_parse(optarg, &f->seal_mask) < 0) {
			log_error("predict: --seal-pcrs '%s': give distinct PCR indexes 0..23 "
				  "separated by ',' or '+'", optarg);
			return EXIT_USAGE;
		}
		break;
	case ARG_SEAL_PHASE: f->seal_phase = optarg; break;
	case ARG_SEAL_BANK:
		f->seal_bank = bank_from_name(optarg);
		if (f->seal_bank < 0) {
			log_error("predict: --seal-bank: unknown bank '%s'", optarg);
			return EXIT_USAGE;
		}
		break;
	}
	f->seal_required = true;
	return VERB_PROCEED;
}

/* --firmware: the EDK2 generation whose image verification predict models (sb-verify.h). */
static int parse_firmware_option(const char *arg, struct predict_input *model)
{
	enum sbv_firmware f = sbv_firmware_from_string(arg);

	if (f < 0) {
		log_error("predict: --firmware takes edk2-2022.11, edk2-2023.11 or edk2-2025.05");
		return EXIT_USAGE;
	}
	model->firmware = f;
	return VERB_PROCEED;
}

/* Returns VERB_PROCEED, or the exit code to end with (help, usage). */
static int parse_options(int argc, char *argv[], struct predict_options *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "ho:", predict_options_table, NULL)) >= 0)
		switch (c) {
		case 'h':
			help(stdout);
			return EXIT_OK;
		case ARG_DISK: o->files.disk = optarg; break;
		case ARG_ESP_UKI: o->files.esp_uki = optarg; break;
		case ARG_UKI: o->files.uki = optarg; break;
		case ARG_BOOTLOADER: o->files.bootloader = optarg; break;
		case ARG_LOADER_CONF: o->files.loader_conf = optarg; break;
		case ARG_NO_LOADER_CONF: o->files.no_loader_conf = true; break;
		case ARG_PHASES: o->phases = optarg; break;
		case ARG_BANKS:
			if (bank_mask_parse(optarg, &o->files.model.mask) < 0) {
				log_error("predict: unknown bank in '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case ARG_SB:
			if (strcmp(optarg, "on") == 0)
				o->files.model.secure_boot = true;
			else if (strcmp(optarg, "off") == 0)
				o->files.model.secure_boot = false;
			else {
				log_error("predict: --secure-boot takes 'on' or 'off'");
				return EXIT_USAGE;
			}
			break;
		case ARG_PK: o->files.pk = optarg; break;
		case ARG_KEK: o->files.kek = optarg; break;
		case ARG_DB: o->files.db = optarg; break;
		case ARG_DBX: o->files.dbx = optarg; break;
		case ARG_FIRMWARE:
			if (parse_firmware_option(optarg, &o->files.model) != VERB_PROCEED)
				return EXIT_USAGE;
			break;
		case ARG_PLATFORM: o->files.platform = optarg; break;
		case ARG_NO_EBS: o->files.model.exit_boot_services = false; break;
		case ARG_FORMAT:
			if (strcmp(optarg, "golden") != 0 && strcmp(optarg, "systemd") != 0 &&
			    strcmp(optarg, "tpm2-pcrs") != 0 && strcmp(optarg, "tpm2-values") != 0) {
				log_error("predict: --format takes golden, systemd, tpm2-pcrs or tpm2-values");
				return EXIT_USAGE;
			}
			o->format = optarg;
			break;
		case 'o': o->output = optarg; break;
		case ARG_NAME: o->files.name = optarg; break;
		case ARG_VERSION: o->files.version = optarg; break;
		case ARG_THREADS: {
			uint32_t t;
			if (safe_atou32(optarg, &t) < 0 || t == 0 || t > 64) {
				log_error("predict: --threads takes 1..64");
				return EXIT_USAGE;
			}
			o->files.model.n_threads = t;
			break;
		}
		case ARG_NO_SEAL: o->files.no_seal = true; break;
		case ARG_SEAL_PCRS:
		case ARG_SEAL_PHASE:
		case ARG_SEAL_BANK:
			if (parse_seal_option(c, &o->files) != VERB_PROCEED)
				return EXIT_USAGE;
			break;
		default:
			help(stderr);
			return EXIT_USAGE;
		}
	if (optind != argc) {
		log_error("predict: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	return check_options(o);
}

/* golden.json, systemd-measure's JSON, or tpm2-tools' PCR file (its selection on stderr). */
static int write_output(const struct golden *g, const char *format, const char *output)
{
	int r;

	if (strcmp(format, "golden") == 0)
		return golden_store(output, g);
	if (strcmp(format, "systemd") == 0) {
		_cleanup_(json_decrefp) json_t *j = NULL;
		r = predict_systemd_json(g, &j);
		return r < 0 ? r : json_write_canonical(output, j);
	}
	_cleanup_(freep) uint8_t *buf = NULL;
	_cleanup_(freep) char *sel = NULL;
	size_t len;
	r = strcmp(format, "tpm2-values") == 0 ? predict_tpm2_values(g, &buf, &len, &sel)
						: predict_tpm2_serialized(g, &buf, &len, &sel);
	if (r >= 0)
		r = write_file_atomic(output, buf, len);
	if (r >= 0)
		fprintf(stderr, "%s\n", sel);
	return r;
}

int verb_predict(int argc, char *argv[])
{
	struct predict_options o = {
		.files.model = {.mask = BANK_MASK_DEFAULT, .exit_boot_services = true},
		.files.seal_phase = SEAL_DEFAULT_PHASE,
		.files.seal_bank = BANK_SHA256,
		.phases = "enter-initrd:leave-initrd:sysinit:ready",
		.format = "golden",
		.output = "-",
	};
	_cleanup_(golden_freep) struct golden *g = NULL;
	char err[1024];
	int r;

	(void)seal_pcr_mask_parse(SEAL_DEFAULT_PCRS, &o.files.seal_mask);
	r = parse_options(argc, argv, &o);
	if (r != VERB_PROCEED)
		return r;
	r = predict_files_run(&o.files, &g, err, sizeof(err));
	if (r < 0) {
		log_error("predict: %s", err);
		return r;
	}
	r = write_output(g, o.format, o.output);
	if (r < 0)
		return log_error_errno(r, "predict: cannot write '%s'", o.output);
	return EXIT_OK;
}
