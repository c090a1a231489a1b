// Dense kernels for the local sentence encoder; see matrix_kernels.h for the contracts.
//
// The matrix product follows the usual GotoBLAS/BLIS blocking: the weight is pre-packed into
// 16-column panels, the reduction dimension is cut into KC-long blocks so that one panel block
// (KC×16 floats) stays in L1 while a 6-row micro-kernel sweeps an MC-row block of the activations
// held in L2. The AVX2 micro-kernel keeps its 6×16 outputs in 12 ymm registers.
//
// The AVX2 path is compiled with `__attribute__((target("avx2,fma")))` and chosen at run time, so
// the package needs no `-mavx2` and the binary still runs on older x86-64 CPUs.

#include "matrix_kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define MLK_X86 1
#include <immintrin.h>
#else
#define MLK_X86 0
#endif

enum { NR = MLK_PANEL_WIDTH, MR = 6, KC = 192, MC = 96 };

// MARK: - Shared helpers

size_t mlk_packed_weight_count(int n, int k) {
    return (size_t)mlk_panel_count(n) * NR * (size_t)k;
}

int mlk_panel_count(int n) { return (n + NR - 1) / NR; }

void mlk_pack_weight(const float *weight, int n, int k, float *packed) {
    int panels = mlk_panel_count(n);
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (size_t)p * NR * k;
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < NR; j++) {
                int col = p * NR + j;
                dst[(size_t)kk * NR + j] = col < n ? weight[(size_t)col * k + kk] : 0.0f;
            }
        }
    }
}

size_t mlk_attention_scratch_count(int n, int head_dim) {
    // Transposed keys (head_dim × n) plus one row of scores, each rounded up to 8 floats.
    size_t padded = ((size_t)n + 7) & ~(size_t)7;
    return (size_t)head_dim * padded + padded;
}

static inline float gelu_scalar(float x) {
    return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
}

/// Signature shared by the two tile implementations: one MR-or-fewer × NR block of outputs.
typedef void (*tile_fn)(int mr, int kc, const float *a, int lda, const float *b, float *c, int ldc,
                        const float *bias, int first, int last, int flags);

/// The blocked driver, shared by both paths; only the tile differs.
static void linear_driver(tile_fn tile, int m, int n, int k, const float *a, int lda,
                          const float *packed, const float *bias, float *c, int ldc,
                          int panel_begin, int panel_end, int flags) {
    if (m <= 0 || k <= 0 || panel_begin >= panel_end) {
        return;
    }
    // A zero-sized reduction is excluded above; the bias and flags are applied at the first and
    // last KC blocks respectively.
    for (int pc = 0; pc < k; pc += KC) {
        int kc = k - pc < KC ? k - pc : KC;
        int first = pc == 0;
        int last = pc + kc == k;
        for (int ic = 0; ic < m; ic += MC) {
            int mc = m - ic < MC ? m - ic : MC;
            for (int p = panel_begin; p < panel_end; p++) {
                const float *bp = packed + (size_t)p * NR * k + (size_t)pc * NR;
                int col = p * NR;
                int width = n - col < NR ? n - col : NR;
                for (int ir = 0; ir < mc; ir += MR) {
                    int mr = mc - ir < MR ? mc - ir : MR;
                    const float *ap = a + (size_t)(ic + ir) * lda + pc;
                    float *cp = c + (size_t)(ic + ir) * ldc + col;
                    if (width == NR) {
                        tile(mr, kc, ap, lda, bp, cp, ldc, bias ? bias + col : NULL, first, last,
                             flags);
                    } else {
                        // A partial last panel: compute into a full-width buffer, copy the valid
                        // columns. Only reachable when n is not a multiple of 16.
                        float buffer[MR * NR];
                        float padded_bias[NR] = {0};
                        for (int r = 0; r < mr; r++) {
                            for (int j = 0; j < NR; j++) {
                                buffer[r * NR + j] = j < width ? cp[(size_t)r * ldc + j] : 0.0f;
                            }
                        }
                        if (bias) {
                            memcpy(padded_bias, bias + col, sizeof(float) * (size_t)width);
                        }
                        tile(mr, kc, ap, lda, bp, buffer, NR, padded_bias, first, last, flags);
                        for (int r = 0; r < mr; r++) {
                            memcpy(cp + (size_t)r * ldc, buffer + r * NR, sizeof(float) * (size_t)width);
                        }
                    }
                }
            }
        }
    }
}

