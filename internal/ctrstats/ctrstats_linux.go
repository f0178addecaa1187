package ctrstats

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/storage"
)

// Row is one line of husk stats; its fields are what --format sees.
type Row struct {
	ID, Name                string
	CPUPerc                 string
	MemUsage, MemLimit      string
	MemPerc                 string
	NetIO, BlockIO, PIDs    string
	CPUNano                 uint64 `json:"cpuNano"`
	MemBytes                uint64 `json:"memBytes"`
	MemorySource            string `json:"memorySource"`
	BlockRead, BlockWritten uint64
	PidsCount               uint64 `json:"pids"`
	sample                  cgroups.Stats
}

// Options say which containers to watch and how.
type Options struct {
	// Names are the containers (none: every running one with a cgroup).
	Names []string
	// NoStream prints one reading and returns.
	NoStream bool
	// Interval is the time between readings.
	Interval time.Duration
}

// Run prints readings of the containers' cgroups to w, every o.Interval
// until ctx ends, or once with o.NoStream; a stream clears the terminal
// before each table.
func Run(ctx context.Context, store *storage.Store, env runtime.Env, fm *format.Formatter, o Options, w io.Writer) error {
	cs, err := selectContainers(store, env, o.Names)
	if err != nil {
		return err
	}
	prev := map[string]cgroups.Stats{}
	prevAt := time.Now()
	read := func() ([]Row, error) {
		now := time.Now()
		var rows []Row
		for _, c := range cs {
			s, err := runtime.Stats(env, c)
			if err != nil {
				if len(o.Names) > 0 {
					return nil, err
				}
				continue
			}
			rows = append(rows, MakeRow(c, s, prev[c.ID], now.Sub(prevAt)))
			prev[c.ID] = s
		}
		prevAt = now
		return rows, nil
	}
	if _, err := read(); err != nil {
		return err
	}
	first := true
	for {
		wait := o.Interval
		if first && o.NoStream {
			wait = 250 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		rows, err := read()
		if err != nil {
			return err
		}
		if !o.NoStream && fm.Format == "" {
			fmt.Fprint(w, "\033[2J\033[H")
		}
		if err := Write(w, fm, rows); err != nil {
			return err
		}
		if o.NoStream {
			return nil
		}
		first = false
	}
}

// selectContainers are the named containers, or every running one with a
// cgroup.
func selectContainers(store *storage.Store, env runtime.Env, names []string) ([]*runtime.Container, error) {
	var cs []*runtime.Container
	if len(names) == 0 {
		list, err := runtime.List(store)
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			if runtime.Refresh(env, c) == nil && c.Alive() && c.State.Cgroup != "" {
				cs = append(cs, c)
			}
		}
		return cs, nil
	}
	for _, n := range names {
		c, err := runtime.Lookup(store, n)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// MakeRow is c's row for reading s, prev the reading elapsed before
// (zero: none, no CPU use is shown).
func MakeRow(c *runtime.Container, s, prev cgroups.Stats, elapsed time.Duration) Row {
	r := Row{ID: c.ID[:12], Name: c.Name, NetIO: "--", BlockIO: "--", sample: s,
		CPUNano: s.CPUUsec * 1000, MemBytes: s.Memory, MemorySource: s.MemorySource, PidsCount: s.Pids}
	r.CPUPerc = "--"
	if prev.CPUUsec != 0 || s.CPUUsec != 0 {
		if elapsed > 0 && s.CPUUsec >= prev.CPUUsec {
			r.CPUPerc = fmt.Sprintf("%.2f%%", float64(s.CPUUsec-prev.CPUUsec)*1000/float64(elapsed.Nanoseconds())*100)
		}
	}
	r.MemUsage = format.HumanSize(int64(s.Memory))
	if s.MemorySource == "rss" {
		r.MemUsage += " (rss)"
	}
	r.MemLimit, r.MemPerc = "--", "--"
	if s.MemoryLimit > 0 {
		r.MemLimit = format.HumanSize(int64(s.MemoryLimit))
		r.MemPerc = fmt.Sprintf("%.2f%%", float64(s.Memory)*100/float64(s.MemoryLimit))
	}
	if s.IOOK {
		r.BlockIO = format.HumanSize(int64(s.IORead)) + " / " + format.HumanSize(int64(s.IOWrite))
		r.BlockRead, r.BlockWritten = s.IORead, s.IOWrite
	}
	r.PIDs = fmt.Sprint(s.Pids)
	return r
}

// Write prints rows as fm says (a table by default).
func Write(w io.Writer, fm *format.Formatter, rows []Row) error {
	items := make([]any, 0, len(rows))
	for _, r := range rows {
		items = append(items, r)
	}
	return fm.Write(w, items, func(tw io.Writer) {
		fmt.Fprintln(tw, "ID\tNAME\tCPU %\tMEM USAGE / LIMIT\tMEM %\tNET IO\tBLOCK IO\tPIDS")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s / %s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.CPUPerc, r.MemUsage, r.MemLimit, r.MemPerc, r.NetIO, r.BlockIO, r.PIDs)
		}
	})
}
