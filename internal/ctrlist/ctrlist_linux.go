package ctrlist

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/pod"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// Options say which containers to list and how.
type Options struct {
	// All lists stopped containers too.
	All bool
	// Filters are KEY=VALUE filters (ParseFilter).
	Filters []string
	// NoTrunc shows whole IDs and commands.
	NoTrunc bool
	// External lists the store's containers that are not husk's too
	// (a build's working containers), with the status Storage.
	External bool
	// Last keeps the Last containers created last, of all states (-n;
	// <= 0: all); Latest is Last 1.
	Last   int
	Latest bool
	// Sort orders the rows: one of command, created, id, image, names,
	// runningfor, size, status ("": created).
	Sort string
	// Size and Namespaces fill the Size and namespace fields.
	Size, Namespaces bool
	// Pod fills the pod's name in the JSON too (--pod).
	Pod bool
}

// List brings the store's containers' states up to date and returns the
// rows of those o selects. A state that cannot be read is a warning on
// warn; the container is listed as its record says.
func List(store *storage.Store, env runtime.Env, o Options, warn io.Writer) ([]Row, error) {
	if o.Sort != "" && !slices.Contains(sortKeys, o.Sort) {
		return nil, setting.Errorf("{sort} %q: use one of %s", o.Sort, strings.Join(sortKeys, ", "))
	}
	flt, err := ParseFilter(o.Filters, func(ref string) (*runtime.Container, error) { return runtime.Lookup(store, ref) })
	if err != nil {
		return nil, err
	}
	pods, err := pod.List(store)
	if err != nil {
		return nil, err
	}
	flt.ResolvePods(func(ref string) (string, bool) {
		p, err := pod.Lookup(store, ref)
		if err != nil {
			return "", false
		}
		return p.ID, true
	})
	all := o.All || flt.All() || o.Last > 0 || o.Latest
	ro := rowOptions{now: time.Now(), noTrunc: o.NoTrunc, podNames: map[string]string{}, podJSON: o.Pod}
	for _, p := range pods {
		ro.podNames[p.ID] = p.Name
	}
	if o.Size {
		ro.size = func(c *runtime.Container) *Size { return containerSize(store, c) }
	}
	if o.Namespaces {
		ro.ns = namespacesOf
	}
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
		if (all || c.State.Status == runtime.StatusRunning) && flt.Match(c) {
			rows = append(rows, makeRow(c, ro))
		}
	}
	if o.External {
		ext, err := runtime.ListExternal(store)
		if err != nil {
			return nil, err
		}
		for _, e := range ext {
			c := externalContainer(e)
			if flt.Match(c) {
				r := makeRow(c, ro)
				r.Command = "storage"
				if e.Buildah {
					r.Command = "buildah"
				}
				rows = append(rows, r)
			}
		}
	}
	sortRows(rows, "created")
	last := o.Last
	if o.Latest {
		last = 1
	}
	if last > 0 && len(rows) > last {
		rows = rows[len(rows)-last:]
	}
	sortRows(rows, o.Sort)
	return rows, nil
}

// StatusStorage is the state of a container that is not husk's (podman's
// word for its storage containers).
const StatusStorage runtime.Status = "storage"

// externalContainer is a container that is not husk's as ps shows it:
// podman shows buildah's as COMMAND buildah, others as storage.
func externalContainer(e runtime.External) *runtime.Container {
	return &runtime.Container{ID: e.ID, Name: e.Name, Config: runtime.Config{Image: e.Image, ImageID: e.ImageID},
		State: runtime.State{Status: StatusStorage, CreatedAt: e.Created}}
}

// WriteOptions say how Write shows the rows.
type WriteOptions struct {
	// Quiet prints only IDs; NoHeading leaves out a table's header.
	Quiet, NoHeading bool
	// Size and Namespaces change the default table as podman's ps --size
	// and --ns do; Pod adds the pod's columns (--pod).
	Size, Namespaces, Pod bool
}

// Write prints rows: only their IDs with quiet, else as fm says (podman's
// table by default).
func Write(w io.Writer, fm *format.Formatter, rows []Row, o WriteOptions) error {
	if o.Quiet {
		for _, r := range rows {
			fmt.Fprintln(w, r.ID)
		}
		return nil
	}
	items := make([]any, 0, len(rows))
	js := make([]JSON, 0, len(rows))
	for _, r := range rows {
		items = append(items, r)
		js = append(js, r.json)
	}
	def := "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
	switch {
	case o.Namespaces:
		def = "table {{.ID}}\t{{.Names}}\t{{.Pid}}\t{{.Cgroup}}\t{{.IPC}}\t{{.MNT}}\t{{.NET}}\t{{.PIDNS}}\t{{.User}}\t{{.UTS}}"
	case o.Size:
		def += "\t{{.Size}}"
	}
	if o.Pod && !o.Namespaces {
		def += "\t{{.Pod}}\t{{.PodName}}"
	}
	return fm.WriteList(w, items, js, format.List{Default: def, Headers: headers, Row: Row{}, NoHeading: o.NoHeading})
}