// MARK: - Portable path

static void tile_portable(int mr, int kc, const float *a, int lda, const float *b, float *c,
                          int ldc, const float *bias, int first, int last, int flags) {
    float acc[MR][NR];
    for (int r = 0; r < mr; r++) {
        for (int j = 0; j < NR; j++) {
            float base = 0.0f;
            if (!first || (flags & MLK_ACCUMULATE)) {
                base = c[(size_t)r * ldc + j];
            }
            if (first && bias) {
                base += bias[j];
            }
            acc[r][j] = base;
        }
    }
    for (int p = 0; p < kc; p++) {
        const float *bk = b + (size_t)p * NR;
        for (int r = 0; r < mr; r++) {
            float av = a[(size_t)r * lda + p];
            for (int j = 0; j < NR; j++) {
                acc[r][j] += av * bk[j];
            }
        }
    }
    for (int r = 0; r < mr; r++) {
        for (int j = 0; j < NR; j++) {
            float v = acc[r][j];
            if (last && (flags & MLK_GELU)) {
                v = gelu_scalar(v);
            }
            c[(size_t)r * ldc + j] = v;
        }
    }
}

void mlk_linear_portable(int m, int n, int k, const float *a, int lda, const float *packed,
                         const float *bias, float *c, int ldc, int panel_begin, int panel_end,
                         int flags) {
    linear_driver(tile_portable, m, n, k, a, lda, packed, bias, c, ldc, panel_begin, panel_end,
                  flags);
}

void mlk_gelu_portable(float *x, size_t count) {
    for (size_t i = 0; i < count; i++) {
        x[i] = gelu_scalar(x[i]);
    }
}

void mlk_attention_portable(const float *qkv, int ldqkv, int n, int heads, int head_dim,
                            int head_begin, int head_end, float *context, int ldc, float *scratch) {
    int hidden = heads * head_dim;
    float scale = 1.0f / sqrtf((float)head_dim);
    float *scores = scratch;
    for (int h = head_begin; h < head_end; h++) {
        const float *q = qkv + h * head_dim;
        const float *kmat = qkv + hidden + h * head_dim;
        const float *v = qkv + 2 * hidden + h * head_dim;
        for (int i = 0; i < n; i++) {
            const float *qi = q + (size_t)i * ldqkv;
            float maximum = -INFINITY;
            for (int j = 0; j < n; j++) {
                const float *kj = kmat + (size_t)j * ldqkv;
                float s = 0.0f;
                for (int d = 0; d < head_dim; d++) {
                    s += qi[d] * kj[d];
                }
                s *= scale;
                scores[j] = s;
                if (s > maximum) {
                    maximum = s;
                }
            }
            float sum = 0.0f;
            for (int j = 0; j < n; j++) {
                scores[j] = expf(scores[j] - maximum);
                sum += scores[j];
            }
            float inverse = 1.0f / sum;
            float *out = context + (size_t)i * ldc + h * head_dim;
            for (int d = 0; d < head_dim; d++) {
                out[d] = 0.0f;
            }
            for (int j = 0; j < n; j++) {
                const float *vj = v + (size_t)j * ldqkv;
                float p = scores[j] * inverse;
                for (int d = 0; d < head_dim; d++) {
                    out[d] += p * vj[d];
                }
            }
        }
    }
}

// MARK: - AVX2 + FMA path

#if MLK_X86

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX2_INLINE __attribute__((target("avx2,fma"), always_inline)) static inline

/// exp(x) to about 1 ulp (Cephes `expf` polynomial); inputs below −88 give 0.
AVX2_INLINE __m256 exp_avx2(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.3762626647949f);
    const __m256 lo = _mm256_set1_ps(-88.0f);
    x = _mm256_max_ps(_mm256_min_ps(x, hi), lo);
    __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
    fx = _mm256_floor_ps(fx);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i n = _mm256_cvttps_epi32(fx);
    n = _mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(n));
}

