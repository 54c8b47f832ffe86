/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TCG event-log parser, systemd JSON-SEQ parser, replay, compare, profile and decoding, on
 * synthetic logs (tests/lib/evlog-builder). Expected PCR values come from pcr-spec.md §1.2
 * (computed there with Python hashlib, and matching real logs) or from the tpm2-tools fixture
 * YAML, never from bootproof itself. */
#include <string.h>

#include "digest.h"
#include "evlog-builder.h"
#include "hexstr.h"
#include "json.h"
#include "measure-eventlog.h"
#include "measure-golden.h"
#include "measure-platform.h"
#include "test.h"

static const uint8_t sep[4] = {0, 0, 0, 0};
static const char act_calling[] = "Calling EFI Application from Boot Option";
static const char ebs_inv[] = "Exit Boot Services Invocation";
static const char ebs_ok[] = "Exit Boot Services Returned with Success";

static void assert_hex(const uint8_t *v, size_t n, const char *want)
{
	char hex[2 * DIGEST_MAX + 1];
	hex_encode(v, n, hex);
	ASSERT_STREQ(hex, want);
}

/* "d15b0e8e…f319": the abbreviated values of pcr-spec.md, compared on both ends. */
static void assert_hex_ends(const uint8_t *v, size_t n, const char *head, const char *tail)
{
	char hex[2 * DIGEST_MAX + 1];
	hex_encode(v, n, hex);
	ASSERT_TRUE(strncmp(hex, head, strlen(head)) == 0);
	ASSERT_STREQ(hex + strlen(hex) - strlen(tail), tail);
}

/* A crypto-agile log with the known composites of pcr-spec.md §1.2. */
static void build_known(struct evlog_builder *b, unsigned banks)
{
	evb_init(b);
	evb_spec_id_banks(b, banks);
	evb_event(b, 4, EV_EFI_ACTION, act_calling, strlen(act_calling));
	for (uint32_t p = 0; p <= 6; p++)
		evb_event(b, p, EV_SEPARATOR, sep, 4);
	evb_event(b, 5, EV_EFI_ACTION, ebs_inv, strlen(ebs_inv));
	evb_event(b, 5, EV_EFI_ACTION, ebs_ok, strlen(ebs_ok));
	ASSERT_TRUE(!b->oom);
}

TEST(known_composites)
{
	struct evlog_builder b;
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	struct replay_pcrs r;

	build_known(&b, BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256) | BANK_MASK(BANK_SHA384));
	ASSERT_OK(evlog_parse(b.buf, b.len, &log, NULL));
	ASSERT_EQ(log->format, EVLOG_FORMAT_CRYPTO_AGILE);
	ASSERT_EQ(log->n_events, 11);
	ASSERT_EQ(log->banks, BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256) | BANK_MASK(BANK_SHA384));
	ASSERT_OK(replay_log(log, NULL, 0, &r));
	/* pcr-spec.md §1.2 composites (sha256) */
	assert_hex(r.value[BANK_SHA256][2], 32,
		   "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969");
	assert_hex(r.value[BANK_SHA256][4], 32,
		   "7a94ffe8a7729a566d3d3c577fcb4b6b1e671f31540375f80eae6382ab785e35");
	assert_hex(r.value[BANK_SHA256][5], 32,
		   "a5ceb755d043f32431d63e39f5161464620a3437280494b5850dc1b47cc074e0");
	/* sha1 of one separator: tpm2-tools fixture event-gce-ubuntu-2104-log.bin.yaml PCR 2 */
	assert_hex(r.value[BANK_SHA1][2], 20, "b2a83b0ebf2f8374299a5b2bdfc31ea955ad7236");
	/* sha384 of one separator: same fixture, PCR 2 */
	assert_hex(r.value[BANK_SHA384][3], 48,
		   "518923b0f955d08da077c96aaba522b9decede61c599cea6c41889cfbea4ae4d50529d96fe4d1afdafb65e7f95bf23c4");
	ASSERT_EQ(r.extended[BANK_SHA256], 0x7f);
	ASSERT_EQ(r.startup_locality, -1);
	/* Unextended PCRs: 16 and 23 zero, 17-22 all ones, as swtpm 0.7.1 + tpm2_pcrread show
	 * them right after TPM2_Startup(CLEAR). */
	for (unsigned p = 16; p <= 23; p++)
		for (size_t i = 0; i < 32; i++)
			ASSERT_EQ(r.value[BANK_SHA256][p][i], p >= 17 && p <= 22 ? 0xff : 0);
	evb_done(&b);
}

static void expect_locality(uint8_t loc, bool hcrtm)
{
	struct evlog_builder b;
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	struct replay_pcrs r;
	uint8_t v[32] = {}, d[32], buf[64];

	evb_init(&b);
	evb_spec_id_banks(&b, BANK_MASK(BANK_SHA256));
	if (hcrtm)
		evb_event(&b, 0, EV_EFI_HCRTM_EVENT, "HCRTM", 5);
	else
		evb_startup_locality(&b, loc);
	evb_event(&b, 0, EV_SEPARATOR, sep, 4);
	ASSERT_OK(evlog_parse(b.buf, b.len, &log, NULL));
	ASSERT_OK(replay_log(log, NULL, 0, &r));
	/* TPM 2.0 Part 1 §34.3 / PFP §10.4.5.3: PCR 0 = 00..00||locality before the extends;
	 * recomputed here with OpenSSL one-shot digests, independent of replay.c. */
	v[31] = hcrtm ? 4 : loc;
	if (hcrtm) {
		ASSERT_OK(digest_buffer(BANK_SHA256, "HCRTM", 5, d));
		memcpy(buf, v, 32);
		memcpy(buf + 32, d, 32);
		ASSERT_OK(digest_buffer(BANK_SHA256, buf, 64, v));
	}
	ASSERT_OK(digest_buffer(BANK_SHA256, sep, 4, d));
	memcpy(buf, v, 32);
	memcpy(buf + 32, d, 32);
	ASSERT_OK(digest_buffer(BANK_SHA256, buf, 64, v));
	ASSERT_MEMEQ(r.value[BANK_SHA256][0], v, 32);
	ASSERT_EQ(r.hcrtm, hcrtm);
	if (!hcrtm)
		ASSERT_EQ(r.startup_locality, loc);
	evb_done(&b);
}

