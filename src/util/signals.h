/* signals.h: SIGINT and SIGTERM ask a long command to stop cleanly. */
#ifndef XB_SIGNALS_H
#define XB_SIGNALS_H

/* Install fn for SIGINT and SIGTERM (no SA_RESTART: sleeps end early). */
void xb_catch_stop_signals(void (*fn)(int));

#endif
