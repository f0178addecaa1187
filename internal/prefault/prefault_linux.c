//go:build linux && cgo

// The executable's code mapped at start: see doc.go.

#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

// Read by Go (prefault_linux.go): bytes mapped, 0 when turned off, or
// -errno when the kernel refused.
long husk_prefault_state;

static int populate_code(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		uintptr_t start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
		uintptr_t end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + page - 1) & ~(page - 1);
		if (madvise((void *)start, end - start, MADV_POPULATE_READ) != 0) {
			husk_prefault_state = -errno;
			return 1;
		}
		husk_prefault_state += (long)(end - start);
	}
	return 1; // the executable comes first; the libraries are small
}

// After the C helpers' constructors (priorities up to 200): they do not
// return here.
__attribute__((constructor(300))) static void husk_prefault(void)
{
	const char *v = getenv("HUSK_NO_PREFAULT");
	if (v != NULL && v[0] != '\0' && v[0] != '0')
		return;
	dl_iterate_phdr(populate_code, NULL);
}