TEST(startup_locality_3_4_hcrtm)
{
	expect_locality(3, false);
	expect_locality(4, false);
	expect_locality(0, true);
}

TEST(startup_locality_out_of_place)
{
	struct evlog_builder b;
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	struct replay_pcrs r;

	evb_init(&b);
	evb_spec_id_banks(&b, BANK_MASK(BANK_SHA256));
	evb_event(&b, 0, EV_SEPARATOR, sep, 4);
	evb_startup_locality(&b, 3); /* after PCR 0 was extended: impossible */
	ASSERT_OK(evlog_parse(b.buf, b.len, &log, NULL));
	ASSERT_ERR(replay_log(log, NULL, 0, &r), -EBADMSG);
	evb_done(&b);
}

TEST(legacy_sha1)
{
	struct evlog_builder b;
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	struct replay_pcrs r;

	evb_init(&b);
	evb_legacy(&b, 0, EV_S_CRTM_VERSION, "\0\0", 2);
	evb_legacy(&b, 2, EV_SEPARATOR, sep, 4);
	evb_legacy(&b, 2, EV_NO_ACTION, "whatever", 8);
	ASSERT_OK(evlog_parse(b.buf, b.len, &log, NULL));
	ASSERT_EQ(log->format, EVLOG_FORMAT_LEGACY_SHA1);
	ASSERT_EQ(log->banks, BANK_MASK(BANK_SHA1));
	ASSERT_EQ(log->n_events, 3);
	ASSERT_OK(replay_log(log, NULL, 0, &r));
	/* the same sha1 value as above (tpm2-tools GCE fixture, PCR 2) */
	assert_hex(r.value[BANK_SHA1][2], 20, "b2a83b0ebf2f8374299a5b2bdfc31ea955ad7236");
	ASSERT_EQ(r.n_events[2], 1);
	evb_done(&b);
}

TEST(padding_tails)
{
	struct evlog_builder b;
	for (int fill = 0; fill < 3; fill++) {
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		uint8_t pad[37];
		build_known(&b, BANK_MASK(BANK_SHA256));
		size_t len = b.len;
		memset(pad, fill == 0 ? 0x00 : fill == 1 ? 0xff : 0x00, sizeof(pad));
		if (fill == 2)
			pad[20] = 0x01; /* not padding: garbage */
		evb_bytes(&b, pad, sizeof(pad));
		if (fill < 2) {
			ASSERT_OK(evlog_parse(b.buf, b.len, &log, NULL));
			ASSERT_EQ(log->n_events, 11);
			ASSERT_EQ(log->padding, sizeof(pad));
			ASSERT_EQ(log->size, len);
		} else
			ASSERT_ERR(evlog_parse(b.buf, b.len, &log, NULL), -EBADMSG);
		evb_done(&b);
	}
}

/* Offsets of every record start in a parsed log, plus the end. */
TEST(truncation_sweep)
{
	struct evlog_builder b;
	_cleanup_(evlog_freep) struct evlog *full = NULL;

	build_known(&b, BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256));
	ASSERT_OK(evlog_parse(b.buf, b.len, &full, NULL));
	for (size_t len = 0; len < b.len; len++) {
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		struct record_error e = {};
		/* Exact-size copy so ASan catches a read past the end. */
		uint8_t *copy = malloc(len ? len : 1);
		ASSERT_TRUE(copy);
		memcpy(copy, b.buf, len);
		int r = evlog_parse(copy, len, &log, &e);
		size_t boundary = 0, whole = 0;
		for (size_t i = 0; i < full->n_events; i++) {
			size_t end = i + 1 < full->n_events ? full->events[i + 1].offset : b.len;
			if (end <= len) {
				whole = i + 1;
				boundary = end;
			}
		}
		if (r == 0) {
			/* Only a cut at a record boundary, or within the zero PCR index of the
			 * next record (indistinguishable from zero padding), parses. */
			ASSERT_EQ(log->n_events, whole);
			ASSERT_TRUE(len - boundary <= 4);
		} else {
			ASSERT_ERR(r, -EBADMSG);
			ASSERT_TRUE(e.what[0] != '\0');
			ASSERT_TRUE(len == 0 || e.offset <= len);
		}
		free(copy);
	}
	evb_done(&b);
}

/* Overwrite the u32 at off with v and parse. */
static int parse_with_u32(const struct evlog_builder *b, size_t off, uint32_t v)
{
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	uint8_t *copy = malloc(b->len);
	int r;
	ASSERT_TRUE(copy);
	memcpy(copy, b->buf, b->len);
	for (int i = 0; i < 4; i++)
		copy[off + (size_t)i] = (uint8_t)(v >> (8 * i));
	r = evlog_parse(copy, b->len, &log, NULL);
	free(copy);
	return r;
}

