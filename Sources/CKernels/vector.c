// Vector kernels for the search index; see include/vector_kernels.h.
//
// The AVX2+FMA variants are compiled with a per-function target attribute, so the target as a
// whole stays portable; `__builtin_cpu_supports` picks them at run time.
#include "vector_kernels.h"

#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MLK_X86 1
#else
#define MLK_X86 0
#endif

// MARK: - Dispatch

#if MLK_X86
static int mlk_detect_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// AVX-512 with VNNI (a 64-byte multiply-add of unsigned by signed bytes into 32-bit sums) for the int8 scan.
static int mlk_detect_vnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vnni");
}
#endif

// Detection results: -1 unknown, else 0/1. A race only repeats the (idempotent) detection.
static volatile int mlk_avx2_state = -1;
static volatile int mlk_vnni_state = -1;

static int mlk_cached_isa(volatile int *cache, int (*detect)(void)) {
    int state = *cache;
    if (state < 0) {
        state = detect ? detect() : 0;
        *cache = state;
    }
    return state;
}

#if MLK_X86
int mlk_vector_isa_avx2(void) { return mlk_cached_isa(&mlk_avx2_state, mlk_detect_avx2); }
static int mlk_vector_isa_vnni(void) { return mlk_cached_isa(&mlk_vnni_state, mlk_detect_vnni); }
#else
int mlk_vector_isa_avx2(void) { return mlk_cached_isa(&mlk_avx2_state, 0); }
#endif

// MARK: - Portable

float mlk_dot_f32_portable(const float *a, const float *b, size_t n) {
    // Four accumulators break the dependency chain; the compiler vectorises this at -O3.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

void mlk_dot_rows_f32_portable(const float *matrix, size_t rows, size_t dim, const float *query, float *out) {
    for (size_t r = 0; r < rows; r++) out[r] = mlk_dot_f32_portable(matrix + r * dim, query, dim);
}

static int32_t mlk_dot_i8_portable(const int8_t *a, const int8_t *b, size_t n) {
    int32_t s = 0;
    for (size_t i = 0; i < n; i++) s += (int32_t)a[i] * (int32_t)b[i];
    return s;
}

void mlk_dot_rows_i8_portable(const int8_t *matrix, const float *scales, size_t rows, size_t dim,
                              const int8_t *query, float query_scale, float *out) {
    for (size_t r = 0; r < rows; r++) {
        out[r] = (float)mlk_dot_i8_portable(matrix + r * dim, query, dim) * scales[r] * query_scale;
    }
}

// MARK: - AVX2 + FMA

#if MLK_X86
__attribute__((target("avx2,fma")))
static inline float mlk_hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v);
    __m128 hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 shuf = _mm_movehdup_ps(lo);
    __m128 sums = _mm_add_ps(lo, shuf);
    shuf = _mm_movehl_ps(shuf, sums);
    sums = _mm_add_ss(sums, shuf);
    return _mm_cvtss_f32(sums);
}

__attribute__((target("avx2,fma")))
static float mlk_dot_f32_avx2(const float *a, const float *b, size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
    }
    for (; i + 8 <= n; i += 8) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    }
    float s = mlk_hsum256(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

__attribute__((target("avx2,fma")))
static void mlk_dot_rows_f32_avx2(const float *matrix, size_t rows, size_t dim, const float *query, float *out) {
    for (size_t r = 0; r < rows; r++) out[r] = mlk_dot_f32_avx2(matrix + r * dim, query, dim);
}

__attribute__((target("avx2,fma")))
static int32_t mlk_dot_i8_avx2(const int8_t *a, const int8_t *b, size_t n) {
    // maddubs multiplies unsigned by signed bytes, so multiply |a| by b carrying a's sign.
    // With values in [-127, 127] a pair sum is at most 2*127*127 = 32258: no 16-bit saturation.
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i va = _mm256_loadu_si256((const __m256i *)(a + i));
        __m256i vb = _mm256_loadu_si256((const __m256i *)(b + i));
        __m256i prod16 = _mm256_maddubs_epi16(_mm256_sign_epi8(va, va), _mm256_sign_epi8(vb, va));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(prod16, ones));
    }
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    int32_t total = _mm_cvtsi128_si32(s);
    for (; i < n; i++) total += (int32_t)a[i] * (int32_t)b[i];
    return total;
}

