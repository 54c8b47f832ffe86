/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb `bootproof eventlog show | replay | compare | profile` (declared in measure-verbs.h):
 * option parsing, file loading and output only; the logic is in tcg-eventlog.c, systemd-log.c,
 * replay.c, evlog-decode.c, eventlog-compare.c and platform-profile.c, and for `profile
 * --target/--pcrs` in platform/platform-build.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "log.h"
#include "measure-attest.h"
#include "measure-eventlog.h"
#include "measure-golden.h"
#include "measure-platform.h"
#include "measure-seal.h"
#include "measure-verbs.h"
#include "parse.h"
#include "verb-options.h"
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
		struct record_error e = {};
		r = read_file_capped(fw_path, EVLOG_MAX_LOG_SIZE, &l->fw_data, &l->fw_size);
		if (r < 0)
			return log_error_errno(r, "Failed to read event log '%s'", fw_path);
		r = evlog_parse(l->fw_data, l->fw_size, &l->fw, &e);
		if (r < 0)
			return log_error_reason(r, e.what, "%s: event %zu at offset 0x%zx", fw_path,
						e.index, e.offset);
	}
	if (sd_path) {
		struct record_error e = {};
		r = read_file_capped(sd_path, SDLOG_MAX_LOG_SIZE, &l->sd_data, &l->sd_size);
		if (r < 0)
			return log_error_errno(r, "Failed to read userspace log '%s'", sd_path);
		r = sdlog_parse(l->sd_data, l->sd_size, &l->sd, &e);
		if (r < 0)
			return log_error_reason(r, e.what, "%s: record %zu at offset 0x%zx",
						sd_path, e.index, e.offset);
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
		for (unsigned p = 0; p < TPM2_PCR_COUNT; p++) {
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

static int write_replay_text(const char *out, const struct replay_pcrs *pcrs, bool all)
{
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return log_error_errno(-ENOMEM, "Out of memory");
	replay_print_text(f, pcrs, all);
	if (fclose(f) != 0)
		return log_error_errno(-ENOMEM, "Out of memory");
	return write_text_atomic(out, buf, len);
}

/* The options show, replay and compare share. */
struct log_options {
	const char *sd_path, *out; /* --userspace-log, -o (default "-") */
	unsigned banks;            /* --bank (default 0: every bank of the log) */
	bool json;
};

/* -u, -b, -j, -o of show, replay and compare; any other option is a usage error. Returns
 * VERB_PROCEED, or EXIT_USAGE. */
static int parse_log_option(int c, struct log_options *o)
{
	switch (c) {
	case 'u':
		o->sd_path = optarg;
		return VERB_PROCEED;
	case 'b':
		if (bank_mask_parse(optarg, &o->banks) < 0) {
			log_error("Unknown bank in '%s'", optarg);
			return EXIT_USAGE;
		}
		return VERB_PROCEED;
	case 'j':
		o->json = true;
		return VERB_PROCEED;
	case 'o':
		o->out = optarg;
		return VERB_PROCEED;
	default:
		return EXIT_USAGE;
	}
}

static void replay_help(void)
{
	printf("Usage: bootproof eventlog replay LOG [--userspace-log FILE] [--bank LIST] [--all]\n"
	       "                                 [--json] [-o FILE]\n"
	       "Replays a TCG event log (and systemd's userspace log after it) and prints the PCR\n"
	       "values of every bank the log carries.\n");
}

static const struct option replay_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"userspace-log", required_argument, NULL, 'u'},
	{"bank", required_argument, NULL, 'b'},
	{"all", no_argument, NULL, 'a'},
	{"json", no_argument, NULL, 'j'},
	{"output", required_argument, NULL, 'o'},
	{},
};

