package events

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// PollInterval is how often Follow looks for new events.
var PollInterval = 100 * time.Millisecond

// Follow calls fn for the journal's events that o selects as they are
// appended, until ctx ends, o.Until passes or fn fails. With fromStart
// the events already in the journal come first (podman does so when
// --since is given); otherwise only events appended from now on. It
// keeps up with rotation: the rest of the renamed file is read before the
// new one.
func (j *Journal) Follow(ctx context.Context, o Options, fromStart bool, fn func(Event) error) error {
	t := &tailer{j: j, o: o, fn: fn}
	defer t.close()
	if err := t.begin(fromStart); err != nil {
		return err
	}
	tick := time.NewTicker(PollInterval)
	defer tick.Stop()
	for {
		if err := t.poll(); err != nil {
			return err
		}
		if !o.Until.IsZero() && time.Now().After(o.Until) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// tailer is Follow's position in the journal.
type tailer struct {
	j       *Journal
	o       Options
	fn      func(Event) error
	f       *os.File // the current file as it was opened (nil: none yet)
	partial []byte
}

func (t *tailer) begin(fromStart bool) error {
	if fromStart {
		lock, err := t.j.lock(syscall.LOCK_SH)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if lock != nil {
			defer lock.Close()
		}
		if f, err := os.Open(t.j.path(oldName)); err == nil {
			_, err = scan(f, nil, t.o, t.fn)
			f.Close()
			if err != nil {
				return err
			}
		}
		return t.reopen(false)
	}
	return t.reopen(true)
}

// reopen opens the current file, at its end with atEnd.
func (t *tailer) reopen(atEnd bool) error {
	f, err := os.Open(t.j.path(logName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open event journal: %w", err)
	}
	if atEnd {
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			f.Close()
			return fmt.Errorf("read event journal: %w", err)
		}
	}
	t.close()
	t.f, t.partial = f, nil
	return t.read()
}

// read passes on what was appended to the open file.
func (t *tailer) read() error {
	var err error
	t.partial, err = scan(t.f, t.partial, t.o, t.fn)
	return err
}

// poll reads new events, and moves to the new file after a rotation
// (finishing the old one: no writer appends to it any more).
func (t *tailer) poll() error {
	if t.f == nil {
		return t.reopen(false)
	}
	if err := t.read(); err != nil {
		return err
	}
	cur, err := os.Stat(t.j.path(logName))
	if err != nil {
		return nil // rotation in progress: the next poll sees the new file
	}
	mine, err := t.f.Stat()
	if err != nil {
		return fmt.Errorf("stat event journal: %w", err)
	}
	if os.SameFile(cur, mine) {
		return nil
	}
	if err := t.read(); err != nil {
		return err
	}
	return t.reopen(false)
}

func (t *tailer) close() {
	if t.f != nil {
		t.f.Close()
		t.f = nil
	}
}
