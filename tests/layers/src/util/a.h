/* a.h: fixture */
#ifndef FIX_A_H
#define FIX_A_H
#include "util/b.h"
#endif
