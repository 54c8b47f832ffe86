/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tpm2_pcrread YAML values (pcr-yaml.h). Line-based on purpose: the output is flat and a full
 * YAML parser would accept far more than tpm2-tools ever writes. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "hexstr.h"
#include "pcr-yaml.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trims line[0..n) in place to [*start, *end). */
static void trim(const char *line, size_t n, size_t *start, size_t *end)
{
	size_t a = 0, e = n;
	while (a < e && is_space(line[a]))
		a++;
	while (e > a && is_space(line[e - 1]))
		e--;
	*start = a;
	*end = e;
}

static int parse_line(const char *s, size_t n, size_t lineno, int *bank, struct pcr_values *v,
		      char *errbuf, size_t errbuf_size)
{
	char word[16], hex[2 * DIGEST_MAX + 1];
	size_t i = 0, k;
	unsigned pcr = 0;
	enum bank b;

	if (n == 0 || s[0] == '#')
		return 0;
	/* "sha256:" */
	if (s[n - 1] == ':') {
		if (n - 1 >= sizeof(word))
			return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: not a bank name",
				     lineno);
		memcpy(word, s, n - 1);
		word[n - 1] = '\0';
		b = bank_from_name(word);
		if ((int)b < 0)
			return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: unknown bank \"%s\"",
				     lineno, word);
		*bank = (int)b;
		return 0;
	}
	/* "INDEX : 0xHEX" */
	if (*bank < 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: a PCR value before any bank",
			     lineno);
	for (k = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++) {
		if (k >= 2)
			return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: PCR index too long",
				     lineno);
		pcr = pcr * 10 + (unsigned)(s[i] - '0');
	}
	if (k == 0 || (k == 2 && s[i - 2] == '0') || pcr >= TPM2_PCR_COUNT)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: not a PCR index 0-%u",
			     lineno, TPM2_PCR_COUNT - 1);
	while (i < n && is_space(s[i]))
		i++;
	if (i >= n || s[i] != ':')
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: expected \"INDEX : VALUE\"",
			     lineno);
	i++;
	while (i < n && is_space(s[i]))
		i++;
	if (n - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		i += 2;
	b = (enum bank)*bank;
	if (n - i != 2 * bank_size(b))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG,
			     "line %zu: %s PCR %u: %zu hex digits, expected %zu", lineno,
			     bank_name(b), pcr, n - i, 2 * bank_size(b));
	memcpy(hex, s + i, n - i);
	hex[n - i] = '\0';
	if (hex_decode_exact(hex, bank_size(b), true, v->value[b][pcr]) < 0)
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: %s PCR %u: not hex", lineno,
			     bank_name(b), pcr);
	if (v->mask[b] & (1u << pcr))
		return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: %s PCR %u listed twice",
			     lineno, bank_name(b), pcr);
	v->mask[b] |= 1u << pcr;
	return 0;
}

int pcr_yaml_parse(const uint8_t *data, size_t len, struct pcr_values *ret, char *errbuf,
		   size_t errbuf_size)
{
	const char *p = (const char *)data;
	size_t off = 0, lineno = 0;
	int bank = -1, r;

	memset(ret, 0, sizeof(*ret));
	if (len > PCR_YAML_MAX_SIZE)
		return errbuf_set(errbuf, errbuf_size, -E2BIG, "larger than %u bytes", PCR_YAML_MAX_SIZE);
	while (off < len) {
		const char *nl = memchr(p + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (p + off)) : len - off, a, e;

		lineno++;
		if (n > PCR_YAML_MAX_LINE)
			return errbuf_set(errbuf, errbuf_size, -E2BIG, "line %zu: longer than %u bytes",
				     lineno, PCR_YAML_MAX_LINE);
		if (memchr(p + off, '\0', n))
			return errbuf_set(errbuf, errbuf_size, -EBADMSG, "line %zu: NUL byte", lineno);
		trim(p + off, n, &a, &e);
		r = parse_line(p + off + a, e - a, lineno, &bank, ret, errbuf, errbuf_size);
		if (r < 0)
			return r;
		off += n + (nl ? 1 : 0);
	}
	for (size_t b = 0; b < _BANK_MAX; b++)
		if (ret->mask[b])
			return 0;
	return errbuf_set(errbuf, errbuf_size, -EBADMSG, "no PCR values");
}
