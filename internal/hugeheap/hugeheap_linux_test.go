//go:build linux && cgo && (amd64 || arm64)

package hugeheap

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/smaps"
)

var sink []byte

// vmFlags returns the VmFlags of the mapping that holds addr.
func vmFlags(t *testing.T, addr uintptr) []string {
	t.Helper()
	m, err := smaps.Of(addr)
	if err != nil {
		t.Fatal(err)
	}
	return m.VmFlags
}

func hasTHP() bool {
	_, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil
}

// The heap of a process that links the package is advised as huge pages.
func TestHeapAdvised(t *testing.T) {
	if !hasTHP() {
		t.Skip("the kernel has no transparent huge pages (no /sys/kernel/mm/transparent_hugepage): madvise fails and the heap stays on small pages")
	}
	if os.Getenv("HUSK_SMALL_PAGES") != "" {
		t.Skip("HUSK_SMALL_PAGES is set in the test's environment")
	}
	if err := madviseWorks(); err != nil {
		t.Skipf("this host refuses MADV_HUGEPAGE (%v): the heap stays on small pages", err)
	}
	sink = make([]byte, 1<<20)
	if Advised() == 0 {
		t.Fatal("no heap mapping was advised")
	}
	flags := vmFlags(t, uintptr(unsafe.Pointer(&sink[0])))
	if !slices.Contains(flags, "hg") {
		t.Errorf("the heap's mapping has VmFlags %v, without hg (MADV_HUGEPAGE)", flags)
	}
}

// HUSK_SMALL_PAGES=1 leaves the heap as Go maps it (checked in a child
// process: the setting is read once, before the runtime starts).
func TestSmallPagesLeavesHeap(t *testing.T) {
	if os.Getenv("HUGEHEAP_CHILD") == "1" {
		sink = make([]byte, 1<<20)
		fmt.Printf("advised=%d hg=%v populated=%d\n", Advised(), slices.Contains(vmFlags(t, uintptr(unsafe.Pointer(&sink[0]))), "hg"), Populated())
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSmallPagesLeavesHeap$")
	cmd.Env = append(os.Environ(), "HUGEHEAP_CHILD=1", "HUSK_SMALL_PAGES=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "advised=0 hg=false populated=0") {
		t.Errorf("with HUSK_SMALL_PAGES=1: %s", out)
	}
}

// madviseWorks reports why the host refuses MADV_HUGEPAGE on a mapping
// of its own (THP compiled out, or disabled for this process).
func madviseWorks() error {
	b, err := unix.Mmap(-1, 0, 4<<20, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return err
	}
	defer unix.Munmap(b)
	return unix.Madvise(b, unix.MADV_HUGEPAGE)
}

// The runtime's own 256 KiB chunks are mapped whole where the kernel can
// (MADV_POPULATE_WRITE, Linux 5.14). A runtime that stopped mapping them
// so would leave the counter at 0.
func TestRuntimeChunksPopulated(t *testing.T) {
	if os.Getenv("HUSK_SMALL_PAGES") != "" {
		t.Skip("HUSK_SMALL_PAGES is set in the test's environment")
	}
	b, err := unix.Mmap(-1, 0, 1<<16, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	perr := unix.Madvise(b, unix.MADV_POPULATE_WRITE)
	unix.Munmap(b)
	if perr != nil {
		if Populated() != 0 {
			t.Fatalf("MADV_POPULATE_WRITE fails here (%v), yet %d chunks count as populated", perr, Populated())
		}
		t.Skipf("this kernel has no MADV_POPULATE_WRITE (%v, before Linux 5.14): the chunks fault in page by page", perr)
	}
	if Populated() == 0 {
		t.Fatal("none of the runtime's 256 KiB chunks was mapped whole")
	}
}
