/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The HTML report of `bootproof verify --html` (verify-html.h). The page is built with stdio
 * into a memory stream; every string that is not a constant of this file goes through
 * html_text(), which escapes the five HTML metacharacters and replaces control characters, so
 * bundle content can only ever be text. The bundle is parsed again here (bundle_parse(), the
 * verifier's capped parser) for the quoted values, the logs and the container list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fileio.h"
#include "hexstr.h"
#include "json.h"
#include "measure-attest.h"
#include "measure-eventlog.h"
#include "verify-html.h"

/* The only style the page may use: its SHA-256 goes into the CSP (style-src 'sha256-...'), so
 * no inline style attribute and no other <style> element would be applied. */
static const char page_css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#111}"
	"h1{font-size:1.4em;padding:.5em .7em;border-radius:4px}"
	"h1.ok{background:#d7f5dd;border:1px solid #2a7a3a}"
	"h1.fail{background:#fbdcdc;border:1px solid #a02020}"
	"h2{font-size:1.1em;margin-top:1.5em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
	"code{font-family:ui-monospace,monospace;font-size:.85em;word-break:break-all}"
	"td.pass{background:#eef9f0}td.fail{background:#fbe5e5}td.warn{background:#fff5d6}"
	"td.none{color:#666}";

/* Text content and attribute values: & < > " ' as entities, control characters as U+FFFD.
 * Bytes >= 0x80 are copied: jansson and the decoders hand over valid UTF-8, and the page
 * declares UTF-8. */
static void html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\n': case '\t': fputc(c, f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fputs("&#xfffd;", f);
			else
				fputc(c, f);
		}
	}
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* <tr><th>label</th><td>escaped value</td></tr>, "—" for NULL. */
static void row(FILE *f, const char *label, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td>", label);
	if (value)
		html_text(f, value);
	else
		fputs("&#8212;", f);
	fputs("</td></tr>\n", f);
}

static void code_hex(FILE *f, const uint8_t *d, size_t n)
{
	char h[2 * DIGEST_MAX + 1];
	hex_encode(d, MIN(n, (size_t)DIGEST_MAX), h);
	fprintf(f, "<code>%s</code>", h);
}

/* "sha256-<base64>" of the style sheet, for the CSP. */
static int css_hash(char ret[64])
{
	uint8_t d[32];
	int r = digest_buffer(BANK_SHA256, page_css, strlen(page_css), d);
	if (r < 0)
		return r;
	memcpy(ret, "sha256-", 7);
	EVP_EncodeBlock((unsigned char *)ret + 7, d, sizeof(d)); /* 44 chars + NUL */
	return 0;
}

static void section_verdict(FILE *f, const json_t *v)
{
	bool ok = json_is_true(json_object_get(v, "ok"));
	fprintf(f, "<h1 id=\"verdict\" class=\"%s\"><span id=\"verdict-word\">%s</span> "
		   "<span id=\"reason\">", ok ? "ok" : "fail", ok ? "VERIFIED" : "REFUSED");
	html_text(f, jstr(v, "reason"));
	fputs("</span>: <span id=\"detail\">", f);
	html_text(f, jstr(v, "detail"));
	fputs("</span></h1>\n<p>Bundle <code>", f);
	html_text(f, jstr(v, "bundle"));
	fputs("</code></p>\n", f);
}

/* verify --release: golden.json against the release's signed SHA256SUMS (verify-release.h). */
static void release_rows(FILE *f, const struct release_check *rc)
{
	if (!rc) {
		row(f, "signing key", "not checked: give verify --release DIR (the release folder) to "
				      "check golden.json against its signed SHA256SUMS");
		return;
	}
	row(f, "signing key SHA-256 (SubjectPublicKeyInfo)", rc->key_sha256);
	row(f, "SHA256SUMS signature", rc->signature_ok ? "verifies with that key" : "DOES NOT VERIFY");
	row(f, "golden.json SHA-256", rc->golden_sha256);
	row(f, "golden.json in the signed SHA256SUMS", rc->golden_listed ? "yes" : "NO");
}

