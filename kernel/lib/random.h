/* Kernel random numbers: a small non-cryptographic generator seeded at boot from the timer,
 * the cycle counter and the device tree's rng-seed when present. */
#ifndef LIB_RANDOM_H
#define LIB_RANDOM_H

#include <stddef.h>
#include <stdint.h>

void random_seed(uint64_t entropy);
uint64_t random_u64(void);
void random_bytes(void *buf, size_t n);

#endif