/// erf(z) for z ≥ 0, absolute error about 1e-7 at worst and far less near 0.
///
/// Below 0.75 the Maclaurin series (terms to z¹⁷) is used; above it erfc from the Chebyshev fit of
/// Numerical Recipes (`erfcc`, fractional error < 1.2e-7), whose absolute error shrinks with erfc.
AVX2_INLINE __m256 erf_nonnegative_avx2(__m256 z) {
    const __m256 one = _mm256_set1_ps(1.0f);
    // Series: 2/√π · z · Σ (−1)ⁿ z²ⁿ / (n! (2n+1)).
    __m256 z2 = _mm256_mul_ps(z, z);
    __m256 s = _mm256_set1_ps(1.0f / 685440.0f);
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(-1.0f / 75600.0f));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(1.0f / 9360.0f));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(-1.0f / 1320.0f));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(1.0f / 216.0f));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(-1.0f / 42.0f));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(1.0f / 10.0f));
    s = _mm256_fmadd_ps(s, z2, _mm256_set1_ps(-1.0f / 3.0f));
    s = _mm256_fmadd_ps(s, z2, one);
    __m256 series = _mm256_mul_ps(_mm256_mul_ps(s, z), _mm256_set1_ps(1.12837916709551257f));

    // Tail: erfc(z) = t·exp(−z² + P(t)), t = 1/(1 + z/2). Beyond 10, erf is 1 in float anyway.
    __m256 zc = _mm256_min_ps(z, _mm256_set1_ps(10.0f));
    __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(zc, _mm256_set1_ps(0.5f), one));
    __m256 p = _mm256_set1_ps(0.17087277f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.82215223f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.48851587f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.13520398f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.27886807f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.18628806f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.09678418f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.37409196f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.00002368f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.26551223f));
    __m256 exponent = _mm256_fnmadd_ps(zc, zc, p);
    __m256 tail = _mm256_sub_ps(one, _mm256_mul_ps(t, exp_avx2(exponent)));

    __m256 small = _mm256_cmp_ps(z, _mm256_set1_ps(0.75f), _CMP_LT_OQ);
    return _mm256_blendv_ps(tail, series, small);
}

/// GELU(x) = 0.5·x·(1 + erf(x/√2)), using erf's oddness for negative inputs.
AVX2_INLINE __m256 gelu_avx2(__m256 x) {
    const __m256 sign_mask = _mm256_set1_ps(-0.0f);
    __m256 z = _mm256_mul_ps(_mm256_andnot_ps(sign_mask, x), _mm256_set1_ps(0.70710678118654752f));
    __m256 e = erf_nonnegative_avx2(z);
    e = _mm256_or_ps(e, _mm256_and_ps(x, sign_mask));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

/// One tile with a compile-time row count, so the accumulators live in registers.
AVX2_INLINE void tile_avx2_rows(const int mr, int kc, const float *a, int lda, const float *b,
                                float *c, int ldc, const float *bias, int first, int last,
                                int flags) {
    __m256 acc0[MR], acc1[MR];
    __m256 bias0 = _mm256_setzero_ps(), bias1 = _mm256_setzero_ps();
    if (first && bias) {
        bias0 = _mm256_loadu_ps(bias);
        bias1 = _mm256_loadu_ps(bias + 8);
    }
    int load = !first || (flags & MLK_ACCUMULATE);
    for (int r = 0; r < mr; r++) {
        if (load) {
            acc0[r] = _mm256_add_ps(_mm256_loadu_ps(c + (size_t)r * ldc), bias0);
            acc1[r] = _mm256_add_ps(_mm256_loadu_ps(c + (size_t)r * ldc + 8), bias1);
        } else {
            acc0[r] = bias0;
            acc1[r] = bias1;
        }
    }
    const float *a_rows[MR];
    for (int r = 0; r < mr; r++) {
        a_rows[r] = a + (size_t)r * lda;
    }
    for (int p = 0; p < kc; p++) {
        __m256 b0 = _mm256_loadu_ps(b + (size_t)p * NR);
        __m256 b1 = _mm256_loadu_ps(b + (size_t)p * NR + 8);
        for (int r = 0; r < mr; r++) {
            __m256 av = _mm256_broadcast_ss(a_rows[r] + p);
            acc0[r] = _mm256_fmadd_ps(av, b0, acc0[r]);
            acc1[r] = _mm256_fmadd_ps(av, b1, acc1[r]);
        }
    }
    int gelu = last && (flags & MLK_GELU);
    for (int r = 0; r < mr; r++) {
        __m256 v0 = acc0[r], v1 = acc1[r];
        if (gelu) {
            v0 = gelu_avx2(v0);
            v1 = gelu_avx2(v1);
        }
        _mm256_storeu_ps(c + (size_t)r * ldc, v0);
        _mm256_storeu_ps(c + (size_t)r * ldc + 8, v1);
    }
}

AVX2 static void tile_avx2(int mr, int kc, const float *a, int lda, const float *b, float *c,
                           int ldc, const float *bias, int first, int last, int flags) {
    switch (mr) {
    case 6: tile_avx2_rows(6, kc, a, lda, b, c, ldc, bias, first, last, flags); break;
    case 5: tile_avx2_rows(5, kc, a, lda, b, c, ldc, bias, first, last, flags); break;
    case 4: tile_avx2_rows(4, kc, a, lda, b, c, ldc, bias, first, last, flags); break;
    case 3: tile_avx2_rows(3, kc, a, lda, b, c, ldc, bias, first, last, flags); break;
    case 2: tile_avx2_rows(2, kc, a, lda, b, c, ldc, bias, first, last, flags); break;
    default: tile_avx2_rows(1, kc, a, lda, b, c, ldc, bias, first, last, flags); break;
    }
}

AVX2 static void gelu_avx2_array(float *x, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        _mm256_storeu_ps(x + i, gelu_avx2(_mm256_loadu_ps(x + i)));
    }
    if (i < count) {
        float rest[8] = {0};
        memcpy(rest, x + i, sizeof(float) * (count - i));
        _mm256_storeu_ps(rest, gelu_avx2(_mm256_loadu_ps(rest)));
        memcpy(x + i, rest, sizeof(float) * (count - i));
    }
}

