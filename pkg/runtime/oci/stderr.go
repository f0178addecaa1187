package oci

import (
	"bytes"
	"io"
	"os"
	"sync"
	"time"
)

// StderrGate sits between the container's stderr and the user's. While the
// runtime creates the container the process has not started, so whatever
// arrives is the runtime's own complaint: it is held back and becomes part
// of husk's error if create fails. Once create succeeded the gate opens
// and everything is copied through.
type StderrGate struct {
	r, w *os.File
	dst  io.Writer
	mu   sync.Mutex
	held bytes.Buffer
	open bool
	done chan struct{}
}

// NewStderrGate makes a gate in front of dst, shut.
func NewStderrGate(dst io.Writer) (*StderrGate, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	g := &StderrGate{r: r, w: w, dst: dst, done: make(chan struct{})}
	go g.copy()
	return g, nil
}

func (g *StderrGate) copy() {
	defer close(g.done)
	buf := make([]byte, 32*1024)
	for {
		n, err := g.r.Read(buf)
		if n > 0 {
			g.mu.Lock()
			if g.open {
				_, _ = g.dst.Write(buf[:n])
			} else {
				g.held.Write(buf[:n])
			}
			g.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// Writer is the end given to the runtime; Release and Failed close this
// process's copy.
func (g *StderrGate) Writer() *os.File { return g.w }

// SetDestination makes dst the writer the gate passes on to (a gate made
// before its destination was known, with a nil one).
func (g *StderrGate) SetDestination(dst io.Writer) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.dst = dst
}

// Release opens the gate, passing on what was held (runtime warnings).
func (g *StderrGate) Release() {
	g.w.Close()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = g.dst != nil
	if g.open {
		_, _ = g.dst.Write(g.held.Bytes())
	}
	g.held.Reset()
}

// Failed returns what the runtime wrote, reduced to its message (see
// Message); the gate stays shut.
func (g *StderrGate) Failed() string {
	g.w.Close()
	select {
	case <-g.done:
	case <-time.After(2 * time.Second):
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return Message(g.held.String())
}

// Drain waits for the container's stderr to reach EOF, but not forever: a
// daemon the container left behind may hold it open.
func (g *StderrGate) Drain(limit time.Duration) {
	select {
	case <-g.done:
	case <-time.After(limit):
	}
	g.r.Close()
}
