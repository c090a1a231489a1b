#pragma once
// Umbrella header: vector kernels for the search index, matrix kernels for the local encoder.
#include "vector_kernels.h"
#include "matrix_kernels.h"