TEST(field_mutations)
{
	struct evlog_builder b;
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	const uint32_t vals[] = {0, 1, UINT32_MAX, UINT32_MAX - 1, 0x1000000, 0x1000001};

	build_known(&b, BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256));
	ASSERT_OK(evlog_parse(b.buf, b.len, &log, NULL));
	const struct evlog_event *ev = &log->events[1]; /* the action event */
	size_t off = ev->offset, hdr_count = 32 + 16 + 4 + 4; /* numberOfAlgorithms */

	/* PCR index */
	ASSERT_ERR(parse_with_u32(&b, off, 24), -EBADMSG);
	ASSERT_ERR(parse_with_u32(&b, off, UINT32_MAX), -EBADMSG);
	/* DigestCount: 0, more than the header, more than the cap */
	ASSERT_ERR(parse_with_u32(&b, off + 8, 0), -EBADMSG);
	ASSERT_ERR(parse_with_u32(&b, off + 8, 3), -EBADMSG);
	ASSERT_ERR(parse_with_u32(&b, off + 8, EVLOG_MAX_DIGESTS + 1), -E2BIG);
	ASSERT_ERR(parse_with_u32(&b, off + 8, UINT32_MAX), -E2BIG);
	/* EventSize (after count + 2 x (alg + digest)) */
	size_t esz = off + 12 + 2 + 20 + 2 + 32;
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		int r = parse_with_u32(&b, esz, vals[i]);
		ASSERT_TRUE(r == -EBADMSG || r == -E2BIG);
	}
	ASSERT_ERR(parse_with_u32(&b, esz, (uint32_t)EVLOG_MAX_EVENT_SIZE + 1), -E2BIG);
	/* numberOfAlgorithms of the header */
	ASSERT_ERR(parse_with_u32(&b, hdr_count, 0), -EBADMSG);
	ASSERT_ERR(parse_with_u32(&b, hdr_count, EVLOG_MAX_ALGORITHMS + 1), -E2BIG);
	ASSERT_ERR(parse_with_u32(&b, hdr_count, UINT32_MAX), -E2BIG);
	ASSERT_ERR(parse_with_u32(&b, hdr_count, 3), -EBADMSG);
	/* the header's own EventSize */
	ASSERT_ERR(parse_with_u32(&b, 28, 1), -EBADMSG);
	ASSERT_ERR(parse_with_u32(&b, 28, UINT32_MAX), -E2BIG);
	evb_done(&b);
}

TEST(algorithms)
{
	struct evlog_builder b;
	uint8_t d1[64] = {}, d2[64] = {};
	const uint8_t *dd[2] = {d1, d2};

	/* unknown algorithm ID in the header: fail closed */
	{
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		uint16_t alg[] = {0x000b, 0x0099}, size[] = {32, 32};
		evb_init(&b);
		evb_spec_id(&b, 2, alg, size);
		ASSERT_ERR(evlog_parse(b.buf, b.len, &log, NULL), -EOPNOTSUPP);
		evb_done(&b);
	}
	/* SM3_256 is carried but not replayed */
	{
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		uint16_t alg[] = {0x000b, 0x0012}, size[] = {32, 32};
		evb_init(&b);
		evb_spec_id(&b, 2, alg, size);
		evb_event(&b, 2, EV_SEPARATOR, sep, 4);
		ASSERT_OK(evlog_parse(b.buf, b.len, &log, NULL));
		ASSERT_EQ(log->banks, BANK_MASK(BANK_SHA256));
		ASSERT_EQ(log->events[1].n_other_digests, 1);
		evb_done(&b);
	}
	/* a known algorithm with the wrong size; a repeated algorithm */
	{
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		uint16_t alg[] = {0x000b}, size[] = {20};
		evb_init(&b);
		evb_spec_id(&b, 1, alg, size);
		ASSERT_ERR(evlog_parse(b.buf, b.len, &log, NULL), -EBADMSG);
		evb_done(&b);
	}
	{
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		uint16_t alg[] = {0x000b, 0x000b}, size[] = {32, 32};
		evb_init(&b);
		evb_spec_id(&b, 2, alg, size);
		ASSERT_ERR(evlog_parse(b.buf, b.len, &log, NULL), -EBADMSG);
		evb_done(&b);
	}
	/* an event repeating an algorithm, and one naming an algorithm not in the header */
	{
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		uint16_t alg[] = {0x000b, 0x000c}, size[] = {32, 48};
		evb_init(&b);
		evb_spec_id(&b, 2, alg, size);
		b.alg[1] = 0x000b; /* the builder now writes sha256 twice */
		b.size[1] = 32;
		evb_event_digests(&b, 1, EV_SEPARATOR, 2, dd, sep, 4);
		ASSERT_ERR(evlog_parse(b.buf, b.len, &log, NULL), -EBADMSG);
		evb_done(&b);
	}
	{
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		uint16_t alg[] = {0x000b}, size[] = {32};
		evb_init(&b);
		evb_spec_id(&b, 1, alg, size);
		b.alg[0] = 0x000d;
		b.size[0] = 64;
		evb_event_digests(&b, 1, EV_SEPARATOR, 1, dd, sep, 4);
		ASSERT_ERR(evlog_parse(b.buf, b.len, &log, NULL), -EBADMSG);
		evb_done(&b);
	}
	/* fewer digests than algorithms (as tpm2-tools' fixtures): that bank is incomplete */
	{
		_cleanup_(evlog_freep) struct evlog *log = NULL;
		struct replay_pcrs r;
		uint16_t alg[] = {0x000b, 0x000c}, size[] = {32, 48};
		evb_init(&b);
		evb_spec_id(&b, 2, alg, size);
		ASSERT_OK(digest_buffer(BANK_SHA256, sep, 4, d1));
		evb_event_digests(&b, 2, EV_SEPARATOR, 1, dd, sep, 4);
		ASSERT_OK(evlog_parse(b.buf, b.len, &log, NULL));
		ASSERT_OK(replay_log(log, NULL, 0, &r));
		ASSERT_EQ(r.incomplete[BANK_SHA384], 1u << 2);
		ASSERT_EQ(r.incomplete[BANK_SHA256], 0);
		assert_hex(r.value[BANK_SHA256][2], 32,
			   "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969");
		_cleanup_(json_decrefp) json_t *j = replay_to_json(&r, false);
		ASSERT_TRUE(j);
		ASSERT_TRUE(json_object_get(json_object_get(json_object_get(j, "banks"), "sha384"),
					    "2") == NULL);
		evb_done(&b);
	}
}