static void section_release(FILE *f, const struct golden *g, const struct release_check *rc)
{
	char sde[32];
	fputs("<h2>Release</h2>\n<table id=\"release\">\n", f);
	row(f, "image", g->image_name);
	row(f, "version", g->image_version);
	row(f, "kernel", g->image_uname);
	row(f, "systemd-stub", g->systemd_stub);
	row(f, "platform", g->has_platform ? g->platform_name : NULL);
	row(f, "Secure Boot", g->secure_boot ? "enforced in the golden values" : "off");
	if (g->has_source_date_epoch) {
		snprintf(sde, sizeof(sde), "%llu", (unsigned long long)g->source_date_epoch);
		row(f, "SOURCE_DATE_EPOCH", sde);
	}
	if (g->has_disk_sha256) {
		fputs("<tr><th>disk SHA-256</th><td>", f);
		code_hex(f, g->disk_sha256, 32);
		fputs("</td></tr>\n", f);
	}
	release_rows(f, rc);
	fputs("</table>\n", f);
}

/* The logs of the bundle compared event by event with golden.json (NULL if they do not parse:
 * the verdict already says why). */
struct report_logs {
	struct evlog *fw;
	struct sdlog *sd;
	struct evlog_event *events;
	struct compare_result *cmp;
};

static void report_logs_done(struct report_logs *l)
{
	compare_result_free(l->cmp);
	free(l->events);
	evlog_free(l->fw);
	sdlog_free(l->sd);
}

static int report_logs_load(const struct bundle *b, const struct golden *g, struct report_logs *l)
{
	struct record_error e = {};
	size_t n = 0;
	int r;

	if (b->firmware_log.present &&
	    evlog_parse(b->firmware_log.data, b->firmware_log.size, &l->fw, &e) < 0)
		return 0;
	if (b->userspace_log.present &&
	    sdlog_parse(b->userspace_log.data, b->userspace_log.size, &l->sd, &e) < 0)
		return 0;
	if (!l->fw && !l->sd)
		return 0;
	r = evlog_merge(l->fw, l->sd, &l->events, &n);
	if (r < 0)
		return r;
	r = eventlog_compare(g, l->events, n, 0, &l->cmp);
	return r == -ENOMEM || r == -EIO ? r : 0;
}

static const struct compare_pcr *find_cmp(const struct report_logs *l, enum bank k, unsigned p)
{
	for (size_t i = 0; l->cmp && i < l->cmp->n_pcrs; i++)
		if (l->cmp->pcrs[i].bank == k && l->cmp->pcrs[i].pcr == p)
			return &l->cmp->pcrs[i];
	return NULL;
}

/* The first event where the bundle's log and golden.json part, in words. */
static void diff_cell(FILE *f, const struct compare_pcr *c)
{
	_cleanup_(freep) char *desc = NULL;
	char kind[64];

	fputs("<td>", f);
	if (!c || c->diff == COMPARE_DIFF_NONE) {
		fputs("</td>", f);
		return;
	}
	fprintf(f, "%s at event %zu of this PCR",
		compare_diff_to_string(c->diff), c->position);
	if (c->expected) {
		fputs("<br>golden: ", f);
		html_text(f, c->expected->type);
		fputs(" &#8220;", f);
		html_text(f, c->expected->description);
		fputs("&#8221; ", f);
		code_hex(f, c->expected->digest, bank_size(c->bank));
	}
	if (c->found) {
		fprintf(f, "<br>log (%s record %zu, offset %zu): ",
			c->found->source == EVLOG_SOURCE_FIRMWARE ? "firmware" : "userspace",
			c->found->index, c->found->offset);
		html_text(f, evlog_event_kind(c->found, kind));
		if (evlog_event_describe(c->found, &desc) >= 0) {
			fputs(" &#8220;", f);
			html_text(f, desc);
			fputs("&#8221;", f);
		}
		if (c->found->digest[c->bank]) {
			fputc(' ', f);
			code_hex(f, c->found->digest[c->bank], bank_size(c->bank));
		}
	}
	fputs("</td>", f);
}

/* The rule and result cells of one golden PCR: the verdict's own judgement if it has one
 * (format 2 rules), otherwise the quoted value against the value and the phases. */
