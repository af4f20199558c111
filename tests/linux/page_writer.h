/* page_writer.h: builds raw tracefs ring-buffer pages for the tests (test
 * only; owns nothing of the decoder).
 *
 * One writer is one CPU's trace_pipe_raw stream.  The page layout (header
 * fields, data offset, page size) comes from the header_page file and each
 * record's layout (event id, field offsets and sizes) from the
 * sched-EVENT.format files of a formats directory, as tracefs_capture saves
 * them in a run folder.  Records are added in time order (CLOCK_MONOTONIC
 * ns); each is written as the kernel's ring buffer writes it: a 32-bit
 * header (type_len 5 bits, time_delta 27 bits), a time-extend record before
 * it when the delta from the previous record does not fit 27 bits, data of
 * up to 112 bytes in the short form (type_len = words) or else, or with
 * pw_set_long_form(), the long form (type_len 0, length word).  A record
 * that does not fit the page starts the next one; bytes past the commit are
 * zero.
 */
#ifndef XB_PAGE_WRITER_H
#define XB_PAGE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pw;

/* NULL (and a message on stderr) when a format file is missing or lacks a
 * field the writer fills. */
struct pw *pw_new(const char *formats_dir);
void pw_free(struct pw *w);
size_t pw_page_size(const struct pw *w);

/* Records.  prev_state: the kernel's bits (0 R, 1 S, 2 D, 0x10 X, 0x20 Z,
 * 0x100 preempted). */
void pw_switch(struct pw *w, uint64_t t, pid_t prev, long prev_state, pid_t next);
void pw_wakeup(struct pw *w, uint64_t t, pid_t pid, int target_cpu);
void pw_wakeup_new(struct pw *w, uint64_t t, pid_t pid, int target_cpu);
void pw_fork(struct pw *w, uint64_t t, pid_t parent, pid_t child);
/* A discarded event (padding with a length) of len data bytes at t, which
 * must be later than the previous record (its delta counts). */
void pw_discarded(struct pw *w, uint64_t t, unsigned len);
/* A record of an event id the decoder does not know, len data bytes. */
void pw_other(struct pw *w, uint64_t t, uint16_t id, unsigned len);

/* Layout controls.  pw_break: the next record starts a new page.
 * pw_missed: the next record starts a new page that follows missed events;
 * n >= 0 is stored after the data (RB_MISSED_STORED), n < 0 is not. */
void pw_set_long_form(struct pw *w, bool on);
void pw_break(struct pw *w);
void pw_missed(struct pw *w, long n);

/* The pages so far (the last one possibly part-filled). */
size_t pw_npages(const struct pw *w);
uint8_t *pw_page(struct pw *w, size_t i);
const uint8_t *pw_bytes(const struct pw *w, size_t *len);
/* Write the pages (plus `extra` zero bytes: a partial page) to path. */
int pw_write(const struct pw *w, const char *path, size_t extra);

/* Offsets within a page, for tests that damage pages on purpose. */
size_t pw_commit_offset(const struct pw *w);
size_t pw_data_offset(const struct pw *w);

#endif
