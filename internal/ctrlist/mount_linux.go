package ctrlist

import (
	"errors"
	"fmt"
	"io"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// mountedJSON is one entry of husk mount --format json (podman's keys).
type mountedJSON struct {
	ID         string   `json:"id"`
	Names      []string `json:"Names"`
	Mountpoint string   `json:"mountpoint"`
}

// WriteMounted prints the mounted containers as husk mount lists them:
// "ID  PATH" lines, or JSON.
func WriteMounted(w io.Writer, ms []runtime.Mounted, asJSON, noTrunc bool) error {
	if asJSON {
		out := make([]mountedJSON, 0, len(ms))
		for _, m := range ms {
			out = append(out, mountedJSON{ID: m.ID, Names: []string{m.Name}, Mountpoint: m.Mountpoint})
		}
		return format.JSON(w, out)
	}
	for _, m := range ms {
		id := m.ID
		if !noTrunc {
			id = id[:12]
		}
		fmt.Fprintf(w, "%s  %s\n", id, m.Mountpoint)
	}
	return nil
}

// UnmountAll takes back the mounts of every mounted container (all of them
// with force), leaving running containers the mount their run holds, and
// returns the IDs of those it unmounted.
func UnmountAll(store *storage.Store, env runtime.Env, force bool) ([]string, error) {
	cs, err := runtime.List(store)
	if err != nil {
		return nil, err
	}
	ms, err := runtime.MountedContainers(env, cs)
	if err != nil {
		return nil, err
	}
	byID := map[string]*runtime.Container{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	var done []string
	for _, m := range ms {
		err := runtime.Unmount(env, byID[m.ID], force)
		if errors.Is(err, runtime.ErrRunningMount) {
			continue // a running container keeps its own mount
		}
		if err != nil {
			return done, err
		}
		done = append(done, m.ID)
	}
	return done, nil
}
