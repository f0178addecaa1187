package netns

import (
	"context"
	"errors"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
)

// ErrNetworkInUse is returned for removing a network containers use,
// without force.
var ErrNetworkInUse = errors.New("network is being used")

// inUseError is a message that is ErrNetworkInUse.
type inUseError struct{ error }

func (e inUseError) Is(target error) bool { return target == ErrNetworkInUse }
func (e inUseError) Unwrap() error        { return e.error }

// InUse tells which containers use a network (they keep it from being
// removed), and removes them on request.
type InUse struct {
	// Users lists the containers that use network.
	Users func(ctx context.Context, network string) ([]string, error)
	// Remove removes containers, running ones too (nil: it cannot).
	Remove func(ctx context.Context, names []string) error
}

// RemoveUnused removes the network nameOrID if no container uses it, or,
// with force, after removing those that do; it returns its name.
func (s *Networks) RemoveUnused(ctx context.Context, nameOrID string, u InUse, force bool) (string, error) {
	n, err := s.Get(nameOrID)
	if err != nil {
		return "", err
	}
	if IsDefaultNetwork(n) {
		return "", ErrDefaultNetwork
	}
	users, err := u.Users(ctx, n.Name)
	if err != nil {
		return "", err
	}
	if len(users) > 0 && force && u.Remove != nil {
		if err := u.Remove(ctx, users); err != nil {
			return "", err
		}
	} else if len(users) > 0 {
		return "", inUseError{setting.Errorf("network %q is used by container(s) %s: remove them first, or use {-force}", n.Name, strings.Join(users, ", "))}
	}
	if _, err := s.Remove(n.Name); err != nil {
		return "", err
	}
	return n.Name, nil
}

// Prune removes every network no container uses and returns their names
// (those removed before an error, too).
func (s *Networks) Prune(ctx context.Context, u InUse) ([]string, error) {
	return s.PruneMatching(ctx, u, nil)
}

// PruneMatching is Prune of only the networks match accepts (nil: all).
func (s *Networks) PruneMatching(ctx context.Context, u InUse, match func(Network) bool) ([]string, error) {
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, n := range all {
		if IsDefaultNetwork(n) || (match != nil && !match(n)) {
			continue
		}
		users, err := u.Users(ctx, n.Name)
		if err != nil {
			return removed, err
		}
		if len(users) > 0 {
			continue
		}
		if _, err := s.Remove(n.Name); err != nil {
			return removed, err
		}
		removed = append(removed, n.Name)
	}
	return removed, nil
}
