//go:build linux && cgo && (amd64 || arm64)

// The heap's mappings, advised as huge pages: see doc.go.

#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int husk_huge_heap_advised;

static int huge_off;

__attribute__((constructor)) static void husk_huge_heap_init(void)
{
	const char *v = getenv("HUSK_SMALL_PAGES");
	huge_off = v != NULL && v[0] != '\0' && v[0] != '0';
}

// heap_chunk reports whether a mapping is one of the Go heap's: anonymous,
// private, read-write, placed (MAP_FIXED) into the heap's reservation, in
// whole huge pages. The runtime's other large mappings are not placed so.
static int heap_chunk(void *addr, size_t len, int prot, int flags)
{
	const size_t huge = 2u << 20;
	const int want = MAP_FIXED | MAP_ANONYMOUS | MAP_PRIVATE;

	return (flags & want) == want && prot == (PROT_READ | PROT_WRITE) &&
	       len >= huge && len % huge == 0 && (uintptr_t)addr % huge == 0;
}

// mmap replaces the C library's for this executable (the linker resolves
// the Go runtime's calls to it here). A failed madvise changes nothing:
// the mapping stays on small pages.
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);

	if (p != MAP_FAILED && !huge_off && heap_chunk(addr, len, prot, flags) &&
	    madvise(p, len, MADV_HUGEPAGE) == 0)
		__atomic_add_fetch(&husk_huge_heap_advised, 1, __ATOMIC_RELAXED);
	return p;
}