static int verb_replay(int argc, char *argv[])
{
	_cleanup_(loaded_logs_done) struct loaded_logs l = {};
	struct log_options o = {.out = "-"};
	bool all = false;
	struct replay_pcrs *pcrs = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "hu:b:ajo:", replay_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			replay_help();
			return EXIT_OK;
		case 'a':
			all = true;
			break;
		default:
			r = parse_log_option(c, &o);
			if (r != VERB_PROCEED)
				return r;
		}
	if (optind + 1 != argc) {
		log_error("replay: expected exactly one LOG argument");
		return EXIT_USAGE;
	}
	r = load_logs(argv[optind], o.sd_path, &l);
	if (r < 0)
		return r;
	if (o.banks & ~l.fw->banks) {
		log_error("%s: the log has no %s bank", argv[optind],
			  bank_name((enum bank)__builtin_ctz(o.banks & ~l.fw->banks)));
		return EXIT_ERROR;
	}
	pcrs = malloc(sizeof(*pcrs));
	if (!pcrs)
		return log_error_errno(-ENOMEM, "Out of memory");
	r = replay_log(l.fw, l.sd, o.banks, pcrs);
	if (r < 0) {
		free(pcrs);
		return log_error_errno(r, "%s: replay failed (StartupLocality out of place?)",
				       argv[optind]);
	}
	if (o.json) {
		_cleanup_(json_decrefp) json_t *j = replay_to_json(pcrs, all);
		free(pcrs);
		return write_json_atomic(o.out, j);
	}
	r = write_replay_text(o.out, pcrs, all);
	free(pcrs);
	return r;
}

static json_t *event_to_json(const struct evlog_event *ev)
{
	_cleanup_(freep) char *desc = NULL, *data = NULL;
	_cleanup_(json_decrefp) json_t *digests = json_object(), *j = NULL;
	char kind[64];

	if (!digests || evlog_event_describe(ev, &desc) < 0)
		return NULL;
	FOREACH_BANK(b, ev->banks) {
		char hex[2 * DIGEST_MAX + 1];
		hex_encode(ev->digest[b], bank_size(b), hex);
		if (json_object_set_new(digests, bank_name(b), json_string(hex)) < 0)
			return NULL;
	}
	j = json_pack("{s:s,s:I,s:I,s:i,s:s,s:s,s:O}", "log",
		      ev->source == EVLOG_SOURCE_FIRMWARE ? "firmware" : "systemd", "index",
		      (json_int_t)ev->index, "offset", (json_int_t)ev->offset, "pcr", (int)ev->pcr,
		      "type", evlog_event_kind(ev, kind), "description", desc, "digests", digests);
	if (!j)
		return NULL;
	if (ev->source == EVLOG_SOURCE_FIRMWARE) {
		data = hex_encode_alloc(ev->data, ev->data_size);
		if (!data || json_object_set_new(j, "type_id", json_integer(ev->type)) < 0 ||
		    json_object_set_new(j, "data", json_string(data)) < 0)
			return NULL;
		if (ev->n_other_digests &&
		    json_object_set_new(j, "other_digests", json_integer(ev->n_other_digests)) < 0)
			return NULL;
	} else {
		_cleanup_(json_decrefp) json_t *rec = json_loadb((const char *)ev->data,
								ev->data_size, 0, NULL);
		if (rec && json_object_get(rec, "content") &&
		    json_object_set(j, "content", json_object_get(rec, "content")) < 0)
			return NULL;
		if (rec && json_is_string(json_object_get(rec, "content_type")) &&
		    json_object_set(j, "content_type", json_object_get(rec, "content_type")) < 0)
			return NULL;
	}
	return TAKE_PTR(j);
}

