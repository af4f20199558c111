/* top.c: `xenbench top`: the live view.  The live pipeline (pipeline/live.c)
 * hands each finished window here; the last ten are kept so the view can
 * show the last interval or the last 10 windows.  Screens are built as text
 * once and shown with ncurses, or printed as they are in batch mode (-b, or
 * when stdout is not a terminal). */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account/window_sum.h"
#include "cmd/commands.h"
#include "pipeline/live.h"
#include "present/present.h"
#include "util/err.h"
#include "util/signals.h"
#include "util/units.h"

#define RING 10

enum sort { SORT_CPU, SORT_WAITED, SORT_BLOCKED, SORT_ID, NSORT };
static const char *const sort_names[NSORT] = { "cpu", "waited", "blocked", "id" };

struct top {
    struct xb_window *ring[RING];
    unsigned n;
    bool vcpu, cores, ten, batch, dirty;
    enum sort sort;
    long count;                 /* -n: screens left, <0 unlimited */
    uint64_t interval_ns;
};

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

void xb_cmd_top_usage(FILE *out)
{
    fputs(
"Usage: xenbench top [OPTION]...\n"
"Live view of what every domain of this host uses, refreshed each interval.\n"
"\n"
"  -i, --interval=SECS   refresh and window length (default 1)\n"
"  -b, --batch           plain text, one screen per interval (also when\n"
"                        stdout is not a terminal)\n"
"  -n, --iterations=N    stop after N screens\n"
"      --domains=MODE    libvirt, qemu, cgroup, process or auto (default)\n"
"      --match=REGEX     only matching commands (process) or cgroups\n"
"  -h, --help            this help\n"
"\n"
"Keys: v per-vCPU rows, c per-core table, t last interval / last 10\n"
"windows, s sort (cpu, waited, blocked, id), q quit.  Needs root (tracefs).\n",
        out);
}

struct row {
    const struct xb_domain_acc *d;
    struct xb_acc a;
};

static const struct top *sort_ctx;

static int cmp_rows(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    int s;
    switch (sort_ctx->sort) {
    case SORT_CPU: s = XB_RUNNING; break;
    case SORT_WAITED: s = XB_RUNNABLE; break;
    case SORT_BLOCKED: s = XB_BLOCKED; break;
    default:
        return a->d->domid < b->d->domid ? -1 : a->d->domid > b->d->domid;
    }
    if (a->a.ns[s] != b->a.ns[s])
        return a->a.ns[s] > b->a.ns[s] ? -1 : 1;
    return a->d->domid < b->d->domid ? -1 : a->d->domid > b->d->domid;
}

static void pct_row(FILE *o, const char *id, const char *name, const struct xb_acc *a,
                    const struct xb_window *w, const struct xb_dom_io *io)
{
    fprintf(o, "%6s %-18.18s %6.1f %6.1f %7.1f", id, name, xb_pct(a->ns[XB_RUNNING], w),
            xb_pct(a->ns[XB_RUNNABLE], w), xb_pct(a->ns[XB_BLOCKED], w));
    if (io && io->disk)
        fprintf(o, " %7.2f %7.2f", io->read_mbps, io->write_mbps);
    else
        fprintf(o, " %7s %7s", io ? "-" : "", io ? "-" : "");
    if (io && io->mem)
        fprintf(o, " %8.1f", io->mem_mb);
    fputc('\n', o);
}

/* The screen for window w as text. */
static void screen(FILE *o, const struct top *t, const struct xb_window *w,
                   const struct xb_run_info *info)
{
    char host[64] = "", when[16];
    gethostname(host, sizeof host - 1);
    time_t now = time(NULL);
    strftime(when, sizeof when, "%H:%M:%S", localtime(&now));
    uint64_t lost = 0;
    for (unsigned p = 0; p < info->npcpu; p++)
        lost += info->lost[p];
    fprintf(o, "xenbench top - %s %s - last %.1f s%s - sort %s - lost events %llu\n",
            host, when, (w->t_end_ns - w->t_start_ns) / 1e9,
            t->ten ? " (10 windows)" : "", sort_names[t->sort],
            (unsigned long long)lost);
    if (t->cores) {
        struct xb_present pr = { .out = o, .vcpu = t->vcpu };
        xb_present_table.window(w, info, &pr);
    } else {
        fprintf(o, "%6s %-18s %6s %6s %7s %7s %7s %8s\n", "ID", "NAME", "CPU%",
                "WAIT%", "BLOCK%", "rMB/s", "wMB/s", "MEM MB");
        struct row *rows = calloc(w->ndomain ? w->ndomain : 1, sizeof *rows);
        unsigned n = 0;
        for (unsigned i = 0; rows && i < w->ndomain; i++) {
            if (w->domains[i].domid == XB_IDLE_DOMID)
                continue;
            rows[n].d = &w->domains[i];
            xb_present_sum(w, rows[n].d, -1, XB_COL_TOTAL(w->npcpu), &rows[n].a);
            n++;
        }
        sort_ctx = t;
        qsort(rows, n, sizeof *rows, cmp_rows);
        char buf[32], label[48];
        for (unsigned i = 0; i < n; i++) {
            const struct xb_domain_acc *d = rows[i].d;
            struct xb_dom_io io;
            xb_present_dom_io(w, info, d, &io);
            xb_present_domlabel(d, label, sizeof label);
            pct_row(o, label, xb_names_show(info->names, d->domid, buf, sizeof buf),
                    &rows[i].a, w, &io);
            if (!t->vcpu || d->domid == 0)
                continue;                /* the host's threads: too many */
            bool emu = false;
            for (uint32_t k = 0; k < d->nvcpu; k++) {
                if (d->vcpus[k].vcpu >= XB_VCPU_EMU) {
                    emu = true;
                    continue;
                }
                struct xb_acc a;
                char vl[64];
                xb_present_sum(w, d, (int)k, XB_COL_TOTAL(w->npcpu), &a);
                snprintf(vl, sizeof vl, "d%sv%u", label, d->vcpus[k].vcpu);
                pct_row(o, "", vl, &a, w, NULL);
            }
            if (emu) {
                struct xb_acc a;
                char vl[64];
                xb_present_sum(w, d, XB_K_EMU, XB_COL_TOTAL(w->npcpu), &a);
                snprintf(vl, sizeof vl, "d%semu", label);
                pct_row(o, "", vl, &a, w, NULL);
            }
        }
        free(rows);
    }
    if (!t->batch)
        fputs("keys: v vCPUs  c cores  t 1/10 windows  s sort  q quit\n", o);
}