__attribute__((target("avx2,fma")))
static void mlk_dot_rows_i8_avx2(const int8_t *matrix, const float *scales, size_t rows, size_t dim,
                                 const int8_t *query, float query_scale, float *out) {
    for (size_t r = 0; r < rows; r++) {
        out[r] = (float)mlk_dot_i8_avx2(matrix + r * dim, query, dim) * scales[r] * query_scale;
    }
}

// dpbusd multiplies unsigned by signed bytes without 16-bit saturation, so each row byte a is read as
// a XOR 0x80 = a + 128 (unsigned) and the query's 128·Σq is taken off the sum. A row's tail is loaded
// with a mask (zeros in the query), so any dimension works.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void mlk_dot_rows_i8_vnni(const int8_t *matrix, const float *scales, size_t rows, size_t dim,
                                 const int8_t *query, float query_scale, float *out) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    int32_t query_sum = 0;
    for (size_t i = 0; i < dim; i++) query_sum += query[i];
    const int32_t offset = 128 * query_sum;
    const size_t full = dim / 64 * 64;
    const __mmask64 tail = dim % 64 ? (~0ULL >> (64 - dim % 64)) : 0;
    const __m512i tail_query = _mm512_maskz_loadu_epi8(tail, query + full);
    for (size_t r = 0; r < rows; r++) {
        const int8_t *row = matrix + r * dim;
        __m512i acc = _mm512_setzero_si512();
        for (size_t i = 0; i < full; i += 64) {
            __m512i a = _mm512_xor_si512(_mm512_loadu_si512((const void *)(row + i)), flip);
            acc = _mm512_dpbusd_epi32(acc, a, _mm512_loadu_si512((const void *)(query + i)));
        }
        if (tail) {
            __m512i a = _mm512_xor_si512(_mm512_maskz_loadu_epi8(tail, row + full), flip);
            acc = _mm512_dpbusd_epi32(acc, a, tail_query);
        }
        out[r] = (float)(_mm512_reduce_add_epi32(acc) - offset) * scales[r] * query_scale;
    }
}
#endif

// MARK: - Public entry points

float mlk_dot_f32(const float *a, const float *b, size_t n) {
#if MLK_X86
    if (mlk_vector_isa_avx2()) return mlk_dot_f32_avx2(a, b, n);
#endif
    return mlk_dot_f32_portable(a, b, n);
}

void mlk_dot_rows_f32(const float *matrix, size_t rows, size_t dim, const float *query, float *out) {
#if MLK_X86
    if (mlk_vector_isa_avx2()) { mlk_dot_rows_f32_avx2(matrix, rows, dim, query, out); return; }
#endif
    mlk_dot_rows_f32_portable(matrix, rows, dim, query, out);
}

void mlk_dot_gather_f32(const float *matrix, size_t dim, const int32_t *slots, size_t count,
                        const float *query, float *out) {
#if MLK_X86
    if (mlk_vector_isa_avx2()) {
        for (size_t i = 0; i < count; i++) out[i] = mlk_dot_f32_avx2(matrix + (size_t)slots[i] * dim, query, dim);
        return;
    }
#endif
    for (size_t i = 0; i < count; i++) out[i] = mlk_dot_f32_portable(matrix + (size_t)slots[i] * dim, query, dim);
}

