/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The job runner (job-run.h, docs/jobs.md). Measurements go through runtime-measure.h's
 * runtime_extend() (systemd's userspace log, flock'd, every active bank); the engine is asked
 * over its API (engine-check.h) and the container started with the docker CLI, by image ID, so
 * a tag re-pointed after the check cannot change what runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "docker-manifest.h"
#include "engine-check.h"
#include "errbuf.h"
#include "fileio.h"
#include "hexstr.h"
#include "job-run.h"
#include "measure-attest.h"
#include "measurements.h"

#define JOB_ARGV_MAX (64 + 2 * JOB_SPEC_MAX_INPUTS + JOB_SPEC_MAX_ARGS)

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct run {
	const struct job_run_options *o;
	struct job_result *res;
	char *err;
	size_t err_size;
};

static int extend(struct run *x, unsigned pcr, const char *s)
{
	unsigned mask;
	int r = runtime_extend(x->o->tcti, pcr, x->o->log_path, s, &mask);

	if (r < 0)
		return errbuf_set(x->err, x->err_size, r, "cannot extend PCR %u and log '%s'", pcr,
				  x->o->log_path);
	return 0;
}

static int extend_job_record(struct run *x, unsigned pcr, const struct job_record *rec)
{
	_cleanup_(freep) char *s = NULL;
	int r = job_record_format(rec, &s);

	if (r < 0)
		return errbuf_set(x->err, x->err_size, r, "cannot format the job-%s record",
				  job_record_type_to_string(rec->type));
	return extend(x, pcr, s);
}

/* Measures the refusal (the job is then closed in the log) and fills the result. */
static int refuse_measured(struct run *x, const char *reason, const char *fmt, ...)
	_printf_(3, 4);
static int refuse_measured(struct run *x, const char *reason, const char *fmt, ...)
{
	struct job_record rec = {.type = JOB_RECORD_REFUSED};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->res->refusal.msg, sizeof(x->res->refusal.msg), fmt, ap);
	va_end(ap);
	x->res->refused = true;
	x->res->refusal.reason = reason;
	snprintf(rec.word, sizeof(rec.word), "%s", reason);
	if (extend_job_record(x, JOB_INPUT_PCR, &rec) < 0)
		return -EIO;
	x->res->refusal_measured = true;
	return 0;
}

static int take_lock(const char *path, int *ret_fd, char *err, size_t err_size)
{
	_cleanup_(freep) char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	int fd;

	if (!dir)
		return -ENOMEM;
	if (slash && slash != dir) {
		*slash = 0;
		(void)mkdir(dir, 0755); /* /run/bootproof; the open below reports a real failure */
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errbuf_set(err, err_size, -errno, "cannot open the job lock '%s'", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = -errno;
		close(fd);
		if (r == -EWOULDBLOCK)
			return errbuf_set(err, err_size, -EBUSY, "another job is running (lock '%s')",
					  path);
		return errbuf_set(err, err_size, r, "cannot lock '%s'", path);
	}
	*ret_fd = fd;
	return 0;
}

/* The spec: read (capped), measured, parsed, its paths checked. 1 = refused. */
static int spec_stage(struct run *x, struct job_spec **ret_spec)
{
	_cleanup_(freep) uint8_t *data = NULL;
	struct job_record rec = {.type = JOB_RECORD_SPEC};
	uint8_t d[32];
	char msg[400];
	size_t len;
	int r;

	r = read_file_capped(x->o->spec_path, JOB_SPEC_MAX_SIZE, &data, &len);
	if (r == -E2BIG || r == -EFBIG) {
		/* Its bytes were not read, so they cannot be measured: refused, unmeasured. */
		x->res->refused = true;
		x->res->refusal.reason = "spec-too-large";
		snprintf(x->res->refusal.msg, sizeof(x->res->refusal.msg),
			 "spec '%s': larger than %u bytes", x->o->spec_path, JOB_SPEC_MAX_SIZE);
		return 1;
	}
	if (r < 0)
		return errbuf_set(x->err, x->err_size, r, "cannot read the spec '%s'",
				  x->o->spec_path);
	r = digest_buffer(BANK_SHA256, data, len, d);
	if (r < 0)
		return r;
	hex_encode(d, 32, rec.sha256_hex);
	memcpy(x->res->spec_sha256, rec.sha256_hex, sizeof(rec.sha256_hex));
	rec.size = len;
	r = extend_job_record(x, JOB_INPUT_PCR, &rec);
	if (r < 0)
		return r;

	r = job_spec_parse(data, len, ret_spec, msg, sizeof(msg));
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		r = refuse_measured(x, job_spec_error_reason(r, msg), "spec '%s': %s",
				    x->o->spec_path, msg);
		return r < 0 ? r : 1;
	}
	r = job_paths_check(*ret_spec, x->o->input_root, x->o->output_root, &x->res->refusal);
	if (r < 0)
		return errbuf_set(x->err, x->err_size, r, "cannot check the spec's paths");
	if (r > 0) {
		char m[sizeof(x->res->refusal.msg)];
		memcpy(m, x->res->refusal.msg, sizeof(m));
		r = refuse_measured(x, x->res->refusal.reason, "%s", m);
		return r < 0 ? r : 1;
	}
	return 0;
}

