package commit

import (
	"os"
	"testing"

	"go.podman.io/storage/pkg/reexec"
)

// The storage library unpacks layers in a re-executed copy of the binary.
func TestMain(m *testing.M) {
	if reexec.Init() {
		return
	}
	os.Exit(m.Run())
}