static void judge_cells(FILE *f, const json_t *v, const struct golden_pcr *g, enum bank k,
			unsigned p, const struct bundle *b, bool runtime)
{
	char key[16];
	const json_t *rule;
	const uint8_t *q;

	snprintf(key, sizeof(key), "%s:%u", bank_name(k), p);
	rule = json_object_get(json_object_get(v, "pcr_rules"), key);
	if (runtime) {
		fputs("<td>runtime</td><td class=\"none\">replayed from the runtime log</td>", f);
		return;
	}
	if (!b || !(b->pcrs.mask[k] & (1u << p))) {
		fprintf(f, "<td>%s</td><td class=\"fail\">not quoted</td>",
			g->status ? pcr_status_to_string(g->status) : "exact");
		return;
	}
	if (rule) {
		const char *o = jstr(rule, "outcome");
		fputs("<td>", f);
		html_text(f, jstr(rule, "rule"));
		fprintf(f, "</td><td class=\"%s\">", o && !strcmp(o, "pass") ? "pass"
						    : o && !strcmp(o, "fail") ? "fail"
						    : o && !strcmp(o, "warn") ? "warn" : "none");
		html_text(f, o);
		fputs("</td>", f);
		return;
	}
	q = b->pcrs.value[k][p];
	if (memcmp(q, g->value, bank_size(k)) == 0) {
		fputs("<td>exact</td><td class=\"pass\">match</td>", f);
		return;
	}
	for (size_t i = 0; i < g->n_phases; i++)
		if (memcmp(q, g->phases[i].value, bank_size(k)) == 0) {
			fputs("<td>exact</td><td class=\"pass\">match at phase ", f);
			html_text(f, g->phases[i].phase);
			fputs("</td>", f);
			return;
		}
	fputs("<td>exact</td><td class=\"fail\">mismatch</td>", f);
}

static void pcr_row(FILE *f, const struct verify_report *r, const struct bundle *b,
		    const struct report_logs *l, enum bank k, unsigned p)
{
	const struct golden_pcr *g = r->golden->banks[k].present ? &r->golden->banks[k].pcrs[p]
								  : NULL;
	bool quoted = b && (b->pcrs.mask[k] & (1u << p));

	if (!(g && g->present) && !quoted)
		return;
	fprintf(f, "<tr><td>%u</td><td>", p);
	if (g && g->present && !g->no_value)
		code_hex(f, g->value, bank_size(k));
	fputs("</td><td>", f);
	if (quoted)
		code_hex(f, b->pcrs.value[k][p], bank_size(k));
	else
		fputs("not quoted", f);
	fputs("</td>", f);
	if (g && g->present)
		judge_cells(f, r->verdict, g, k, p, b, r->runtime_pcrs & (1u << p));
	else if (r->runtime_pcrs & (1u << p))
		fputs("<td>runtime</td><td class=\"none\">replayed from the runtime log</td>", f);
	else
		fputs("<td>not golden</td><td class=\"none\">reported, not judged</td>", f);
	diff_cell(f, g && g->present ? find_cmp(l, k, p) : NULL);
	fputs("</tr>\n", f);
}

static void section_pcrs(FILE *f, const struct verify_report *r, const struct bundle *b,
			 const struct report_logs *l)
{
	fputs("<h2>PCRs</h2>\n", f);
	if (!b)
		fputs("<p>The bundle does not parse: no quoted values to show.</p>\n", f);
	for (enum bank k = 0; k < _BANK_MAX; k++) {
		if (!r->golden->banks[k].present && !(b && b->pcrs.mask[k]))
			continue;
		fprintf(f, "<h3>%s</h3>\n<table class=\"pcrs\" id=\"pcrs-%s\">\n<tr><th>PCR</th>"
			   "<th>golden</th><th>quoted</th><th>rule</th><th>result</th>"
			   "<th>first differing event (log vs golden.json)</th></tr>\n",
			bank_name(k), bank_name(k));
		for (unsigned p = 0; p < TPM2_PCR_COUNT; p++)
			pcr_row(f, r, b, l, k, p);
		fputs("</table>\n", f);
	}
}

/* A JSON scalar as text ("—" when absent): strings as they are, numbers and booleans printed. */
static void row_json(FILE *f, const char *label, const json_t *j)
{
	char num[32];

	if (json_is_integer(j)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(j));
		row(f, label, num);
	} else if (json_is_boolean(j))
		row(f, label, json_is_true(j) ? "yes" : "no");
	else
		row(f, label, json_string_value(j));
}

