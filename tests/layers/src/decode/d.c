/* d.c: fixture: includes a room it is apart from (it must not) */
#include "account/engine.h"
int d;
