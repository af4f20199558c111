/* pagewalk.c: the physical limit for bench/analyse-linux -- read every page
 * of a Linux run's tracefs/cpuN.raw files and walk their record headers
 * (type_len and length only), counting the data records; no field is read,
 * nothing is merged or accounted.  Bench tool only.
 *
 *   pagewalk RUNDIR [PAGE_SIZE]     prints "records N"
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t rd32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: pagewalk RUNDIR [PAGE_SIZE]\n");
        return 2;
    }
    size_t page = argc > 2 ? (size_t)atol(argv[2]) : 4096, hdr = 8 + sizeof(long);
    size_t chunk = 64 * page;
    unsigned char *buf = malloc(chunk);
    unsigned long long records = 0;
    for (unsigned cpu = 0; buf; cpu++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/tracefs/cpu%u.raw", argv[1], cpu);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            break;
        ssize_t n;
        off_t off = 0;
        while ((n = pread(fd, buf, chunk, off)) > 0) {
            off += n;
            for (size_t p = 0; p + page <= (size_t)n; p += page) {
                const unsigned char *pg = buf + p, *d = pg + hdr;
                unsigned long commit;
                memcpy(&commit, pg + 8, sizeof commit);
                size_t len = commit & ((1ul << 27) - 1), o = 0;
                if (len > page - hdr)
                    continue;
                while (o + 4 <= len) {
                    uint32_t w = rd32(d + o), tl = w & 31;
                    if (tl >= 1 && tl <= 28) {
                        records++;
                        o += 4 + 4 * tl;
                    } else if (tl == 0) {
                        records++;
                        o += 8 + ((rd32(d + o + 4) - 4 + 3) & ~3u);
                    } else if (tl == 29) {
                        uint32_t l = rd32(d + o + 4);
                        if (l < 4)
                            break;       /* damaged: the rest of the page */
                        o += 4 + l;
                    } else {
                        o += 8;
                    }
                }
            }
        }
        close(fd);
    }
    free(buf);
    printf("records %llu\n", records);
    return 0;
}
