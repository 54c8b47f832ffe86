/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The inputs of the model from files: explicit EFI files, or the disk image (GPT parsed here,
 * files copied out of the vfat ESP with mtools' mcopy). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errbuf.h"
#include "fileio.h"
#include "log.h"
#include "measure-pe.h"
#include "parse.h"
#include "predict-files.h"
#include "secureboot.h"

extern char **environ;

#define INPUT_MAX (UINT64_C(4) << 30)
#define DISK_MAX (UINT64_C(1) << 40)
#define SMALL_MAX (UINT64_C(1) << 20)

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
static int esp_scan(char *list, const char *want_uki, struct esp_files *ret, char *err,
		    size_t err_size)
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
					return errbuf_set(err, err_size, -E2BIG,
							  "the ESP path '%s' is too long", p);
				memcpy(ret->uki, p, strlen(p) + 1);
			}
			n_ukis++;
		} else if (has_prefix_ci(p, "/loader/credentials/") ||
			   has_prefix_ci(p, "/loader/addons/") ||
			   has_prefix_ci(p, "/loader/extensions/") ||
			   has_prefix_ci(p, "/loader/entries/") ||
			   has_prefix_ci(p, "/EFI/systemd/drivers/") ||
			   (has_prefix_ci(p, "/EFI/Linux/") && strstr(p, ".extra.d/"))) {
			return errbuf_set(err, err_size, -EOPNOTSUPP,
					  "the ESP holds '%s': boot entries, drivers, addons, "
					  "credentials and extensions change PCR 2/4/9/12/13 in ways "
					  "predict does not model", p);
		}
	}
	if (!want_uki && n_ukis > 1) {
		return errbuf_set(err, err_size, -EOPNOTSUPP,
				  "the ESP holds %zu UKIs in \\EFI\\Linux; choose one with --esp-uki",
				  n_ukis);
	}
	if (!ret->uki[0]) {
		return errbuf_set(err, err_size, -ENOENT, "no UKI %s on the ESP",
				  want_uki ? want_uki : "in \\EFI\\Linux");
	}
	return 0;
}

static int load_sb_var(const char *path, struct mapped_file *m, struct predict_blob *b,
		       char *err, size_t err_size)
{
	const uint8_t *lists;
	size_t n;
	int r = mapped_file_open(path, SECUREBOOT_MAX_VAR + 4096, m);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot read '%s': %s", path, strerror(-r));
	r = secureboot_signature_lists(m->data, m->len, &lists, &n);
	if (r < 0)
		return errbuf_set(err, err_size, r, "'%s' is neither EFI signature lists nor an "
				  ".auth file (run with -vv for the offset): %s", path, strerror(-r));
	*b = (struct predict_blob){lists, n, path};
	return 0;
}

/* Everything predict_files_run() opens, released in one place. */
struct predict_state {
	struct mapped_file disk, uki, boot, conf, plat, pk, kek, db, dbx;
	struct platform_profile *profile;
	struct gpt gpt;
	struct tmpdir tmp;
	/* The files as resolved: explicit, or copied off the ESP into tmp. */
	const char *uki_path, *boot_path, *conf_path;
	bool no_loader_conf;
	char path_boot[128], path_uki[128], path_conf[128];
	char uki_desc[600], boot_desc[64];
};

static void predict_state_done(struct predict_state *s)
{
	struct mapped_file *maps[] = {&s->disk, &s->uki, &s->boot, &s->conf, &s->plat,
				      &s->pk,   &s->kek, &s->db,   &s->dbx};
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++)
		mapped_file_close(maps[i]);
	platform_profile_free(s->profile);
	gpt_done(&s->gpt);
	tmpdir_cleanup(&s->tmp);
}

/* The disk image: its GPT event, and the boot files the caller did not give, off its ESP. */
static int read_disk(const struct predict_files *f, struct predict_state *s,
		     struct predict_input *in, char *err, size_t err_size)
{
	struct esp_files ef = {};
	_cleanup_(freep) char *list = NULL;
	char spec[4200], listfile[128];
	size_t list_len;
	int r;