TEST(empty_and_tiny)
{
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	uint8_t z[40] = {};
	ASSERT_ERR(evlog_parse(z, 0, &log, NULL), -EBADMSG);
	ASSERT_ERR(evlog_parse(z, 31, &log, NULL), -EBADMSG);
	/* one all-zero legacy record (EV_PREBOOT_CERT, no data): valid */
	ASSERT_OK(evlog_parse(z, 32, &log, NULL));
	ASSERT_EQ(log->n_events, 1);
}

/* ---- systemd JSON-SEQ ---- */

TEST(sdlog_phases)
{
	struct evlog_builder fw, sd;
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	_cleanup_(sdlog_freep) struct sdlog *s = NULL;
	struct replay_pcrs r;
	const char *phases[] = {"enter-initrd", "leave-initrd", "sysinit", "ready"};
	/* pcr-spec.md §1.2: PCR 11 phase chain from zero, sha256, abbreviated there */
	const char *heads[] = {"d15b0e8e", "75df9c8b", "4a73d241", "38d2047d"};
	const char *tails[] = {"f319", "c207", "4504", "531e"};

	evb_init(&fw);
	evb_spec_id_banks(&fw, BANK_MASK(BANK_SHA256));
	evb_event(&fw, 2, EV_SEPARATOR, sep, 4);
	ASSERT_OK(evlog_parse(fw.buf, fw.len, &log, NULL));
	for (size_t n = 0; n < ARRAY_SIZE(phases); n++) {
		_cleanup_(sdlog_freep) struct sdlog *t = NULL;
		evb_init(&sd);
		for (size_t i = 0; i <= n; i++)
			evb_sd_record(&sd, 11, BANK_MASK(BANK_SHA256) | BANK_MASK(BANK_SHA1), phases[i],
				      "phase");
		ASSERT_OK(sdlog_parse(sd.buf, sd.len, &t, NULL));
		ASSERT_EQ(t->n_records, n + 1);
		ASSERT_STREQ(t->records[n].string, phases[n]);
		ASSERT_STREQ(t->events[n].sd_event_type, "phase");
		ASSERT_STREQ(t->records[0].content_type, "systemd");
		ASSERT_OK(replay_log(log, t, 0, &r));
		assert_hex_ends(r.value[BANK_SHA256][11], 32, heads[n], tails[n]);
		evb_done(&sd);
	}
	/* enter-initrd alone (pcr-spec.md §1.2 digest table) */
	evb_init(&sd);
	evb_sd_record(&sd, 11, BANK_MASK(BANK_SHA256), "enter-initrd", "phase");
	ASSERT_OK(sdlog_parse(sd.buf, sd.len, &s, NULL));
	assert_hex(s->events[0].digest[BANK_SHA256], 32,
		   "51e6b92f405d1f98d96e3de343d61d420ad6923b25de21d766f9298192f14fed");
	evb_done(&sd);
	evb_done(&fw);
}

static int sd_parse_str(const char *s, struct record_error *e)
{
	_cleanup_(sdlog_freep) struct sdlog *l = NULL;
	return sdlog_parse((const uint8_t *)s, strlen(s), &l, e);
}

