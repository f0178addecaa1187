package attach

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/husk-dev/husk/pkg/runtime"
)

// A container that is not running cannot be attached to, and nothing is
// read from the input.
func TestAttachNotRunning(t *testing.T) {
	c := &runtime.Container{ID: strings.Repeat("a", 64), Name: "web", Dir: t.TempDir(), State: runtime.State{Status: runtime.StatusCreated}}
	in := &countingReader{}
	_, err := Attach(context.Background(), runtime.Env{}, c, Options{Stdin: in, Stdout: io.Discard, Stderr: io.Discard})
	if !errors.Is(err, runtime.ErrNotRunning) || !strings.Contains(err.Error(), "web") {
		t.Errorf("%v, want ErrNotRunning naming the container", err)
	}
	if in.n != 0 {
		t.Errorf("%d reads of stdin", in.n)
	}
}

type countingReader struct{ n int }

func (r *countingReader) Read([]byte) (int, error) { r.n++; return 0, io.EOF }