static json_t *fw_header_json(const struct evlog *log)
{
	_cleanup_(json_decrefp) json_t *j = NULL, *algs = json_array(), *banks = json_array();
	if (!algs || !banks)
		return NULL;
	for (size_t i = 0; i < log->n_algorithms; i++) {
		const struct evlog_algorithm *a = &log->algorithms[i];
		if (json_array_append_new(algs, json_pack("{s:i,s:i,s:s}", "algorithm_id", a->alg_id,
							  "digest_size", a->size, "name",
							  a->bank >= 0 ? bank_name(a->bank)
								       : "sm3_256")) < 0)
			return NULL;
	}
	FOREACH_BANK(b, log->banks)
		if (json_array_append_new(banks, json_string(bank_name(b))) < 0)
			return NULL;
	j = json_pack("{s:s,s:O,s:O,s:I,s:I,s:I}", "format",
		      log->format == EVLOG_FORMAT_CRYPTO_AGILE ? "crypto-agile" : "legacy-sha1",
		      "algorithms", algs, "banks", banks, "events", (json_int_t)log->n_events,
		      "size", (json_int_t)log->size, "padding", (json_int_t)log->padding);
	if (j && log->format == EVLOG_FORMAT_CRYPTO_AGILE)
		json_object_set_new(j, "spec_id",
				    json_pack("{s:I,s:i,s:i,s:i,s:i}", "platform_class",
					      (json_int_t)log->platform_class, "spec_version_major",
					      log->spec_version_major, "spec_version_minor",
					      log->spec_version_minor, "spec_errata", log->spec_errata,
					      "uintn_size", log->uintn_size));
	return TAKE_PTR(j);
}

static void print_event_text(FILE *f, const struct evlog_event *ev, bool digests)
{
	_cleanup_(freep) char *desc = NULL;
	char kind[64];

	if (evlog_event_describe(ev, &desc) < 0)
		return;
	fprintf(f, "%s#%-4zu PCR %-2u %-32s %s\n", ev->source == EVLOG_SOURCE_FIRMWARE ? "" : "u",
		ev->index, ev->pcr, evlog_event_kind(ev, kind), desc);
	if (digests)
		FOREACH_BANK(b, ev->banks) {
			char hex[2 * DIGEST_MAX + 1];
			hex_encode(ev->digest[b], bank_size(b), hex);
			fprintf(f, "        %-7s %s\n", bank_name(b), hex);
		}
}

static void show_help(void)
{
	printf("Usage: bootproof eventlog show LOG [--userspace-log FILE] [--pcr LIST] [--brief]\n"
	       "                               [--json] [-o FILE]\n"
	       "Decodes every event of a TCG event log (legacy SHA1 or crypto-agile) and of systemd's\n"
	       "userspace log: variable names, device paths, UTF-16 strings, section names.\n"
	       "  --pcr LIST   only these PCRs (\"0-7,11\")\n"
	       "  --brief      no digests in the text output\n");
}

/* show --json: the firmware log's header and records, the systemd log's records. */
static int show_json(const struct loaded_logs *l, unsigned pcrs, const char *out)
{
	_cleanup_(json_decrefp) json_t *j = json_object(), *fw = fw_header_json(l->fw),
					*evs = json_array();
	if (!j || !fw || !evs || json_object_set(fw, "records", evs) < 0 ||
	    json_object_set(j, "firmware", fw) < 0)
		return log_error_errno(-ENOMEM, "Out of memory");
	for (size_t i = 0; i < l->fw->n_events; i++)
		if (pcrs & (1u << l->fw->events[i].pcr))
			if (json_array_append_new(evs, event_to_json(&l->fw->events[i])) < 0)
				return log_error_errno(-ENOMEM, "Out of memory");
	if (l->sd) {
		_cleanup_(json_decrefp) json_t *sevs = json_array();
		if (!sevs || json_object_set_new(j, "systemd",
						 json_pack("{s:O}", "records", sevs)) < 0)
			return log_error_errno(-ENOMEM, "Out of memory");
		for (size_t i = 0; i < l->sd->n_records; i++)
			if (pcrs & (1u << l->sd->events[i].pcr))
				if (json_array_append_new(sevs,
							  event_to_json(&l->sd->events[i])) < 0)
					return log_error_errno(-ENOMEM, "Out of memory");
	}
	return write_json_atomic(out, j);
}

