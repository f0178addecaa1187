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
}

// FollowLog prints a container's log; with Follow it keeps printing new
// lines until the container has stopped and the log is drained.
func FollowLog(ctx context.Context, env Env, c *Container, o LogOptions) error {
	entries, err := ReadLog(c.LogPath())
	if err != nil {
		return err
	}
	if o.Tail >= 0 && len(entries) > o.Tail {
		entries = entries[len(entries)-o.Tail:]
	}
	for _, e := range entries {
		printEntry(e, o)
	}
	if !o.Follow {
		return nil
	}
	// Follow from the end of the current file; rotation starts a new one.
	f, err := os.Open(c.LogPath())
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("follow log: %w", err)
	}
	defer func() { f.Close() }()
	offset, _ := f.Seek(0, io.SeekEnd)
	var pending string
	for {
		buf := make([]byte, 64*1024)
		n, _ := f.Read(buf)
		if n > 0 {
			offset += int64(n)
			pending += string(buf[:n])
			for {
				i := strings.IndexByte(pending, '\n')
				if i < 0 {
					break
				}
				if e, ok := parseLogLine(pending[:i]); ok {
					printEntry(e, o)
				}
				pending = pending[i+1:]
			}
			continue
		}
		// Rotated: the path now names a new, shorter file.
		if fi, err := os.Stat(c.LogPath()); err == nil && fi.Size() < offset {
			f.Close()
			if f, err = os.Open(c.LogPath()); err != nil {
				return fmt.Errorf("follow log: %w", err)
			}
			offset = 0
			continue
		}
		_ = c.Reload()
		if c.State.Status != StatusRunning || (!c.Alive() && !monitorAlive(c)) {
			// One last read for what the monitor wrote last.
			if n, _ := f.Read(buf); n > 0 {
				pending += string(buf[:n])
				for _, line := range strings.Split(pending, "\n") {
					if e, ok := parseLogLine(line); ok {
						printEntry(e, o)
					}
				}
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
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := env.Store.SetNames(c.ID, []string{name}); err != nil {
		return fmt.Errorf("rename container %s to %q: %w", c.Name, name, err)
	}
	c.Name, c.Config.Name = name, name
	return c.Save()
}
