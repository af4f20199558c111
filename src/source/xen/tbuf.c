/* tbuf.c: reading Xen's trace buffers (t_info, per-CPU t_buf rings) with
 * libxenctrl, libxenevtchn and libxenforeignmemory.
 *
 * Facts used (xen/trace.h, Xen 4.17 xen/common/trace.c): each CPU's buffer
 * is a struct t_buf {cons, prod} followed by data_size bytes of records;
 * cons and prod count modulo 2*data_size; Xen never overwrites unconsumed
 * bytes (it drops records and later writes a TRC_LOST_RECORDS notice); when
 * a record would not fit before the end it writes a TRC_TRACE_WRAP_BUFFER
 * padding record, so a window copied in index order is a valid record
 * sequence.  t_info {tbuf_size pages, mfn_offset[cpu]} lists each CPU's
 * frames as uint32 MFNs at ((uint32_t *)t_info + mfn_offset[cpu]).
 *
 * It owns the mappings and the consumer index; it must not decode records
 * (decode/xentrace.c) nor decide when to read (record_xen.c).
 */
#include "tbuf.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xen/trace.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>

struct xb_tbuf {
    xc_interface *xc;
    xenevtchn_handle *xce;
    xenforeignmemory_handle *fmem;
    int port;                  /* VIRQ_TBUF port, -1 when not bound */
    int fd;
    bool enabled;
    struct t_info *tinfo;
    size_t tinfo_pages;
    struct t_buf **meta;       /* [ncpu], NULL for a CPU without a buffer */
    uint32_t data_size;
    uint8_t *stage;            /* one window, copied out of the ring */
    struct xb_tbuf_stats st;
};

static int write_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -ENOSPC;
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    return 0;
}

static int map_buffers(struct xb_tbuf *t, unsigned long mfn, unsigned long size,
                       struct xb_err *err)
{
    t->tinfo_pages = (size + XC_PAGE_SIZE - 1) / XC_PAGE_SIZE;
    if (mfn == 0 || t->tinfo_pages == 0)
        return xb_err_set(err, -ENODEV, "Xen reports no trace buffers (is the "
                          "hypervisor built with CONFIG_TRACEBUFFER?)");
    xen_pfn_t *pfns = calloc(t->tinfo_pages > 65535 ? t->tinfo_pages : 65535,
                             sizeof *pfns);
    if (!pfns)
        return xb_err_set(err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < t->tinfo_pages; i++)
        pfns[i] = mfn + i;
    t->tinfo = xenforeignmemory_map(t->fmem, DOMID_XEN, PROT_READ,
                                    t->tinfo_pages, pfns, NULL);
    if (!t->tinfo) {
        free(pfns);
        return xb_err_set(err, -errno, "cannot map Xen's trace buffer index "
                          "(t_info): %s", strerror(errno));
    }
    unsigned pages = t->tinfo->tbuf_size;
    if (pages == 0) {
        free(pfns);
        return xb_err_set(err, -ENODEV, "Xen's trace buffers have size 0");
    }
    t->st.pages = pages;
    t->data_size = (uint32_t)(pages * XC_PAGE_SIZE - sizeof(struct t_buf));
    t->meta = calloc(t->st.ncpu, sizeof *t->meta);
    t->stage = malloc(t->data_size);
    if (!t->meta || !t->stage) {
        free(pfns);
        return xb_err_set(err, -ENOMEM, "out of memory");
    }
    size_t limit = t->tinfo_pages * XC_PAGE_SIZE / sizeof(uint32_t);
    for (unsigned c = 0; c < t->st.ncpu; c++) {
        uint16_t off = t->tinfo->mfn_offset[c];
        if (off == 0)
            continue;                   /* CPU without a buffer (offline) */
        if (off + (size_t)pages > limit) {
            free(pfns);
            return xb_err_set(err, -EPROTO, "Xen's trace buffer index lists "
                              "CPU %u's frames outside itself", c);
        }
        const uint32_t *list = (const uint32_t *)t->tinfo + off;
        for (unsigned j = 0; j < pages; j++)
            pfns[j] = list[j];
        t->meta[c] = xenforeignmemory_map(t->fmem, DOMID_XEN,
                                          PROT_READ | PROT_WRITE, pages, pfns,
                                          NULL);
        if (!t->meta[c]) {
            int e = errno;
            free(pfns);
            return xb_err_set(err, -e, "cannot map the trace buffer of CPU "
                              "%u: %s", c, strerror(e));
        }
    }
    free(pfns);
    return 0;
}