TEST(sdlog_rejects)
{
	struct record_error e;
	const char *d = "\"digest\":\"51e6b92f405d1f98d96e3de343d61d420ad6923b25de21d766f9298192f14fed\"";
	char buf[512];

	ASSERT_OK(sd_parse_str("", &e));
	ASSERT_OK(sd_parse_str("\x1e\n\x1e  \n", &e));
	snprintf(buf, sizeof(buf), "\x1e{\"pcr\":11,\"digests\":[{\"hashAlg\":\"sha256\",%s}]}\n", d);
	ASSERT_OK(sd_parse_str(buf, &e));
	/* truncated write: no LF */
	buf[strlen(buf) - 1] = 0;
	ASSERT_ERR(sd_parse_str(buf, &e), -EBADMSG);
	ASSERT_TRUE(strstr(e.what, "line feed") != NULL);
	/* no RS */
	ASSERT_ERR(sd_parse_str("{\"pcr\":1}\n", &e), -EBADMSG);
	/* pcr out of range, negative, not an integer */
	snprintf(buf, sizeof(buf), "\x1e{\"pcr\":24,\"digests\":[{\"hashAlg\":\"sha256\",%s}]}\n", d);
	ASSERT_ERR(sd_parse_str(buf, &e), -EBADMSG);
	snprintf(buf, sizeof(buf), "\x1e{\"pcr\":-1,\"digests\":[{\"hashAlg\":\"sha256\",%s}]}\n", d);
	ASSERT_ERR(sd_parse_str(buf, &e), -EBADMSG);
	snprintf(buf, sizeof(buf), "\x1e{\"pcr\":\"1\",\"digests\":[{\"hashAlg\":\"sha256\",%s}]}\n", d);
	ASSERT_ERR(sd_parse_str(buf, &e), -EBADMSG);
	/* unknown hash, duplicated bank, wrong-size digest, uppercase hex */
	snprintf(buf, sizeof(buf), "\x1e{\"pcr\":1,\"digests\":[{\"hashAlg\":\"sm3\",%s}]}\n", d);
	ASSERT_ERR(sd_parse_str(buf, &e), -EOPNOTSUPP);
	snprintf(buf, sizeof(buf),
		 "\x1e{\"pcr\":1,\"digests\":[{\"hashAlg\":\"sha256\",%s},{\"hashAlg\":\"sha256\",%s}]}\n",
		 d, d);
	ASSERT_ERR(sd_parse_str(buf, &e), -EBADMSG);
	ASSERT_ERR(sd_parse_str("\x1e{\"pcr\":1,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"00\"}]}\n", &e),
		   -EBADMSG);
	ASSERT_ERR(sd_parse_str("\x1e{\"pcr\":1,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":"
				"\"B1B01D5F00000000000000000000000000004A6E\"}]}\n", &e),
		   -EBADMSG);
	/* empty digests, not JSON, duplicate key, content not an object */
	ASSERT_ERR(sd_parse_str("\x1e{\"pcr\":1,\"digests\":[]}\n", &e), -EBADMSG);
	ASSERT_ERR(sd_parse_str("\x1enot json\n", &e), -EBADMSG);
	ASSERT_ERR(sd_parse_str("\x1e{\"pcr\":1,\"pcr\":2}\n", &e), -EBADMSG);
	snprintf(buf, sizeof(buf),
		 "\x1e{\"pcr\":1,\"digests\":[{\"hashAlg\":\"sha256\",%s}],\"content\":[]}\n", d);
	ASSERT_ERR(sd_parse_str(buf, &e), -EBADMSG);
	/* too many digests */
	{
		const char *big = "\x1e{\"pcr\":1,\"digests\":[{},{},{},{},{},{},{},{},{}]}\n";
		ASSERT_ERR(sd_parse_str(big, &e), -E2BIG);
	}
}

TEST(sdlog_format_roundtrip)
{
	uint8_t d[_BANK_MAX][DIGEST_MAX] = {};
	_cleanup_(freep) char *s = NULL;
	_cleanup_(sdlog_freep) struct sdlog *l = NULL;
	_cleanup_(json_decrefp) json_t *content = json_pack("{s:s,s:s}", "string", "run:abc",
							      "eventType", "bootproof");
	size_t n;

	ASSERT_OK(digest_buffer(BANK_SHA256, "run:abc", 7, d[BANK_SHA256]));
	ASSERT_OK(digest_buffer(BANK_SHA1, "run:abc", 7, d[BANK_SHA1]));
	ASSERT_OK(sdlog_format_record(14, BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256), d,
				      "systemd", content, &s, &n));
	ASSERT_EQ(s[0], 0x1e);
	ASSERT_EQ(s[n - 1], '\n');
	ASSERT_OK(sdlog_parse((const uint8_t *)s, n, &l, NULL));
	ASSERT_EQ(l->n_records, 1);
	ASSERT_EQ(l->events[0].pcr, 14);
	ASSERT_MEMEQ(l->events[0].digest[BANK_SHA256], d[BANK_SHA256], 32);
	ASSERT_STREQ(l->records[0].string, "run:abc");
	ASSERT_ERR(sdlog_format_record(24, BANK_MASK(BANK_SHA1), d, NULL, NULL, &s, &n), -EINVAL);
}

TEST(sdlog_truncation_sweep)
{
	struct evlog_builder sd;
	evb_init(&sd);
	evb_sd_record(&sd, 11, BANK_MASK(BANK_SHA256), "enter-initrd", "phase");
	evb_sd_record(&sd, 15, BANK_MASK(BANK_SHA1), "machine-id:0123", "machine-id");
	for (size_t len = 0; len <= sd.len; len++) {
		_cleanup_(sdlog_freep) struct sdlog *l = NULL;
		uint8_t *copy = malloc(len ? len : 1);
		ASSERT_TRUE(copy);
		memcpy(copy, sd.buf, len);
		int r = sdlog_parse(copy, len, &l, NULL);
		if (r == 0)
			ASSERT_TRUE(len == 0 || copy[len - 1] == '\n' || copy[len - 1] == 0x1e);
		else
			ASSERT_ERR(r, -EBADMSG);
		free(copy);
	}
	evb_done(&sd);
}

/* ---- compare ---- */

static void golden_add_fw(struct golden_pcr *p, enum bank b, uint32_t type, const void *data,
			  size_t n, const char *desc)
{
	uint8_t d[DIGEST_MAX];
	ASSERT_OK(digest_buffer(b, data, n, d));
	ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_FIRMWARE, evlog_event_type_name(type), type,
				       desc, d, bank_size(b), NULL, NULL, 0));
}

