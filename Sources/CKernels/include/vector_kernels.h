#pragma once
// Vector kernels for the search index (Sources/Search/VectorIndex.swift).
//
// Every entry point picks an AVX2+FMA implementation at run time when the CPU has it and falls
// back to portable C otherwise; the `_portable` variants are exported so tests can check that
// both paths agree. All pointers must be valid for the lengths given; nothing here allocates.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the AVX2+FMA paths are in use on this CPU, 0 when the portable paths are.
int mlk_vector_isa_avx2(void);

/// Dot product of two float vectors of length `n`.
float mlk_dot_f32(const float *a, const float *b, size_t n);
float mlk_dot_f32_portable(const float *a, const float *b, size_t n);

/// `out[r] = dot(matrix[r*dim ..< (r+1)*dim], query)` for `r` in `0 ..< rows` (row-major matrix).
void mlk_dot_rows_f32(const float *matrix, size_t rows, size_t dim, const float *query, float *out);
void mlk_dot_rows_f32_portable(const float *matrix, size_t rows, size_t dim, const float *query, float *out);

/// `out[i] = dot(row slots[i], query)`: scores only the listed rows (an allowed-id filter).
void mlk_dot_gather_f32(const float *matrix, size_t dim, const int32_t *slots, size_t count,
                        const float *query, float *out);

/// Writes `v / |v|` to `out` (scaled first by its largest component, so the sum of squares cannot
/// overflow); an all-zero vector is copied as is. Returns 0, or -1 without writing `out` when a
/// component is NaN or infinite.
int mlk_normalize_f32(const float *v, size_t n, float *out);

/// Symmetric int8 quantisation with one scale per vector: `out[i] = round(v[i] / scale)`, in
/// [-127, 127], with `scale = max|v| / 127` (0 for an all-zero vector). Returns the scale.
float mlk_quantize_i8(const float *v, size_t n, int8_t *out);

/// `out[r] = scales[r] * query_scale * Σ matrix[r][i] * query[i]` over int8 rows: an approximate
/// dot product for the candidate pass of large indexes. Values must lie in [-127, 127].
void mlk_dot_rows_i8(const int8_t *matrix, const float *scales, size_t rows, size_t dim,
                     const int8_t *query, float query_scale, float *out);
void mlk_dot_rows_i8_portable(const int8_t *matrix, const float *scales, size_t rows, size_t dim,
                              const int8_t *query, float query_scale, float *out);

/// Selects the best `k` entries of `scores` (higher first; equal scores by smaller `ids[i]`),
/// skipping entries equal to -INFINITY or NaN (rows a filter excluded). Writes up to `k` indices
/// into `scores` to `out_index`, best first, and returns how many it wrote.
size_t mlk_top_k(const float *scores, const int64_t *ids, size_t n, size_t k, int32_t *out_index);

#ifdef __cplusplus
}
#endif
