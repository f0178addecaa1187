package runtime

import (
	"github.com/husk-dev/husk/internal/setting"
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
	// DetachKeys is the key sequence that would detach from the
	// process's terminal.
	DetachKeys string
}

// Split checks r and splits the arguments into the container and the
// command (with Latest, all of them are the command).
func (r ExecRequest) Split(args []string) (ctr string, cmd []string, err error) {
	if r.DetachKeys != "" {
		return "", nil, setting.Errorf("{detach-keys} %q: husk cannot detach from an exec'd process's terminal: run it with {-detach} instead (\"\" disables detaching, husk's behaviour)", r.DetachKeys)
	}
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

// Selection is the container r and ctr name.
func (r ExecRequest) Selection(ctr string) Selection {
	if r.Latest {
		return Selection{Latest: true}
	}
	return Selection{Refs: []string{ctr}}
}