static void golden_add_phase(struct golden_pcr *p, enum bank b, const char *word)
{
	uint8_t d[DIGEST_MAX], v[DIGEST_MAX];
	ASSERT_OK(digest_buffer(b, word, strlen(word), d));
	ASSERT_OK(golden_pcr_add_event(p, GOLDEN_LOG_SYSTEMD, "phase", -1, word, d, bank_size(b),
				       word, NULL, 0));
	ASSERT_OK(golden_pcr_replay(p, b, v));
	ASSERT_OK(golden_pcr_add_phase(p, word, v, bank_size(b)));
}

static struct golden *make_golden(void)
{
	struct golden *g = golden_new();
	enum bank b = BANK_SHA256;
	struct golden_pcr *p4, *p11, *p12;
	uint8_t v[DIGEST_MAX];

	ASSERT_TRUE(g);
	g->banks[b].present = true;
	p4 = &g->banks[b].pcrs[4];
	golden_add_fw(p4, b, EV_EFI_ACTION, act_calling, strlen(act_calling), act_calling);
	golden_add_fw(p4, b, EV_SEPARATOR, sep, 4, "separator");
	ASSERT_OK(golden_pcr_recompute(p4, b));
	p11 = &g->banks[b].pcrs[11];
	golden_add_fw(p11, b, EV_IPL, ".linux", 7, ".linux");
	ASSERT_OK(golden_pcr_replay(p11, b, v));
	ASSERT_OK(golden_pcr_add_phase(p11, "stub", v, 32));
	golden_add_phase(p11, b, "enter-initrd");
	golden_add_phase(p11, b, "leave-initrd");
	golden_add_phase(p11, b, "sysinit");
	golden_add_phase(p11, b, "ready");
	ASSERT_OK(golden_pcr_recompute(p11, b));
	p12 = &g->banks[b].pcrs[12];
	ASSERT_OK(golden_pcr_recompute(p12, b));
	return g;
}

/* The result borrows from the parsed logs: keep the last ones alive until the next call. */
static struct evlog *cmp_log;
static struct sdlog *cmp_sd;
static struct evlog_event *cmp_ev;

static int compare_logs(const struct golden *g, const struct evlog_builder *fw,
			const struct evlog_builder *sd, struct compare_result **ret)
{
	size_t n;
	cmp_log = evlog_free(cmp_log);
	cmp_sd = sdlog_free(cmp_sd);
	free(cmp_ev);
	cmp_ev = NULL;
	ASSERT_OK(evlog_parse(fw->buf, fw->len, &cmp_log, NULL));
	if (sd)
		ASSERT_OK(sdlog_parse(sd->buf, sd->len, &cmp_sd, NULL));
	ASSERT_OK(evlog_merge(cmp_log, cmp_sd, &cmp_ev, &n));
	return eventlog_compare(g, cmp_ev, n, 0, ret);
}

static void fw_base(struct evlog_builder *fw, bool tamper12, bool wrong4)
{
	/* ".linux" as systemd-stub logs it: the digest covers ".linux\0" (ASCII), the event data
	 * is the UTF-16 name; the builder hashes the data, so give the digest by hand. */
	uint8_t d[32];
	const uint8_t *dd[1] = {d};
	static const uint8_t linux16[] = {'.', 0, 'l', 0, 'i', 0, 'n', 0, 'u', 0, 'x', 0, 0, 0};

	evb_init(fw);
	evb_spec_id_banks(fw, BANK_MASK(BANK_SHA256));
	evb_event(fw, 4, EV_EFI_ACTION, act_calling, strlen(act_calling));
	evb_event(fw, 4, EV_SEPARATOR, wrong4 ? "\xff\xff\xff\xff" : (const char *)sep, 4);
	ASSERT_OK(digest_buffer(BANK_SHA256, ".linux", 7, d));
	evb_event_digests(fw, 11, EV_IPL, 1, dd, linux16, sizeof(linux16));
	if (tamper12)
		evb_event(fw, 12, EV_IPL, "x\0\0", 4);
}

