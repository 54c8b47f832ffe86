/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Measurement tool for bench/containers-bench.sh, not part of bootproof: how cheap can TWO
 * SHA-256 digests of the same bytes be on one core? `bootproof containers` must compute the
 * archive file's sha256 and each layer's sha256 over the same layer bytes, from different
 * chaining values (FIPS 180-4 §6.2: each 64-byte block goes through the compression function
 * once per digest; nothing can be shared between the two but the message schedule W0..W63).
 * With SHA-NI, one digest is bound by the latency of SHA256RNDS2; two independent states over the
 * same blocks can overlap their rounds and share the schedule. This program times:
 *   1. OpenSSL's EVP SHA-256, one pass (what `openssl dgst` does per byte);
 *   2. a plain SHA-NI compression loop with one state (to check it is as fast as OpenSSL's);
 *   3. the same loop advancing two states over each block (the schedule computed once);
 * and checks both states' digests against OpenSSL. Build: cc -O2 -o t sha256-two-digests.c -lcrypto
 * Usage: t [MiB] (default 256). Exits 77 without SHA-NI. */
#include <cpuid.h>
#include <immintrin.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
static const uint32_t IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/* The state as SHA256RNDS2 wants it: {A,B,E,F} and {C,D,G,H}. */
struct state {
	__m128i abef, cdgh;
};

#define SHA __attribute__((target("sha,sse4.1,ssse3")))

SHA static struct state state_load(const uint32_t h[8])
{
	__m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0xB1);
	__m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(h + 4)), 0x1B);
	return (struct state){_mm_alignr_epi8(dcba, hgfe, 8), _mm_blend_epi16(hgfe, dcba, 0xF0)};
}

SHA static void state_store(struct state s, uint32_t h[8])
{
	__m128i t = _mm_shuffle_epi32(s.abef, 0x1B), u = _mm_shuffle_epi32(s.cdgh, 0xB1);
	_mm_storeu_si128((__m128i *)h, _mm_blend_epi16(t, u, 0xF0));
	_mm_storeu_si128((__m128i *)(h + 4), _mm_alignr_epi8(u, t, 8));
}

/* Four rounds with W+K in wk. */
#define ROUNDS4(s, wk)                                                                             \
	do {                                                                                       \
		s.cdgh = _mm_sha256rnds2_epu32(s.cdgh, s.abef, wk);                                \
		s.abef = _mm_sha256rnds2_epu32(s.abef, s.cdgh, _mm_shuffle_epi32(wk, 0x0E));      \
	} while (0)

/* n blocks into h1 and, if h2, into h2 too (same blocks, the schedule computed once). */
SHA static void compress(uint32_t *h1, uint32_t *h2, const uint8_t *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	struct state a = state_load(h1), b = h2 ? state_load(h2) : a;

	for (; n > 0; n--, p += 64) {
		struct state a0 = a, b0 = b;
		__m128i m[4];

		for (int i = 0; i < 4; i++)
			m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
		_Pragma("GCC unroll 16") for (int t = 0; t < 16; t++)
		{
			__m128i w, wk;
			if (t < 4)
				w = m[t];
			else {
				/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time */
				w = _mm_sha256msg1_epu32(m[t & 3], m[(t + 1) & 3]);
				w = _mm_add_epi32(w, _mm_alignr_epi8(m[(t + 3) & 3], m[(t + 2) & 3], 4));
				w = _mm_sha256msg2_epu32(w, m[(t + 3) & 3]);
				m[t & 3] = w;
			}
			wk = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)&K[4 * t]));
			ROUNDS4(a, wk);
			if (h2)
				ROUNDS4(b, wk);
		}
		a.abef = _mm_add_epi32(a.abef, a0.abef);
		a.cdgh = _mm_add_epi32(a.cdgh, a0.cdgh);
		b.abef = _mm_add_epi32(b.abef, b0.abef);
		b.cdgh = _mm_add_epi32(b.cdgh, b0.cdgh);
	}
	state_store(a, h1);
	if (h2)
		state_store(b, h2);
}

/* Padding (FIPS 180-4 §5.1.1) for a message of total bytes that ends at a block boundary. */
static void finish(uint32_t h[8], uint64_t total, uint8_t out[32])
{
	uint8_t pad[64] = {0x80};

	for (int i = 0; i < 8; i++)
		pad[63 - i] = (uint8_t)((total * 8) >> (8 * i));
	compress(h, NULL, pad, 1);
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static double cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? strtoul(argv[1], NULL, 10) : 256) << 20;
	uint8_t *buf = malloc(len + 64), ref[32], d1[32], d2[32];
	uint32_t h1[8], h2[8];
	unsigned eax, ebx, ecx, edx;
	double best[3] = {1e9, 1e9, 1e9};

	if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(ebx & (1u << 29))) {
		printf("no SHA-NI on this CPU: skipped\n");
		return 77;
	}
	if (!buf || len == 0)
		return 1;
	for (size_t i = 0; i < len + 64; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	/* Correctness: state 1 = SHA-256(buf[64..64+len)), state 2 = SHA-256(buf[0..64+len)), i.e.
	 * two different chaining values over the same len bytes, as in bootproof. */
	memcpy(h1, IV, sizeof(h1));
	memcpy(h2, IV, sizeof(h2));
	compress(h2, NULL, buf, 1);
	compress(h1, h2, buf + 64, len / 64);
	finish(h1, len, d1);
	finish(h2, len + 64, d2);
	if (EVP_Digest(buf + 64, len, ref, NULL, EVP_sha256(), NULL) != 1 || memcmp(d1, ref, 32) != 0 ||
	    EVP_Digest(buf, len + 64, ref, NULL, EVP_sha256(), NULL) != 1 || memcmp(d2, ref, 32) != 0) {
		printf("two-state digests differ from OpenSSL's\n");
		return 1;
	}
	for (int rep = 0; rep < 5; rep++) {
		double t0 = cpu_seconds(), t1, t2, t3;
		EVP_Digest(buf, len, ref, NULL, EVP_sha256(), NULL);
		t1 = cpu_seconds();
		compress(h1, NULL, buf, len / 64);
		t2 = cpu_seconds();
		compress(h1, h2, buf, len / 64);
		t3 = cpu_seconds();
		__asm__ volatile("" : : "r"(h1[0]), "r"(h2[0]) : "memory");
		best[0] = t1 - t0 < best[0] ? t1 - t0 : best[0];
		best[1] = t2 - t1 < best[1] ? t2 - t1 : best[1];
		best[2] = t3 - t2 < best[2] ? t3 - t2 : best[2];
	}
	printf("one core, %zu MiB in memory, best of 5 (CPU seconds):\n", len >> 20);
	printf("  OpenSSL EVP SHA-256, one digest          : %.3f s (%.0f MB/s)\n", best[0],
	       (double)len / best[0] / 1e6);
	printf("  SHA-NI loop, one digest                  : %.3f s (%.2fx OpenSSL)\n", best[1],
	       best[1] / best[0]);
	printf("  SHA-NI loop, two digests, shared schedule: %.3f s (%.2fx one OpenSSL digest; "
	       "two OpenSSL digests: 2.00x); digests checked against OpenSSL\n",
	       best[2], best[2] / best[0]);
	free(buf);
	return 0;
}
