/* discover.c: print the libvirt domain map (xb_libvirt_discover), one line
 * per domain and per thread, for the real-guest tests and by hand:
 *   domain DOMID KIND 'NAME' uuid=UUID pid=PID nvcpu=N
 *     thread TID vcpu V 'COMM'        (V >= 1000: emulator thread)
 * Exit 0, or 1 with libvirt's reason on stderr.  Not installed. */
#include <stdio.h>
#include <string.h>

#include "source/libvirt/libvirt_domains.h"
#include "source/linux/domains.h"

int main(void)
{
    struct xb_domain_map m;
    struct xb_err err = { 0 };
    memset(&m, 0, sizeof m);
    int n = xb_libvirt_discover(&m, &err);
    if (n < 0) {
        fprintf(stderr, "discover: %s\n", err.msg);
        xb_domains_free(&m);
        return 1;
    }
    printf("%d libvirt domain(s)\n", n);
    for (size_t i = 0; i < m.n; i++) {
        const struct xb_ldomain *d = &m.d[i];
        printf("domain %u %s '%s' uuid=%s pid=%d nvcpu=%u\n", d->domid, d->kind,
               d->name, d->uuid, d->npid ? (int)d->pids[0] : 0, d->nvcpu);
        for (size_t k = 0; k < d->nthread; k++) {
            char path[96], comm[64] = "?";
            snprintf(path, sizeof path, "/proc/%d/task/%d/comm",
                     d->npid ? (int)d->pids[0] : 0, (int)d->threads[k].tid);
            FILE *f = fopen(path, "re");
            if (f) {
                if (fgets(comm, sizeof comm, f))
                    comm[strcspn(comm, "\n")] = '\0';
                fclose(f);
            }
            printf("  thread %d vcpu %u '%s'\n", (int)d->threads[k].tid,
                   d->threads[k].vcpu, comm);
        }
    }
    xb_domains_free(&m);
    return 0;
}
