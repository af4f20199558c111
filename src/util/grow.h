/* grow.h: room for one more element in a growable array (doubling, from a
 * first capacity), the step every append repeats. */
#ifndef XB_UTIL_GROW_H
#define XB_UTIL_GROW_H

#include <stdlib.h>
#include <string.h>

/* *arr holds n of *cap elements of size elem; makes n < *cap.  Returns 0,
 * or -1 when out of memory (the array is then unchanged). */
static inline int xb_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : first;
    void *p = realloc(*(void **)arr, c * elem);
    if (!p)
        return -1;
    *(void **)arr = p;
    *cap = c;
    return 0;
}

/* xb_grow, and the new elements zeroed (for arrays whose slots keep
 * buffers of their own between uses). */
static inline int xb_grow_zeroed(void *arr, size_t *cap, size_t n, size_t elem,
                                 size_t first)
{
    size_t old = *cap;
    if (xb_grow(arr, cap, n, elem, first))
        return -1;
    if (*cap > old)
        memset((char *)*(void **)arr + old * elem, 0, (*cap - old) * elem);
    return 0;
}

#endif