int xb_tbuf_start(struct xb_tbuf **out, unsigned pages, uint32_t evt_mask,
                  int fd, struct xb_err *err)
{
    struct xb_tbuf *t = calloc(1, sizeof *t);
    if (!t)
        return xb_err_set(err, -ENOMEM, "out of memory");
    t->port = -1;
    t->fd = fd;
    t->st.pages_requested = pages;
    t->st.evt_mask = evt_mask;
    *out = t;
    t->xc = xc_interface_open(NULL, NULL, 0);
    if (!t->xc)
        return xb_err_set(err, errno == EACCES ? -EACCES : -ENODEV,
                          "cannot open the Xen control interface "
                          "(/dev/xen/privcmd): %s", strerror(errno));
    t->xce = xenevtchn_open(NULL, 0);
    t->fmem = xenforeignmemory_open(NULL, 0);
    if (!t->xce || !t->fmem)
        return xb_err_set(err, -ENODEV, "cannot open Xen event channels or "
                          "foreign memory (/dev/xen/evtchn, privcmd): %s "
                          "(load xen-evtchn and xen-privcmd)", strerror(errno));
    /* Xen lets one dom0 port hold VIRQ_TBUF: the first reader owns the
     * buffers.  Take it before touching anything. */
    int port = xenevtchn_bind_virq(t->xce, VIRQ_TBUF);
    if (port < 0) {
        if (errno == EEXIST || errno == EBUSY)
            return xb_err_set(err, -EBUSY, "Xen's trace buffers already have "
                              "a reader (xentrace, xenbaked or another "
                              "xenbench record holds VIRQ_TBUF): stop it "
                              "first; two readers would corrupt both traces");
        return xb_err_set(err, -errno, "cannot bind VIRQ_TBUF: %s",
                          strerror(errno));
    }
    t->port = port;
    xc_physinfo_t pi;
    memset(&pi, 0, sizeof pi);
    if (xc_physinfo(t->xc, &pi) != 0)
        return xb_err_set(err, -errno, "xc_physinfo: %s", strerror(errno));
    t->st.ncpu = pi.max_cpu_id + 1;
    if (xc_tbuf_set_evt_mask(t->xc, evt_mask) != 0)
        return xb_err_set(err, errno == ENOSYS || errno == EOPNOTSUPP ?
                          -ENODEV : -errno, "cannot set the trace event mask: "
                          "%s (is the hypervisor built with "
                          "CONFIG_TRACEBUFFER?)", strerror(errno));
    unsigned long mfn = 0, size = 0;
    /* xc_tbuf_enable sizes the buffers first; Xen refuses a second size
     * after boot and keeps the first, which map_buffers reads back. */
    if (xc_tbuf_enable(t->xc, pages, &mfn, &size) != 0)
        return xb_err_set(err, -ENODEV, "Xen could not allocate or enable its "
                          "trace buffers (%u pages per CPU): %s; try a smaller "
                          "--buffer-kb", pages, strerror(errno));
    t->enabled = true;
    int rc = map_buffers(t, mfn, size, err);
    if (rc)
        return rc;
    /* Drop what an earlier session left (xentrace -D does the same). */
    for (unsigned c = 0; c < t->st.ncpu; c++) {
        if (!t->meta[c])
            continue;
        uint32_t prod = __atomic_load_n(&t->meta[c]->prod, __ATOMIC_ACQUIRE);
        __atomic_store_n(&t->meta[c]->cons, prod, __ATOMIC_SEQ_CST);
    }
    return 0;
}

