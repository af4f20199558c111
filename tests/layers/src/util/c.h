/* c.h: fixture: the same guard as a.h */
#ifndef FIX_A_H
#define FIX_A_H
#endif
