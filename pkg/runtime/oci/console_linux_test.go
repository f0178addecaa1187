package oci_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/runtime/oci/ocitest"
)

// A process with a terminal: the runtime (here the fake) sends the master
// to the console socket; AttachConsole copies its output to the caller
// until the process is gone.
func TestConsoleSocket(t *testing.T) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Skip(err)
	}
	cs, err := oci.NewConsoleSocket()
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if !strings.HasPrefix(filepath.Base(filepath.Dir(cs.Path())), "husk-tty-") {
		t.Errorf("socket path %s", cs.Path())
	}
	got := make(chan *os.File, 1)
	go func() {
		m, err := cs.Receive()
		if err != nil {
			t.Error(err)
		}
		got <- m
	}()
	b := ocitest.FakeBundle(t, "", "/bin/sh", "-c", "test -t 0 && test -t 1 && echo on a terminal")
	drv := ocitest.NewFake("fake").Driver(nil)
	pidFile := filepath.Join(b, "pid")
	if err := drv.Create(context.Background(), "tty", oci.CreateOptions{Bundle: b, StartNow: true, IO: oci.IO{PidFile: pidFile, ConsoleSocket: cs.Path()}}); err != nil {
		t.Fatal(err)
	}
	var m *os.File
	select {
	case m = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no terminal received")
	}
	var out bytes.Buffer
	detach := oci.AttachConsole(m, strings.NewReader(""), &out, true)
	pid := readPid(t, pidFile)
	var ws unix.WaitStatus
	_, err = unix.Wait4(pid, &ws, 0, nil)
	detach()
	if err != nil || ws.ExitStatus() != 0 {
		t.Fatalf("process: %v %v %q", ws, err, out.String())
	}
	if !strings.Contains(out.String(), "on a terminal") {
		t.Errorf("output %q", out.String())
	}
	if err := cs.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(cs.Path())); !os.IsNotExist(err) {
		t.Errorf("socket directory left: %v", err)
	}
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	for _, c := range strings.TrimSpace(string(b)) {
		pid = pid*10 + int(c-'0')
	}
	return pid
}

// The gate holds what comes before Release (the runtime's complaints),
// passes it on at Release, and copies through afterwards.
func TestStderrGateReleased(t *testing.T) {
	var dst syncBuffer
	g, err := oci.NewStderrGate(&dst)
	if err != nil {
		t.Fatal(err)
	}
	w := g.Writer()
	// The runtime's copy of the write end, which the process keeps.
	proc, err := os.OpenFile("/proc/self/fd/"+itoa(int(w.Fd())), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proc.WriteString("runtime warning\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if dst.String() != "" {
		t.Errorf("passed before release: %q", dst.String())
	}
	g.Release()
	if _, err := proc.WriteString("the process's own\n"); err != nil {
		t.Fatal(err)
	}
	proc.Close()
	g.Drain(5 * time.Second)
	if got := dst.String(); got != "runtime warning\nthe process's own\n" {
		t.Errorf("got %q", got)
	}
}

func TestStderrGateFailed(t *testing.T) {
	var dst syncBuffer
	g, err := oci.NewStderrGate(&dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Writer().WriteString("time=\"x\" level=error msg=\"it failed\"\n"); err != nil {
		t.Fatal(err)
	}
	if got := g.Failed(); got != "it failed" {
		t.Errorf("held %q", got)
	}
	if dst.String() != "" {
		t.Errorf("a failure's complaint reached the process's stderr: %q", dst.String())
	}
}

// The detach keys end the input's copy (what follows them never reaches
// the process) and close Detached; after Release, the output is read and
// dropped and the master stays open for whoever takes it.
func TestConsoleDetach(t *testing.T) {
	m, s, err := ocitest.OpenPty()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := term.MakeRaw(int(s.Fd())); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	c := oci.NewConsole(m, oci.ConsoleIO{Stdin: strings.NewReader("ab\x10x\x10\x11cd"), Stdout: &out, Interactive: true, DetachKeys: []byte("\x10\x11")})
	select {
	case <-c.Detached():
	case <-time.After(5 * time.Second):
		t.Fatal("not detached")
	}
	got := make([]byte, 16)
	n, err := s.Read(got)
	if err != nil || string(got[:n]) != "ab\x10x" {
		t.Fatalf("the process read %q (%v), want the input before the keys", got[:n], err)
	}
	if _, err := s.WriteString("before\n"); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "before"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("output before Release not shown: %q", out.String())
		}
	}
	if c.Release() != m {
		t.Fatal("Release returned another file")
	}
	if _, err := s.WriteString("after\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if strings.Contains(out.String(), "after") {
		t.Fatalf("output after Release shown: %q", out.String())
	}
	// The master is still open: the process's side still works.
	if _, err := s.WriteString("still\n"); err != nil {
		t.Fatalf("terminal closed by Release: %v", err)
	}
	m.Close()
}
