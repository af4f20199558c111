/* gen_linux_seeds.c: writes the generated seeds of fuzz_linux_sched.
 *
 * Usage: gen_linux_seeds FORMATS_DIR DIR.  Each seed is the harness's input
 * (a control byte, then the pages of CPU 0 and of CPU 1; see
 * fuzz_linux_sched.c) built with tests/linux/page_writer from the formats:
 * block and wake-up across CPUs, preemption, exits and forks of domain
 * threads (tids 1-7), an untraced switch to repair, pages after missed
 * events, the long record form with time extends and discarded events
 * drained live, a mapped file with a partial page, and a damaged page.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/page_writer.h"

#define MS 1000000ull
#define T0 7000000000000ull
#define AT(ms) (T0 + (uint64_t)(ms) * MS)

/* control byte: pages of CPU 0, window (0: 1 ms, 1: 10 ms, 2: 100 ms,
 * 3: one), live, mapped */
static uint8_t ctl(size_t cpu0_pages, unsigned window, int live, int mapped)
{
    return (uint8_t)(cpu0_pages | window << 4 | (live ? 0x40 : 0) | (mapped ? 0x80 : 0));
}

static void save(const char *dir, const char *name, uint8_t c, struct pw *w0,
                 struct pw *w1, size_t cut)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    size_t n0, n1;
    const uint8_t *b0 = pw_bytes(w0, &n0), *b1 = pw_bytes(w1, &n1);
    if (n1 > cut)
        n1 -= cut;
    if (!f || fputc(c, f) == EOF || (n0 && fwrite(b0, 1, n0, f) != n0) ||
        (n1 && fwrite(b1, 1, n1, f) != n1) || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static struct pw *writer(const char *formats)
{
    struct pw *w = pw_new(formats);
    if (!w)
        exit(1);
    return w;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_linux_seeds FORMATS_DIR DIR\n");
        return 2;
    }
    const char *fm = argv[1], *dir = argv[2];
    struct pw *a = writer(fm), *b = writer(fm);

    /* 1 blocks on CPU 0, is woken onto CPU 1, runs there */
    pw_switch(a, AT(10), 0, 0, 1);
    pw_switch(a, AT(30), 1, 1, 0);
    pw_wakeup(a, AT(50), 1, 1);
    pw_switch(a, AT(90), 0, 0, 200);
    pw_switch(b, AT(5), 0, 0, 200);
    pw_switch(b, AT(60), 200, 0, 1);
    pw_switch(b, AT(80), 1, 1, 0);
    save(dir, "gen-block-wake", ctl(1, 1, 0, 0), a, b, 0);
    pw_free(a);
    pw_free(b);

    /* preemption (R, R+), exit (X, Z), D; forks of domain and host threads */
    a = writer(fm);
    b = writer(fm);
    pw_switch(a, AT(10), 0, 0, 2);
    pw_fork(a, AT(12), 2, 110);
    pw_wakeup_new(a, AT(13), 110, 0);
    pw_switch(a, AT(20), 2, 0, 110);
    pw_switch(a, AT(30), 110, 0x100, 3);
    pw_switch(a, AT(35), 3, 0x10, 110);
    pw_switch(a, AT(45), 110, 2, 0);
    pw_switch(b, AT(5), 0, 0, 5);
    pw_fork(b, AT(15), 5, 160);
    pw_wakeup_new(b, AT(16), 160, 1);
    pw_switch(b, AT(25), 5, 1, 160);
    pw_switch(b, AT(35), 160, 0x20, 300);
    pw_fork(b, AT(38), 300, 310);
    pw_wakeup_new(b, AT(39), 310, 0);
    pw_switch(b, AT(40), 300, 1, 7);
    pw_switch(b, AT(48), 7, 0, 0);
    save(dir, "gen-preempt-exit-fork", ctl(1, 0, 0, 0), a, b, 0);
    pw_free(a);
    pw_free(b);

    /* untraced idle -> thread switches on CPU 1 (with and without a wake-up)
     * and a blocked thread switched in without one */
    a = writer(fm);
    b = writer(fm);
    pw_switch(a, AT(2), 0, 0, 1);
    pw_switch(a, AT(8), 1, 1, 0);
    pw_wakeup(a, AT(20), 1, 1);
    pw_switch(a, AT(60), 0, 0, 1);
    pw_switch(a, AT(65), 1, 1, 0);
    pw_switch(b, AT(10), 300, 1, 0);
    pw_switch(b, AT(50), 1, 1, 0);
    pw_switch(b, AT(70), 4, 1, 0);
    save(dir, "gen-repair", ctl(1, 1, 0, 0), a, b, 0);
    pw_free(a);
    pw_free(b);

    /* pages after missed events (count stored, not stored) */
    a = writer(fm);
    b = writer(fm);
    pw_switch(a, AT(10), 0, 0, 1);
    pw_switch(a, AT(20), 1, 0, 0);
    pw_missed(a, 5);
    pw_switch(a, AT(60), 0, 0, 400);
    pw_switch(a, AT(70), 400, 1, 0);
    pw_missed(a, -1);
    pw_discarded(a, AT(75), 40);
    pw_switch(a, AT(80), 0, 0, 1);
    pw_switch(a, AT(90), 1, 1, 0);
    pw_switch(b, AT(15), 0, 0, 6);
    pw_switch(b, AT(85), 6, 0, 0);
    save(dir, "gen-missed", ctl(3, 1, 0, 0), a, b, 0);
    pw_free(a);
    pw_free(b);

    /* long records, time extends, a discarded and an unknown event; live */
    a = writer(fm);
    b = writer(fm);
    pw_set_long_form(a, true);
    pw_switch(a, AT(100), 0, 0, 1);
    pw_switch(a, AT(400), 1, 1, 0);
    pw_other(a, AT(450), 9999, 24);
    pw_wakeup(a, AT(700), 1, 0);
    pw_switch(a, AT(1000), 0, 0, 1);
    pw_discarded(a, AT(1200), 60);
    pw_switch(a, AT(1500), 1, 0, 0);
    pw_switch(b, AT(300), 0, 0, 5);
    pw_switch(b, AT(900), 5, 0, 0);
    save(dir, "gen-long-live", ctl(1, 2, 1, 0), a, b, 0);
    /* the same as mapped files, CPU 1's page cut short */
    save(dir, "gen-mapped-partial", ctl(1, 2, 0, 1), a, b, 1000);
    pw_free(a);
    pw_free(b);

    /* a page whose commit claims more than the page holds */
    a = writer(fm);
    b = writer(fm);
    pw_switch(a, AT(10), 0, 0, 1);
    pw_break(a);
    pw_switch(a, AT(20), 1, 1, 0);
    pw_break(a);
    pw_switch(a, AT(30), 0, 0, 1);
    uint8_t *pg = pw_page(a, 1) + pw_commit_offset(a);
    uint64_t bad = 5000;
    memcpy(pg, &bad, sizeof bad);
    pw_switch(b, AT(5), 0, 0, 300);
    save(dir, "gen-damaged", ctl(3, 0, 0, 0), a, b, 0);
    pw_free(a);
    pw_free(b);
    return 0;
}
