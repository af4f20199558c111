/* tsc.h: the TSC read in dom0, the clock Xen stamps trace records with (a PV
 * dom0 reads the TSC natively; Xen never emulates it for the hardware
 * domain), so counter samples and the trace share one time line. */
#ifndef XB_XEN_TSC_H
#define XB_XEN_TSC_H

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline uint64_t xb_rdtsc(void)
{
    return __rdtsc();
}
#else
#error "the Xen recorder needs x86 (trace records carry the x86 TSC)"
#endif

#endif
