// Package hugeheap puts the Go heap of the process that links it on
// transparent huge pages (where the host allows them only on request, the
// usual "madvise" setting).
//
// A husk command is short and starts from nothing: on the virtual machines
// husk is tuned on, every first touch of a 4 KiB page costs 12–30 µs, and
// `husk run` touched ~700 of them, ~400 in the heap, most while Go
// initialises its packages. With the heap's 4 MiB chunks advised as huge
// pages the heap takes a few faults instead (bench/README.md, "Huge
// pages"). The price is resident memory: the heap's touched 2 MiB regions
// are resident whole, ~3 MiB more for a husk command.
//
// The Go runtime maps its heap through the C library's mmap when cgo is
// linked; this package defines mmap in the executable, which the linker
// prefers, and advises the heap's mappings after making them. The
// runtime's own 256 KiB chunks (persistentalloc: its span sets, spans,
// itabs), where a run took ~100 faults, are mapped whole at once
// (MADV_POPULATE_WRITE): ~0.7 MiB more resident; and the C library keeps
// one malloc arena instead of one per thread. Other mappings pass
// through untouched. HUSK_SMALL_PAGES=1 turns all three off (the
// benchmark compares both ways).
//
// Only bin/husk links it: husk-transfer (pull, push) and husk-compose keep
// their memory as it was. It is built for linux/amd64 and linux/arm64,
// where the runtime maps through the C library's mmap and the raw mmap
// system call takes the offset as is.
package hugeheap
