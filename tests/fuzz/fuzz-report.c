/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the HTML report (measure/verbs/verify-html.c) with hostile bundles: the input is verified
 * (against a small in-memory golden manifest, no AK: the verdict can name any early failure and
 * quote the input's key paths) and rendered. Whatever the bytes, the page must keep its shape:
 * one style element, the CSP, and no markup from the input: every '<' opens one of the elements
 * verify-html.c writes itself (text such as "onerror" is fine: it is not markup). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure-attest.h"
#include "measure-eventlog.h"
#include "measure-verbs.h"

/* Every '<' starts "<name" or "</name" with name one of the page's own elements. */
static bool only_own_tags(const char *html)
{
	static const char *const own[] = {
		"!DOCTYPE html>", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3",
		"span", "p>", "code", "table", "tr", "th", "td", "br>", "small", "ul", "li",
	};
	for (const char *s = html; (s = strchr(s, '<')); s++) {
		const char *t = s[1] == '/' ? s + 2 : s + 1;
		bool ok = false;
		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]) && !ok; i++) {
			size_t n = strlen(own[i]);
			ok = strncmp(t, own[i], n) == 0 &&
			     (own[i][n - 1] == '>' || t[n] == '>' || t[n] == ' ');
		}
		if (!ok)
			return false;
	}
	return true;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t nonce[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	struct golden *g = golden_new();
	struct verify_options o = {.nonce = nonce, .nonce_size = sizeof(nonce),
				   .runtime_pcrs = (1u << 14) | (1u << 15)};
	json_t *v = NULL;
	char *html = NULL;
	size_t len;
	bool ok;

	if (!g)
		abort();
	g->banks[BANK_SHA256].present = true;
	for (unsigned p = 0; p < 8; p++)
		g->banks[BANK_SHA256].pcrs[p].present = true; /* value zero, no events */
	o.golden = g;
	if (attest_verify_bundle(data, size, "fuzz \"<b>\"", &o, &v, &ok) < 0)
		goto out;
	if (verify_html_render(&(struct verify_report){.verdict = v, .golden = g, .bundle = data,
						       .bundle_size = size,
						       .runtime_pcrs = o.runtime_pcrs},
			       &html, &len) < 0)
		goto out;
	if (strlen(html) != len || !only_own_tags(html) || count(html, "<style") != 1 ||
	    !strstr(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
			  "'none';"))
		abort();
out:
	free(html);
	json_decref(v);
	golden_free(g);
	return 0;
}