TEST(compare_verdicts)
{
	_cleanup_(golden_freep) struct golden *g = make_golden();
	struct evlog_builder fw, sd;
	const char *phases[] = {"enter-initrd", "leave-initrd", "sysinit", "ready"};

	/* full match, with every phase */
	{
		_cleanup_(compare_result_freep) struct compare_result *r = NULL;
		fw_base(&fw, false, false);
		evb_init(&sd);
		for (size_t i = 0; i < 4; i++)
			evb_sd_record(&sd, 11, BANK_MASK(BANK_SHA256), phases[i], "phase");
		ASSERT_OK(compare_logs(g, &fw, &sd, &r));
		ASSERT_TRUE(r->ok);
		ASSERT_EQ(r->n_pcrs, 3);
		ASSERT_EQ(r->pcrs[1].pcr, 11);
		ASSERT_EQ(r->pcrs[1].n_phases_reached, 5);
		ASSERT_TRUE(r->pcrs[1].phase_at == NULL);
		/* PCR 4 = pcr-spec.md's "action, then separator" */
		assert_hex(r->pcrs[0].found_value, 32,
			   "7a94ffe8a7729a566d3d3c577fcb4b6b1e671f31540375f80eae6382ab785e35");
		evb_done(&sd);
		evb_done(&fw);
	}
	/* stops at sysinit: matches at that phase */
	{
		_cleanup_(compare_result_freep) struct compare_result *r = NULL;
		fw_base(&fw, false, false);
		evb_init(&sd);
		for (size_t i = 0; i < 3; i++)
			evb_sd_record(&sd, 11, BANK_MASK(BANK_SHA256), phases[i], "phase");
		ASSERT_OK(compare_logs(g, &fw, &sd, &r));
		ASSERT_TRUE(r->ok);
		ASSERT_STREQ(r->pcrs[1].phase_at, "sysinit");
		ASSERT_EQ(r->pcrs[1].n_phases_reached, 4);
		evb_done(&sd);
		evb_done(&fw);
	}
	/* no userspace log: matches at "stub" */
	{
		_cleanup_(compare_result_freep) struct compare_result *r = NULL;
		fw_base(&fw, false, false);
		ASSERT_OK(compare_logs(g, &fw, NULL, &r));
		ASSERT_TRUE(r->ok);
		ASSERT_STREQ(r->pcrs[1].phase_at, "stub");
		evb_done(&fw);
	}
	/* phases out of order: differs at position 2 (leave-initrd expected) */
	{
		_cleanup_(compare_result_freep) struct compare_result *r = NULL;
		fw_base(&fw, false, false);
		evb_init(&sd);
		evb_sd_record(&sd, 11, BANK_MASK(BANK_SHA256), "enter-initrd", "phase");
		evb_sd_record(&sd, 11, BANK_MASK(BANK_SHA256), "sysinit", "phase");
		ASSERT_OK(compare_logs(g, &fw, &sd, &r));
		ASSERT_TRUE(!r->ok);
		ASSERT_EQ(r->pcrs[1].diff, COMPARE_DIFF_DIGEST);
		ASSERT_EQ(r->pcrs[1].position, 2);
		ASSERT_STREQ(r->pcrs[1].expected->description, "leave-initrd");
		ASSERT_EQ(r->pcrs[1].found->source, EVLOG_SOURCE_SYSTEMD);
		ASSERT_EQ(r->pcrs[1].n_phases_reached, 2);
		evb_done(&sd);
		evb_done(&fw);
	}
	/* PCR 12 must stay empty: any event is tampering; PCR 4 separator ffffffff differs */
	{
		_cleanup_(compare_result_freep) struct compare_result *r = NULL;
		fw_base(&fw, true, true);
		ASSERT_OK(compare_logs(g, &fw, NULL, &r));
		ASSERT_TRUE(!r->ok);
		ASSERT_EQ(r->pcrs[0].diff, COMPARE_DIFF_DIGEST);
		ASSERT_EQ(r->pcrs[0].position, 1);
		ASSERT_EQ(r->pcrs[0].found->index, 2);
		ASSERT_EQ(r->pcrs[2].pcr, 12);
		ASSERT_EQ(r->pcrs[2].diff, COMPARE_DIFF_UNEXPECTED);
		ASSERT_EQ(r->pcrs[2].n_expected, 0);
		_cleanup_(json_decrefp) json_t *j = compare_result_to_json(r);
		ASSERT_TRUE(j);
		ASSERT_STREQ(json_string_value(json_object_get(j, "result")), "mismatch");
		evb_done(&fw);
	}
	/* a log missing PCR 4's separator: missing */
	{
		_cleanup_(compare_result_freep) struct compare_result *r = NULL;
		evb_init(&fw);
		evb_spec_id_banks(&fw, BANK_MASK(BANK_SHA256));
		evb_event(&fw, 4, EV_EFI_ACTION, act_calling, strlen(act_calling));
		ASSERT_OK(compare_logs(g, &fw, NULL, &r));
		ASSERT_EQ(r->pcrs[0].diff, COMPARE_DIFF_MISSING);
		ASSERT_STREQ(r->pcrs[0].expected->type, "EV_SEPARATOR");
		evb_done(&fw);
	}
	/* same digest, other event type */
	{
		_cleanup_(compare_result_freep) struct compare_result *r = NULL;
		evb_init(&fw);
		evb_spec_id_banks(&fw, BANK_MASK(BANK_SHA256));
		evb_event(&fw, 4, EV_ACTION, act_calling, strlen(act_calling));
		ASSERT_OK(compare_logs(g, &fw, NULL, &r));
		ASSERT_EQ(r->pcrs[0].diff, COMPARE_DIFF_TYPE);
		evb_done(&fw);
	}
	cmp_log = evlog_free(cmp_log);
	cmp_sd = sdlog_free(cmp_sd);
	free(cmp_ev);
	cmp_ev = NULL;
}

/* ---- profile ---- */

