/* xoshiro256** over a splitmix64-expanded seed: fast, well distributed, not cryptographic. */
#include "lib/random.h"

static uint64_t state[4] = { 0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL, 0x94d049bb133111ebULL, 1 };

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void random_seed(uint64_t entropy)
{
    uint64_t x = entropy ^ state[0] ^ state[3];
    for (int i = 0; i < 4; i++)
        state[i] ^= splitmix(&x);
}

static uint64_t rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

uint64_t random_u64(void)
{
    uint64_t result = rotl(state[1] * 5, 7) * 9;
    uint64_t t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 45);
    return result;
}

void random_bytes(void *buf, size_t n)
{
    uint8_t *b = buf;
    while (n) {
        uint64_t r = random_u64();
        for (int i = 0; i < 8 && n; i++, n--, r >>= 8)
            *b++ = (uint8_t)r;
    }
}
