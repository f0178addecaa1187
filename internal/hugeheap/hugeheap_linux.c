//go:build linux && cgo && (amd64 || arm64)

// The heap's mappings, advised as huge pages, and the runtime's own
// chunks, mapped whole: see doc.go.

#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int husk_huge_heap_advised;

static int huge_off;

__attribute__((constructor)) static void husk_huge_heap_init(void)
{
	const char *v = getenv("HUSK_SMALL_PAGES");
	huge_off = v != NULL && v[0] != '\0' && v[0] != '0';
	// One malloc arena: each of the runtime's threads otherwise maps
	// one of its own on its first malloc (the C side of starting a
	// thread), ~10 faults a command for nothing.
	if (!huge_off)
		mallopt(M_ARENA_MAX, 1);
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

// runtime_chunk reports whether a mapping is one of the 256 KiB chunks
// the runtime keeps its own small allocations in (persistentalloc: span
// sets, spans, itabs...), mapped one at a time: a run touches ~100 of
// their pages, a fault each. Populated at once, a chunk is resident whole
// (the two or three of a run: ~0.7 MiB, a third to a half touched anyway).
static int runtime_chunk(void *addr, size_t len, int prot, int flags)
{
	return addr == NULL && len == (256u << 10) && prot == (PROT_READ | PROT_WRITE) &&
	       flags == (MAP_PRIVATE | MAP_ANONYMOUS);
}

int husk_runtime_chunks_populated;

// mmap replaces the C library's for this executable (the linker resolves
// the Go runtime's calls to it here). A failed madvise changes nothing:
// the mapping stays on small pages, faulted in page by page.
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);

	if (p == MAP_FAILED || huge_off)
		return p;
	if (heap_chunk(addr, len, prot, flags) && madvise(p, len, MADV_HUGEPAGE) == 0)
		__atomic_add_fetch(&husk_huge_heap_advised, 1, __ATOMIC_RELAXED);
	else if (runtime_chunk(addr, len, prot, flags) && madvise(p, len, MADV_POPULATE_WRITE) == 0)
		__atomic_add_fetch(&husk_runtime_chunks_populated, 1, __ATOMIC_RELAXED);
	return p;
}