/* show: one line per event (and its digests unless brief). */
static int show_text(const struct loaded_logs *l, const char *fw_path, const char *sd_path,
		     unsigned pcrs, bool brief, const char *out)
{
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return log_error_errno(-ENOMEM, "Out of memory");
	fprintf(f, "%s: %s log, banks", fw_path,
		l->fw->format == EVLOG_FORMAT_CRYPTO_AGILE ? "crypto-agile (Spec ID Event03)"
							  : "legacy SHA1");
	FOREACH_BANK(b, l->fw->banks)
		fprintf(f, " %s", bank_name(b));
	fprintf(f, ", %zu events", l->fw->n_events);
	if (l->fw->padding)
		fprintf(f, ", %zu bytes of padding", l->fw->padding);
	fputc('\n', f);
	for (size_t i = 0; i < l->fw->n_events; i++)
		if (pcrs & (1u << l->fw->events[i].pcr))
			print_event_text(f, &l->fw->events[i], !brief);
	if (l->sd) {
		fprintf(f, "%s: systemd userspace log, %zu records\n", sd_path,
			l->sd->n_records);
		for (size_t i = 0; i < l->sd->n_records; i++)
			if (pcrs & (1u << l->sd->events[i].pcr))
				print_event_text(f, &l->sd->events[i], !brief);
	}
	if (fclose(f) != 0)
		return log_error_errno(-ENOMEM, "Out of memory");
	return write_text_atomic(out, buf, len);
}

static const struct option show_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"userspace-log", required_argument, NULL, 'u'},
	{"pcr", required_argument, NULL, 'p'},
	{"brief", no_argument, NULL, 'B'},
	{"json", no_argument, NULL, 'j'},
	{"output", required_argument, NULL, 'o'},
	{},
};

static int verb_show(int argc, char *argv[])
{
	_cleanup_(loaded_logs_done) struct loaded_logs l = {};
	struct log_options o = {.out = "-"};
	unsigned pcrs = (1u << TPM2_PCR_COUNT) - 1;
	bool brief = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "hu:p:Bjo:", show_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			show_help();
			return EXIT_OK;
		case 'p':
			if (pcr_list_parse(optarg, &pcrs) < 0) {
				log_error("Invalid PCR list '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'B':
			brief = true;
			break;
		default:
			r = parse_log_option(c, &o);
			if (r != VERB_PROCEED)
				return r;
		}
	if (optind + 1 != argc) {
		log_error("show: expected exactly one LOG argument");
		return EXIT_USAGE;
	}
	r = load_logs(argv[optind], o.sd_path, &l);
	if (r < 0)
		return r;

	if (o.json)
		return show_json(&l, pcrs, o.out);
	return show_text(&l, argv[optind], o.sd_path, pcrs, brief, o.out);
}

static void compare_help(void)
{
	printf("Usage: bootproof eventlog compare LOG GOLDEN.json [--userspace-log FILE]\n"
	       "                                  [--bank LIST] [--json] [-o FILE]\n"
	       "Compares an event log, event by event, with a golden manifest: per PCR and bank,\n"
	       "match, or the first event that differs. Exit 3 on any mismatch.\n");
}

static const struct option compare_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"userspace-log", required_argument, NULL, 'u'},
	{"bank", required_argument, NULL, 'b'},
	{"json", no_argument, NULL, 'j'},
	{"output", required_argument, NULL, 'o'},
	{},
};