/* The container: the engine's ID for the tag, measured, and compared with the image's
 * measurements. 1 = refused. */
static int container_stage(struct run *x, const struct job_spec *s,
			   const struct docker_image_set *measured)
{
	_cleanup_(freep) char *tag = NULL;
	struct job_record rec = {.type = JOB_RECORD_CONTAINER};
	const struct docker_image *img = NULL;
	uint8_t id[SHA256_LEN];
	bool found = false;
	int r;

	if (docker_reference_normalize(s->container, &tag) < 0 || !job_tag_valid(tag)) {
		r = refuse_measured(x, "container-invalid", "container '%s': not a NAME:TAG "
				    "reference", s->container);
		return r < 0 ? r : 1;
	}
	snprintf(x->res->tag, sizeof(x->res->tag), "%s", tag);
	r = engine_image_id(x->o->docker_socket, tag, &found, id, x->err, x->err_size);
	if (r < 0) {
		char why[300];
		snprintf(why, sizeof(why), "%s", x->err);
		(void)refuse_measured(x, "engine-error", "docker engine: %s", why);
		return errbuf_set(x->err, x->err_size, r, "docker engine: %s", why);
	}
	if (found)
		oci_digest_format(id, rec.image_id);
	else
		snprintf(rec.image_id, sizeof(rec.image_id), "none");
	snprintf(rec.tag, sizeof(rec.tag), "%s", tag);
	memcpy(x->res->image_id, rec.image_id, sizeof(rec.image_id));
	r = extend_job_record(x, JOB_INPUT_PCR, &rec);
	if (r < 0)
		return r;

	for (size_t i = 0; i < measured->n_images && !img; i++)
		for (size_t t = 0; t < measured->images[i].n_tags && !img; t++)
			if (strcmp(measured->images[i].tags[t], tag) == 0)
				img = &measured->images[i];
	if (!img)
		r = refuse_measured(x, "container-not-measured", "container '%s': not in the "
				    "image's container measurements '%s'", tag,
				    x->o->measurements_path);
	else if (!found)
		r = refuse_measured(x, "container-missing", "container '%s': the engine has no "
				    "such image", tag);
	else if (!engine_id_accepted(img, id)) {
		char want[OCI_DIGEST_STRLEN];
		oci_digest_format(img->id, want);
		r = refuse_measured(x, "container-id-mismatch", "container '%s': the engine's "
				    "image is %s, the measured one is %s", tag, rec.image_id, want);
	}
	else
		return 0;
	return r < 0 ? r : 1;
}

/* Every input, in spec order, as a runtime input record labelled with its name. 1 = refused. */
static int inputs_stage(struct run *x, const struct job_spec *s)
{
	for (size_t i = 0; i < s->n_inputs; i++) {
		_cleanup_(freep) char *ev = NULL;
		struct runtime_measurement m;
		char msg[400];
		int r = runtime_measure_path(s->inputs[i].path, &m, msg, sizeof(msg));

		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			r = refuse_measured(x, "input-unmeasurable", "input '%s': %s",
					    s->inputs[i].name, msg);
			return r < 0 ? r : 1;
		}
		r = runtime_event_string(RUNTIME_INPUT, &m, s->inputs[i].name, s->inputs[i].path,
					 &ev);
		if (r < 0)
			return errbuf_set(x->err, x->err_size, r, "input '%s': cannot describe it",
					  s->inputs[i].name);
		r = extend(x, JOB_INPUT_PCR, ev);
		if (r < 0)
			return r;
		x->res->n_inputs++;
	}
	return 0;
}

/* An argv of owned copies, NULL-terminated. */
struct argv_buf {
	char *argv[JOB_ARGV_MAX + 1];
	size_t n;
};

static void argv_buf_done(struct argv_buf *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->argv[i]);
}

