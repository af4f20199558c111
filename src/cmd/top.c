/* top.c: `xenbench top`: the live view, or a recording replayed window by
 * window.  Options, then the pipeline (on the live input, pipeline/live.c,
 * or on a run folder or trace) hands each finished window here; the last
 * ten are kept so the view can show the last interval or the sum of the
 * last 10 windows.  The screen's text is made by present/top_screen.c and
 * shown here with ncurses, or printed as it is in batch mode (-b, or when
 * stdout is not a terminal); keys change what the next screen shows.  It
 * must not lay out figures (present/top_screen.c), decode or add up time
 * (the pipeline, account/window.h). */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "account/window.h"
#include "cmd/commands.h"
#include "cmd/opt.h"
#include "cmd/notes.h"
#include "pipeline/pipeline.h"
#include "present/present.h"
#include "present/top_screen.h"
#include "source/record.h"
#include "util/err.h"
#include "util/format.h"
#include "util/signals.h"
#include "util/parse.h"

#define RING 10

/* The order the s key steps through. */
static const enum xb_sort sort_keys[] = {
    XB_SORT_CPU, XB_SORT_WAITED, XB_SORT_BLOCKED, XB_SORT_NAME, XB_SORT_ID,
};
#define NSORTKEY (sizeof sort_keys / sizeof sort_keys[0])

struct top {
    struct xb_window *ring[RING];
    unsigned n;
    bool vcpu, cores, ten, batch, dirty, replay, quit;
    unsigned sortkey;           /* index into sort_keys */
    unsigned top;               /* --top: domains shown, 0 all */
    long count;                 /* -n: screens left, <0 unlimited */
    uint64_t interval_ns;
    const struct xb_run_info *info;
};

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = sig; }

void xb_cmd_top_usage(FILE *out)
{
    fputs(
"Usage: xenbench top [OPTION]... [RUNDIR|FILE]\n"
"Live view of what every domain of this host uses, refreshed each interval;\n"
"with RUNDIR (or a xentrace FILE and --tsc-hz), that recording replayed one\n"
"window per interval, the last one kept on the screen.\n"
"\n"
"  -i, --interval=SECS   refresh and window length, 0.1 s to 1 h (default 1)\n"
"  -b, --batch           plain text, one screen per interval (also when\n"
"                        stdout is not a terminal; a replay is not paced)\n"
"  -n, --iterations=N    stop after N screens (1 to 1000000)\n"
"  -s, --sort=KEY        cpu (default), waited, blocked (largest first), name\n"
"                        or id\n"
"      --top=N           only the first N domains in that order\n"
"      --domains=MODE    libvirt, qemu, cgroup, process or auto (default)\n"
"      --match=REGEX     only domains whose name matches (as for record);\n"
"                        none matching: exit 1\n"
"      --require         no domain found is an error (exit 1), not a warning\n"
"  -t, --tsc-hz=RATE     a replayed xentrace FILE's TSC rate (as for report)\n"
"  -h, --help            this help\n"
"\n"
"Keys: v per-vCPU rows, c per-core table, t last interval / sum of the last\n"
"10 windows, s sort (cpu, waited, blocked, name, id), q quit.  Live: needs\n"
"root (tracefs).  Names too long for their column keep their end.\n",
        out);
}

/* The screen's width: the terminal's, else $COLUMNS, else 80. */
static int screen_cols(const struct top *t)
{
    if (!t->batch && COLS > 0)
        return COLS;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    int n = c ? atoi(c) : 0;
    return n > 0 ? n : 80;
}

