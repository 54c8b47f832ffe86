/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof job run SPEC`: option parsing and messages; the work is in job-run.c. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-check.h"
#include "job-run.h"
#include "log.h"
#include "measure-attest.h"
#include "parse.h"
#include "verb-job.h"
#include "verbs.h"

#define DEFAULT_HOST "unix:///var/run/docker.sock"

static void help(FILE *f)
{
	fprintf(f,
		"Usage: bootproof job run SPEC [OPTIONS]\n"
		"\n"
		"Runs one measured job (docs/jobs.md): measures the spec's bytes, checks the spec and\n"
		"its paths, checks that the engine's image for the spec's NAME:TAG is the one in the\n"
		"image's container measurements, measures each input (PCR 14), runs the container\n"
		"(no network, read-only inputs, only the output folder writable, the spec's limits),\n"
		"then measures its exit status, each output and a closing record (PCR 15).\n"
		"\n"
		"  --containers FILE   the image's measurements (default\n"
		"                      " JOB_MEASUREMENTS_DEFAULT ")\n"
		"  --host unix://PATH  docker engine (default: $DOCKER_HOST if unix://, else\n"
		"                      " DEFAULT_HOST ")\n"
		"  --docker PATH       docker client (default " JOB_DOCKER_CLI_DEFAULT ")\n"
		"  --input-root DIR    inputs must lie below (default " JOB_INPUT_ROOT_DEFAULT ")\n"
		"  --output-root DIR   the output folder must lie below (default\n"
		"                      " JOB_OUTPUT_ROOT_DEFAULT ")\n"
		"  --output-pcr N      15 (default) or 8\n"
		"  --lock FILE         one job at a time (default " JOB_LOCK_DEFAULT ")\n"
		"  --tcti CONF         TCTI (default: $TPM2TOOLS_TCTI, $TCTI, $TSS2_TCTI, /dev/tpmrm0)\n"
		"  --log FILE          measurement log (default: $SYSTEMD_MEASURE_LOG_USERSPACE or\n"
		"                      " RUNTIME_LOG_DEFAULT ")\n"
		"\n"
		"Exit codes: 0 the job ran and exited 0; 3 refused (nothing ran; the refusal is\n"
		"measured once the spec was); 1 the job ran and failed (measured), or an operational\n"
		"error (another job running, TPM, engine); 2 usage.\n");
}

struct job_cli {
	struct job_run_options o;
	const char *host;
	char *socket, *input_root, *output_root;
};

static void job_cli_done(struct job_cli *c)
{
	free(c->socket);
	free(c->input_root);
	free(c->output_root);
}

static const struct option options[] = {
	{"help", no_argument, NULL, 'h'},
	{"containers", required_argument, NULL, 'C'},
	{"host", required_argument, NULL, 'H'},
	{"docker", required_argument, NULL, 'D'},
	{"input-root", required_argument, NULL, 'I'},
	{"output-root", required_argument, NULL, 'O'},
	{"output-pcr", required_argument, NULL, 'P'},
	{"lock", required_argument, NULL, 'K'},
	{"tcti", required_argument, NULL, 'T'},
	{"log", required_argument, NULL, 'L'},
	{},
};

/* The roots must exist: their canonical form is what paths are compared with. */
static int root(const char *arg, char **ret)
{
	*ret = realpath(arg, NULL);
	if (!*ret)
		return log_error_errno(-errno, "job run: root folder '%s'", arg);
	return 0;
}

static int parse_options(int argc, char *argv[], struct job_cli *c)
{
	const char *in = JOB_INPUT_ROOT_DEFAULT, *out = JOB_OUTPUT_ROOT_DEFAULT;
	const char *env = getenv("DOCKER_HOST");
	uint32_t pcr;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", options, NULL)) >= 0)
		switch (ch) {
		case 'h': help(stdout); return EXIT_OK;
		case 'C': c->o.measurements_path = optarg; break;
		case 'H': c->host = optarg; break;
		case 'D': c->o.docker_cli = optarg; break;
		case 'I': in = optarg; break;
		case 'O': out = optarg; break;
		case 'K': c->o.lock_path = optarg; break;
		case 'T': c->o.tcti = optarg; break;
		case 'L': c->o.log_path = optarg; break;
		case 'P':
			if (safe_atou32(optarg, &pcr) < 0 || (pcr != 15 && pcr != 8)) {
				log_error("job run: --output-pcr must be 15 or 8");
				return EXIT_USAGE;
			}
			c->o.output_pcr = pcr;
			break;
		default: help(stderr); return EXIT_USAGE;
		}
	if (optind + 1 != argc) {
		log_error("job run: exactly one SPEC is required");
		return EXIT_USAGE;
	}
	c->o.spec_path = argv[optind];
	if (!c->host)
		c->host = env && strncmp(env, "unix://", 7) == 0 ? env : DEFAULT_HOST;
	if (engine_host_parse(c->host, &c->socket) < 0) {
		log_error("job run: --host '%s': only unix:///absolute/path is supported", c->host);
		return EXIT_USAGE;
	}
	c->o.docker_socket = c->socket;
	if (!c->o.log_path)
		c->o.log_path = getenv("SYSTEMD_MEASURE_LOG_USERSPACE");
	if (!c->o.log_path || !*c->o.log_path)
		c->o.log_path = RUNTIME_LOG_DEFAULT;
	c->o.tcti = tpm_tcti_choose(c->o.tcti);
	if (root(in, &c->input_root) < 0 || root(out, &c->output_root) < 0)
		return EXIT_ERROR;
	c->o.input_root = c->input_root;
	c->o.output_root = c->output_root;
	return VERB_PROCEED;
}

static int report(const struct job_result *res, const struct job_run_options *o)
{
	if (res->refused) {
		log_error("job refused (%s): %s; nothing ran%s", res->refusal.reason,
			  res->refusal.msg,
			  res->refusal_measured ? ", the refusal is measured"
						: " (the spec was not read: nothing measured)");
		return EXIT_MISMATCH;
	}
	printf("job: spec sha256:%s container %s %s, %zu input(s), exit status %s, %zu "
	       "output(s) measured into PCR %u\n", res->spec_sha256, res->tag, res->image_id,
	       res->n_inputs, res->exit_word, res->n_outputs, o->output_pcr);
	if (strcmp(res->exit_word, "0") != 0) {
		log_error("the job's container ended with status %s (measured)", res->exit_word);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

int verb_job(int argc, char *argv[])
{
	_cleanup_(job_cli_done) struct job_cli c = {
		.o = {.measurements_path = JOB_MEASUREMENTS_DEFAULT,
		      .docker_cli = JOB_DOCKER_CLI_DEFAULT,
		      .lock_path = JOB_LOCK_DEFAULT,
		      .output_pcr = 15},
	};
	struct job_result res = {};
	char err[700] = "";
	int r;

	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			help(stdout);
			return EXIT_OK;
		}
		log_error("job: the only command is 'run'");
		help(stderr);
		return EXIT_USAGE;
	}
	optind = 0;
	r = parse_options(argc - 1, argv + 1, &c);
	if (r != VERB_PROCEED)
		return r;
	r = job_run(&c.o, &res, err, sizeof(err));
	if (r < 0) {
		log_error("job run: %s", err[0] ? err : strerror(-r));
		return EXIT_ERROR;
	}
	return report(&res, &c.o);
}
