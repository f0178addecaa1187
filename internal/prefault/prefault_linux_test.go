//go:build linux && cgo

package prefault

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/husk-dev/husk/internal/smaps"
)

// codeMapping returns the size and the resident size, in kB, of the
// mapping that holds this package's code.
func codeMapping(t *testing.T) (size, rss int) {
	t.Helper()
	m, err := smaps.Of(reflect.ValueOf(codeMapping).Pointer())
	if err != nil {
		t.Fatal(err)
	}
	return m.SizeKB, m.RssKB
}

// The executable's code is resident whole from the start.
func TestCodeMapped(t *testing.T) {
	if os.Getenv("HUSK_NO_PREFAULT") != "" {
		t.Skip("HUSK_NO_PREFAULT is set in the test's environment")
	}
	switch s := State(); {
	case s == -int64(syscall.EINVAL):
		t.Skip("this kernel has no MADV_POPULATE_READ (before 5.14): the code is mapped page by page, as without the package")
	case s <= 0:
		t.Fatalf("the code was not mapped at start: state %d", s)
	}
	size, rss := codeMapping(t)
	if rss*100 < size*99 {
		t.Errorf("the code mapping has %d of %d kB resident", rss, size)
	}
}

// HUSK_NO_PREFAULT=1 leaves the code to be mapped page by page (checked
// in a child process: the setting is read once, before the runtime
// starts). How much of it is resident then depends on the host (the page
// cache's folios, fault-around) and on what ran: only the state is
// checked.
func TestNoPrefaultLeavesCode(t *testing.T) {
	if os.Getenv("PREFAULT_CHILD") == "1" {
		fmt.Printf("state=%d\n", State())
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoPrefaultLeavesCode$")
	cmd.Env = append(os.Environ(), "PREFAULT_CHILD=1", "HUSK_NO_PREFAULT=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "state=0\n") {
		t.Errorf("with HUSK_NO_PREFAULT=1: %s", out)
	}
}
