//go:build linux && cgo && (amd64 || arm64)

package hugeheap

// extern int husk_huge_heap_advised;
// extern int husk_runtime_chunks_populated;
import "C"

// Advised reports how many heap mappings were advised so far (0 with
// HUSK_SMALL_PAGES=1 or where the kernel has no transparent huge pages).
func Advised() int { return int(C.husk_huge_heap_advised) }

// Populated reports how many of the runtime's own 256 KiB chunks were
// mapped whole so far (0 with HUSK_SMALL_PAGES=1 or before Linux 5.14).
func Populated() int { return int(C.husk_runtime_chunks_populated) }
