/* engine.h: fixture */
#ifndef FIX_ENGINE_H
#define FIX_ENGINE_H
#endif