	r = mapped_file_open(f->disk, DISK_MAX, &s->disk);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot read disk image '%s': %s", f->disk,
				  strerror(-r));
	r = gpt_read(s->disk.data, s->disk.len, 0, &s->gpt);
	if (r < 0)
		return errbuf_set(err, err_size, r, "'%s' has no valid GPT (run with -vv for the "
				  "defect): %s", f->disk, strerror(-r));
	in->gpt_event = (struct predict_blob){s->gpt.event, s->gpt.event_len, "GPT"};
	if (!s->gpt.have_esp)
		return errbuf_set(err, err_size, -ENOENT, "'%s' has no EFI System Partition",
				  f->disk);
	memcpy(s->tmp.path, "/tmp/bootproof-predict-XXXXXX", 30);
	if (!mkdtemp(s->tmp.path)) {
		s->tmp.path[0] = '\0';
		r = negative_errno();
		return errbuf_set(err, err_size, r, "mkdtemp: %s", strerror(-r));
	}
	snprintf(spec, sizeof(spec), "%s@@%llu", f->disk, (unsigned long long)s->gpt.esp_offset);
	snprintf(listfile, sizeof(listfile), "%s/list", s->tmp.path);
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	r = esp_list(spec, listfile, &list, &list_len);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot list the ESP of '%s' with mdir (is "
				  "mtools installed? is the ESP vfat?): %s", f->disk, strerror(-r));
	r = esp_scan(list, f->esp_uki, &ef, err, err_size);
	if (r < 0)
		return r;
	snprintf(s->path_uki, sizeof(s->path_uki), "%s/uki.efi", s->tmp.path);
	snprintf(s->path_boot, sizeof(s->path_boot), "%s/bootx64.efi", s->tmp.path);
	snprintf(s->path_conf, sizeof(s->path_conf), "%s/loader.conf", s->tmp.path);
	if (!s->uki_path) {
		r = esp_copy(spec, ef.uki, s->path_uki);
		if (r < 0)
			return errbuf_set(err, err_size, r, "cannot copy '%s' off the ESP: %s", ef.uki,
					  strerror(-r));
		s->uki_path = s->path_uki;
		snprintf(s->uki_desc, sizeof(s->uki_desc), "%s", ef.uki);
	}
	if (!s->boot_path && ef.have_bootx64) {
		r = esp_copy(spec, "/EFI/BOOT/BOOTX64.EFI", s->path_boot);
		if (r < 0)
			return errbuf_set(err, err_size, r, "cannot copy BOOTX64.EFI off the ESP: %s",
					  strerror(-r));
		s->boot_path = s->path_boot;
		snprintf(s->boot_desc, sizeof(s->boot_desc), "/EFI/BOOT/BOOTX64.EFI");
	}
	if (!s->conf_path && !s->no_loader_conf) {
		if (!ef.have_loader_conf) {
			s->no_loader_conf = true;
			return 0;
		}
		r = esp_copy(spec, "/loader/loader.conf", s->path_conf);
		if (r < 0)
			return errbuf_set(err, err_size, r, "cannot copy loader.conf: %s",
					  strerror(-r));
		s->conf_path = s->path_conf;
	}
	return 0;
}

/* The UKI, systemd-boot and loader.conf as blobs of the model. */
static int map_boot_files(const struct predict_files *f, struct predict_state *s,
			  struct predict_input *in, char *err, size_t err_size)
{
	int r = mapped_file_open(s->uki_path, INPUT_MAX, &s->uki);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot read UKI '%s': %s", s->uki_path,
				  strerror(-r));
	in->uki = (struct predict_blob){s->uki.data, s->uki.len,
					s->uki_desc[0] ? s->uki_desc : s->uki_path};
	if (s->boot_path) {
		r = mapped_file_open(s->boot_path, INPUT_MAX, &s->boot);
		if (r < 0)
			return errbuf_set(err, err_size, r, "cannot read '%s': %s", s->boot_path,
					  strerror(-r));
		in->bootloader = (struct predict_blob){s->boot.data, s->boot.len,
						       s->boot_desc[0] ? s->boot_desc : s->boot_path};
		/* A BOOTX64.EFI that is itself a UKI: the firmware starts the UKI directly. */
		if (f->disk && s->boot_desc[0] && s->boot.len == s->uki.len &&
		    memcmp(s->boot.data, s->uki.data, s->uki.len) == 0)
			in->bootloader = (struct predict_blob){};
	}
	if (s->conf_path) {
		r = mapped_file_open(s->conf_path, SMALL_MAX, &s->conf);
		if (r < 0)
			return errbuf_set(err, err_size, r, "cannot read '%s': %s", s->conf_path,
					  strerror(-r));
		/* An empty file is measured too (digest of zero bytes). */
		in->loader_conf = (struct predict_blob){
			s->conf.data ? s->conf.data : (const uint8_t *)"", s->conf.len, s->conf_path};
	}
	in->loader_conf_absent = s->no_loader_conf;
	return 0;
}

