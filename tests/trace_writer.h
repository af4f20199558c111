/* trace_writer.h: builds valid xentrace files from a scripted timeline.
 *
 * Records are added per CPU in time order; tw_bytes() lays them out as
 * xentrace does: CPU_CHANGE windows of up to `per_window` records, CPUs
 * taking turns.  Used by the unit tests and the fuzz corpus.
 */
#ifndef XB_TRACE_WRITER_H
#define XB_TRACE_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct tw;

struct tw *tw_new(unsigned ncpu);
void tw_free(struct tw *w);
/* Any record; tsc is written when with_tsc. */
void tw_rec(struct tw *w, unsigned cpu, uint32_t event, int with_tsc,
            uint64_t tsc, unsigned nextra, const uint32_t *extra);
/* RUNSTATE_CHANGE old -> new (RUNSTATE_* numbers) of d<dom>v<vcpu>. */
void tw_runstate(struct tw *w, unsigned cpu, uint64_t tsc, uint32_t dom,
                 uint32_t vcpu, unsigned old, unsigned new_state);
/* Lost-records notice: `lost` records dropped since first_tsc. */
void tw_lost(struct tw *w, unsigned cpu, uint64_t tsc, uint32_t lost,
             uint64_t first_tsc);
/* The file image; valid until the next call.  per_window 0: one window per CPU. */
const uint8_t *tw_bytes(struct tw *w, unsigned per_window, size_t *len);
/* Write the image to a new temporary file; returns its path (static buffer). */
const char *tw_write_tmp(struct tw *w, unsigned per_window);

#endif
