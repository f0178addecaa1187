package attach

import "github.com/husk-dev/husk/pkg/runtime/detachkeys"

// DefaultDetachKeys is podman's detach sequence.
const DefaultDetachKeys = detachkeys.Default

// ErrDetached is returned by Attach and Foreground when the user typed
// the detach sequence: the container goes on running.
var ErrDetached = detachkeys.ErrDetached

// ParseDetachKeys reads a detach sequence (detachkeys.Parse).
func ParseDetachKeys(spec string) ([]byte, error) { return detachkeys.Parse(spec) }