/* The cloud's AK certificate (verify --ak-ca): what it was checked against and who it names. */
static void ak_certificate_rows(FILE *f, const json_t *cert)
{
	const json_t *anchor = json_object_get(cert, "anchor"), *gce = json_object_get(cert, "gce");
	static const char *const gce_keys[] = {"project_id", "project_number", "zone", "instance_name",
					       "instance_id", "is_production", "security_version"};

	row(f, "certificate subject", jstr(cert, "subject"));
	row(f, "certificate issuer", jstr(cert, "issuer"));
	row(f, "valid from", jstr(cert, "not_before"));
	row(f, "valid until", jstr(cert, "not_after"));
	row(f, "pinned root", jstr(anchor, "subject"));
	row(f, "root source", jstr(anchor, "source"));
	row(f, "root SHA-256", jstr(anchor, "sha256"));
	if (!gce)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(gce_keys); i++) {
		char label[48];
		snprintf(label, sizeof(label), "GCE %s", gce_keys[i]);
		row_json(f, label, json_object_get(gce, gce_keys[i]));
	}
}

static void section_ak(FILE *f, const json_t *v)
{
	const json_t *ak = json_object_get(v, "ak"), *q = json_object_get(v, "quote");
	const json_t *cert = json_object_get(ak, "certificate");
	fputs("<h2>Attestation key</h2>\n<table id=\"ak\">\n", f);
	row(f, "trust", jstr(ak, "trust"));
	row(f, "AK name", jstr(ak, "name"));
	row(f, "EK certificate", jstr(ak, "ek_certificate"));
	row(f, "quote signer", jstr(q, "qualified_signer"));
	row(f, "bundle binding", jstr(v, "binding"));
	if (json_is_object(cert))
		ak_certificate_rows(f, cert);
	fputs("</table>\n", f);
}

/* Both forms of container_measurements.json: bootproof's ({"images": [{"tags", "id"}...]}) and
 * the AICert map ({"@local/NAME:TAG": "sha256:ID"}). */
static void container_rows(FILE *f, json_t *cm)
{
	const json_t *images = json_object_get(cm, "images"), *img, *tag;
	const char *name;
	size_t i, t;
	json_t *d;

	if (json_is_array(images)) {
		json_array_foreach(images, i, img) {
			json_array_foreach(json_object_get(img, "tags"), t, tag)
				row(f, "image", json_string_value(tag));
			row(f, "image ID", jstr(img, "id"));
		}
		return;
	}
	json_object_foreach(cm, name, d)
		row(f, "image", name), row(f, "digest", json_string_value(d));
}

/* The bundle's container measurements: {"image": "digest", ...} if it is such an object. */
static void section_containers(FILE *f, const json_t *v, const struct bundle *b)
{
	_cleanup_(json_decrefp) json_t *cm = NULL;
	char err[128];

	fputs("<h2>Containers</h2>\n<table id=\"containers\">\n", f);
	row(f, "measurements (SHA-256 of the file)", jstr(v, "container_measurements_sha256"));
	if (b && b->container_measurements.present &&
	    json_parse_capped(b->container_measurements.data, b->container_measurements.size,
			      BUNDLE_MAX_CONTAINERS, 8, &cm, err, sizeof(err)) >= 0 &&
	    json_is_object(cm))
		container_rows(f, cm);
	fputs("</table>\n", f);
}

static void runtime_rows(FILE *f, const json_t *list, const char *kind)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		fprintf(f, "<tr><td>%s</td><td>%lld</td><td>", kind,
			json_integer_value(json_object_get(e, "pcr")));
		html_text(f, jstr(e, "type"));
		fputs("</td><td>", f);
		html_text(f, jstr(e, "path"));
		fputs("</td><td>", f);
		html_text(f, jstr(e, "label"));
		fputs("</td><td><code>", f);
		html_text(f, jstr(e, "sha256"));
		fputs("</code></td></tr>\n", f);
	}
}

