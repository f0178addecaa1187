package runtime

import (
	"errors"

	"github.com/husk-dev/husk/internal/setting"
)

// StartRequest is what start was asked to start, and how.
type StartRequest struct {
	Selection
	Attach bool
	// SigProxy is --sig-proxy when given (nil: the default, true with
	// Attach).
	SigProxy *bool
	// DetachKeys is the key sequence that detaches from an attached
	// container's terminal (see attach.ParseDetachKeys).
	DetachKeys string
}

// Check refuses what podman 4.3.1's start refuses, with its reasons, and
// what husk cannot do.
func (r StartRequest) Check() error {
	s, args := r.Selection, len(r.Refs) > 0
	switch {
	case !args && !s.Latest && !s.All && s.Filter == nil:
		return errors.New("start requires at least one argument")
	case s.All && s.Latest:
		return setting.Errorf("{all} and {latest} cannot be used together")
	case args && s.Latest:
		return setting.Errorf("{latest} and containers cannot be used together")
	case len(r.Refs) > 1 && r.Attach:
		return errors.New("you cannot start and attach multiple containers at once")
	case (args || s.Latest) && s.All:
		return errors.New("either start all containers or the container(s) provided in the arguments")
	case r.Attach && s.All:
		return errors.New("you cannot start and attach all containers at once")
	case r.SigProxy != nil && *r.SigProxy && !r.Attach:
		return setting.Errorf("you cannot use {sig-proxy} without {attach}")
	case r.SigProxy != nil && !*r.SigProxy && r.Attach:
		return setting.Errorf("{sig-proxy}=false: husk cannot leave an attached container running when a signal ends husk: start it without {attach} and use husk attach, or keep the default")
	}
	return s.Check()
}