AVX2_INLINE float horizontal_sum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

AVX2_INLINE float horizontal_max_avx2(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Attention for head sizes that are a multiple of 8 (32 for MiniLM): keys are transposed once per
/// head so that a query row's scores come out 8 at a time, and the weighted sum of values keeps the
/// output row in registers.
AVX2 static void attention_avx2(const float *qkv, int ldqkv, int n, int heads, int head_dim,
                                int head_begin, int head_end, float *context, int ldc,
                                float *scratch) {
    int hidden = heads * head_dim;
    int padded = (n + 7) & ~7;
    float *keys_t = scratch;                       // head_dim × padded
    float *scores = scratch + (size_t)head_dim * padded;
    float scale = 1.0f / sqrtf((float)head_dim);
    int vectors = head_dim / 8;
    for (int h = head_begin; h < head_end; h++) {
        const float *q = qkv + h * head_dim;
        const float *kmat = qkv + hidden + h * head_dim;
        const float *v = qkv + 2 * hidden + h * head_dim;
        for (int d = 0; d < head_dim; d++) {
            float *row = keys_t + (size_t)d * padded;
            for (int j = 0; j < n; j++) {
                row[j] = kmat[(size_t)j * ldqkv + d];
            }
            for (int j = n; j < padded; j++) {
                row[j] = 0.0f;
            }
        }
        for (int i = 0; i < n; i++) {
            const float *qi = q + (size_t)i * ldqkv;
            __m256 row_max = _mm256_set1_ps(-INFINITY);
            int j0 = 0;
            // Four independent accumulators hide the FMA latency of the head_dim-long chains.
            for (; j0 + 32 <= padded; j0 += 32) {
                __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
                __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
                for (int d = 0; d < head_dim; d++) {
                    const float *kd = keys_t + (size_t)d * padded + j0;
                    __m256 qd = _mm256_set1_ps(qi[d]);
                    s0 = _mm256_fmadd_ps(qd, _mm256_loadu_ps(kd), s0);
                    s1 = _mm256_fmadd_ps(qd, _mm256_loadu_ps(kd + 8), s1);
                    s2 = _mm256_fmadd_ps(qd, _mm256_loadu_ps(kd + 16), s2);
                    s3 = _mm256_fmadd_ps(qd, _mm256_loadu_ps(kd + 24), s3);
                }
                _mm256_storeu_ps(scores + j0, _mm256_mul_ps(s0, _mm256_set1_ps(scale)));
                _mm256_storeu_ps(scores + j0 + 8, _mm256_mul_ps(s1, _mm256_set1_ps(scale)));
                _mm256_storeu_ps(scores + j0 + 16, _mm256_mul_ps(s2, _mm256_set1_ps(scale)));
                _mm256_storeu_ps(scores + j0 + 24, _mm256_mul_ps(s3, _mm256_set1_ps(scale)));
            }
            for (; j0 < padded; j0 += 8) {
                __m256 s = _mm256_setzero_ps();
                for (int d = 0; d < head_dim; d++) {
                    s = _mm256_fmadd_ps(_mm256_set1_ps(qi[d]),
                                        _mm256_loadu_ps(keys_t + (size_t)d * padded + j0), s);
                }
                _mm256_storeu_ps(scores + j0, _mm256_mul_ps(s, _mm256_set1_ps(scale)));
            }
            for (int j = 0; j + 8 <= n; j += 8) {
                row_max = _mm256_max_ps(row_max, _mm256_loadu_ps(scores + j));
            }
            float maximum = horizontal_max_avx2(row_max);
            for (int j = n & ~7; j < n; j++) {
                if (scores[j] > maximum) {
                    maximum = scores[j];
                }
            }
            __m256 vmax = _mm256_set1_ps(maximum);
            __m256 vsum = _mm256_setzero_ps();
            int j = 0;
            for (; j + 8 <= n; j += 8) {
                __m256 e = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(scores + j), vmax));
                _mm256_storeu_ps(scores + j, e);
                vsum = _mm256_add_ps(vsum, e);
            }
            float sum = horizontal_sum_avx2(vsum);
            if (j < n) {
                // Tail: padding lanes are forced to zero so they add nothing.
                __m256 e = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(scores + j), vmax));
                float lanes[8];
                _mm256_storeu_ps(lanes, e);
                for (int t = 0; t < 8; t++) {
                    if (j + t < n) {
                        scores[j + t] = lanes[t];
                        sum += lanes[t];
                    }
                }
            }
            __m256 inverse = _mm256_set1_ps(1.0f / sum);
            float *out = context + (size_t)i * ldc + h * head_dim;
            if (vectors == 4) {
                // head_dim 32: the whole output row in four registers, two keys per step.
                __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
                __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
                __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
                __m256 b2 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps();
                int jj = 0;
                for (; jj + 2 <= n; jj += 2) {
                    const float *v0 = v + (size_t)jj * ldqkv;
                    const float *v1 = v0 + ldqkv;
                    __m256 p0 = _mm256_set1_ps(scores[jj]);
                    __m256 p1 = _mm256_set1_ps(scores[jj + 1]);
                    a0 = _mm256_fmadd_ps(p0, _mm256_loadu_ps(v0), a0);
                    a1 = _mm256_fmadd_ps(p0, _mm256_loadu_ps(v0 + 8), a1);
                    a2 = _mm256_fmadd_ps(p0, _mm256_loadu_ps(v0 + 16), a2);
                    a3 = _mm256_fmadd_ps(p0, _mm256_loadu_ps(v0 + 24), a3);
                    b0 = _mm256_fmadd_ps(p1, _mm256_loadu_ps(v1), b0);
                    b1 = _mm256_fmadd_ps(p1, _mm256_loadu_ps(v1 + 8), b1);
                    b2 = _mm256_fmadd_ps(p1, _mm256_loadu_ps(v1 + 16), b2);
                    b3 = _mm256_fmadd_ps(p1, _mm256_loadu_ps(v1 + 24), b3);
                }
                if (jj < n) {
                    const float *v0 = v + (size_t)jj * ldqkv;
                    __m256 p0 = _mm256_set1_ps(scores[jj]);
                    a0 = _mm256_fmadd_ps(p0, _mm256_loadu_ps(v0), a0);
                    a1 = _mm256_fmadd_ps(p0, _mm256_loadu_ps(v0 + 8), a1);
                    a2 = _mm256_fmadd_ps(p0, _mm256_loadu_ps(v0 + 16), a2);
                    a3 = _mm256_fmadd_ps(p0, _mm256_loadu_ps(v0 + 24), a3);
                }
                _mm256_storeu_ps(out, _mm256_mul_ps(_mm256_add_ps(a0, b0), inverse));
                _mm256_storeu_ps(out + 8, _mm256_mul_ps(_mm256_add_ps(a1, b1), inverse));
                _mm256_storeu_ps(out + 16, _mm256_mul_ps(_mm256_add_ps(a2, b2), inverse));
                _mm256_storeu_ps(out + 24, _mm256_mul_ps(_mm256_add_ps(a3, b3), inverse));
                continue;
            }
            for (int c = 0; c < vectors; c++) {
                __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
                int jj = 0;
                for (; jj + 2 <= n; jj += 2) {
                    acc0 = _mm256_fmadd_ps(_mm256_set1_ps(scores[jj]),
                                           _mm256_loadu_ps(v + (size_t)jj * ldqkv + c * 8), acc0);
                    acc1 = _mm256_fmadd_ps(_mm256_set1_ps(scores[jj + 1]),
                                           _mm256_loadu_ps(v + (size_t)(jj + 1) * ldqkv + c * 8), acc1);
                }
                if (jj < n) {
                    acc0 = _mm256_fmadd_ps(_mm256_set1_ps(scores[jj]),
                                           _mm256_loadu_ps(v + (size_t)jj * ldqkv + c * 8), acc0);
                }
                _mm256_storeu_ps(out + c * 8, _mm256_mul_ps(_mm256_add_ps(acc0, acc1), inverse));
            }
        }
    }
}