static void section_runtime(FILE *f, const json_t *v)
{
	const json_t *rt = json_object_get(v, "runtime"), *ws = json_object_get(v, "warnings"), *w;
	size_t i;

	fputs("<h2>Runtime inputs and outputs</h2>\n", f);
	if (!rt)
		fputs("<p>Not checked: the verification stopped before the runtime records.</p>\n",
		      f);
	else {
		fputs("<table id=\"runtime\">\n<tr><th>kind</th><th>PCR</th><th>type</th><th>path"
		      "</th><th>label</th><th>SHA-256</th></tr>\n", f);
		runtime_rows(f, json_object_get(rt, "inputs"), "input");
		runtime_rows(f, json_object_get(rt, "outputs"), "output");
		fputs("</table>\n", f);
	}
	if (json_array_size(ws) == 0)
		return;
	fputs("<h2>Warnings</h2>\n<ul id=\"warnings\">\n", f);
	json_array_foreach(ws, i, w) {
		fputs("<li>", f);
		html_text(f, json_string_value(w));
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

/* Measured jobs (docs/jobs.md): what ran, in which container, on what, and how it ended. */
static void job_files(FILE *f, const json_t *list, const char *kind)
{
	const json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		fprintf(f, "<tr><th>%s</th><td>", kind);
		html_text(f, jstr(e, "path"));
		fputs(" <code>", f);
		html_text(f, jstr(e, "sha256"));
		fputs("</code></td></tr>\n", f);
	}
}

static void section_jobs(FILE *f, const json_t *v)
{
	const json_t *jobs = json_object_get(v, "jobs"), *j;
	size_t i;

	if (json_array_size(jobs) == 0)
		return;
	fputs("<h2>Jobs</h2>\n", f);
	json_array_foreach(jobs, i, j) {
		const json_t *c = json_object_get(j, "container");
		fprintf(f, "<table class=\"job\" id=\"job-%zu\">\n", i + 1);
		row(f, "status", jstr(j, "status"));
		row(f, "refused because", jstr(j, "refused"));
		row_json(f, "exit status", json_object_get(j, "exit"));
		row(f, "spec SHA-256", jstr(json_object_get(j, "spec"), "sha256"));
		row(f, "container", jstr(c, "tag"));
		row(f, "container ID", jstr(c, "id"));
		row_json(f, "in the release's measurements", json_object_get(c, "in_release"));
		job_files(f, json_object_get(j, "inputs"), "input");
		job_files(f, json_object_get(j, "outputs"), "output");
		fputs("</table>\n", f);
	}
}

static int render(FILE *f, const struct verify_report *r)
{
	_cleanup_(bundle_freep) struct bundle *b = NULL;
	_cleanup_(report_logs_done) struct report_logs l = {};
	char err[320], hash[64];
	int k;

	k = css_hash(hash);
	if (k < 0)
		return k;
	if (bundle_parse(r->bundle, r->bundle_size, &b, err, sizeof(err)) == -ENOMEM)
		return -ENOMEM;
	if (b && (k = report_logs_load(b, r->golden, &l)) < 0)
		return k;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src '%s'; base-uri 'none'; form-action 'none'\">\n"
		   "<meta name=\"referrer\" content=\"no-referrer\">\n"
		   "<title>bootproof verdict</title>\n<style>%s</style>\n</head>\n<body>\n",
		hash, page_css);
	section_verdict(f, r->verdict);
	section_release(f, r->golden, r->release);
	section_pcrs(f, r, b, &l);
	section_ak(f, r->verdict);
	section_containers(f, r->verdict, b);
	section_jobs(f, r->verdict);
	section_runtime(f, r->verdict);
	fprintf(f, "<p><small>bootproof %s</small></p>\n</body>\n</html>\n", BOOTPROOF_VERSION);
	return 0;
}

int verify_html_render(const struct verify_report *r, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int k;

	if (!f)
		return -ENOMEM;
	k = render(f, r);
	if (fclose(f) != 0 && k == 0)
		k = -ENOMEM;
	if (k < 0) {
		free(buf);
		return k;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

int verify_html_write(const char *path, const struct verify_report *r)
{
	_cleanup_(freep) char *html = NULL;
	size_t len;
	int k = verify_html_render(r, &html, &len);
	if (k < 0)
		return k;
	return write_file_atomic(path, html, len);
}
