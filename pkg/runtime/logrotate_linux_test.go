package runtime

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLogFileRotation(t *testing.T) {
	if got := (LogLimits{}).Effective(); got != (LogLimits{MaxSize: DefaultLogMaxSize, MaxFiles: DefaultLogMaxFiles}) {
		t.Errorf("default limits %+v", got)
	}
	for _, files := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("max-file %d", files), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "ctr.log")
			// A stale file beyond the limit from an earlier, larger one.
			os.WriteFile(rotatedLogPath(path, files), []byte("stale\n"), 0o600)
			const maxSize = 4096
			l, err := OpenLog(path, LogLimits{MaxSize: maxSize, MaxFiles: files})
			if err != nil {
				t.Fatal(err)
			}
			var in bytes.Buffer
			for i := 0; i < 2000; i++ {
				fmt.Fprintf(&in, "line-%d\n", i)
			}
			l.Copy("stdout", &in)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != files {
				t.Errorf("%d files: %v", len(entries), entries)
			}
			for _, e := range entries {
				fi, _ := e.Info()
				if fi.Size() > maxSize {
					t.Errorf("%s is %d bytes", e.Name(), fi.Size())
				}
			}
			// What is kept is the end, in order, with nothing missing.
			out, _ := printLog(t, &Container{Dir: dir}, LogOptions{Tail: -1})
			kept := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			// (A file holds about 85 lines; the current one may have just
			// started.)
			if len(kept) < 60*(files-1) || kept[len(kept)-1] != "line-1999" {
				t.Fatalf("kept %d lines, the last %q", len(kept), kept[len(kept)-1])
			}
			first := 2000 - len(kept)
			for i, s := range kept {
				if s != fmt.Sprintf("line-%d", first+i) {
					t.Fatalf("line %d is %q, want line-%d", i, s, first+i)
				}
			}
		})
	}
	t.Run("no limit", func(t *testing.T) {
		dir := t.TempDir()
		l, err := OpenLog(filepath.Join(dir, "ctr.log"), LogLimits{MaxSize: -1})
		if err != nil {
			t.Fatal(err)
		}
		l.Copy("stdout", strings.NewReader(strings.Repeat("0123456789\n", 100000)))
		l.Close()
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("rotated without a limit: %v", entries)
		}
	})
}

// TestLogsFollowAcrossRotation follows a log that a writer rotates many
// times meanwhile: every line comes once, in order. A file holds about
// 107 lines. The writer writes a burst and then waits until the follower
// has printed it, so the follower (which polls every 100 ms) meets one or
// two rotations at a time and never falls behind by more than the log
// keeps: with 3 files a burst fills 1.9 files (old file at NAME.2, NAME.1
// next), with 1 file (the log starts over) 0.9.
func TestLogsFollowAcrossRotation(t *testing.T) {
	for _, tc := range []struct{ files, burst int }{{3, 200}, {1, 100}} {
		t.Run(fmt.Sprintf("max-file %d", tc.files), func(t *testing.T) {
			followAcrossRotation(t, LogLimits{MaxSize: 8192, MaxFiles: tc.files}, 10*tc.burst, tc.burst)
		})
	}
}

func followAcrossRotation(t *testing.T, limits LogLimits, n, burst int) {
	c := &Container{Name: "follow", Dir: t.TempDir()}
	c.State = State{Status: StatusRunning, Pid: os.Getpid(), StartTicks: procStartTicks(os.Getpid())}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	l, err := OpenLog(c.LogPath(), limits)
	if err != nil {
		t.Fatal(err)
	}
	l.Copy("stdout", strings.NewReader("before\n"))
	var out syncBuffer
	following := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-following
		for i := 0; i < n; i++ {
			l.Copy("stdout", strings.NewReader(fmt.Sprintf("line-%d-abcdefghijklmnopqrstuvwxyz\n", i)))
			if i%burst == burst-1 {
				line, deadline := fmt.Sprintf("\nline-%d-", i), time.Now().Add(20*time.Second)
				for !strings.Contains(out.String(), line) && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
			}
		}
		l.Close()
		done := *c
		done.State.Status = StatusExited
		done.Save()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = FollowLog(ctx, Env{}, c, LogOptions{Tail: -1, Follow: true, Stdout: &out, Stderr: io.Discard,
		Following: func() { close(following) }})
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != n+1 || got[0] != "before" {
		t.Fatalf("followed %d lines, want %d", len(got), n+1)
	}
	for i, s := range got[1:] {
		if want := fmt.Sprintf("line-%d-abcdefghijklmnopqrstuvwxyz", i); s != want {
			t.Fatalf("line %d is %q, want %q", i+1, s, want)
		}
	}
}