static int argf(struct argv_buf *a, const char *fmt, ...) _printf_(2, 3);
static int argf(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (a->n >= JOB_ARGV_MAX) {
		free(s);
		return -E2BIG;
	}
	a->argv[a->n++] = s;
	a->argv[a->n] = NULL;
	return 0;
}

static int arg(struct argv_buf *a, const char *s)
{
	return argf(a, "%s", s);
}

/* The isolation: no network, no capabilities, no privilege gain, read-only root, a small
 * tmpfs /tmp, inputs read-only, the output folder the only writable bind mount, the limits.
 * Nothing else is mounted or passed: no docker socket, no TPM device, no environment. */
static int build_argv(struct argv_buf *a, const struct run *x, const struct job_spec *s,
		      const char *name)
{
	int r = 0;

	r |= arg(a, x->o->docker_cli);
	r |= argf(a, "--host=unix://%s", x->o->docker_socket);
	r |= arg(a, "run");
	r |= arg(a, "--rm");
	r |= argf(a, "--name=%s", name);
	r |= arg(a, "--pull=never");
	r |= arg(a, "--network=none");
	r |= arg(a, "--read-only");
	r |= arg(a, "--tmpfs=/tmp:rw,nosuid,nodev,size=" JOB_TMPFS_SIZE);
	r |= arg(a, "--cap-drop=ALL");
	r |= arg(a, "--security-opt=no-new-privileges");
	r |= arg(a, "--ipc=private");
	r |= argf(a, "--memory=%um", s->memory_mb);
	r |= argf(a, "--memory-swap=%um", s->memory_mb);
	r |= argf(a, "--cpus=%u", s->cpus);
	r |= argf(a, "--pids-limit=%u", s->pids);
	for (size_t i = 0; i < s->n_inputs; i++)
		r |= argf(a, "--mount=type=bind,source=%s,target=/job/in/%s,readonly",
			  s->inputs[i].path, s->inputs[i].name);
	r |= argf(a, "--mount=type=bind,source=%s,target=/job/out", s->output);
	r |= arg(a, "--workdir=/job");
	r |= argf(a, "--entrypoint=%s", s->command[0]);
	r |= arg(a, x->res->image_id); /* by ID: what was checked is what runs */
	for (size_t i = 1; i < s->n_command; i++)
		r |= arg(a, s->command[i]);
	return r ? -E2BIG : 0;
}

static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		char *const env[] = {path, NULL};
		execve(argv[0], argv, env);
		_exit(127);
	}
	return pid;
}

/* docker kill NAME, waited for (the `docker run` client then returns). */
static void kill_container(const struct run *x, const char *name)
{
	struct argv_buf a __attribute__((cleanup(argv_buf_done))) = {};
	pid_t pid;

	if ((arg(&a, x->o->docker_cli) | argf(&a, "--host=unix://%s", x->o->docker_socket) |
	     arg(&a, "kill") | arg(&a, name)) != 0)
		return;
	pid = spawn(a.argv);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the container until it exits, the time limit passes (killed: "timeout") or the runner
 * is asked to stop (killed, -EINTR). */
static int run_stage(struct run *x, const struct job_spec *s)
{
	struct argv_buf a __attribute__((cleanup(argv_buf_done))) = {};
	struct sigaction sa = {.sa_handler = on_stop_signal}, old_term, old_int;
	char name[64];
	double deadline = now() + s->seconds;
	bool timed_out = false;
	int status = 0, r;
	pid_t pid;

	snprintf(name, sizeof(name), "bootproof-job-%ld", (long)getpid());
	r = build_argv(&a, x, s, name);
	if (r < 0)
		return errbuf_set(x->err, x->err_size, r, "docker command line too long");
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGINT, &sa, &old_int);
	pid = spawn(a.argv);
	if (pid < 0)
		return errbuf_set(x->err, x->err_size, -errno, "cannot start '%s'", a.argv[0]);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return errbuf_set(x->err, x->err_size, -errno, "waitpid");
		if (stop_requested || (!timed_out && now() > deadline)) {
			timed_out = !stop_requested;
			kill_container(x, name);
			if (stop_requested) {
				while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
					;
				return errbuf_set(x->err, x->err_size, -EINTR, "stopped by a signal: "
						  "container killed, the job stays incomplete");
			}
		}
		nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
	}
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGINT, &old_int, NULL);
	if (timed_out)
		snprintf(x->res->exit_word, sizeof(x->res->exit_word), "timeout");
	else if (WIFEXITED(status))
		snprintf(x->res->exit_word, sizeof(x->res->exit_word), "%d", WEXITSTATUS(status));
	else
		snprintf(x->res->exit_word, sizeof(x->res->exit_word), "killed");
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every top-level entry of the output folder, sorted by name, as an output record. A failure
 * leaves the job without its closing record: incomplete. */