static int verb_compare(int argc, char *argv[])
{
	_cleanup_(loaded_logs_done) struct loaded_logs l = {};
	_cleanup_(golden_freep) struct golden *g = NULL;
	_cleanup_(compare_result_freep) struct compare_result *res = NULL;
	_cleanup_(freep) struct evlog_event *events = NULL;
	struct log_options o = {.out = "-"};
	char err[512] = "";
	size_t n;
	int c, r;

	while ((c = getopt_long(argc, argv, "hu:b:jo:", compare_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			compare_help();
			return EXIT_OK;
		default:
			r = parse_log_option(c, &o);
			if (r != VERB_PROCEED)
				return r;
		}
	if (optind + 2 != argc) {
		log_error("compare: expected LOG and GOLDEN.json");
		return EXIT_USAGE;
	}
	r = golden_load_file(argv[optind + 1], &g, err, sizeof(err));
	if (r < 0)
		return log_error_reason(r, err, "%s", argv[optind + 1]);
	r = load_logs(argv[optind], o.sd_path, &l);
	if (r < 0)
		return r;
	r = evlog_merge(l.fw, l.sd, &events, &n);
	if (r < 0)
		return log_error_errno(r, "Out of memory");
	r = eventlog_compare(g, events, n, o.banks, &res);
	if (r < 0)
		return log_error_errno(r, "Failed to compare");
	if (o.json) {
		_cleanup_(json_decrefp) json_t *j = compare_result_to_json(res);
		r = write_json_atomic(o.out, j);
	} else {
		_cleanup_(freep) char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (!f)
			return log_error_errno(-ENOMEM, "Out of memory");
		compare_result_print(res, f);
		if (fclose(f) != 0)
			return log_error_errno(-ENOMEM, "Out of memory");
		r = write_text_atomic(o.out, buf, len);
	}
	if (r < 0)
		return r;
	return res->ok ? EXIT_OK : EXIT_MISMATCH;
}

static void profile_help(void)
{
	printf("Usage: bootproof eventlog profile [LOG] -o platform.json [--name NAME] [--pcr LIST]\n"
	       "                                  [--bank LIST] [--pcrs YAML]\n"
	       "                                  [--target qemu|gce|azure|aws]\n"
	       "                                  [--gce-firmware N] [--cvm none|sev|sev-es|tdx|sev-snp]\n"
	       "                                  [--default-keys]\n"
	       "Writes the platform's PCR 0-3, 6 and 7 events per bank (from a reference event log\n"
	       "of the target platform) in golden.json's shape, for `bootproof predict`.\n"
	       "  --pcrs YAML    bare PCR values (tpm2_pcrread output) where the platform exposes\n"
	       "                 no log: they become observed values (a mismatch only warns)\n"
	       "  --target T     PCR 0-7 with the target's status and source (image/platform/README.md);\n"
	       "                 qemu takes LOG, the clouds compute or observe their own\n"
	       "  --default-keys gce, azure: no custom Secure Boot keys registered: PCR 7 variable\n");
}

enum {
	ARG_PCRS = 0x100, ARG_TARGET, ARG_GCE_FIRMWARE, ARG_CVM, ARG_DEFAULT_KEYS,
};

static const struct option profile_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"name", required_argument, NULL, 'n'},
	{"pcr", required_argument, NULL, 'p'},
	{"bank", required_argument, NULL, 'b'},
	{"output", required_argument, NULL, 'o'},
	{"pcrs", required_argument, NULL, ARG_PCRS},
	{"target", required_argument, NULL, ARG_TARGET},
	{"gce-firmware", required_argument, NULL, ARG_GCE_FIRMWARE},
	{"cvm", required_argument, NULL, ARG_CVM},
	{"default-keys", no_argument, NULL, ARG_DEFAULT_KEYS},
	{},
};

struct profile_opts {
	struct platform_build build; /* target, its options, name, PCRs, banks; the log is loaded */
	const char *log, *yaml, *out;
	bool rules;                  /* --target or --pcrs: platform_profile_build_files() */
};

/* --target, --gce-firmware, --cvm, --default-keys into b. Returns VERB_PROCEED or EXIT_USAGE. */
static int parse_target_option(int opt, const char *arg, struct platform_build *b)
{
	uint32_t u;
	int v;

	switch (opt) {
	case ARG_TARGET:
		b->target = platform_target_from_string(arg);
		if (b->target >= 0)
			return VERB_PROCEED;
		log_error("profile: unknown target '%s' (qemu, gce, azure, aws)", arg);
		return EXIT_USAGE;
	case ARG_GCE_FIRMWARE:
		if (safe_atou32(arg, &u) < 0 || u < 1 || u > GCE_FIRMWARE_MAX) {
			log_error("profile: invalid GCE firmware version '%s' (1-%u)", arg,
				  GCE_FIRMWARE_MAX);
			return EXIT_USAGE;
		}
		b->target_options.gce_firmware = u;
		return VERB_PROCEED;
	case ARG_CVM:
		v = gce_cvm_from_string(arg);
		if (v < 0) {
			log_error("profile: unknown confidential VM type '%s' (none, sev, sev-es, "
				  "tdx, sev-snp)", arg);
			return EXIT_USAGE;
		}
		b->target_options.gce_cvm = (enum gce_cvm)v;
		return VERB_PROCEED;
	default: /* ARG_DEFAULT_KEYS */
		b->target_options.default_keys = true;
		return VERB_PROCEED;
	}
}

