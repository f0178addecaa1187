package ctrlist

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// Row is one line of husk ps; its fields are what --format sees.
type Row struct {
	ID, Image, Command, Created, Status, Names string
	State                                      string
	ExitCode                                   int
	Pid                                        int
	CreatedAt                                  time.Time
}

// Options say which containers to list and how.
type Options struct {
	// All lists stopped containers too.
	All bool
	// Filters are KEY=VALUE filters (name, id, status, ancestor).
	Filters []string
	// NoTrunc shows whole IDs and commands.
	NoTrunc bool
	// External lists the store's containers that are not husk's too
	// (a build's working containers), with the status Storage.
	External bool
}

// List brings the store's containers' states up to date and returns the
// rows of those o selects. A state that cannot be read is a warning on
// warn; the container is listed as its record says.
func List(store *storage.Store, env runtime.Env, o Options, warn io.Writer) ([]Row, error) {
	cs, err := runtime.List(store)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for _, c := range cs {
		if err := runtime.Refresh(env, c); errors.Is(err, runtime.ErrContainerUnknown) {
			continue // an interrupted --rm run, removed now
		} else if err != nil {
			fmt.Fprintf(warn, "husk: warning: %v\n", err)
		}
		if !o.All && c.State.Status != runtime.StatusRunning {
			continue
		}
		ok, err := Match(c, o.Filters)
		if err != nil {
			return nil, err
		}
		if ok {
			rows = append(rows, MakeRow(c, o.NoTrunc))
		}
	}
	if !o.External {
		return rows, nil
	}
	ext, err := runtime.ListExternal(store)
	if err != nil {
		return nil, err
	}
	for _, e := range ext {
		c := &runtime.Container{ID: e.ID, Name: e.Name, Config: runtime.Config{Image: e.Image, ImageID: e.ImageID},
			State: runtime.State{Status: StatusStorage}}
		ok, err := Match(c, o.Filters)
		if err != nil {
			return nil, err
		}
		if ok {
			rows = append(rows, MakeExternalRow(e, o.NoTrunc))
		}
	}
	return rows, nil
}

// StatusStorage is the state of a container that is not husk's (podman's
// word for its storage containers).
const StatusStorage runtime.Status = "storage"

// MakeExternalRow is the row of a container that is not husk's: podman
// shows buildah's as COMMAND buildah, others as storage.
func MakeExternalRow(e runtime.External, noTrunc bool) Row {
	id := e.ID
	if !noTrunc && len(id) > 12 {
		id = id[:12]
	}
	command := "storage"
	if e.Buildah {
		command = "buildah"
	}
	return Row{ID: id, Image: e.Image, Command: command, Created: format.Since(e.Created), Status: "Storage",
		Names: e.Name, State: string(StatusStorage), CreatedAt: e.Created}
}

// Write prints rows: only their IDs with quiet, else as fm says (a table
// by default).
func Write(w io.Writer, fm *format.Formatter, rows []Row, quiet bool) error {
	if quiet {
		for _, r := range rows {
			fmt.Fprintln(w, r.ID)
		}
		return nil
	}
	items := make([]any, 0, len(rows))
	for _, r := range rows {
		items = append(items, r)
	}
	return fm.Write(w, items, func(tw io.Writer) {
		fmt.Fprintln(tw, "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tNAMES")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Image, r.Command, r.Created, r.Status, r.Names)
		}
	})
}

// MakeRow is c's row.
func MakeRow(c *runtime.Container, noTrunc bool) Row {
	id := c.ID
	if !noTrunc {
		id = id[:12]
	}
	command := strings.Join(append(entrypointOf(c), c.Config.Command...), " ")
	if !noTrunc && len(command) > 20 {
		command = command[:17] + "..."
	}
	status := "Created"
	switch c.State.Status {
	case runtime.StatusRunning:
		status = "Up " + strings.TrimSuffix(format.Since(c.State.StartedAt), " ago")
		if c.State.Paused {
			status += " (Paused)"
		}
	case runtime.StatusExited:
		status = fmt.Sprintf("Exited (%d) %s", c.State.ExitCode, format.Since(c.State.FinishedAt))
	}
	state := string(c.State.Status)
	if c.State.Paused && c.State.Status == runtime.StatusRunning {
		state = "paused"
	}
	return Row{ID: id, Image: c.Config.Image, Command: command, Created: format.Since(c.State.CreatedAt), Status: status,
		Names: c.Name, State: state, ExitCode: c.State.ExitCode, Pid: c.State.Pid, CreatedAt: c.State.CreatedAt}
}

func entrypointOf(c *runtime.Container) []string {
	if c.Config.Entrypoint != nil {
		return *c.Config.Entrypoint
	}
	return nil
}

// Match reports whether c passes every filter.
func Match(c *runtime.Container, filters []string) (bool, error) {
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return false, fmt.Errorf("invalid filter %q: expected KEY=VALUE", f)
		}
		switch k {
		case "name":
			if !strings.Contains(c.Name, v) {
				return false, nil
			}
		case "id":
			if !strings.HasPrefix(c.ID, v) {
				return false, nil
			}
		case "status":
			if string(c.State.Status) != v {
				return false, nil
			}
		case "ancestor":
			if c.Config.Image != v && !strings.HasPrefix(c.Config.ImageID, v) && !strings.HasSuffix(c.Config.Image, "/"+v) &&
				!strings.HasSuffix(c.Config.Image, "/"+v+":latest") {
				return false, nil
			}
		default:
			return false, fmt.Errorf("unknown filter %q: use name=, id=, status= or ancestor=", k)
		}
	}
	return true, nil
}