static void show(struct top *t, const struct xb_run_info *info)
{
    if (!t->n)
        return;
    struct xb_window *sum = NULL;
    const struct xb_window *w = t->ring[t->n - 1];
    if (t->ten && t->n > 1 && (sum = xb_window_sum(t->ring, t->n)))
        w = sum;
    char *text = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    if (o) {
        screen(o, t, w, info);
        fclose(o);
    }
    if (text && t->batch) {
        fputs(text, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    } else if (text) {
        erase();
        int y = 0;
        for (char *line = text; *line && y < LINES; y++) {
            char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            for (size_t i = 0; i < n; i++)
                if (line[i] == '\t')
                    line[i] = ' ';
            mvaddnstr(y, 0, line, (int)n < COLS ? (int)n : COLS);
            line += n + (nl ? 1 : 0);
        }
        refresh();
    }
    free(text);
    xb_window_free(sum);
    t->dirty = false;
}

static int top_window(const struct xb_window *w, const struct xb_run_info *info,
                      void *ctx)
{
    struct top *t = ctx;
    struct xb_window *copy = xb_window_dup(w);
    if (!copy)
        return -ENOMEM;
    if (t->n == RING) {
        xb_window_free(t->ring[0]);
        memmove(t->ring, t->ring + 1, (RING - 1) * sizeof *t->ring);
        t->n--;
    }
    t->ring[t->n++] = copy;
    show(t, info);
    if (t->count > 0 && --t->count == 0)
        stop = 1;
    return 0;
}

static const struct xb_presenter top_presenter = { .window = top_window };

static bool key(struct top *t)
{
    int c = getch();
    switch (c) {
    case 'q': case 'Q': return false;
    case 'v': t->vcpu = !t->vcpu; break;
    case 'c': t->cores = !t->cores; break;
    case 't': t->ten = !t->ten; break;
    case 's': t->sort = (t->sort + 1) % NSORT; break;
    case ERR: return true;
    default: return true;
    }
    t->dirty = true;
    return true;
}

int xb_cmd_top(int argc, char **argv)
{
    enum { OPT_DOMAINS = 256, OPT_MATCH };
    static const struct option opts[] = {
        { "interval", required_argument, NULL, 'i' },
        { "batch", no_argument, NULL, 'b' },
        { "iterations", required_argument, NULL, 'n' },
        { "domains", required_argument, NULL, OPT_DOMAINS },
        { "match", required_argument, NULL, OPT_MATCH },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct top t = { .count = -1, .interval_ns = 1000000000ull };
    struct xb_live_opts lo = { .domains = "auto" };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:bn:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (xb_parse_seconds(optarg, &t.interval_ns) || t.interval_ns < 100000000ull) {
                fprintf(stderr, "xenbench top: --interval: '%s' is not a duration "
                        "of at least 0.1 s\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case 'b': t.batch = true; break;
        case 'n': {
            char *end;
            t.count = strtol(optarg, &end, 10);
            if (*end || t.count <= 0) {
                fprintf(stderr, "xenbench top: --iterations: '%s' is not a "
                        "positive count\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        }
        case OPT_DOMAINS: lo.domains = optarg; break;
        case OPT_MATCH: lo.match = optarg; break;
        case 'h': xb_cmd_top_usage(stdout); return XB_EXIT_OK;
        default: xb_cmd_top_usage(stderr); return XB_EXIT_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenbench top: unexpected argument '%s'\n", argv[optind]);
        return XB_EXIT_INPUT;
    }
    if (!isatty(STDOUT_FILENO))
        t.batch = true;
    if (t.batch)
        t.cores = true;                /* batch: the reference table */
    lo.interval_ns = t.interval_ns;

    xb_catch_stop_signals(on_signal);

    struct xb_err err = { 0 };
    struct xb_live *live = NULL;
    int rc = xb_live_open(&live, &lo, &top_presenter, &t, &err);
    if (rc) {
        fprintf(stderr, "xenbench top: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    if (!t.batch) {
        initscr();
        cbreak();
        noecho();
        nodelay(stdscr, TRUE);
        keypad(stdscr, TRUE);
        curs_set(0);
        mvaddstr(0, 0, "xenbench top: waiting for the first window...");
        refresh();
    }
    struct timespec tick = { 0, 100000000L };
    while (!stop) {
        nanosleep(&tick, NULL);
        if (!t.batch && !key(&t))
            break;
        if ((rc = xb_live_step(live, &err)))
            break;
        if (t.dirty)
            show(&t, xb_live_info(live));
    }
    if (!t.batch)
        endwin();
    xb_live_close(live);
    for (unsigned i = 0; i < t.n; i++)
        xb_window_free(t.ring[i]);
    if (rc) {
        fprintf(stderr, "xenbench top: %s\n", rc < 0 && err.msg[0] ? err.msg
                                                           : "output failed");
        return rc < 0 ? xb_err_exit_status(rc) : XB_EXIT_FAIL;
    }
    return XB_EXIT_OK;
}
