package userfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		path  string
		limit int64
		want  string
		err   error
		text  string
	}{
		{name: "regular", path: file, limit: 100, want: "0123456789"},
		{name: "exactly the limit", path: file, limit: 10, want: "0123456789"},
		{name: "symlink to a regular file", path: link, limit: 10, want: "0123456789"},
		{name: "one byte over", path: file, limit: 9, err: ErrTooLarge, text: "is larger than the limit of 9 bytes"},
		{name: "directory", path: dir, limit: 10, err: ErrNotRegular, text: "is not a regular file (a directory)"},
		{name: "fifo", path: fifo, limit: 10, err: ErrNotRegular, text: "(a FIFO)"},
		{name: "device", path: "/dev/zero", limit: 10, err: ErrNotRegular, text: "(a character device)"},
		{name: "missing", path: filepath.Join(dir, "none"), limit: 10, err: fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan struct{})
			var b []byte
			var err error
			go func() {
				b, err = Read(tc.path, tc.limit)
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Read blocked")
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				if !strings.Contains(err.Error(), tc.text) || !strings.Contains(err.Error(), tc.path) {
					t.Fatalf("err = %q, want it to name %q and say %q", err, tc.path, tc.text)
				}
				return
			}
			if err != nil || string(b) != tc.want {
				t.Fatalf("Read = %q, %v; want %q", b, err, tc.want)
			}
		})
	}
}

func TestStat(t *testing.T) {
	if err := Stat("/dev/null", 10); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("Stat(/dev/null) = %v", err)
	}
	f := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(f, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Stat(f, 1024); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1 KiB") {
		t.Fatalf("Stat(big) = %v", err)
	}
	if err := Stat(f, 4096); err != nil {
		t.Fatalf("Stat = %v", err)
	}
}

func TestHumanLimit(t *testing.T) {
	for n, want := range map[int64]string{4 << 20: "4 MiB", 1024: "1 KiB", 1500: "1500 bytes", 0: "0 bytes"} {
		if got := HumanLimit(n); got != want {
			t.Errorf("HumanLimit(%d) = %q, want %q", n, got, want)
		}
	}
}
