/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `bootproof eventlog show | replay | compare | profile` (declared in verbs-pcr.h): option
 * parsing, file loading and output only; the logic is in tcg-eventlog.c, systemd-log.c,
 * replay.c, evlog-decode.c, eventlog-compare.c and platform-profile.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "replay.h"
#include "systemd-log.h"
#include "tcg-eventlog.h"
#include "verbs-pcr.h"
#include "verbs.h"

struct loaded_logs {
	uint8_t *fw_data, *sd_data;
	size_t fw_size, sd_size;
	struct evlog *fw;
	struct sdlog *sd;
};

static void loaded_logs_done(struct loaded_logs *l)
{
	evlog_free(l->fw);
	sdlog_free(l->sd);
	free(l->fw_data);
	free(l->sd_data);
	memset(l, 0, sizeof(*l));
}

/* Loads and parses both logs; logs the error once. */
static int load_logs(const char *fw_path, const char *sd_path, struct loaded_logs *l)
{
	int r;

	if (fw_path) {
		struct evlog_parse_error e = {};
		r = read_file_capped(fw_path, EVLOG_MAX_LOG_SIZE, &l->fw_data, &l->fw_size);
		if (r < 0)
			return log_error_errno(r, "Failed to read event log '%s'", fw_path);
		r = evlog_parse(l->fw_data, l->fw_size, &l->fw, &e);
		if (r < 0)
			return log_error_errno(r, "%s: event %zu at offset 0x%zx: %s", fw_path,
					       e.index, e.offset, e.what);
	}
	if (sd_path) {
		struct sdlog_parse_error e = {};
		r = read_file_capped(sd_path, SDLOG_MAX_LOG_SIZE, &l->sd_data, &l->sd_size);
		if (r < 0)
			return log_error_errno(r, "Failed to read userspace log '%s'", sd_path);
		r = sdlog_parse(l->sd_data, l->sd_size, &l->sd, &e);
		if (r < 0)
			return log_error_errno(r, "%s: record %zu at offset 0x%zx: %s", sd_path,
					       e.index, e.offset, e.what);
	}
	return 0;
}

static int write_text_atomic(const char *path, char *text, size_t len)
{
	int r = write_file_atomic(path, text, len);
	if (r < 0)
		return log_error_errno(r, "Failed to write '%s'", path);
	return 0;
}

static int write_json_atomic(const char *path, json_t *j)
{
	int r;
	if (!j)
		return log_error_errno(-ENOMEM, "Failed to build the JSON output");
	r = json_write_canonical(path, j);
	if (r < 0)
		return log_error_errno(r, "Failed to write '%s'", path);
	return 0;
}

static void replay_print_text(FILE *f, const struct replay_pcrs *r, bool all)
{
	FOREACH_BANK(b, r->banks) {
		fprintf(f, "%s:\n", bank_name(b));
		for (unsigned p = 0; p < EVLOG_PCR_COUNT; p++) {
			char hex[2 * DIGEST_MAX + 1];
			if (!all && !(r->extended[b] & (1u << p)) &&
			    !(r->incomplete[b] & (1u << p)))
				continue;
			if (r->incomplete[b] & (1u << p)) {
				fprintf(f, "  %2u: incomplete (events lack a %s digest)\n", p,
					bank_name(b));
				continue;
			}
			hex_encode(r->value[b][p], bank_size(b), hex);
			fprintf(f, "  %2u: %s\n", p, hex);
		}
	}
	if (r->startup_locality >= 0)
		fprintf(f, "startup locality: %d\n", r->startup_locality);
	if (r->hcrtm)
		fprintf(f, "H-CRTM: PCR 0 started at locality 4\n");
}

static void replay_help(void)
{
	printf("Usage: bootproof eventlog replay LOG [--userspace-log FILE] [--bank LIST] [--all]\n"
	       "                                 [--json] [-o FILE]\n"
	       "Replays a TCG event log (and systemd's userspace log after it) and prints the PCR\n"
	       "values of every bank the log carries.\n");
}

static int verb_replay(int argc, char *argv[])
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{"userspace-log", required_argument, NULL, 'u'},
		{"bank", required_argument, NULL, 'b'},
		{"all", no_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},
		{},
	};
	_cleanup_(loaded_logs_done) struct loaded_logs l = {};
	const char *sd_path = NULL, *out = "-";
	unsigned banks = 0;
	bool all = false, json = false;
	struct replay_pcrs *pcrs = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "hu:b:ajo:", options, NULL)) >= 0)
		switch (c) {
		case 'h':
			replay_help();
			return EXIT_OK;
		case 'u':
			sd_path = optarg;
			break;
		case 'b':
			if (bank_mask_parse(optarg, &banks) < 0) {
				log_error("Unknown bank in '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'a':
			all = true;
			break;
		case 'j':
			json = true;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	if (optind + 1 != argc) {
		log_error("replay: expected exactly one LOG argument");
		return EXIT_USAGE;
	}
	r = load_logs(argv[optind], sd_path, &l);
	if (r < 0)
		return r;
	if (banks & ~l.fw->banks) {
		log_error("%s: the log has no %s bank", argv[optind],
			  bank_name((enum bank)__builtin_ctz(banks & ~l.fw->banks)));
		return EXIT_ERROR;
	}
	pcrs = malloc(sizeof(*pcrs));
	if (!pcrs)
		return log_error_errno(-ENOMEM, "Out of memory");
	r = replay_log(l.fw, l.sd, banks, pcrs);
	if (r < 0) {
		free(pcrs);
		return log_error_errno(r, "%s: replay failed (StartupLocality out of place?)",
				       argv[optind]);
	}
	if (json) {
		_cleanup_(json_decrefp) json_t *j = replay_to_json(pcrs, all);
		free(pcrs);
		return write_json_atomic(out, j);
	} else {
		_cleanup_(freep) char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (!f) {
			free(pcrs);
			return log_error_errno(-ENOMEM, "Out of memory");
		}
		replay_print_text(f, pcrs, all);
		free(pcrs);
		if (fclose(f) != 0)
			return log_error_errno(-ENOMEM, "Out of memory");
		return write_text_atomic(out, buf, len);
	}
}

static const struct verb eventlog_verbs[] = {
	{"replay", verb_replay, "PCR values of every bank from a log"},
};

int verb_eventlog(int argc, char *argv[])
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: bootproof eventlog COMMAND [ARGS...]\n");
		verb_print_table(eventlog_verbs, ARRAY_SIZE(eventlog_verbs), "bootproof eventlog",
				 stdout);
		return EXIT_OK;
	}
	optind = 0;
	return verb_dispatch(eventlog_verbs, ARRAY_SIZE(eventlog_verbs), "bootproof eventlog",
			     argc - 1, argv + 1);
}
