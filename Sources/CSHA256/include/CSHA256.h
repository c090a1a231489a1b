#pragma once
// SHA-256 block compression with the x86 SHA extensions (SHA-NI), for the Crypto module's SHA256.
#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the SHA extensions and SSE4.1, so memledger_sha256_compress_ni may run; else 0.
int memledger_sha256_ni_available(void);

/// Applies the FIPS 180-4 compression function to `count` consecutive 64-byte blocks.
/// `state` is H0…H7 in order. Only call when memledger_sha256_ni_available() is 1.
void memledger_sha256_compress_ni(uint32_t state[8], const uint8_t *blocks, size_t count);
