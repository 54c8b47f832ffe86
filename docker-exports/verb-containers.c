/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof containers ARCHIVE...` and `bootproof containers check MEASUREMENTS`: option
 * parsing, I/O and messages only; the work is in docker-archive.c, image-id.c,
 * measurements.c and engine-check.c. Output schema: docs/containers.md. */
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docker-archive.h"
#include "docker-manifest.h"
#include "engine-check.h"
#include "fileio.h"
#include "image-id.h"
#include "json.h"
#include "log.h"
#include "measurements.h"
#include "verb-containers.h"
#include "verbs.h"

#define PROGRESS_MIN_SIZE (100u * 1024 * 1024)
#define DEFAULT_HOST "unix:///var/run/docker.sock"

static void help_measure(FILE *f)
{
	fprintf(f,
		"Usage: bootproof containers [OPTIONS] ARCHIVE...\n"
		"       bootproof containers check MEASUREMENTS [--host unix://PATH]\n"
		"\n"
		"Measure container image archives (docker save, podman/skopeo docker-archive, OCI\n"
		"archives; optionally gzip/zstd-compressed) in one streaming pass each: every blob,\n"
		"config and layer is verified against its digest and the config's diff_ids.\n"
		"Writes container_measurements.json (docs/containers.md).\n"
		"\n"
		"Options:\n"
		"  -o --output FILE     write here instead of stdout ('-')\n"
		"     --format FORMAT   bootproof (default) or aicert ({\"@local/NAME:TAG\": ID})\n"
		"  -h --help            show this help\n"
		"\n"
		"An archive named 'check' must be given as './check'.\n"
		"Exit codes: 0 measured, 1 bad or unreadable archive (nothing written), 2 usage.\n");
}

static void help_check(FILE *f)
{
	fprintf(f,
		"Usage: bootproof containers check [OPTIONS] MEASUREMENTS\n"
		"\n"
		"Ask a running docker engine (Engine API over its unix socket) whether every image\n"
		"of MEASUREMENTS is present, under each of its tags, with exactly the measured ID.\n"
		"\n"
		"Options:\n"
		"  -H --host unix://PATH  engine socket (default: $DOCKER_HOST if unix://, else\n"
		"                         " DEFAULT_HOST ")\n"
		"  -h --help              show this help\n"
		"\n"
		"Exit codes: 0 all present, 3 missing or different images (report on stderr),\n"
		"1 engine unreachable or unreadable measurements, 2 usage.\n");
}

struct progress {
	const char *name;
	uint64_t size;
	unsigned last_percent;
	bool shown;
};

static void progress_cb(uint64_t done, void *userdata)
{
	struct progress *p = userdata;
	unsigned pc = p->size ? (unsigned)(done * 100 / p->size) : 100;

	if (pc > 100)
		pc = 100;
	if (p->shown && pc == p->last_percent)
		return;
	p->last_percent = pc;
	p->shown = true;
	fprintf(stderr, "\r%s: %3u%% (%llu / %llu MiB)", p->name, pc,
		(unsigned long long)(done >> 20), (unsigned long long)(p->size >> 20));
	fflush(stderr);
}

static int measure_one(const char *path, struct docker_image_set *set)
{
	_cleanup_(closep) int fd = -1;
	_cleanup_(docker_archive_freep) struct docker_archive *a = NULL;
	_cleanup_(freep) char *copy = strdup(path);
	struct docker_diag diag = {};
	struct docker_read_options o = {.threaded = true};
	struct progress p = {};
	struct stat st;
	int r;

	if (!copy)
		return log_error_errno(-ENOMEM, "Out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return log_error_errno(negative_errno(), "Failed to open '%s'", path);
	if (fstat(fd, &st) < 0)
		return log_error_errno(negative_errno(), "Failed to stat '%s'", path);
	if (!S_ISREG(st.st_mode)) {
		log_error("'%s': not a regular file", path);
		return -EINVAL;
	}
	if (isatty(STDERR_FILENO) && (uint64_t)st.st_size > PROGRESS_MIN_SIZE) {
		p.name = path;
		p.size = (uint64_t)st.st_size;
		o.progress = progress_cb;
		o.userdata = &p;
	}
	r = docker_archive_read_fd(fd, basename(copy), &o, &a, &diag);
	if (p.shown)
		fputc('\n', stderr);
	if (r < 0) {
		if (diag.msg[0])
			log_error("'%s': %s", path, diag.msg);
		else
			log_error_errno(r, "'%s'", path);
		return r;
	}
	r = docker_images_from_archive(a, set, &diag);
	if (r < 0) {
		log_error("'%s': %s", path, diag.msg[0] ? diag.msg : strerror(-r));
		return r;
	}
	return 0;
}

/* Two different files with the same basename would be ambiguous in the output. */
static int check_sources(const struct docker_image_set *set)
{
	for (size_t i = 0; i < set->n_images; i++)
		for (size_t k = 0; k < set->n_images; k++)
			for (size_t s = 0; s < set->images[i].n_sources; s++)
				for (size_t t = 0; t < set->images[k].n_sources; t++) {
					const struct docker_image_source *a = &set->images[i].sources[s],
									 *b = &set->images[k].sources[t];
					if (strcmp(a->archive, b->archive) == 0 &&
					    memcmp(a->sha256, b->sha256, SHA256_LEN) != 0) {
						log_error("two different archives are named '%s'",
							  a->archive);
						return -EINVAL;
					}
				}
	return 0;
}

static int verb_measure(int argc, char *argv[])
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'F'},
		{},
	};
	_cleanup_(docker_image_set_freep) struct docker_image_set *set = NULL;
	_cleanup_(json_decrefp) json_t *doc = NULL;
	const char *output = "-", *format = "bootproof";
	struct docker_diag diag = {};
	int c, r;

	while ((c = getopt_long(argc, argv, "ho:", options, NULL)) >= 0)
		switch (c) {
		case 'h':
			help_measure(stdout);
			return EXIT_OK;
		case 'o':
			output = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		default:
			help_measure(stderr);
			return EXIT_USAGE;
		}
	if (strcmp(format, "bootproof") != 0 && strcmp(format, "aicert") != 0) {
		log_error("unknown --format '%s' (bootproof or aicert)", format);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		log_error("no archive given");
		help_measure(stderr);
		return EXIT_USAGE;
	}
	r = docker_image_set_new(&set);
	if (r < 0)
		return log_error_errno(r, "Out of memory");
	for (int i = optind; i < argc; i++) {
		r = measure_one(argv[i], set);
		if (r < 0)
			return r;
	}
	r = check_sources(set);
	if (r < 0)
		return r;
	docker_image_set_sort(set);
	r = measurements_check_tags_unique(set, &diag);
	if (r < 0) {
		log_error("%s", diag.msg);
		return r;
	}
	if (strcmp(format, "aicert") == 0)
		r = measurements_to_aicert(set, &doc);
	else
		r = measurements_to_json(set, &doc);
	if (r < 0)
		return log_error_errno(r, "Failed to build the output");
	r = json_write_canonical(output, doc);
	if (r < 0)
		return log_error_errno(r, "Failed to write '%s'", output);
	return EXIT_OK;
}

static int verb_check(int argc, char *argv[])
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{"host", required_argument, NULL, 'H'},
		{},
	};
	_cleanup_(docker_image_set_freep) struct docker_image_set *set = NULL;
	_cleanup_(engine_report_freep) struct engine_report *rep = NULL;
	_cleanup_(freep) uint8_t *data = NULL;
	_cleanup_(freep) char *sock = NULL;
	const char *host = NULL, *env = getenv("DOCKER_HOST");
	char err[512];
	size_t len;
	int c, r;

	while ((c = getopt_long(argc, argv, "hH:", options, NULL)) >= 0)
		switch (c) {
		case 'h':
			help_check(stdout);
			return EXIT_OK;
		case 'H':
			host = optarg;
			break;
		default:
			help_check(stderr);
			return EXIT_USAGE;
		}
	if (optind + 1 != argc) {
		log_error("check needs exactly one MEASUREMENTS file");
		help_check(stderr);
		return EXIT_USAGE;
	}
	if (!host)
		host = env && strncmp(env, "unix://", 7) == 0 ? env : DEFAULT_HOST;
	if (engine_host_parse(host, &sock) < 0) {
		log_error("--host '%s': only unix:///absolute/path is supported", host);
		return EXIT_USAGE;
	}
	r = read_file_capped(argv[optind], MEASUREMENTS_MAX_SIZE, &data, &len);
	if (r < 0)
		return log_error_errno(r, "Failed to read '%s'", argv[optind]);
	r = measurements_parse(data, len, &set, err, sizeof(err));
	if (r < 0) {
		log_error("'%s': %s", argv[optind], err);
		return r;
	}
	r = engine_check(sock, set, &rep, err, sizeof(err));
	if (r < 0) {
		log_error("docker engine at '%s': %s", host, err);
		return r;
	}
	if (rep->n_problems > 0) {
		for (size_t i = 0; i < rep->n_problems; i++)
			log_error("%s", rep->problems[i]);
		log_error("%zu of %zu measured image(s) checked: %zu problem(s); failing closed",
			  rep->n_checked, set->n_images, rep->n_problems);
		return EXIT_MISMATCH;
	}
	log_info("%zu measured image(s) present with their measured IDs and tags", set->n_images);
	return EXIT_OK;
}

int verb_containers(int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0) {
		optind = 0;
		return verb_check(argc - 1, argv + 1);
	}
	return verb_measure(argc, argv);
}
