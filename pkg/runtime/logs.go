package runtime

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// LogOptions control FollowLog.
type LogOptions struct {
	Follow     bool
	Tail       int // < 0: all
	Since      time.Time
	Timestamps bool
	Stdout     io.Writer
	Stderr     io.Writer
	// Following, if set, is called once the existing log was printed and
	// everything from then on will be.
	Following func()
}

// FollowLog prints a container's log; with Follow it keeps printing new
// lines until the container has stopped and the log is drained. The
// current file is read through one handle from start to end, so nothing
// written meanwhile is skipped.
func FollowLog(ctx context.Context, env Env, c *Container, o LogOptions) error {
	var entries []LogEntry
	if b, err := os.ReadFile(c.LogPath() + ".1"); err == nil {
		entries = parseLog(b)
	}
	f, err := os.Open(c.LogPath())
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read container log: %w", err)
	}
	var pending string
	var offset int64
	buf := make([]byte, 256*1024)
	readAll := func() {
		for f != nil {
			n, _ := f.Read(buf)
			if n <= 0 {
				return
			}
			offset += int64(n)
			pending += string(buf[:n])
		}
	}
	take := func() []LogEntry {
		var out []LogEntry
		for {
			i := strings.IndexByte(pending, '\n')
			if i < 0 {
				return out
			}
			if e, ok := parseLogLine(pending[:i]); ok {
				out = append(out, e)
			}
			pending = pending[i+1:]
		}
	}
	readAll()
	entries = append(entries, take()...)
	if o.Tail >= 0 && len(entries) > o.Tail {
		entries = entries[len(entries)-o.Tail:]
	}
	for _, e := range entries {
		printEntry(e, o)
	}
	if !o.Follow {
		if f != nil {
			f.Close()
		}
		return nil
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	if o.Following != nil {
		o.Following()
	}
	for {
		before := offset
		readAll()
		for _, e := range take() {
			printEntry(e, o)
		}
		if offset != before {
			continue
		}
		// Rotated: the path now names a new file; finish the old one
		// (done above) and go on with the new one from its start.
		if fi, err := os.Stat(c.LogPath()); err == nil && (f == nil || !sameFile(f, fi)) {
			if f != nil {
				f.Close()
			}
			if f, err = os.Open(c.LogPath()); err != nil {
				return fmt.Errorf("follow log: %w", err)
			}
			offset = 0
			continue
		}
		_ = c.Reload()
		if c.State.Status != StatusRunning || (!c.Alive() && !monitorAlive(c)) {
			readAll()
			for _, e := range take() {
				printEntry(e, o)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func sameFile(f *os.File, fi os.FileInfo) bool {
	cur, err := f.Stat()
	return err == nil && os.SameFile(cur, fi)
}

func printEntry(e LogEntry, o LogOptions) {
	if !o.Since.IsZero() && e.Time.Before(o.Since) {
		return
	}
	w := o.Stdout
	if e.Stream == "stderr" && o.Stderr != nil {
		w = o.Stderr
	}
	line := e.Text
	if !e.Partial {
		line += "\n"
	}
	if o.Timestamps {
		line = e.Time.Format(time.RFC3339Nano) + " " + line
	}
	_, _ = io.WriteString(w, line)
}

// Rename gives a container a new name.
func Rename(env Env, c *Container, name string) error {
	if err := validName(name); err != nil {
		return err
	}
	if other, err := env.Store.Container(name); err == nil && other.ID != c.ID {
		return fmt.Errorf("the container name %q is already in use by %s: remove that container or choose another name", name, short(other.ID))
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := env.Store.SetNames(c.ID, []string{name}); err != nil {
		return fmt.Errorf("rename container %s to %q: %w", c.Name, name, err)
	}
	if err := c.Reload(); err != nil {
		return err
	}
	c.Name, c.Config.Name = name, name
	return c.Save()
}