static void show(struct top *t)
{
    if (!t->n || !t->info)
        return;
    struct xb_window *sum = NULL;
    const struct xb_window *w = t->ring[t->n - 1];
    unsigned nwin = 1, first = w->index;
    if (t->ten && t->n > 1 && (sum = xb_window_sum(t->ring, t->n))) {
        w = sum;
        nwin = t->n;
        first = t->ring[0]->index;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    if (o) {
        struct xb_top_view v = { .vcpu = t->vcpu, .cores = t->cores, .keys = !t->batch,
                                 .sort = sort_keys[t->sortkey], .top = t->top,
                                 .cols = screen_cols(t),
                                 .rows = t->batch ? 0 : LINES };
        xb_top_screen(o, &v, w, nwin, first, t->info);
        fclose(o);
    }
    if (text && t->batch) {
        fputs(text, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    } else if (text) {
        char *aligned = xb_top_align_tabs(text);
        const char *s = aligned ? aligned : text;
        erase();
        int y = 0;
        for (const char *line = s; *line && y < LINES; y++) {
            const char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            mvaddnstr(y, 0, line, (int)n < COLS ? (int)n : COLS);
            line += n + (nl ? 1 : 0);
        }
        refresh();
        free(aligned);
    }
    free(text);
    xb_window_free(sum);
    t->dirty = false;
}

/* A key, if one was pressed: false on q. */
static bool key(struct top *t)
{
    int c = getch();
    switch (c) {
    case 'q': case 'Q': return false;
    case 'v': t->vcpu = !t->vcpu; break;
    case 'c': t->cores = !t->cores; break;
    case 't': t->ten = !t->ten; break;
    case 's': t->sortkey = (t->sortkey + 1) % NSORTKEY; break;
    default: return true;
    }
    t->dirty = true;
    return true;
}

/* A replay holds each window on the screen for an interval, keys working. */
static void hold(struct top *t, double seconds)
{
    struct timespec tick = { 0, 50000000L };
    for (double s = 0; s < seconds && !stop && !t->quit; s += 0.05) {
        nanosleep(&tick, NULL);
        if (!key(t))
            t->quit = true;
        else if (t->dirty)
            show(t);
    }
}

static int top_window(const struct xb_window *w, const struct xb_run_info *info,
                      void *ctx)
{
    struct top *t = ctx;
    if (t->quit || stop)
        return 0;
    if (w->final && t->n && w->t_end_ns - w->t_start_ns < t->interval_ns / 2)
        return 0;       /* the run's last sliver: the last whole window stays */
    struct xb_window *copy = xb_window_dup(w);
    if (!copy)
        return -ENOMEM;
    if (t->n == RING) {
        xb_window_free(t->ring[0]);
        memmove(t->ring, t->ring + 1, (RING - 1) * sizeof *t->ring);
        t->n--;
    }
    t->ring[t->n++] = copy;
    t->info = info;
    show(t);
    if (t->count > 0 && --t->count == 0)
        t->quit = true;
    else if (t->replay && !t->batch && !w->final)
        hold(t, t->interval_ns / 1e9);
    return 0;
}

static const struct xb_presenter top_presenter = { .window = top_window };

int xb_cmd_top(int argc, char **argv)
{
    enum { OPT_DOMAINS = 256, OPT_MATCH, OPT_REQUIRE, OPT_TOP };
    static const struct option opts[] = {
        { "interval", required_argument, NULL, 'i' },
        { "batch", no_argument, NULL, 'b' },
        { "iterations", required_argument, NULL, 'n' },
        { "sort", required_argument, NULL, 's' },
        { "top", required_argument, NULL, OPT_TOP },
        { "domains", required_argument, NULL, OPT_DOMAINS },
        { "match", required_argument, NULL, OPT_MATCH },
        { "require", no_argument, NULL, OPT_REQUIRE },
        { "tsc-hz", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct top t = { .count = -1, .interval_ns = 1000000000ull };
    struct xb_live_opts lo = { .domains = "auto" };
    uint64_t tsc_hz = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:bn:s:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (xb_opt_duration("top", "--interval", optarg, XB_RECORD_INTERVAL_MIN_S,
                                XB_RECORD_INTERVAL_MAX_S, &t.interval_ns))
                return XB_EXIT_INPUT;
            break;
        case 'b': t.batch = true; break;
        case 'n': {
            uint64_t n;
            if (xb_opt_uint("top", "--iterations", optarg, 1, 1000000, "screens", &n))
                return XB_EXIT_INPUT;
            t.count = (long)n;
            break;
        }
        case 's': {
            enum xb_sort s;
            if (xb_opt_sort("top", optarg, &s))
                return XB_EXIT_INPUT;
            for (unsigned i = 0; i < NSORTKEY; i++)
                if (sort_keys[i] == s)
                    t.sortkey = i;
            break;
        }
        case OPT_TOP: {
            uint64_t n;
            if (xb_opt_uint("top", "--top", optarg, 1, 1000000, "domains", &n))
                return XB_EXIT_INPUT;
            t.top = (unsigned)n;
            break;
        }
        case 't':
            if (xb_parse_hz(optarg, &tsc_hz)) {
                fprintf(stderr, "xenbench top: --tsc-hz: '%s' is not a rate "
                        "(e.g. 2596138000, 2596.138M, 2.6G)\n", optarg);
                return XB_EXIT_INPUT;
            }
            break;
        case OPT_DOMAINS: lo.domains = optarg; break;
        case OPT_MATCH: lo.match = optarg; lo.require = true; break;
        case OPT_REQUIRE: lo.require = true; break;
        case 'h': xb_cmd_top_usage(stdout); return XB_EXIT_OK;
        default: fputs("Try 'xenbench top --help'.\n", stderr); return XB_EXIT_INPUT;
        }
    }
    if (optind < argc - 1) {
        fprintf(stderr, "xenbench top: unexpected argument '%s'\n", argv[optind + 1]);
        return XB_EXIT_INPUT;
    }
    t.replay = optind == argc - 1;
    if (!isatty(STDOUT_FILENO))
        t.batch = true;
    if (t.batch)
        t.cores = true;                /* batch: the reference table */
    struct xb_cmd_notes notes;
    struct xb_input_opts in = { .live = &lo, .interval_ns = t.interval_ns,
                                .notes = xb_cmd_notes(&notes, "top", false) };
    if (t.replay) {
        in.path = argv[optind];
        in.live = NULL;
        in.tsc_hz = tsc_hz;
    }

    xb_catch_stop_signals(on_signal);

    struct xb_err err = { 0 };
    struct xb_pipeline *pl = NULL;
    int rc = xb_pipeline_open(&pl, &in, &top_presenter, &t, &err);
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
        mvaddstr(0, 0, t.replay ? "xenbench top: reading the recording..."
                                : "xenbench top: waiting for the first window...");
        refresh();
    }
    struct timespec tick = { 0, 100000000L };
    bool ended = false;
    while (!stop && !t.quit) {
        if (!ended) {
            if (!t.replay)
                nanosleep(&tick, NULL);
            if (!t.batch && !key(&t))
                break;
            rc = xb_pipeline_step(pl, &err);
            if (rc < 0)
                break;
            ended = rc == 1;
            rc = 0;
            if (t.dirty)
                show(&t);
        } else if (t.batch) {
            break;                     /* a replay printed every window */
        } else {
            nanosleep(&tick, NULL);    /* a replay's last window stays */
            if (!key(&t))
                break;
            if (t.dirty)
                show(&t);
        }
    }
    if (!t.batch)
        endwin();
    xb_pipeline_close(pl);
    for (unsigned i = 0; i < t.n; i++)
        xb_window_free(t.ring[i]);
    if (rc < 0) {
        fprintf(stderr, "xenbench top: %s\n", err.msg);
        return xb_err_exit_status(rc);
    }
    return XB_EXIT_OK;
}
