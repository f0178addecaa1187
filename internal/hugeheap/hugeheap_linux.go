//go:build linux && cgo && (amd64 || arm64)

package hugeheap

// extern int husk_huge_heap_advised;
import "C"

// Advised reports how many heap mappings were advised so far (0 with
// HUSK_SMALL_PAGES=1 or where the kernel has no transparent huge pages).
func Advised() int { return int(C.husk_huge_heap_advised) }
