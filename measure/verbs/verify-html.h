/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `bootproof verify --html FILE`: the verdict of one bundle as one self-contained, offline HTML
 * page for people (docs/attest.md "The HTML report"): the verdict and its reason first, the
 * release, a PCR table per bank (golden, quoted, rule, result, the first event where the log
 * and golden.json part), AK trust, containers and runtime records. Every string is escaped;
 * the page loads nothing and its Content-Security-Policy allows only its own style sheet. */
#pragma once

#include "verify-release.h"

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "measure-eventlog.h"

struct verify_report {
	const json_t *verdict;        /* attest_verify_bundle()'s verdict */
	const struct golden *golden;  /* the manifest it was judged against */
	const uint8_t *bundle;        /* the bundle's bytes (untrusted: parsed again, capped) */
	size_t bundle_size;
	uint32_t runtime_pcrs;        /* verify --runtime-pcrs */
	const struct release_check *release; /* verify --release, or NULL */
};

/* The page as a malloc'd NUL-terminated string. -ENOMEM, -EIO. */
int verify_html_render(const struct verify_report *r, char **ret, size_t *ret_len);
/* ... written atomically to path. */
int verify_html_write(const char *path, const struct verify_report *r);
