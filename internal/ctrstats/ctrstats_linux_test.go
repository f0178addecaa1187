package ctrstats

import (
	"strings"
	"testing"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/runtime"
)

func TestMakeRow(t *testing.T) {
	c := &runtime.Container{ID: strings.Repeat("0123456789abcdef", 4), Name: "web"}
	s := cgroups.Stats{CPUUsec: 1_500_000, Memory: 50_000_000, MemorySource: "memory.current", MemoryLimit: 100_000_000, Pids: 4, IORead: 2000, IOWrite: 3_000_000, IOOK: true}
	r := MakeRow(c, s, cgroups.Stats{CPUUsec: 1_000_000}, time.Second)
	if r.ID != "0123456789ab" || r.CPUPerc != "50.00%" || r.MemUsage != "50 MB" || r.MemLimit != "100 MB" || r.MemPerc != "50.00%" ||
		r.BlockIO != "2 kB / 3 MB" || r.PIDs != "4" || r.NetIO != "--" || r.CPUNano != 1_500_000_000 {
		t.Errorf("%+v", r)
	}
	r = MakeRow(c, cgroups.Stats{Memory: 1000, MemorySource: "rss"}, cgroups.Stats{}, time.Second)
	if r.CPUPerc != "--" || r.MemUsage != "1 kB (rss)" || r.MemLimit != "--" || r.BlockIO != "--" {
		t.Errorf("without controllers: %+v", r)
	}
}

func TestWrite(t *testing.T) {
	fm, _ := format.New("json")
	var b strings.Builder
	if err := Write(&b, fm, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("json of none: %q %v", b.String(), err)
	}
	fm, _ = format.New("{{.Name}} {{.PIDs}}")
	b.Reset()
	if err := Write(&b, fm, []Row{{Name: "web", PIDs: "4"}}); err != nil || b.String() != "web 4\n" {
		t.Errorf("template: %q %v", b.String(), err)
	}
}
