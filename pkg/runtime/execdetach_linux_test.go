package runtime

import (
	"bytes"
	"testing"
	"time"

	"github.com/husk-dev/husk/pkg/runtime/oci/ocitest"
)

// The drainer reads what the process writes, more than a terminal holds,
// so the process never blocks, and returns once the process's side is
// closed.
func TestExecDrain(t *testing.T) {
	m, s, err := ocitest.OpenPty()
	if err != nil {
		t.Fatal(err)
	}
	wrote := make(chan error, 1)
	go func() {
		_, err := s.Write(bytes.Repeat([]byte("x"), 1<<20))
		s.Close()
		wrote <- err
	}()
	drained := make(chan error, 1)
	go func() { drained <- ExecDrain(m) }()
	for _, c := range []chan error{wrote, drained} {
		select {
		case err := <-c:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the writer or the drainer is stuck")
		}
	}
}