/* Secure Boot variables and the platform profile. */
static int map_platform_files(const struct predict_files *f, struct predict_state *s,
			      struct predict_input *in, char *err, size_t err_size)
{
	const uint8_t *plat;
	char perr[256];
	int r;

	if ((f->pk && (r = load_sb_var(f->pk, &s->pk, &in->pk, err, err_size)) < 0) ||
	    (f->kek && (r = load_sb_var(f->kek, &s->kek, &in->kek, err, err_size)) < 0) ||
	    (f->db && (r = load_sb_var(f->db, &s->db, &in->db, err, err_size)) < 0) ||
	    (f->dbx && (r = load_sb_var(f->dbx, &s->dbx, &in->dbx, err, err_size)) < 0))
		return r;
	if (!f->platform)
		return 0;
	r = mapped_file_open(f->platform, GOLDEN_MAX_SIZE, &s->plat);
	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot read platform profile '%s': %s",
				  f->platform, strerror(-r));
	plat = s->plat.data ? s->plat.data : (const uint8_t *)"";
	r = platform_profile_load(plat, s->plat.len, &s->profile, perr, sizeof(perr));
	if (r < 0)
		return errbuf_set(err, err_size, r, "platform profile '%s': %s", f->platform, perr);
	in->platform = s->profile->bank;
	in->platform_name = s->profile->name;
	memcpy(in->platform_sha256, s->profile->file_sha256, sizeof(in->platform_sha256));
	return 0;
}

/* The image identity: disk digest, name, version, SOURCE_DATE_EPOCH. */
static int set_identity(const struct predict_files *f, const struct predict_state *s,
			struct golden *g, char *err, size_t err_size)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;
	int r;

	if (f->disk) {
		r = digest_buffer(BANK_SHA256, s->disk.data, s->disk.len, g->disk_sha256);
		if (r < 0)
			return errbuf_set(err, err_size, r, "sha256: %s", strerror(-r));
		g->has_disk_sha256 = true;
	}
	if ((f->name && !(g->image_name = strdup(f->name))) ||
	    (f->version && !(g->image_version = strdup(f->version))))
		return errbuf_set(err, err_size, -ENOMEM, "%s", strerror(ENOMEM));
	if (sde && safe_atou64(sde, &v) >= 0 && v <= INT64_MAX) {
		g->source_date_epoch = v;
		g->has_source_date_epoch = true;
	}
	return 0;
}

int predict_files_run(const struct predict_files *f, struct golden **ret, char *err,
		      size_t err_size)
{
	_cleanup_(predict_state_done) struct predict_state s = {
		.uki_path = f->uki, .boot_path = f->bootloader, .conf_path = f->loader_conf,
		.no_loader_conf = f->no_loader_conf,
	};
	_cleanup_(golden_freep) struct golden *g = NULL;
	struct predict_input in = f->model;
	int r;

	if (err && err_size)
		err[0] = '\0';
	if (f->disk && (r = read_disk(f, &s, &in, err, err_size)) < 0)
		return r;
	r = map_boot_files(f, &s, &in, err, err_size);
	if (r < 0)
		return r;
	r = map_platform_files(f, &s, &in, err, err_size);
	if (r < 0)
		return r;
	g = golden_new();
	if (!g)
		return errbuf_set(err, err_size, -ENOMEM, "%s", strerror(ENOMEM));
	r = predict_run(&in, g, err, err_size);
	if (r < 0) {
		if (!err || !err_size || !err[0])
			errbuf_set(err, err_size, r, "%s", strerror(-r));
		return r;
	}
	r = set_identity(f, &s, g, err, err_size);
	if (r < 0)
		return r;
	if (!f->no_seal) {
		const char *phase = f->seal_phase ? f->seal_phase : SEAL_DEFAULT_PHASE;
		r = seal_policy_attach(g, f->seal_bank, f->seal_mask, phase, f->seal_required, err,
				       err_size);
		if (r < 0) {
			if (!err || !err_size || !err[0])
				errbuf_set(err, err_size, r, "%s", strerror(-r));
			return r;
		}
	}
	*ret = TAKE_PTR(g);
	return 0;
}