/* Returns VERB_PROCEED, or the exit code to end with (help, usage). */
static int parse_profile_options(int argc, char *argv[], struct profile_opts *o)
{
	int c, r;

	while ((c = getopt_long(argc, argv, "hn:p:b:o:", profile_options, NULL)) >= 0)
		switch (c) {
		case 'h':
			profile_help();
			return EXIT_OK;
		case 'n':
			o->build.name = optarg;
			break;
		case 'p':
			if (pcr_list_parse(optarg, &o->build.pcr_mask) < 0) {
				log_error("Invalid PCR list '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'b':
			if (bank_mask_parse(optarg, &o->build.bank_mask) < 0) {
				log_error("Unknown bank in '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			o->out = optarg;
			break;
		case ARG_PCRS:
			o->yaml = optarg;
			break;
		case ARG_TARGET: case ARG_GCE_FIRMWARE: case ARG_CVM: case ARG_DEFAULT_KEYS:
			r = parse_target_option(c, optarg, &o->build);
			if (r != VERB_PROCEED)
				return r;
			break;
		default:
			return EXIT_USAGE;
		}
	o->log = optind < argc ? argv[optind] : NULL;
	if (optind + 1 < argc || !o->out || (!o->log && !o->yaml && o->build.target < 0)) {
		log_error("profile: expected LOG (or --pcrs/--target) and -o FILE");
		return EXIT_USAGE;
	}
	o->rules = o->yaml || o->build.target >= 0;
	if (!o->rules && !o->build.name) {
		const char *s = strrchr(o->log, '/');
		o->build.name = s ? s + 1 : o->log;
	}
	return VERB_PROCEED;
}

static int verb_profile(int argc, char *argv[])
{
	_cleanup_(loaded_logs_done) struct loaded_logs l = {};
	_cleanup_(platform_profile_freep) struct platform_profile *p = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	struct profile_opts o = {.build = {.target = -1}};
	char err[512] = "";
	int r;

	r = parse_profile_options(argc, argv, &o);
	if (r != VERB_PROCEED)
		return r;
	if (o.log) {
		r = load_logs(o.log, NULL, &l);
		if (r < 0)
			return r;
	}
	if (!o.rules) {
		r = platform_profile_from_log(l.fw, l.fw_data, l.fw_size, o.build.name,
					      o.build.pcr_mask, o.build.bank_mask, &p, err,
					      sizeof(err));
		if (r < 0)
			return log_error_reason(r, err, "%s", o.log);
	} else {
		o.build.log = l.fw;
		o.build.log_data = l.fw_data;
		o.build.log_size = l.fw_size;
		r = platform_profile_build_files(&o.build, o.yaml, &p, err, sizeof(err));
		if (r == -EINVAL) {
			log_error("profile: %s", err);
			return EXIT_USAGE;
		}
		if (r < 0)
			return log_error_reason(r, err, "profile");
	}
	r = platform_profile_to_json(p, &j);
	if (r < 0)
		return log_error_errno(r, "Failed to build the profile");
	return write_json_atomic(o.out, j);
}

static const struct verb eventlog_verbs[] = {
	{"show", verb_show, "decode every event, text or JSON"},
	{"replay", verb_replay, "PCR values of every bank from a log"},
	{"compare", verb_compare, "event-by-event comparison with golden.json (exit 3 on mismatch)"},
	{"profile", verb_profile, "platform PCR 0-3, 6, 7 events from a reference log"},
};

int verb_eventlog(int argc, char *argv[])
{
	return verb_dispatch_group(eventlog_verbs, ARRAY_SIZE(eventlog_verbs), "bootproof eventlog",
				   NULL, argc, argv);
}
