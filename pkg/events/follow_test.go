package events

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// A follower with writers appending side by side sees each event once.
func TestFollowConcurrentWriters(t *testing.T) {
	old := PollInterval
	PollInterval = 2 * time.Millisecond
	defer func() { PollInterval = old }()
	j := &Journal{Dir: t.TempDir(), MaxSize: 1 << 20}
	must(t, j.Append(Event{Type: System, Status: "first"}))
	ctx, cancel := context.WithCancel(context.Background())
	seen := map[string]int{}
	var mu sync.Mutex
	done := make(chan error, 1)
	go func() {
		done <- j.Follow(ctx, Options{}, true, func(e Event) error {
			mu.Lock()
			seen[e.ID]++
			mu.Unlock()
			return nil
		})
	}()
	const writers, each = 4, 500
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				must(t, j.Append(Event{Type: Container, Status: Start, ID: fmt.Sprintf("%d-%d", w, i)}))
			}
		}(w)
	}
	wg.Wait()
	for i := 0; i < 1000; i++ {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n == writers*each+1 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	must(t, <-done)
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%q seen %d times", id, n)
		}
	}
	if len(seen) != writers*each+1 {
		t.Fatalf("saw %d of %d events", len(seen), writers*each+1)
	}
}
