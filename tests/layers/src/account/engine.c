/* engine.c: fixture: an upward include (what it must not do) */
#include "cmd/report.h"
#include "util/a.h"
int x;
