/* xtwalk.c: the physical limit for bench/analyse -- read a xentrace file
 * (the same way xenbench does: mapped, read in order) and walk its window
 * and record headers, counting records; nothing is decoded, merged or
 * accounted.  Bench tool only.
 *
 *   xtwalk FILE        prints "records N"
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xtwalk FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 12) {
        perror(argv[1]);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    const uint8_t *b = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (b == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    madvise((void *)b, size, MADV_SEQUENTIAL);
    unsigned long long records = 0;
    size_t pos = 0;
    while (pos + 12 <= size) {               /* window: CPU_CHANGE, cpu, size */
        size_t w = rd32(b + pos + 8), p = pos + 12, end = p + w;
        if (end > size)
            end = size;
        while (p + 4 <= end) {
            uint32_t h = rd32(b + p);
            p += 4 + ((h >> 31) ? 8 : 0) + 4 * ((h >> 28) & 7);
            records++;
        }
        pos = end;
    }
    printf("records %llu\n", records);
    return 0;
}
