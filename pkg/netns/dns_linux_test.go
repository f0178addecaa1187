package netns

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

func query(t *testing.T, name string, typ dnsmessage.Type) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 42, RecursionDesired: true})
	_ = b.StartQuestions()
	if err := b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: typ, Class: dnsmessage.ClassINET}); err != nil {
		t.Fatal(err)
	}
	q, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestAnswerLocal(t *testing.T) {
	st := testState()
	src := net.ParseIP("10.89.0.9")
	reply := answerLocal(query(t, "db.dns.husk.", dnsmessage.TypeA), src, st)
	var m dnsmessage.Message
	if err := m.Unpack(reply); err != nil {
		t.Fatal(err)
	}
	if m.ID != 42 || !m.Response || m.RCode != dnsmessage.RCodeSuccess || len(m.Answers) != 1 {
		t.Fatalf("%+v", m)
	}
	if a := m.Answers[0].Body.(*dnsmessage.AResource).A; net.IP(a[:]).String() != "10.89.0.3" {
		t.Fatalf("answer %v", a)
	}
	// AAAA of a known name: no error, no answer (the name exists).
	reply = answerLocal(query(t, "db.", dnsmessage.TypeAAAA), src, st)
	if err := m.Unpack(reply); err != nil || m.RCode != dnsmessage.RCodeSuccess || len(m.Answers) != 0 {
		t.Fatalf("AAAA: %+v %v", m, err)
	}
	// Unknown names go upstream.
	if answerLocal(query(t, "example.com.", dnsmessage.TypeA), src, st) != nil {
		t.Fatal("answered an unknown name")
	}
	if reply := servfail(query(t, "example.com.", dnsmessage.TypeA)); m.Unpack(reply) != nil || m.RCode != dnsmessage.RCodeServerFailure || m.ID != 42 {
		t.Fatalf("servfail: %+v", m)
	}
}

// TestServeDNS runs the server on loopback: names of the client's network
// are answered from the state file (re-read when it changes), others are
// relayed to the upstream resolver, SERVFAIL when none answers.
func TestServeDNS(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "usernet.json")
	up, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	go func() { // an upstream that answers every query with one A record 192.0.2.7
		buf := make([]byte, 512)
		for {
			n, addr, err := up.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, _ := p.Start(buf[:n])
			q, _ := p.Question()
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true})
			_ = b.StartQuestions()
			_ = b.Question(q)
			_ = b.StartAnswers()
			_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 1}, dnsmessage.AResource{A: [4]byte{192, 0, 2, 7}})
			out, _ := b.Finish()
			_, _ = up.WriteTo(out, addr)
		}
	}()
	st := &userState{Upstream: []string{up.LocalAddr().String()}, Networks: map[string]*netState{
		"lo": {Subnet: "127.0.0.0/8", Gateway: "127.0.0.1", Members: map[string]*member{"aaaa": {Name: "web", IP: "127.0.0.9"}}},
	}}
	if err := st.write(path); err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = serveDNS(ctx, pc, path) }()
	ask := func(name string) (dnsmessage.RCode, string) {
		t.Helper()
		c, err := net.Dial("udp4", pc.LocalAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write(query(t, name, dnsmessage.TypeA)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 512)
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		var m dnsmessage.Message
		if err := m.Unpack(buf[:n]); err != nil {
			t.Fatal(err)
		}
		if len(m.Answers) == 0 {
			return m.RCode, ""
		}
		a := m.Answers[0].Body.(*dnsmessage.AResource).A
		return m.RCode, net.IP(a[:]).String()
	}
	if _, ip := ask("web."); ip != "127.0.0.9" {
		t.Errorf("web: %q", ip)
	}
	if _, ip := ask("example.com."); ip != "192.0.2.7" {
		t.Errorf("relayed: %q", ip)
	}
	// A new member is seen once the file changes.
	st.Networks["lo"].Members["bbbb"] = &member{Name: "db", IP: "127.0.0.10"}
	if err := st.write(path); err != nil {
		t.Fatal(err)
	}
	if _, ip := ask("db.dns.husk."); ip != "127.0.0.10" {
		t.Errorf("db after the update: %q", ip)
	}
	// No upstream: SERVFAIL.
	st.Upstream = []string{"127.0.0.1:1"}
	if err := st.write(path); err != nil {
		t.Fatal(err)
	}
	if rc, _ := ask("example.org."); rc != dnsmessage.RCodeServerFailure {
		t.Errorf("no upstream: %v", rc)
	}
}
