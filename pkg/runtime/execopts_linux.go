package runtime

import (
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime/detachkeys"
)

// ExecRequest is what exec was asked on its command line besides the
// process: the container (or the one created last) and the descriptors
// and keys to hand on.
type ExecRequest struct {
	// Latest picks the container created last; the whole command line
	// is then the process's.
	Latest bool
	// PreserveFDs passes descriptors 3 to 3+PreserveFDs-1.
	PreserveFDs uint
	// DetachKeys is the key sequence that detaches from the process's
	// terminal (detachkeys.Parse); DetachKeysGiven says the user gave it
	// (else it is the default).
	DetachKeys      string
	DetachKeysGiven bool
}

// Split checks r and splits the arguments into the container and the
// command (with Latest, all of them are the command).
func (r ExecRequest) Split(args []string) (ctr string, cmd []string, err error) {
	// podman 4.3.1 ends with 255 for a missing command; husk's own
	// errors are 125.
	switch {
	case len(args) == 0 && !r.Latest:
		return "", nil, setting.Errorf("exec requires the name or ID of a container or {latest}")
	case len(args) == 1 && !r.Latest, len(args) == 0:
		return "", nil, setting.Errorf("exec needs a command to run in the container")
	case !r.Latest:
		return args[0], args[1:], nil
	}
	return "", args, nil
}

// Keys checks the detach keys for a process run as o says and returns
// them. As for run, keys the user gave are refused when there is nothing
// to detach from (no terminal that takes input, and not -d); the
// default's are then unused. podman 4.3.1 takes them and passes them to
// the process as input.
func (r ExecRequest) Keys(o ExecOptions) ([]byte, error) {
	keys, err := detachkeys.Parse(r.DetachKeys)
	if err != nil {
		return nil, err
	}
	if r.DetachKeysGiven && len(keys) > 0 && !o.Detach && !(o.TTY && o.Interactive) {
		return nil, setting.Errorf("{detach-keys} %q: husk detaches only from a terminal that takes input: add {tty} and {interactive}, or run it with {-detach}", r.DetachKeys)
	}
	return keys, nil
}

// Selection is the container r and ctr name.
func (r ExecRequest) Selection(ctr string) Selection {
	if r.Latest {
		return Selection{Latest: true}
	}
	return Selection{Refs: []string{ctr}}
}