void mlk_dot_rows_i8(const int8_t *matrix, const float *scales, size_t rows, size_t dim,
                     const int8_t *query, float query_scale, float *out) {
#if MLK_X86
    if (mlk_vector_isa_vnni()) { mlk_dot_rows_i8_vnni(matrix, scales, rows, dim, query, query_scale, out); return; }
    if (mlk_vector_isa_avx2()) { mlk_dot_rows_i8_avx2(matrix, scales, rows, dim, query, query_scale, out); return; }
#endif
    mlk_dot_rows_i8_portable(matrix, scales, rows, dim, query, query_scale, out);
}

int mlk_normalize_f32(const float *v, size_t n, float *out) {
    float largest = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) return -1;
        float a = fabsf(v[i]);
        if (a > largest) largest = a;
    }
    if (largest == 0) {
        for (size_t i = 0; i < n; i++) out[i] = v[i];
        return 0;
    }
    float inv_largest = 1.0f / largest;
    for (size_t i = 0; i < n; i++) out[i] = v[i] * inv_largest;
    float scale = 1.0f / sqrtf(mlk_dot_f32(out, out, n));
    for (size_t i = 0; i < n; i++) out[i] *= scale;
    return 0;
}

float mlk_quantize_i8(const float *v, size_t n, int8_t *out) {
    float max_abs = 0;
    for (size_t i = 0; i < n; i++) {
        float a = fabsf(v[i]);
        if (a > max_abs) max_abs = a;
    }
    if (!(max_abs > 0) || !isfinite(max_abs)) {
        for (size_t i = 0; i < n; i++) out[i] = 0;
        return 0;
    }
    float inv = 127.0f / max_abs;
    for (size_t i = 0; i < n; i++) {
        long q = lrintf(v[i] * inv);
        if (q > 127) q = 127;
        if (q < -127) q = -127;
        out[i] = (int8_t)q;
    }
    return max_abs / 127.0f;
}

// MARK: - Top-k selection

// Heap order: the root is the *worst* kept entry (lowest score; on a tie, the larger id).
static inline int mlk_worse(float sa, int64_t ia, float sb, int64_t ib) {
    return sa < sb || (sa == sb && ia > ib);
}

static void mlk_sift_down(int32_t *heap, size_t size, size_t at, const float *scores, const int64_t *ids) {
    for (;;) {
        size_t l = 2 * at + 1, r = l + 1, worst = at;
        if (l < size && mlk_worse(scores[heap[l]], ids[heap[l]], scores[heap[worst]], ids[heap[worst]])) worst = l;
        if (r < size && mlk_worse(scores[heap[r]], ids[heap[r]], scores[heap[worst]], ids[heap[worst]])) worst = r;
        if (worst == at) return;
        int32_t t = heap[at]; heap[at] = heap[worst]; heap[worst] = t;
        at = worst;
    }
}

size_t mlk_top_k(const float *scores, const int64_t *ids, size_t n, size_t k, int32_t *out_index) {
    if (k == 0) return 0;
    size_t size = 0;
    for (size_t i = 0; i < n; i++) {
        float s = scores[i];
        if (isnan(s) || s == -INFINITY) continue;
        if (size < k) {
            // Sift up.
            size_t at = size++;
            out_index[at] = (int32_t)i;
            while (at > 0) {
                size_t parent = (at - 1) / 2;
                if (!mlk_worse(s, ids[i], scores[out_index[parent]], ids[out_index[parent]])) break;
                out_index[at] = out_index[parent];
                out_index[parent] = (int32_t)i;
                at = parent;
            }
        } else if (mlk_worse(scores[out_index[0]], ids[out_index[0]], s, ids[i])) {
            out_index[0] = (int32_t)i;
            mlk_sift_down(out_index, size, 0, scores, ids);
        }
    }
    // Heap sort in place: repeatedly move the worst to the end, giving best-first order.
    for (size_t end = size; end > 1; end--) {
        int32_t t = out_index[0]; out_index[0] = out_index[end - 1]; out_index[end - 1] = t;
        mlk_sift_down(out_index, end - 1, 0, scores, ids);
    }
    return size;
}