static int outputs_stage(struct run *x, const struct job_spec *s, unsigned pcr)
{
	_cleanup_(freep) char **names = NULL;
	size_t n = 0;
	DIR *d = opendir(s->output);
	struct dirent *de;
	int r = 0;

	if (!d)
		return errbuf_set(x->err, x->err_size, -errno, "cannot list '%s'", s->output);
	while ((de = readdir(d))) {
		char **nn;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n >= JOB_MAX_COUNT) {
			r = errbuf_set(x->err, x->err_size, -E2BIG, "'%s': more than %u outputs",
				       s->output, JOB_MAX_COUNT);
			break;
		}
		nn = reallocarray(names, n + 1, sizeof(char *));
		if (!nn || !(nn[n] = strdup(de->d_name))) {
			names = nn ? nn : names;
			r = -ENOMEM;
			break;
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(char *), cmp_names);
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_(freep) char *path = NULL, *ev = NULL;
		struct runtime_measurement m;
		char msg[400];

		if (asprintf(&path, "%s/%s", s->output, names[i]) < 0) {
			path = NULL;
			r = -ENOMEM;
			break;
		}
		r = runtime_measure_path(path, &m, msg, sizeof(msg));
		if (r < 0) {
			r = errbuf_set(x->err, x->err_size, r, "output: %s", msg);
			break;
		}
		r = runtime_event_string(RUNTIME_OUTPUT, &m, "job-output", path, &ev);
		if (r < 0) {
			r = errbuf_set(x->err, x->err_size, r, "output '%s': cannot describe it (a "
				       "control character in its name?)", path);
			break;
		}
		r = extend(x, pcr, ev);
		if (r >= 0)
			x->res->n_outputs++;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return r;
}

static int load_measurements(const char *path, struct docker_image_set **ret, char *err,
			     size_t err_size)
{
	_cleanup_(freep) uint8_t *data = NULL;
	char msg[400];
	size_t len;
	int r = read_file_capped(path, MEASUREMENTS_MAX_SIZE, &data, &len);

	if (r < 0)
		return errbuf_set(err, err_size, r, "cannot read '%s'", path);
	r = measurements_parse(data, len, ret, msg, sizeof(msg));
	if (r < 0)
		return errbuf_set(err, err_size, r, "'%s': %s", path, msg);
	return 0;
}

int job_run(const struct job_run_options *o, struct job_result *ret, char *err,
	    size_t err_size)
{
	_cleanup_(docker_image_set_freep) struct docker_image_set *measured = NULL;
	_cleanup_(job_spec_freep) struct job_spec *s = NULL;
	_cleanup_(closep) int lock = -1;
	struct job_result res = {};
	struct run x = {.o = o, .res = &res, .err = err, .err_size = err_size};
	struct job_record rec = {};
	int r;

	r = take_lock(o->lock_path, &lock, err, err_size);
	if (r < 0)
		return r;
	/* What the run needs, before any record: the docker client and the image's own
	 * measurements (a broken file stops us here). */
	if (access(o->docker_cli, X_OK) < 0)
		return errbuf_set(err, err_size, -errno, "docker client '%s'", o->docker_cli);
	r = load_measurements(o->measurements_path, &measured, err, err_size);
	if (r < 0)
		return r;
	r = spec_stage(&x, &s);
	if (r == 0)
		r = container_stage(&x, s, measured);
	if (r == 0)
		r = inputs_stage(&x, s);
	if (r != 0) {
		if (r > 0)
			*ret = res;
		return r < 0 ? r : 0;
	}
	rec = (struct job_record){.type = JOB_RECORD_START, .count = res.n_inputs};
	r = extend_job_record(&x, JOB_INPUT_PCR, &rec);
	if (r >= 0)
		r = run_stage(&x, s);
	if (r < 0)
		return r;
	rec = (struct job_record){.type = JOB_RECORD_EXIT};
	snprintf(rec.word, sizeof(rec.word), "%s", res.exit_word);
	r = extend_job_record(&x, o->output_pcr, &rec);
	if (r >= 0)
		r = outputs_stage(&x, s, o->output_pcr);
	if (r < 0)
		return r;
	rec = (struct job_record){.type = JOB_RECORD_END, .count = res.n_outputs};
	r = extend_job_record(&x, o->output_pcr, &rec);
	if (r < 0)
		return r;
	*ret = res;
	return 0;
}
