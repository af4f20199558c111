/* splitmix.h: the benches' draws (bench/place_scale.c, bench/plan_scale.c):
 * splitmix64, the same sequence on every machine for a given seed. */
#ifndef XB_BENCH_SPLITMIX_H
#define XB_BENCH_SPLITMIX_H
#include <stdint.h>

static inline uint64_t xb_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
#endif