static int avx2_available(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

#else

static int avx2_available(void) { return 0; }

#endif

// MARK: - Dispatch

int mlk_uses_avx2(void) { return avx2_available(); }

void mlk_linear(int m, int n, int k, const float *a, int lda, const float *packed, const float *bias,
                float *c, int ldc, int panel_begin, int panel_end, int flags) {
#if MLK_X86
    if (avx2_available()) {
        linear_driver(tile_avx2, m, n, k, a, lda, packed, bias, c, ldc, panel_begin, panel_end,
                      flags);
        return;
    }
#endif
    mlk_linear_portable(m, n, k, a, lda, packed, bias, c, ldc, panel_begin, panel_end, flags);
}

void mlk_gelu(float *x, size_t count) {
#if MLK_X86
    if (avx2_available()) {
        gelu_avx2_array(x, count);
        return;
    }
#endif
    mlk_gelu_portable(x, count);
}

void mlk_attention(const float *qkv, int ldqkv, int n, int heads, int head_dim, int head_begin,
                   int head_end, float *context, int ldc, float *scratch) {
#if MLK_X86
    if (avx2_available() && head_dim % 8 == 0) {
        attention_avx2(qkv, ldqkv, n, heads, head_dim, head_begin, head_end, context, ldc, scratch);
        return;
    }
#endif
    mlk_attention_portable(qkv, ldqkv, n, heads, head_dim, head_begin, head_end, context, ldc,
                           scratch);
}

// MARK: - Row-wise operations (memory-bound; plain C vectorises well enough)

void mlk_layer_norm(float *x, int rows, int cols, int ldx, const float *gamma, const float *beta,
                    float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ldx;
        double sum = 0.0;
        for (int j = 0; j < cols; j++) {
            sum += row[j];
        }
        double mean = sum / cols;
        double squares = 0.0;
        for (int j = 0; j < cols; j++) {
            double d = row[j] - mean;
            squares += d * d;
        }
        float inverse = (float)(1.0 / sqrt(squares / cols + (double)eps));
        float fmean = (float)mean;
        for (int j = 0; j < cols; j++) {
            row[j] = (row[j] - fmean) * inverse * gamma[j] + beta[j];
        }
    }
}

void mlk_embeddings(const int32_t *ids, int n, const float *word, const float *position,
                    const float *type, int hidden, float *out, int ldo) {
    for (int i = 0; i < n; i++) {
        const float *w = word + (size_t)ids[i] * hidden;
        const float *p = position + (size_t)i * hidden;
        float *o = out + (size_t)i * ldo;
        for (int j = 0; j < hidden; j++) {
            o[j] = (w[j] + type[j]) + p[j];
        }
    }
}

void mlk_mean_pool_normalize(const float *x, int n, int cols, int ldx, float *out) {
    double norm_squared = 0.0;
    for (int j = 0; j < cols; j++) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += x[(size_t)i * ldx + j];
        }
        float mean = n > 0 ? (float)(sum / n) : 0.0f;
        out[j] = mean;
        norm_squared += (double)mean * mean;
    }
    double norm = sqrt(norm_squared);
    if (norm < 1e-12) {
        norm = 1e-12;
    }
    float inverse = (float)(1.0 / norm);
    for (int j = 0; j < cols; j++) {
        out[j] *= inverse;
    }
}
