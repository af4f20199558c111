/* signals.c: the stop-signal handlers of record, top, bench, demo.  It must
 * not decide what a stop does (the commands and recorders do). */
#include "signals.h"

#include <signal.h>
#include <string.h>

void xb_catch_stop_signals(void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
