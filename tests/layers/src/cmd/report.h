/* report.h: fixture */
#ifndef FIX_REPORT_H
#define FIX_REPORT_H
#endif
