// SHA-256 compression with the x86 SHA extensions: two rounds per SHA256RNDS2, the message schedule
// with SHA256MSG1/SHA256MSG2 (Intel, "Intel SHA Extensions", 2013). The hardware keeps the working
// variables as ABEF and CDGH, so the state is reordered on the way in and out.
#include "CSHA256.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

int memledger_sha256_ni_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const int sha = (b >> 29) & 1;
    return sse41 && ssse3 && sha;
}

// FIPS 180-4 §4.2.2.
static const uint32_t K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

__attribute__((target("sha,sse4.1")))
void memledger_sha256_compress_ni(uint32_t state[8], const uint8_t *blocks, size_t count) {
    // Big-endian words: reverse the bytes of each 32-bit lane.
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

    // [a b c d] [e f g h] (lane 0 first) to [f e b a] (ABEF) and [h g d c] (CDGH).
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1); // b a d c
    __m128i cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B); // h g f e
    __m128i abef = _mm_alignr_epi8(tmp, cdgh, 8);                                        // f e b a
    cdgh = _mm_blend_epi16(cdgh, tmp, 0xF0);                                             // h g d c

    for (; count > 0; count--, blocks += 64) {
        const __m128i abefStart = abef, cdghStart = cdgh;
        // w[i & 3] holds the schedule words 4i…4i+3.
        __m128i w[4];
        for (int i = 0; i < 16; i++) {
            if (i < 4) w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16 * i)), byteswap);
            const __m128i wk = _mm_add_epi32(w[i & 3], _mm_load_si128((const __m128i *)&K[4 * i]));
            // Two rounds make the old ABEF the new CDGH, so the registers trade roles and trade back.
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                            // rounds 4i, 4i+1
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));  // rounds 4i+2, 4i+3
            if (i >= 3 && i < 15) {
                // Words 4(i+1)… from words 4(i-3)… (FIPS 180-4 §6.2.2 step 1):
                // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16].
                const __m128i sigma0 = _mm_sha256msg1_epu32(w[(i + 1) & 3], w[(i + 2) & 3]);
                const __m128i minus7 = _mm_alignr_epi8(w[i & 3], w[(i + 3) & 3], 4);
                w[(i + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(sigma0, minus7), w[i & 3]);
            }
        }
        abef = _mm_add_epi32(abef, abefStart);
        cdgh = _mm_add_epi32(cdgh, cdghStart);
    }

    tmp = _mm_shuffle_epi32(abef, 0x1B);                                        // a b e f
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);                                       // g h c d
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(tmp, cdgh, 0xF0));  // a b c d
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(cdgh, tmp, 8));     // e f g h
}

#else

int memledger_sha256_ni_available(void) { return 0; }

void memledger_sha256_compress_ni(uint32_t state[8], const uint8_t *blocks, size_t count) {
    (void)state; (void)blocks; (void)count;
}

#endif