static int drain_cpu(struct xb_tbuf *t, unsigned c, struct xb_err *err)
{
    struct t_buf *m = t->meta[c];
    uint32_t cons = __atomic_load_n(&m->cons, __ATOMIC_RELAXED);
    uint32_t prod = __atomic_load_n(&m->prod, __ATOMIC_ACQUIRE);
    if (cons == prod)
        return 0;
    uint32_t ds = t->data_size;
    if (cons >= 2 * ds || prod >= 2 * ds)
        return xb_err_set(err, -EPROTO, "CPU %u's trace buffer indexes are "
                          "out of range (cons %u, prod %u, size %u): another "
                          "program is moving them", c, cons, prod, ds);
    uint32_t win = prod >= cons ? prod - cons : prod + 2 * ds - cons;
    if (win > ds)
        return xb_err_set(err, -EPROTO, "CPU %u's trace window (%u bytes) is "
                          "larger than its buffer (%u)", c, win, ds);
    uint32_t start = cons % ds;
    const uint8_t *data = (const uint8_t *)(m + 1);
    if (start + win <= ds) {
        memcpy(t->stage, data + start, win);
    } else {
        memcpy(t->stage, data + start, ds - start);
        memcpy(t->stage + (ds - start), data, win - (ds - start));
    }
    /* Records read before the slots are handed back to Xen. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&m->cons, prod, __ATOMIC_SEQ_CST);

    struct xb_lost_count before = t->st.count;
    if (xb_lost_scan_window(t->stage, win, &t->st.count)) {
        t->st.count = before;
        return xb_err_set(err, -EPROTO, "CPU %u's trace window of %u bytes "
                          "ends inside a record", c, win);
    }
    /* xentrace's window header: {TRC_TRACE_CPU_CHANGE with 2 extra words,
     * cpu, window size}. */
    uint32_t hdr[3] = { TRC_TRACE_CPU_CHANGE | (2u << TRACE_EXTRA_SHIFT), c, win };
    struct iovec iov[2] = { { hdr, sizeof hdr }, { t->stage, win } };
    int rc = write_all(t->fd, iov, 2);
    if (rc)
        return xb_err_set(err, rc, "writing the trace: %s%s", strerror(-rc),
                          rc == -ENOSPC ? " (disk full; the trace written so "
                          "far is kept)" : "");
    t->st.bytes += sizeof hdr + win;
    t->st.windows++;
    return 0;
}

int xb_tbuf_drain(struct xb_tbuf *t, struct xb_err *err)
{
    for (unsigned c = 0; c < t->st.ncpu; c++) {
        if (!t->meta || !t->meta[c])
            continue;
        int rc = drain_cpu(t, c, err);
        if (rc)
            return rc;
    }
    return 0;
}

int xb_tbuf_wait(struct xb_tbuf *t, int timeout_ms, struct xb_err *err)
{
    struct pollfd p = { .fd = xenevtchn_fd(t->xce), .events = POLLIN };
    int n = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : xb_err_set(err, -errno, "poll: %s",
                                               strerror(errno));
    if (n == 0) {
        t->st.wake_timeout++;
        return 0;
    }
    xenevtchn_port_or_error_t port = xenevtchn_pending(t->xce);
    if (port < 0)
        return xb_err_set(err, -errno, "reading the event channel: %s",
                          strerror(errno));
    if (xenevtchn_unmask(t->xce, (evtchn_port_t)port) < 0)
        return xb_err_set(err, -errno, "unmasking the event channel: %s",
                          strerror(errno));
    t->st.wake_virq++;
    return 0;
}

int xb_tbuf_stop(struct xb_tbuf *t, struct xb_err *err)
{
    if (!t || !t->enabled)
        return 0;
    t->enabled = false;
    if (xc_tbuf_disable(t->xc) != 0)
        return xb_err_set(err, -errno, "cannot disable Xen tracing: %s",
                          strerror(errno));
    return xb_tbuf_drain(t, err);
}

const struct xb_tbuf_stats *xb_tbuf_stats(const struct xb_tbuf *t)
{
    return &t->st;
}

void xb_tbuf_free(struct xb_tbuf *t)
{
    if (!t)
        return;
    if (t->enabled && t->xc)
        xc_tbuf_disable(t->xc);
    if (t->meta && t->fmem)
        for (unsigned c = 0; c < t->st.ncpu; c++)
            if (t->meta[c])
                xenforeignmemory_unmap(t->fmem, t->meta[c], t->st.pages);
    if (t->tinfo && t->fmem)
        xenforeignmemory_unmap(t->fmem, t->tinfo, t->tinfo_pages);
    if (t->port >= 0)
        xenevtchn_unbind(t->xce, (evtchn_port_t)t->port);
    if (t->xce)
        xenevtchn_close(t->xce);
    if (t->fmem)
        xenforeignmemory_close(t->fmem);
    if (t->xc)
        xc_interface_close(t->xc);
    free(t->meta);
    free(t->stage);
    free(t);
}
