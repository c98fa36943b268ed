// CRC-32C (Castagnoli, as in iSCSI and ext4) for the store's section checksums.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// The CRC-32C of `length` bytes, continuing from `crc` (0 to start). Uses the SSE 4.2
/// instruction when the CPU has it, else a table; both give the same value.
uint32_t evq_crc32c(uint32_t crc, const void *bytes, size_t length);
