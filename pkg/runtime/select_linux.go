package runtime

import (
	"errors"
	"fmt"
	"slices"

	"github.com/husk-dev/husk/internal/setting"
)

// Selection is what a command that acts on containers (stop, kill) was
// asked to act on: names, the IDs run --cidfile wrote, every container,
// the one created last, or those a filter accepts.
type Selection struct {
	Refs     []string
	CIDFiles []string
	All      bool
	Latest   bool
	// Filter, when set, selects the containers it accepts (--filter).
	Filter func(*Container) bool
	// Ignore skips names that are no container (stop --ignore).
	Ignore bool
	// RunningOnly restricts All to running containers (kill --all).
	RunningOnly bool
	// NarrowFilter lets Refs narrow Filter to the containers they name
	// exactly, by name or full ID (podman 4.3.1's start --filter NAME).
	NarrowFilter bool
	// AllWhere, when set, restricts All to the containers it accepts
	// (pause --all: the running ones).
	AllWhere func(*Container) bool
}

// Target is a container selected and the reference to print for it: the
// name as the user gave it, else the container's ID (as podman prints).
type Target struct {
	Ref string
	C   *Container
}

// Check refuses the combinations podman refuses, with its reasons.
func (s Selection) Check() error {
	args := len(s.Refs) > 0
	switch {
	case s.All && s.Latest:
		return setting.Errorf("{all} and {latest} cannot be used together")
	case s.All && (args || len(s.CIDFiles) > 0):
		return setting.Errorf("no arguments are needed with {all}")
	case s.Latest && args:
		return setting.Errorf("{latest} and containers cannot be used together")
	case len(s.CIDFiles) > 0 && args:
		return setting.Errorf("no arguments are needed with {latest} or {cidfile}")
	case s.Filter != nil && ((args && !s.NarrowFilter) || len(s.CIDFiles) > 0 || s.Latest):
		return setting.Errorf("{filter} takes no arguments")
	case !args && !s.All && !s.Latest && len(s.CIDFiles) == 0 && s.Filter == nil:
		return fmt.Errorf("you must provide at least one name or id")
	}
	return nil
}

// Select resolves s to the containers, once each, in the order given
// (All, Latest and Filter: in the order of creation). Every name is looked
// up before anything is done, so a missing one stops everything unless
// Ignore is set, as in podman.
func Select(env Env, s Selection) ([]Target, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	if s.All || s.Latest || s.Filter != nil {
		return selectListed(env, s)
	}
	var ts []Target
	seen := map[string]bool{}
	add := func(ref string, ignore bool) error {
		c, err := Lookup(env.Store, ref)
		if errors.Is(err, ErrContainerUnknown) && ignore {
			return nil
		}
		if err != nil {
			return err
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			ts = append(ts, Target{Ref: ref, C: c})
		}
		return nil
	}
	for _, f := range s.CIDFiles {
		// podman 4.3 reads the file even with --ignore: a missing one is
		// an error.
		id, err := ReadCIDFile(f, false)
		if err != nil {
			return nil, err
		}
		if err := add(id, s.Ignore); err != nil {
			return nil, err
		}
	}
	for _, ref := range s.Refs {
		if err := add(ref, s.Ignore); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

// selectListed is Select of All, Latest or Filter.
func selectListed(env Env, s Selection) ([]Target, error) {
	cs, err := List(env.Store)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(cs, func(a, b *Container) int { return a.State.CreatedAt.Compare(b.State.CreatedAt) })
	if s.Latest {
		if len(cs) == 0 {
			return nil, fmt.Errorf("%w: there are no containers", ErrContainerUnknown)
		}
		cs = cs[len(cs)-1:]
	}
	var ts []Target
	for _, c := range cs {
		if s.RunningOnly || s.Filter != nil || s.AllWhere != nil {
			if err := Refresh(env, c); errors.Is(err, ErrContainerUnknown) {
				continue // gone meanwhile (a --rm container)
			}
		}
		if !s.accepts(c) {
			continue
		}
		ts = append(ts, Target{Ref: c.ID, C: c})
	}
	return ts, nil
}

// accepts reports whether a container listed for s is one it selects.
func (s Selection) accepts(c *Container) bool {
	switch {
	case s.RunningOnly && !c.Alive():
		return false
	case s.All && s.AllWhere != nil && !s.AllWhere(c):
		return false
	case s.Filter != nil && !s.Filter(c):
		return false
	case s.NarrowFilter && len(s.Refs) > 0:
		return slices.Contains(s.Refs, c.Name) || slices.Contains(s.Refs, c.ID)
	}
	return true
}
