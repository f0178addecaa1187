package runtime

import (
	"bytes"
	"io"
	"os"
	"sync"
	"time"
)

// stderrGate sits between the container's stderr and the user's. While the
// runtime creates the container the process has not started, so whatever
// arrives is the runtime's own complaint: it is held back and becomes part
// of husk's error if create fails. Once create succeeded the gate opens
// and everything is copied through.
type stderrGate struct {
	r, w *os.File
	dst  io.Writer
	mu   sync.Mutex
	held bytes.Buffer
	open bool
	done chan struct{}
}

func newStderrGate(dst io.Writer) (*stderrGate, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	g := &stderrGate{r: r, w: w, dst: dst, done: make(chan struct{})}
	go g.copy()
	return g, nil
}

func (g *stderrGate) copy() {
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

// writer is the end given to the runtime; husk closes its copy after
// create.
func (g *stderrGate) writer() *os.File { return g.w }

// release opens the gate, passing on what was held (runtime warnings).
func (g *stderrGate) release() {
	g.w.Close()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = true
	_, _ = g.dst.Write(g.held.Bytes())
	g.held.Reset()
}

// failed returns what the runtime wrote; the gate stays shut.
func (g *stderrGate) failed() string {
	g.w.Close()
	select {
	case <-g.done:
	case <-time.After(2 * time.Second):
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held.String()
}

// drain waits for the container's stderr to reach EOF, but not forever: a
// daemon the container left behind may hold it open.
func (g *stderrGate) drain(limit time.Duration) {
	select {
	case <-g.done:
	case <-time.After(limit):
	}
	g.r.Close()
}
