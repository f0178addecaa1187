package netns

// The DNS server of user networks (`husk __netdns`): one process in the
// rootless namespace, listening on port 53 of every address there (so also
// on each bridge's gateway), answering container names from the user
// network state file and relaying everything else to the upstream
// resolvers.

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsTTL is short: containers come and go.
const dnsTTL = 5

// recordSource gives the current state, re-reading the file when it
// changed (the attach and detach code replace it atomically, so a new
// inode number tells even when mtime and size look the same).
type recordSource struct {
	path string

	mu    sync.Mutex
	mtime time.Time
	size  int64
	ino   uint64 // each version is a new file (written by rename)
	st    *userState
}

func (r *recordSource) get() *userState {
	r.mu.Lock()
	defer r.mu.Unlock()
	fi, err := os.Stat(r.path)
	if err != nil {
		return &userState{}
	}
	var ino uint64
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = s.Ino
	}
	if r.st == nil || !fi.ModTime().Equal(r.mtime) || fi.Size() != r.size || ino != r.ino {
		if st, err := readUserState(r.path); err == nil {
			r.st, r.mtime, r.size, r.ino = st, fi.ModTime(), fi.Size(), ino
		}
	}
	if r.st == nil {
		return &userState{}
	}
	return r.st
}

// answerLocal builds the reply to a query for a container name, or returns
// nil when the name is not one (the query then goes upstream). A/ANY get
// the addresses; other types of a known name get an empty answer (the
// name exists, without such records).
func answerLocal(query []byte, src net.IP, st *userState) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil || h.Response {
		return nil
	}
	q, err := p.Question()
	if err != nil || q.Class != dnsmessage.ClassINET && q.Class != dnsmessage.ClassANY {
		return nil
	}
	ips := st.lookup(src, q.Name.String())
	if len(ips) == 0 {
		return nil
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), dnsmessage.Header{
		ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true,
	})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil
	}
	if err := b.Question(q); err != nil {
		return nil
	}
	if err := b.StartAnswers(); err != nil {
		return nil
	}
	if q.Type == dnsmessage.TypeA || q.Type == dnsmessage.TypeALL {
		for _, ip := range ips {
			var a dnsmessage.AResource
			copy(a.A[:], ip.To4())
			if err := b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: dnsTTL}, a); err != nil {
				return nil
			}
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}

// servfail answers a query the server could not get an answer for.
func servfail(query []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, RCode: dnsmessage.RCodeServerFailure,
		RecursionDesired: h.RecursionDesired, RecursionAvailable: true})
	_ = b.StartQuestions()
	_ = b.Question(q)
	out, _ := b.Finish()
	return out
}

// forward relays a query to the first upstream (an address, or
// address:port) that answers.
func forward(ctx context.Context, query []byte, upstream []string) ([]byte, error) {
	if len(upstream) == 0 {
		return nil, errors.New("no upstream resolver")
	}
	buf := make([]byte, 65535)
	var lastErr error
	for _, u := range upstream {
		addr := u
		if _, _, err := net.SplitHostPort(u); err != nil {
			addr = net.JoinHostPort(u, "53")
		}
		c, err := net.Dial("udp", addr)
		if err != nil {
			lastErr = err
			continue
		}
		deadline := time.Now().Add(2 * time.Second)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		_ = c.SetDeadline(deadline)
		if _, err := c.Write(query); err != nil {
			c.Close()
			lastErr = err
			continue
		}
		n, err := c.Read(buf)
		c.Close()
		if err != nil {
			lastErr = err
			continue
		}
		return append([]byte(nil), buf[:n]...), nil
	}
	return nil, lastErr
}

// ServeDNS answers DNS on UDP port 53 of every address of the calling
// process's network namespace from the user network state at statePath,
// until ctx ends. ready is called once the socket is bound.
func ServeDNS(ctx context.Context, statePath string, ready func(error)) error {
	pc, err := net.ListenPacket("udp4", ":53")
	if ready != nil {
		ready(err)
	}
	if err != nil {
		return err
	}
	return serveDNS(ctx, pc, statePath)
}

// serveDNS answers on pc until ctx ends.
func serveDNS(ctx context.Context, pc net.PacketConn, statePath string) error {
	go func() {
		<-ctx.Done()
		pc.Close()
	}()
	src := &recordSource{path: statePath}
	buf := make([]byte, 65535)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		query := append([]byte(nil), buf[:n]...)
		ua, _ := addr.(*net.UDPAddr)
		var from net.IP
		if ua != nil {
			from = ua.IP
		}
		st := src.get()
		if reply := answerLocal(query, from, st); reply != nil {
			_, _ = pc.WriteTo(reply, addr)
			continue
		}
		go func() {
			reply, err := forward(ctx, query, st.Upstream)
			if err != nil {
				reply = servfail(query)
			}
			if reply != nil {
				_, _ = pc.WriteTo(reply, addr)
			}
		}()
	}
}
