/* serve_metrics.c: how long `serve` takes to make its /metrics body for a
 * large host (not installed; run by bench/serve).
 *
 *   serve_metrics [DOMAINS [VCPUS [PCPUS [RUNS]]]]   (default 1000 2 4 21)
 *
 * Builds synthetic windows (tests/synth_window.h) of DOMAINS domains, adds
 * them to running totals as serve does each window, then times, RUNS times
 * each and in alternation: the Prometheus exposition of the totals
 * (present/prom.c), and as the baseline measured in the same run, `report
 * -f csv` of one window of the same domains (present/csv_json.c), the
 * presenter every other format is held to.  Prints the medians, their ratio,
 * the bytes made, and PASS or MISS against the 50 ms target for the
 * exposition. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "account/totals.h"
#include "present/present.h"
#include "present/prom.h"
#include "synth_window.h"
#include "util/clock.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    unsigned ndom = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
    unsigned nvcpu = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
    unsigned npcpu = argc > 3 ? (unsigned)atoi(argv[3]) : 4;
    unsigned runs = argc > 4 ? (unsigned)atoi(argv[4]) : 21;
    if (!ndom || !nvcpu || !npcpu || runs < 3) {
        fprintf(stderr, "usage: serve_metrics [DOMAINS [VCPUS [PCPUS [RUNS>=3]]]]\n");
        return 2;
    }
    struct xb_names names = { 0 };
    char name[64];
    for (unsigned i = 1; i <= ndom; i++) {
        snprintf(name, sizeof name, "vm-%04u.example", i);
        if (xb_names_set(&names, i, name))
            return 1;
    }
    uint64_t *lost = calloc(npcpu, sizeof *lost);
    struct xb_run_info info = { .source = "xen", .npcpu = npcpu, .names = &names,
                                .lost = lost, .host = "bench", .cpu_model = "synthetic",
                                .input = "synthetic", .clock_from = "synthetic" };
    struct xb_totals t;
    if (!lost || xb_totals_init(&t, npcpu, false))
        return 1;
    struct xb_window *w = NULL;
    for (unsigned i = 0; i < 10; i++) {          /* ten windows, as after 10 s */
        xb_window_free(w);
        w = synth_window(ndom, nvcpu, npcpu, i * 1000000000ull, 1000000000ull, i);
        if (xb_totals_add(&t, w, NULL))
            return 1;
    }
    struct xb_prom_facts f = { .info = &info, .version = "bench",
                               .interval_ns = 1000000000ull, .start_unix = 1.8e9 };
    uint64_t *prom_ns = calloc(runs, sizeof *prom_ns), *csv_ns = calloc(runs, sizeof *csv_ns);
    size_t prom_bytes = 0, csv_bytes = 0;
    for (unsigned r = 0; r < runs; r++) {
        char *buf = NULL;
        size_t len = 0;
        uint64_t a = xb_mono_ns();
        FILE *m = open_memstream(&buf, &len);
        if (!m || xb_prom_write(m, &t, &f))
            return 1;
        fclose(m);
        prom_ns[r] = xb_mono_ns() - a;
        prom_bytes = len;
        free(buf);

        buf = NULL;
        len = 0;
        a = xb_mono_ns();
        m = open_memstream(&buf, &len);
        struct xb_present pr = { .out = m };
        if (!m || xb_present_csv.begin(&info, &pr) || xb_present_csv.window(w, &info, &pr))
            return 1;
        fclose(m);
        csv_ns[r] = xb_mono_ns() - a;
        csv_bytes = len;
        free(buf);
        xb_present_free(&pr);
    }
    qsort(prom_ns, runs, sizeof *prom_ns, cmp_u64);
    qsort(csv_ns, runs, sizeof *csv_ns, cmp_u64);
    double pm = prom_ns[runs / 2] / 1e6, cm = csv_ns[runs / 2] / 1e6;
    printf("serve /metrics: %u domains x %u vCPUs x %u pCPUs (%zu series rows), "
           "%u runs each\n", ndom, nvcpu, npcpu, t.nrow * (npcpu + 0) * 4, runs);
    printf("  exposition:            median %.2f ms (min %.2f, max %.2f), %.1f MB\n", pm,
           prom_ns[0] / 1e6, prom_ns[runs - 1] / 1e6, prom_bytes / 1e6);
    printf("  baseline report -f csv of one window: median %.2f ms, %.1f MB\n", cm,
           csv_bytes / 1e6);
    printf("  ratio exposition / csv: %.2f (per byte: %.2f)\n", pm / cm,
           (pm / (double)prom_bytes) / (cm / (double)csv_bytes));
    printf("  target: exposition < 50 ms: %s\n", pm < 50 ? "PASS" : "MISS");
    xb_window_free(w);
    xb_totals_free(&t);
    xb_names_free(&names);
    free(lost);
    free(prom_ns);
    free(csv_ns);
    return 0;
}
