#pragma once
// Dense kernels for the local sentence encoder (MiniLM / BERT forward pass).
//
// Every entry point picks an AVX2+FMA implementation at run time when the CPU has it
// (`__builtin_cpu_supports`) and a portable C implementation otherwise, so one binary runs on any
// x86-64 or ARM machine. All matrices are row-major float32; leading dimensions are in floats.
// None of the functions allocate or keep state, and calls that write disjoint output ranges may run
// concurrently (that is how the Swift side spreads work over the cores).

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Number of output columns in one packed weight panel.
#define MLK_PANEL_WIDTH 16

/// Flag for `mlk_linear`: add the product to what `c` already holds (a fused residual connection).
#define MLK_ACCUMULATE 1
/// Flag for `mlk_linear`: apply the exact GELU, 0.5·x·(1 + erf(x/√2)), to the finished outputs.
#define MLK_GELU 2

/// Number of floats `mlk_pack_weight` writes for an `n`×`k` weight: `n` rounded up to whole panels.
size_t mlk_packed_weight_count(int n, int k);

/// Repacks a PyTorch `Linear` weight, stored `[n outputs][k inputs]`, into panels of
/// `MLK_PANEL_WIDTH` outputs laid out `[panel][k][MLK_PANEL_WIDTH]`, so the product kernel reads
/// each panel as one contiguous stream. Columns past `n` in the last panel are zero.
void mlk_pack_weight(const float *weight, int n, int k, float *packed);

/// Number of panels of an `n`-output weight; `mlk_linear` is split over threads by panel ranges.
int mlk_panel_count(int n);

/// `c[m×n] = a[m×k] · weightᵀ + bias` (plus `c` with `MLK_ACCUMULATE`, then GELU with `MLK_GELU`),
/// restricted to the output columns of panels `[panel_begin, panel_end)`.
///
/// `packed` comes from `mlk_pack_weight`; `bias` has `n` entries (may be NULL).
void mlk_linear(int m, int n, int k, const float *a, int lda, const float *packed, const float *bias,
                float *c, int ldc, int panel_begin, int panel_end, int flags);

/// Number of scratch floats `mlk_attention` needs for sequences of up to `n` tokens.
size_t mlk_attention_scratch_count(int n, int head_dim);

/// Scaled dot-product self-attention of one unpadded sequence for heads `[head_begin, head_end)`.
///
/// `qkv` holds `n` rows of `[query | key | value]`, each `heads·head_dim` wide, with leading
/// dimension `ldqkv`; the result for head `h` is written to columns `h·head_dim ..< (h+1)·head_dim`
/// of `context` (leading dimension `ldc`). Scores are scaled by 1/√head_dim; softmax subtracts the
/// row maximum first.
void mlk_attention(const float *qkv, int ldqkv, int n, int heads, int head_dim, int head_begin,
                   int head_end, float *context, int ldc, float *scratch);

/// In-place LayerNorm over each of `rows` rows of `cols` values: (x − mean)/√(var + eps)·γ + β.
void mlk_layer_norm(float *x, int rows, int cols, int ldx, const float *gamma, const float *beta,
                    float eps);

/// BERT input embeddings for one sequence: row i = (word[ids[i]] + type) + position[i].
///
/// `word` and `position` are row-major tables of `hidden`-wide rows; `type` is one row. The caller
/// guarantees every id is a valid row.
void mlk_embeddings(const int32_t *ids, int n, const float *word, const float *position,
                    const float *type, int hidden, float *out, int ldo);

/// Mean of `n` rows of `x` followed by L2 normalisation, written to `out[cols]`.
///
/// A zero mean vector stays zero (the norm is clamped at 1e-12 like `torch.nn.functional.normalize`).
void mlk_mean_pool_normalize(const float *x, int n, int cols, int ldx, float *out);

/// Exact GELU applied in place to `count` values (used by tests and for odd shapes).
void mlk_gelu(float *x, size_t count);

/// Which implementation the dispatcher chose: 1 for AVX2+FMA, 0 for portable C.
int mlk_uses_avx2(void);

/// The portable implementations, callable directly so tests can check them on AVX2 machines too.
void mlk_linear_portable(int m, int n, int k, const float *a, int lda, const float *packed,
                         const float *bias, float *c, int ldc, int panel_begin, int panel_end,
                         int flags);
void mlk_attention_portable(const float *qkv, int ldqkv, int n, int heads, int head_dim,
                            int head_begin, int head_end, float *context, int ldc, float *scratch);
void mlk_gelu_portable(float *x, size_t count);

#ifdef __cplusplus
}
#endif
