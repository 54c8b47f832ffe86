/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `predict`: options, reading the inputs (explicit EFI files, or the disk image: GPT parsed
 * here, files copied out of the vfat ESP with mtools' mcopy), output in three formats. The model
 * is predict.c. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "golden.h"
#include "gpt.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "predict-io.h"
#include "predict.h"
#include "seal-policy.h"
#include "secureboot.h"
#include "verbs-pcr.h"
#include "verbs.h"

extern char **environ;

#define INPUT_MAX (UINT64_C(4) << 30)
#define DISK_MAX (UINT64_C(1) << 40)
#define SMALL_MAX (UINT64_C(1) << 20)

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
		"     --secure-boot off|on  (default off)\n"
		"     --pk/--kek/--db/--dbx FILE  Secure Boot variables as EFI signature lists (.esl)\n"
		"                         or .auth files; absent = empty variable\n"
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

static int spawn_wait(char *const argv[], const char *out_path)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, r;

	posix_spawn_file_actions_init(&fa);
	if (out_path)
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path,
						 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return negative_errno();
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct tmpdir {
	char path[64];
};
static void tmpdir_cleanup(struct tmpdir *t)
{
	if (t->path[0])
		nftw(t->path, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* The ESP's file list (mdir -/ -b: one "::/PATH" per line), upper-cased by FAT or not. */
static int esp_list(char *image_spec, const char *out, char **ret, size_t *ret_len)
{
	char a0[] = "mdir", a1[] = "-i", a3[] = "-/", a4[] = "-b", a5[] = "::/";
	char *argv[] = {a0, a1, image_spec, a3, a4, a5, NULL};
	uint8_t *buf = NULL;
	size_t len = 0;
	int r = spawn_wait(argv, out);
	if (r < 0)
		return r;
	r = read_file_capped(out, SMALL_MAX, &buf, &len);
	if (r < 0)
		return r;
	*ret = (char *)buf;
	*ret_len = len;
	return 0;
}

static int esp_copy(char *image_spec, const char *esp_path, const char *dest)
{
	char src[512], dst[512], a0[] = "mcopy", a1[] = "-n", a2[] = "-i";
	char *argv[] = {a0, a1, a2, image_spec, src, dst, NULL};
	if ((size_t)snprintf(src, sizeof(src), "::%s", esp_path) >= sizeof(src) ||
	    (size_t)snprintf(dst, sizeof(dst), "%s", dest) >= sizeof(dst))
		return -E2BIG;
	return spawn_wait(argv, NULL);
}

static bool has_prefix_ci(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

static bool has_suffix_ci(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcasecmp(s + a - b, suf) == 0;
}

struct esp_files {
	char uki[512];
	bool have_bootx64, have_loader_conf, have_keys;
};

/* Finds the boot files and refuses ESP contents the model does not cover. */
static int esp_scan(char *list, const char *want_uki, struct esp_files *ret)
{
	size_t n_ukis = 0;
	char *next = list;
	while (next && *next) {
		char *line = next, *nl = strchr(next, '\n');
		if (nl) {
			*nl = '\0';
			next = nl + 1;
		} else
			next = NULL;
		const char *p = line;
		log_debug("predict: ESP entry %s", line);
		size_t n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (strncmp(p, "::", 2) == 0)
			p += 2;
		if (has_suffix_ci(p, "/"))
			continue;
		if (strcasecmp(p, "/EFI/BOOT/BOOTX64.EFI") == 0)
			ret->have_bootx64 = true;
		else if (strcasecmp(p, "/loader/loader.conf") == 0)
			ret->have_loader_conf = true;
		else if (has_prefix_ci(p, "/loader/keys/"))
			ret->have_keys = true;
		else if (has_prefix_ci(p, "/EFI/Linux/") && has_suffix_ci(p, ".efi") &&
			 !strchr(p + strlen("/EFI/Linux/"), '/')) {
			if (!want_uki || strcasecmp(p, want_uki) == 0) {
				if (strlen(p) >= sizeof(ret->uki))
					return -E2BIG;
				memcpy(ret->uki, p, strlen(p) + 1);
			}
			n_ukis++;
		} else if (has_prefix_ci(p, "/loader/credentials/") ||
			   has_prefix_ci(p, "/loader/addons/") ||
			   has_prefix_ci(p, "/loader/extensions/") ||
			   has_prefix_ci(p, "/loader/entries/") ||
			   has_prefix_ci(p, "/EFI/systemd/drivers/") ||
			   (has_prefix_ci(p, "/EFI/Linux/") && strstr(p, ".extra.d/"))) {
			log_error("predict: the ESP holds '%s': boot entries, drivers, addons, "
				  "credentials and extensions change PCR 2/4/9/12/13 in ways predict "
				  "does not model", p);
			return -EOPNOTSUPP;
		}
	}
	if (!want_uki && n_ukis > 1) {
		log_error("predict: the ESP holds %zu UKIs in \\EFI\\Linux; choose one with --esp-uki",
			  n_ukis);
		return -EOPNOTSUPP;
	}
	if (!ret->uki[0]) {
		log_error("predict: no UKI %s on the ESP", want_uki ? want_uki : "in \\EFI\\Linux");
		return -ENOENT;
	}
	return 0;
}

static int load_sb_var(const char *path, struct mapped_file *m, struct predict_blob *b)
{
	const uint8_t *lists;
	size_t n;
	int r = mapped_file_open(path, SECUREBOOT_MAX_VAR + 4096, m);
	if (r < 0)
		return log_error_errno(r, "predict: cannot read '%s'", path);
	r = secureboot_signature_lists(m->data, m->len, &lists, &n);
	if (r < 0)
		return log_error_errno(r, "predict: '%s' is neither EFI signature lists nor an .auth "
					  "file (run with -vv for the offset)", path);
	*b = (struct predict_blob){lists, n, path};
	return 0;
}

static void golden_bank_array_free(struct golden_bank (*p)[_BANK_MAX])
{
	golden_banks_clear(*p);
}

int verb_predict(int argc, char *argv[])
{
	enum {
		ARG_DISK = 0x100, ARG_ESP_UKI, ARG_UKI, ARG_BOOTLOADER, ARG_LOADER_CONF,
		ARG_NO_LOADER_CONF, ARG_PHASES, ARG_BANKS, ARG_SB, ARG_PK, ARG_KEK, ARG_DB, ARG_DBX,
		ARG_PLATFORM, ARG_NO_EBS, ARG_FORMAT, ARG_NAME, ARG_VERSION, ARG_THREADS,
		ARG_SEAL_PCRS, ARG_SEAL_PHASE, ARG_SEAL_BANK, ARG_NO_SEAL,
	};
	static const struct option options[] = {
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
	const char *disk = NULL, *esp_uki = NULL, *uki = NULL, *bootloader = NULL,
		   *loader_conf = NULL, *platform = NULL, *output = "-", *format = "golden",
		   *name = NULL, *version = NULL, *phases = "enter-initrd:leave-initrd:sysinit:ready",
		   *pk = NULL, *kek = NULL, *db = NULL, *dbx = NULL;
	_cleanup_(mapped_file_close) struct mapped_file m_disk = {}, m_uki = {}, m_boot = {},
							m_conf = {}, m_plat = {}, m_pk = {},
							m_kek = {}, m_db = {}, m_dbx = {};
	_cleanup_(golden_bank_array_free) struct golden_bank plat_banks[_BANK_MAX] = {};
	_cleanup_(tmpdir_cleanup) struct tmpdir tmp = {};
	_cleanup_(golden_freep) struct golden *g = NULL;
	_cleanup_(freep) char *plat_name = NULL;
	_cleanup_(gpt_done) struct gpt gpt = {};
	struct predict_input in = {.mask = BANK_MASK_DEFAULT, .exit_boot_services = true};
	char reason[512], path_boot[128] = "", path_uki[128] = "", path_conf[128] = "";
	char uki_desc[600] = "", boot_desc[64] = "";
	bool no_loader_conf = false, no_seal = false, seal_explicit = false;
	const char *seal_phase = SEAL_DEFAULT_PHASE;
	enum bank seal_bank = BANK_SHA256;
	uint32_t seal_mask = 0;
	int c, r;

	(void)seal_pcr_mask_parse(SEAL_DEFAULT_PCRS, &seal_mask);

	while ((c = getopt_long(argc, argv, "ho:", options, NULL)) >= 0)
		switch (c) {
		case 'h':
			help(stdout);
			return EXIT_OK;
		case ARG_DISK: disk = optarg; break;
		case ARG_ESP_UKI: esp_uki = optarg; break;
		case ARG_UKI: uki = optarg; break;
		case ARG_BOOTLOADER: bootloader = optarg; break;
		case ARG_LOADER_CONF: loader_conf = optarg; break;
		case ARG_NO_LOADER_CONF: no_loader_conf = true; break;
		case ARG_PHASES: phases = optarg; break;
		case ARG_BANKS:
			if (bank_mask_parse(optarg, &in.mask) < 0) {
				log_error("predict: unknown bank in '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case ARG_SB:
			if (strcmp(optarg, "on") == 0)
				in.secure_boot = true;
			else if (strcmp(optarg, "off") == 0)
				in.secure_boot = false;
			else {
				log_error("predict: --secure-boot takes 'on' or 'off'");
				return EXIT_USAGE;
			}
			break;
		case ARG_PK: pk = optarg; break;
		case ARG_KEK: kek = optarg; break;
		case ARG_DB: db = optarg; break;
		case ARG_DBX: dbx = optarg; break;
		case ARG_PLATFORM: platform = optarg; break;
		case ARG_NO_EBS: in.exit_boot_services = false; break;
		case ARG_FORMAT:
			if (strcmp(optarg, "golden") != 0 && strcmp(optarg, "systemd") != 0 &&
			    strcmp(optarg, "tpm2-pcrs") != 0 && strcmp(optarg, "tpm2-values") != 0) {
				log_error("predict: --format takes golden, systemd, tpm2-pcrs or tpm2-values");
				return EXIT_USAGE;
			}
			format = optarg;
			break;
		case 'o': output = optarg; break;
		case ARG_NAME: name = optarg; break;
		case ARG_VERSION: version = optarg; break;
		case ARG_THREADS: {
			uint32_t t;
			if (safe_atou32(optarg, &t) < 0 || t == 0 || t > 64) {
				log_error("predict: --threads takes 1..64");
				return EXIT_USAGE;
			}
			in.n_threads = t;
			break;
		}
		case ARG_SEAL_PCRS:
			if (seal_pcr_mask_parse(optarg, &seal_mask) < 0) {
				log_error("predict: --seal-pcrs '%s': give distinct PCR indexes 0..23 "
					  "separated by ',' or '+'", optarg);
				return EXIT_USAGE;
			}
			seal_explicit = true;
			break;
		case ARG_SEAL_PHASE: seal_phase = optarg; seal_explicit = true; break;
		case ARG_SEAL_BANK:
			seal_bank = bank_from_name(optarg);
			if (seal_bank < 0) {
				log_error("predict: --seal-bank: unknown bank '%s'", optarg);
				return EXIT_USAGE;
			}
			seal_explicit = true;
			break;
		case ARG_NO_SEAL: no_seal = true; break;
		default:
			help(stderr);
			return EXIT_USAGE;
		}
	if (no_seal && seal_explicit) {
		log_error("predict: --no-seal contradicts --seal-pcrs/--seal-phase/--seal-bank");
		return EXIT_USAGE;
	}
	if (optind != argc) {
		log_error("predict: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!disk && !uki) {
		log_error("predict: give --disk IMAGE or --uki UKI");
		help(stderr);
		return EXIT_USAGE;
	}
	if (in.secure_boot && !db) {
		log_error("predict: --secure-boot on needs --db (and --pk, --kek)");
		return EXIT_USAGE;
	}
	if (predict_parse_phases(&in, phases) < 0) {
		log_error("predict: --phases '%s': known words are enter-initrd, leave-initrd, "
			  "sysinit, ready, shutdown, final, separated by ':'", phases);
		return EXIT_USAGE;
	}

	if (disk && strstr(disk, "@@")) {
		/* mtools reads "IMAGE@@OFFSET": a path with "@@" would be misparsed. */
		log_error("predict: the disk image path '%s' contains '@@'; rename or link it", disk);
		return EXIT_USAGE;
	}
	if (disk) {
		struct esp_files ef = {};
		_cleanup_(freep) char *list = NULL;
		char spec[4200], listfile[128];
		size_t list_len;

		r = mapped_file_open(disk, DISK_MAX, &m_disk);
		if (r < 0)
			return log_error_errno(r, "predict: cannot read disk image '%s'", disk);
		r = gpt_read(m_disk.data, m_disk.len, 0, &gpt);
		if (r < 0)
			return log_error_errno(r, "predict: '%s' has no valid GPT (run with -vv for "
						  "the defect)", disk);
		in.gpt_event = (struct predict_blob){gpt.event, gpt.event_len, "GPT"};
		if (!gpt.have_esp) {
			log_error("predict: '%s' has no EFI System Partition", disk);
			return EXIT_ERROR;
		}
		memcpy(tmp.path, "/tmp/bootproof-predict-XXXXXX", 30);
		if (!mkdtemp(tmp.path)) {
			tmp.path[0] = '\0';
			return log_error_errno(negative_errno(), "predict: mkdtemp");
		}
		snprintf(spec, sizeof(spec), "%s@@%llu", disk, (unsigned long long)gpt.esp_offset);
		snprintf(listfile, sizeof(listfile), "%s/list", tmp.path);
		setenv("MTOOLS_SKIP_CHECK", "1", 1);
		r = esp_list(spec, listfile, &list, &list_len);
		if (r < 0) {
			return log_error_errno(r, "predict: cannot list the ESP of '%s' with mdir "
						  "(is mtools installed? is the ESP vfat?)", disk);
		}
		r = esp_scan(list, esp_uki, &ef);
		if (r < 0) {
			return r;
		}
		snprintf(path_uki, sizeof(path_uki), "%s/uki.efi", tmp.path);
		snprintf(path_boot, sizeof(path_boot), "%s/bootx64.efi", tmp.path);
		snprintf(path_conf, sizeof(path_conf), "%s/loader.conf", tmp.path);
		if (!uki) {
			r = esp_copy(spec, ef.uki, path_uki);
			if (r < 0) {
				return log_error_errno(r, "predict: cannot copy '%s' off the ESP",
						       ef.uki);
			}
			uki = path_uki;
			snprintf(uki_desc, sizeof(uki_desc), "%s", ef.uki);
		}
		if (!bootloader && ef.have_bootx64) {
			r = esp_copy(spec, "/EFI/BOOT/BOOTX64.EFI", path_boot);
			if (r < 0) {
				return log_error_errno(r, "predict: cannot copy BOOTX64.EFI off the ESP");
			}
			bootloader = path_boot;
			snprintf(boot_desc, sizeof(boot_desc), "/EFI/BOOT/BOOTX64.EFI");
		}
		if (!loader_conf && !no_loader_conf) {
			if (ef.have_loader_conf) {
				r = esp_copy(spec, "/loader/loader.conf", path_conf);
				if (r < 0) {
					return log_error_errno(r, "predict: cannot copy loader.conf");
				}
				loader_conf = path_conf;
			} else
				no_loader_conf = true;
		}
	}

	r = mapped_file_open(uki, INPUT_MAX, &m_uki);
	if (r < 0) {
		return log_error_errno(r, "predict: cannot read UKI '%s'", uki);
	}
	in.uki = (struct predict_blob){m_uki.data, m_uki.len, uki_desc[0] ? uki_desc : uki};
	if (bootloader) {
		r = mapped_file_open(bootloader, INPUT_MAX, &m_boot);
		if (r < 0) {
			return log_error_errno(r, "predict: cannot read '%s'", bootloader);
		}
		in.bootloader = (struct predict_blob){m_boot.data, m_boot.len,
						      boot_desc[0] ? boot_desc : bootloader};
		/* A BOOTX64.EFI that is itself a UKI: the firmware starts the UKI directly. */
		if (disk && boot_desc[0] && m_boot.len == m_uki.len &&
		    memcmp(m_boot.data, m_uki.data, m_uki.len) == 0)
			in.bootloader = (struct predict_blob){};
	}
	if (loader_conf) {
		r = mapped_file_open(loader_conf, SMALL_MAX, &m_conf);
		if (r < 0) {
			return log_error_errno(r, "predict: cannot read '%s'", loader_conf);
		}
		/* An empty file is measured too (digest of zero bytes). */
		in.loader_conf = (struct predict_blob){m_conf.data ? m_conf.data : (const uint8_t *)"",
						       m_conf.len, loader_conf};
	}
	in.loader_conf_absent = no_loader_conf;
	if ((pk && (r = load_sb_var(pk, &m_pk, &in.pk)) < 0) ||
	    (kek && (r = load_sb_var(kek, &m_kek, &in.kek)) < 0) ||
	    (db && (r = load_sb_var(db, &m_db, &in.db)) < 0) ||
	    (dbx && (r = load_sb_var(dbx, &m_dbx, &in.dbx)) < 0)) {
		return r;
	}
	if (platform) {
		char err[256];
		r = mapped_file_open(platform, GOLDEN_MAX_SIZE, &m_plat);
		if (r < 0) {
			return log_error_errno(r, "predict: cannot read platform profile '%s'",
					       platform);
		}
		r = predict_platform_load(m_plat.data ? m_plat.data : (const uint8_t *)"", m_plat.len,
					  plat_banks, &plat_name, err, sizeof(err));
		if (r < 0) {
			log_error("predict: platform profile '%s': %s", platform, err);
			return r;
		}
		in.platform = plat_banks;
		in.platform_name = plat_name;
		r = digest_buffer(BANK_SHA256, m_plat.data ? m_plat.data : (const uint8_t *)"",
				  m_plat.len, in.platform_sha256);
		if (r < 0) {
			return log_error_errno(r, "predict: sha256");
		}
	}

	g = golden_new();
	if (!g) {
		return log_error_errno(-ENOMEM, "predict");
	}
	r = predict_run(&in, g, reason, sizeof(reason));
	if (r < 0) {
		if (reason[0])
			log_error("predict: %s", reason);
		else
			log_error_errno(r, "predict");
		return r == -EOPNOTSUPP || r == -EBADMSG || r == -E2BIG ? EXIT_ERROR : r;
	}
	reason[0] = '\0';
	if (!no_seal) {
		r = seal_policy_attach(g, seal_bank, seal_mask, seal_phase, seal_explicit, reason,
				       sizeof(reason));
		if (r < 0) {
			log_error("predict: sealing policy: %s", reason[0] ? reason : strerror(-r));
			return EXIT_ERROR;
		}
	}
	if (disk) {
		r = digest_buffer(BANK_SHA256, m_disk.data, m_disk.len, g->disk_sha256);
		if (r < 0) {
			return log_error_errno(r, "predict: sha256");
		}
		g->has_disk_sha256 = true;
	}
	if ((name && !(g->image_name = strdup(name))) ||
	    (version && !(g->image_version = strdup(version))))
		return log_error_errno(-ENOMEM, "predict");
	{
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		uint64_t v;
		if (sde && safe_atou64(sde, &v) >= 0 && v <= INT64_MAX) {
			g->source_date_epoch = v;
			g->has_source_date_epoch = true;
		}
	}

	if (strcmp(format, "golden") == 0)
		r = golden_store(output, g);
	else if (strcmp(format, "systemd") == 0) {
		_cleanup_(json_decrefp) json_t *j = NULL;
		r = predict_systemd_json(g, &j);
		if (r >= 0)
			r = json_write_canonical(output, j);
	} else {
		_cleanup_(freep) uint8_t *buf = NULL;
		_cleanup_(freep) char *sel = NULL;
		size_t len;
		r = strcmp(format, "tpm2-values") == 0 ? predict_tpm2_values(g, &buf, &len, &sel)
							: predict_tpm2_serialized(g, &buf, &len, &sel);
		if (r >= 0)
			r = write_file_atomic(output, buf, len);
		if (r >= 0)
			fprintf(stderr, "%s\n", sel);
	}
	if (r < 0)
		return log_error_errno(r, "predict: cannot write '%s'", output);
	return EXIT_OK;
}
