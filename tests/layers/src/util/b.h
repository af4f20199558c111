/* b.h: fixture: a cycle a -> b -> a */
#ifndef FIX_B_H
#define FIX_B_H
#include "a.h"
#endif