TEST(profile_roundtrip)
{
	struct evlog_builder fw;
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	_cleanup_(platform_profile_freep) struct platform_profile *p = NULL, *q = NULL;
	_cleanup_(json_decrefp) json_t *j = NULL;
	_cleanup_(freep) char *text = NULL;
	char err[256];
	size_t n;

	evb_init(&fw);
	evb_spec_id_banks(&fw, BANK_MASK(BANK_SHA1) | BANK_MASK(BANK_SHA256));
	evb_startup_locality(&fw, 3);
	evb_event(&fw, 0, EV_S_CRTM_VERSION, "\0\0", 2);
	for (uint32_t i = 0; i <= 7; i++)
		evb_event(&fw, i, EV_SEPARATOR, sep, 4);
	ASSERT_OK(evlog_parse(fw.buf, fw.len, &log, NULL));
	ASSERT_OK(platform_profile_from_log(log, fw.buf, fw.len, "test-platform", 0, 0, &p, err,
					    sizeof(err)));
	ASSERT_EQ(p->pcrs, PLATFORM_PROFILE_DEFAULT_PCRS);
	ASSERT_TRUE(p->bank[BANK_SHA256].pcrs[0].has_startup_locality);
	ASSERT_EQ(p->bank[BANK_SHA256].pcrs[0].startup_locality, 3);
	ASSERT_EQ(p->bank[BANK_SHA256].pcrs[0].n_events, 2);
	ASSERT_TRUE(!p->bank[BANK_SHA256].pcrs[4].present);
	assert_hex(p->bank[BANK_SHA256].pcrs[2].value, 32,
		   "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969");
	ASSERT_OK(platform_profile_to_json(p, &j));
	ASSERT_OK(json_dump_canonical(j, &text, &n));
	ASSERT_OK(platform_profile_load(text, n, &q, err, sizeof(err)));
	ASSERT_STREQ(q->name, "test-platform");
	ASSERT_EQ(q->banks, p->banks);
	ASSERT_EQ(q->pcrs, p->pcrs);
	ASSERT_MEMEQ(q->bank[BANK_SHA1].pcrs[0].value, p->bank[BANK_SHA1].pcrs[0].value, 20);
	ASSERT_STREQ(q->source, p->source);
	ASSERT_TRUE(strstr(q->source, "event log sha256:") == q->source);
	/* the contract with predict (the same reader): the profile as written */
	ASSERT_MEMEQ(q->bank[BANK_SHA256].pcrs[2].value, p->bank[BANK_SHA256].pcrs[2].value, 32);
	ASSERT_TRUE(q->bank[BANK_SHA256].pcrs[0].has_startup_locality);
	/* a tampered value is refused (golden_banks_load replays the events) */
	{
		_cleanup_(platform_profile_freep) struct platform_profile *x = NULL;
		char *s = strstr(text, "3d458cfe");
		ASSERT_TRUE(s);
		s[0] = '4';
		ASSERT_TRUE(platform_profile_load(text, n, &x, err, sizeof(err)) < 0);
	}
	evb_done(&fw);
}

/* ---- decoding ---- */

TEST(decode)
{
	struct evlog_builder fw;
	_cleanup_(evlog_freep) struct evlog *log = NULL;
	static const uint8_t var_sb[] = {
		/* EFI_GLOBAL_VARIABLE, name length 10, data length 1, "SecureBoot", 0x01 */
		0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03,
		0x2b, 0x8c, 10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 'S', 0, 'e', 0, 'c', 0,
		'u', 0, 'r', 0, 'e', 0, 'B', 0, 'o', 0, 'o', 0, 't', 0, 1};
	static const uint8_t dp[] = {
		/* PciRoot(0x0) / Pci(0x1,0x2) / \A.EFI / End */
		2, 1, 12, 0, 0xd0, 0x41, 0x03, 0x0a, 0, 0, 0, 0, 1, 1, 6, 0, 2, 1, 4, 4, 18, 0, '\\',
		0, 'A', 0, '.', 0, 'E', 0, 'F', 0, 'I', 0, 0, 0, 0x7f, 0xff, 4, 0};
	uint8_t image[32 + sizeof(dp)] = {};
	static const uint8_t tag[] = {0xec, 0x22, 0x3b, 0x8f, 13, 0, 0, 0, 'L', 'i', 'n', 'u', 'x',
				      ' ', 'i', 'n', 'i', 't', 'r', 'd', 0};
	const char *want[] = {"SecureBoot [EFI_GLOBAL_VARIABLE] = 01 (enabled)",
			      "PciRoot(0x0)/Pci(0x1,0x2)/\\A.EFI (image at 0x0, 0 bytes)",
			      "Linux initrd (tag 0x8f3b22ec Linux initrd)", "separator (error)",
			      "StartupLocality 4"};

	image[24] = sizeof(dp);
	memcpy(image + 32, dp, sizeof(dp));
	evb_init(&fw);
	evb_spec_id_banks(&fw, BANK_MASK(BANK_SHA256));
	evb_event(&fw, 7, EV_EFI_VARIABLE_DRIVER_CONFIG, var_sb, sizeof(var_sb));
	evb_event(&fw, 4, EV_EFI_BOOT_SERVICES_APPLICATION, image, sizeof(image));
	evb_event(&fw, 9, EV_EVENT_TAG, tag, sizeof(tag));
	evb_event(&fw, 7, EV_SEPARATOR, "\xff\xff\xff\xff", 4);
	evb_event(&fw, 0, EV_NO_ACTION, "StartupLocality\0\4", 17);
	ASSERT_OK(evlog_parse(fw.buf, fw.len, &log, NULL));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		_cleanup_(freep) char *s = NULL;
		ASSERT_OK(evlog_event_describe(&log->events[i + 1], &s));
		ASSERT_STREQ(s, want[i]);
	}
	/* every prefix of every event's data decodes without reading past it */
	for (size_t i = 1; i < log->n_events; i++)
		for (size_t len = 0; len <= log->events[i].data_size; len++) {
			struct evlog_event e = log->events[i];
			uint8_t *copy = malloc(len ? len : 1);
			_cleanup_(freep) char *s = NULL;
			ASSERT_TRUE(copy);
			memcpy(copy, e.data, len);
			e.data = copy;
			e.data_size = len;
			ASSERT_OK(evlog_event_describe(&e, &s));
			free(copy);
		}
	evb_done(&fw);
}
