package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/idfile"
	"github.com/husk-dev/husk/pkg/netns"
)

// ErrHasDependents is returned for removing a container whose namespaces
// other containers use, without removing those first.
var ErrHasDependents = errors.New("container has dependent containers")

// RemoveOptions are husk rm's choices.
type RemoveOptions struct {
	// Force kills a running container (after Timeout, if set, with its
	// stop signal first).
	Force   bool
	Timeout *time.Duration
	// Ignore skips names that are not containers, and CIDFiles that do
	// not exist.
	Ignore bool
	// Depend removes the containers that depend on a target first.
	Depend bool
	// All removes every container; CIDFiles name containers by the files
	// run --cidfile wrote.
	All      bool
	CIDFiles []string
	// Volumes removes the containers' anonymous volumes too (rm -v).
	Volumes bool
}

// Removal is one container RemoveSet removed or failed to remove: Ref is
// the name the user gave, or the ID of a container they did not name.
type Removal struct {
	Ref string
	Err error
}

// RemoveSet removes the containers refs, o.CIDFiles and o.All name, as
// podman rm does: every name is looked up first, and a missing one stops
// everything unless Ignore is set (it is then skipped); each container is
// then removed on its own, its failure reported in its Removal. A build's
// working container named in refs is removed too (podman rm removes its
// storage containers as well).
func RemoveSet(ctx context.Context, env Env, refs []string, o RemoveOptions) ([]Removal, error) {
	refs, done, err := removalRefs(env, refs, &o)
	if err != nil {
		return done, err
	}
	type target struct {
		ref string
		c   *Container
	}
	var targets []target
	seen := map[string]bool{}
	for _, ref := range refs {
		c, err := Lookup(env.Store, ref)
		if errors.Is(err, ErrContainerUnknown) && o.Ignore {
			continue
		}
		if err != nil {
			return done, err
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			targets = append(targets, target{ref, c})
		}
	}
	removed := map[string]bool{}
	for _, t := range targets {
		if removed[t.c.ID] {
			continue
		}
		deps, err := Dependents(env, t.c)
		if t.c.Config.Infra && !o.All {
			err = infraRemoveError(t.c)
		}
		if err == nil && len(deps) > 0 && !o.Depend {
			err = fmt.Errorf("remove container %s: %w, which must be removed before it: %s", t.c.Name, ErrHasDependents, names(deps))
		}
		if err != nil {
			done = append(done, Removal{Ref: t.ref, Err: err})
			continue
		}
		for _, d := range deps {
			if !removed[d.ID] {
				done = append(done, Removal{Ref: d.ID, Err: removeOne(ctx, env, d, o)})
				removed[d.ID] = true
			}
		}
		removed[t.c.ID] = true
		done = append(done, Removal{Ref: t.ref, Err: removeOne(ctx, env, t.c, o)})
	}
	if o.All {
		// With every container gone, a lingering rootless network
		// namespace goes at once.
		if err := ReleaseNetworks(env); err != nil {
			return done, err
		}
	}
	return done, nil
}

// removalRefs adds to refs the containers o.CIDFiles and o.All name, and
// removes the build working containers among them.
func removalRefs(env Env, refs []string, o *RemoveOptions) ([]string, []Removal, error) {
	for _, f := range o.CIDFiles {
		id, err := ReadCIDFile(f, o.Ignore)
		if errors.Is(err, ErrContainerUnknown) {
			continue
		} else if err != nil {
			return nil, nil, err
		}
		refs = append(refs, id)
	}
	if o.All {
		cs, err := List(env.Store)
		if err != nil {
			return nil, nil, err
		}
		// podman rm -a NAME removes all, once; one that goes meanwhile (a
		// --rm container exiting) is no error.
		refs, o.Ignore = nil, true
		var infras []string
		for _, c := range cs {
			if c.Config.Infra {
				// After the containers that share its namespaces.
				infras = append(infras, c.ID)
				continue
			}
			refs = append(refs, c.ID)
		}
		return append(refs, infras...), nil, nil
	}
	var rest []string
	var done []Removal
	for _, ref := range refs {
		e, ok := LookupExternal(env.Store, ref)
		if !ok {
			rest = append(rest, ref)
			continue
		}
		if err := RemoveExternal(env.Store, e, o.Force); err != nil {
			return nil, done, err
		}
		done = append(done, Removal{Ref: ref})
	}
	return rest, done, nil
}

func removeOne(ctx context.Context, env Env, c *Container, o RemoveOptions) error {
	if o.Force && o.Timeout != nil && *o.Timeout > 0 {
		if err := Stop(ctx, env, c, *o.Timeout); err != nil && !errors.Is(err, ErrContainerUnknown) {
			return err
		}
	}
	if err := Remove(ctx, env, c, o.Force); err != nil {
		return err
	}
	if o.Volumes {
		removeAnonymousVolumes(env, c)
	}
	return nil
}

// Dependents returns the containers that join c's namespaces (--network
// container:C), the ones that depend on them first: removing c would
// leave them without a namespace.
func Dependents(env Env, c *Container) ([]*Container, error) {
	all, err := List(env.Store)
	if err != nil {
		return nil, err
	}
	var out []*Container
	seen := map[string]bool{c.ID: true}
	var visit func(target *Container)
	visit = func(target *Container) {
		for _, d := range all {
			if seen[d.ID] || !joins(env, d, target) {
				continue
			}
			seen[d.ID] = true
			visit(d)
			out = append(out, d)
		}
	}
	visit(c)
	return out, nil
}

// joins reports whether d uses target's network namespace.
func joins(env Env, d, target *Container) bool {
	ref, ok := strings.CutPrefix(d.Config.Net.Mode, netns.ContainerPrefix)
	if !ok {
		return false
	}
	if ref == target.Name || ref == target.ID {
		return true
	}
	c, err := Lookup(env.Store, ref)
	return err == nil && c.ID == target.ID
}

func names(cs []*Container) string {
	var n []string
	for _, c := range cs {
		n = append(n, c.Name)
	}
	return strings.Join(n, ", ")
}

// ReadCIDFile reads a container ID that run --cidfile wrote. A missing
// file is ErrContainerUnknown when ignore is set (podman's systemd units
// run rm --ignore --cidfile after a container that never started).
func ReadCIDFile(path string, ignore bool) (string, error) {
	id, err := idfile.Read(path, "cidfile")
	if ignore && errors.Is(err, fs.ErrNotExist) {
		return "", ErrContainerUnknown
	}
	return id, err
}

// WriteRemovals prints the ref of each container removed on stdout and
// the errors on stderr (spelled by msg), all but the last one, which it
// returns for the caller to report.
func WriteRemovals(stdout, stderr io.Writer, done []Removal, msg func(error) string) error {
	var last error
	for _, r := range done {
		if r.Err == nil {
			fmt.Fprintln(stdout, r.Ref)
			continue
		}
		if last != nil {
			fmt.Fprintf(stderr, "husk: %s\n", msg(last))
		}
		last = r.Err
	}
	return last
}
