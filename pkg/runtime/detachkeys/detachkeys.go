package detachkeys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Default is podman's detach sequence.
const Default = "ctrl-p,ctrl-q"

// ErrDetached ends a read through NewReader's reader when the user typed
// the detach sequence: the container (or exec'd process) goes on
// running.
var ErrDetached = errors.New("detached from the container")

// Parse reads a detach sequence as podman does: keys separated
// by commas, each one character or ctrl-X with X one of a-z @ [ \ ] ^ _.
// "" is no sequence (input is never taken for one).
func Parse(spec string) ([]byte, error) {
	if spec == "" {
		return nil, nil
	}
	var out []byte
	for _, k := range strings.Split(spec, ",") {
		switch {
		case len(k) == 1:
			out = append(out, k[0])
		case len(k) == 6 && strings.HasPrefix(k, "ctrl-") && isCtrlKey(k[5]):
			out = append(out, ctrlCode(k[5]))
		default:
			return nil, fmt.Errorf("invalid detach keys %q: unknown key %q: give keys separated by commas, each one character or ctrl-X (X one of a-z, @, [, \\, ], ^, _), e.g. %s", spec, k, Default)
		}
	}
	return out, nil
}

func isCtrlKey(c byte) bool {
	return (c >= 'a' && c <= 'z') || strings.IndexByte("@[\\]^_", c) >= 0
}

// ctrlCode is the byte a terminal sends for ctrl and c.
func ctrlCode(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 1
	}
	return c - '@' // @ [ \ ] ^ _ are 0 and 27-31
}

// NewReader returns a reader of r that passes its input on until the
// detach sequence keys comes, then returns ErrDetached (r itself when keys
// is empty).
func NewReader(r io.Reader, keys []byte) io.Reader {
	if len(keys) == 0 {
		return r
	}
	return &detachReader{r: r, keys: keys}
}

// detachReader passes its input on until the detach sequence comes, then
// returns ErrDetached. Bytes that begin the sequence are held back until
// it is complete (never passed on) or broken (passed on).
type detachReader struct {
	r    io.Reader
	keys []byte
	held int // how many bytes of keys have matched
	out  []byte
	err  error
}

func (d *detachReader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		buf := make([]byte, len(p))
		n, err := d.r.Read(buf)
		for _, b := range buf[:n] {
			d.scan(b)
			if d.held == len(d.keys) {
				d.err = ErrDetached
				break
			}
		}
		if err != nil && d.err == nil {
			// The sequence was not complete: what was held is input.
			d.out = append(d.out, d.keys[:d.held]...)
			d.held, d.err = 0, err
		}
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// scan takes one byte of input.
func (d *detachReader) scan(b byte) {
	if b == d.keys[d.held] {
		d.held++
		return
	}
	// Broken: the held bytes are input, and b may begin the sequence
	// again.
	pending := append(append([]byte{}, d.keys[:d.held]...), b)
	d.held = 0
	for len(pending) > 0 && !bytes.HasPrefix(d.keys, pending) {
		d.out = append(d.out, pending[0])
		pending = pending[1:]
	}
	d.held = len(pending)
}
