package cgroups

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/husk-dev/husk/internal/setting"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidate(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name string
		r    Resources
		want string // "" valid, else a substring of the error
	}{
		{"nothing", Resources{}, ""},
		{"memory at the minimum", Resources{Memory: 6 * mib}, ""},
		{"memory below the minimum", Resources{Memory: 1024}, "--memory 1024 is below the minimum of 6MiB"},
		{"negative memory", Resources{Memory: -1}, "memory limits must be positive"},
		{"negative reservation", Resources{MemoryReservation: -5}, "memory limits must be positive"},
		{"reservation alone", Resources{MemoryReservation: 10 * mib}, ""},
		{"reservation above memory", Resources{Memory: 10 * mib, MemoryReservation: 20 * mib}, "--memory-reservation must not exceed --memory"},
		{"reservation equal to memory", Resources{Memory: 10 * mib, MemoryReservation: 10 * mib}, ""},
		{"swap without memory", Resources{MemorySwap: 20 * mib}, "--memory-swap needs --memory as well"},
		{"unlimited swap without memory", Resources{MemorySwap: -1}, "--memory-swap needs --memory as well"},
		{"swap below memory", Resources{Memory: 20 * mib, MemorySwap: 10 * mib}, "--memory-swap (10485760) must be at least --memory (20971520)"},
		{"swap equal to memory", Resources{Memory: 20 * mib, MemorySwap: 20 * mib}, ""},
		{"unlimited swap", Resources{Memory: 20 * mib, MemorySwap: -1}, ""},
		{"cpus", Resources{CPUs: 1.5}, ""},
		{"cpus at the minimum", Resources{CPUs: 0.01}, ""},
		{"cpus too small", Resources{CPUs: 0.005}, "--cpus 0.005 is too small"},
		{"negative cpus", Resources{CPUs: -1}, "--cpus must be positive"},
		{"cpu shares 1", Resources{CPUShares: 1}, "--cpu-shares must be between 2 and 262144"},
		{"cpu shares 2", Resources{CPUShares: 2}, ""},
		{"cpu shares max", Resources{CPUShares: 262144}, ""},
		{"cpu shares above max", Resources{CPUShares: 262145}, "--cpu-shares must be between 2 and 262144"},
		{"cpu weight max", Resources{CPUWeight: 10000}, ""},
		{"cpu weight above max", Resources{CPUWeight: 10001}, "--cpu-weight must be between 1 and 10000"},
		{"shares and weight", Resources{CPUShares: 1024, CPUWeight: 100}, "--cpu-shares and --cpu-weight set the same thing"},
		{"cpuset", Resources{CpusetCpus: "0-1,3"}, ""},
		{"bad cpuset", Resources{CpusetCpus: "1-0"}, `--cpuset-cpus: invalid CPU list "1-0"`},
		{"garbage cpuset", Resources{CpusetCpus: "abc"}, `--cpuset-cpus: invalid CPU list "abc"`},
		{"pids", Resources{PidsLimit: 5}, ""},
		{"unlimited pids", Resources{PidsLimit: -1}, ""},
		{"pids below -1", Resources{PidsLimit: -2}, "--pids-limit must be positive, or -1 for unlimited"},
		{"blkio weight min", Resources{BlkioWeight: 10}, ""},
		{"blkio weight max", Resources{BlkioWeight: 1000}, ""},
		{"blkio weight too small", Resources{BlkioWeight: 9}, "--blkio-weight must be between 10 and 1000"},
		{"blkio weight too big", Resources{BlkioWeight: 1001}, "--blkio-weight must be between 10 and 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate(%+v) = %v, want nil", tc.r, err)
			case tc.want != "" && err == nil:
				t.Fatalf("Validate(%+v) = nil, want an error containing %q", tc.r, tc.want)
			case tc.want != "" && !strings.Contains(setting.SpellAll(err, func(n string) string { return "--" + n }), tc.want):
				t.Fatalf("Validate(%+v) = %q, want it to contain %q", tc.r, err, tc.want)
			}
		})
	}
}

func TestLimitsAndControllers(t *testing.T) {
	r := Resources{Memory: 1, MemoryReservation: 1, MemorySwap: 1, CPUs: 1, CPUShares: 2, CPUWeight: 1, CpusetCpus: "0", PidsLimit: 1, BlkioWeight: 10}
	want := [][2]string{
		{"--memory", "memory"}, {"--memory-reservation", "memory"}, {"--memory-swap", "memory"},
		{"--cpus", "cpu"}, {"--cpu-shares", "cpu"}, {"--cpu-weight", "cpu"},
		{"--cpuset-cpus", "cpuset"}, {"--pids-limit", "pids"}, {"--blkio-weight", "io"},
	}
	var got [][2]string
	for _, l := range r.Limits() {
		got = append(got, [2]string{"--" + l.Setting, l.Controller})
		if len(l.V1Files) == 0 || len(l.V2Files) == 0 {
			t.Errorf("%s names no interface files: %+v", l.Setting, l)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Limits() = %v, want %v", got, want)
	}
	if got, want := r.Controllers(), []string{"memory", "cpu", "cpuset", "pids", "io"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Controllers() = %v, want %v", got, want)
	}
	if !(Resources{}).Empty() || r.Empty() {
		t.Errorf("Empty() wrong: {} -> %v, all set -> %v", (Resources{}).Empty(), r.Empty())
	}
	if got := (Resources{PidsLimit: -1}).Limits(); len(got) != 1 || got[0].Setting != "pids-limit" || got[0].Controller != "pids" {
		t.Errorf("--pids-limit -1 (unlimited) is still a limit that needs the controller: Limits() = %v", got)
	}
}

// specJSON renders linux.resources as the runtime reads it.
func specJSON(t *testing.T, res *specs.LinuxResources) string {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSpec(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name   string
		r      Resources
		v2, v1 string // JSON of linux.resources for each mode
	}{
		{"nothing", Resources{}, "null", "null"},
		{"memory", Resources{Memory: 64 * mib},
			`{"memory":{"limit":67108864}}`, `{"memory":{"limit":67108864}}`},
		{"memory reservation", Resources{MemoryReservation: 32 * mib},
			`{"memory":{"reservation":33554432}}`, `{"memory":{"reservation":33554432}}`},
		{"memory and swap", Resources{Memory: 64 * mib, MemorySwap: 128 * mib},
			`{"memory":{"limit":67108864,"swap":134217728}}`, `{"memory":{"limit":67108864,"swap":134217728}}`},
		{"unlimited swap", Resources{Memory: 64 * mib, MemorySwap: -1},
			`{"memory":{"limit":67108864,"swap":-1}}`, `{"memory":{"limit":67108864,"swap":-1}}`},
		{"cpus", Resources{CPUs: 1.5},
			`{"cpu":{"quota":150000,"period":100000}}`, `{"cpu":{"quota":150000,"period":100000}}`},
		{"cpus 0.5", Resources{CPUs: 0.5},
			`{"cpu":{"quota":50000,"period":100000}}`, `{"cpu":{"quota":50000,"period":100000}}`},
		{"cpu shares", Resources{CPUShares: 512},
			`{"cpu":{"shares":512}}`, `{"cpu":{"shares":512}}`},
		{"cpu weight", Resources{CPUWeight: 100},
			`{"cpu":{},"unified":{"cpu.weight":"100"}}`, `{"cpu":{"shares":2598}}`},
		{"cpu weight min", Resources{CPUWeight: 1},
			`{"cpu":{},"unified":{"cpu.weight":"1"}}`, `{"cpu":{"shares":2}}`},
		{"cpu weight max", Resources{CPUWeight: 10000},
			`{"cpu":{},"unified":{"cpu.weight":"10000"}}`, `{"cpu":{"shares":262144}}`},
		{"cpuset", Resources{CpusetCpus: "0-1"},
			`{"cpu":{"cpus":"0-1"}}`, `{"cpu":{"cpus":"0-1"}}`},
		{"pids", Resources{PidsLimit: 5},
			`{"pids":{"limit":5}}`, `{"pids":{"limit":5}}`},
		{"unlimited pids", Resources{PidsLimit: -1},
			`{"pids":{"limit":-1}}`, `{"pids":{"limit":-1}}`},
		{"blkio weight", Resources{BlkioWeight: 300},
			`{"blockIO":{"weight":300}}`, `{"blockIO":{"weight":300}}`},
		{"all together", Resources{Memory: 64 * mib, MemoryReservation: 32 * mib, MemorySwap: 96 * mib, CPUs: 2, CPUShares: 100, CpusetCpus: "0", PidsLimit: 50, BlkioWeight: 500},
			`{"memory":{"limit":67108864,"reservation":33554432,"swap":100663296},"cpu":{"shares":100,"quota":200000,"period":100000,"cpus":"0"},"pids":{"limit":50},"blockIO":{"weight":500}}`,
			`{"memory":{"limit":67108864,"reservation":33554432,"swap":100663296},"cpu":{"shares":100,"quota":200000,"period":100000,"cpus":"0"},"pids":{"limit":50},"blockIO":{"weight":500}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := specJSON(t, tc.r.Spec(true)); got != tc.v2 {
				t.Errorf("Spec(v2) = %s\nwant        %s", got, tc.v2)
			}
			if got := specJSON(t, tc.r.Spec(false)); got != tc.v1 {
				t.Errorf("Spec(v1) = %s\nwant        %s", got, tc.v1)
			}
		})
	}
}

// The spec must not alias the Resources it came from: a later change of
// the limits (husk update) must not rewrite an earlier spec.
func TestSpecDoesNotAlias(t *testing.T) {
	r := Resources{Memory: 64 << 20, PidsLimit: 5, BlkioWeight: 100}
	s := r.Spec(true)
	r.Memory, r.PidsLimit, r.BlkioWeight = 128<<20, 10, 200
	if *s.Memory.Limit != 64<<20 || *s.Pids.Limit != 5 || *s.BlockIO.Weight != 100 {
		t.Errorf("the spec follows later changes of its Resources: %s", specJSON(t, s))
	}
}

func TestParseCPUList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		bad  bool
	}{
		{in: "0", want: []int{0}},
		{in: "3", want: []int{3}},
		{in: "0-3", want: []int{0, 1, 2, 3}},
		{in: "0-1,3", want: []int{0, 1, 3}},
		{in: "0, 2-3 ,5", want: []int{0, 2, 3, 5}},
		{in: "2-2", want: []int{2}},
		{in: "", bad: true},
		{in: "a", bad: true},
		{in: "-1", bad: true},
		{in: "3-1", bad: true},
		{in: "1-", bad: true},
		{in: "1,,2", bad: true},
		{in: "0-x", bad: true},
	} {
		got, err := ParseCPUList(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseCPUList(%q) = %v, want an error", tc.in, got)
			} else if !strings.Contains(err.Error(), "invalid CPU list") {
				t.Errorf("ParseCPUList(%q) error %q does not say what is wrong", tc.in, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseCPUList(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestSharesToWeight(t *testing.T) {
	// runc's and crun's conversion (ConvertCPUSharesToCgroupV2Value).
	for shares, want := range map[uint64]uint64{0: 0, 2: 1, 1024: 39, 262144: 10000, 512: 20, 100: 4} {
		if got := SharesToWeight(shares); got != want {
			t.Errorf("SharesToWeight(%d) = %d, want %d", shares, got, want)
		}
	}
}

// weightToShares is what --cpu-weight becomes on cgroup v1: the runtime
// (or anything reading the shares back as a weight) must see the weight
// the user asked for.
func TestWeightToSharesRoundTrip(t *testing.T) {
	if got := weightToShares(1); got != 2 {
		t.Errorf("weightToShares(1) = %d, want 2", got)
	}
	if got := weightToShares(10000); got != 262144 {
		t.Errorf("weightToShares(10000) = %d, want 262144", got)
	}
	for w := uint64(1); w <= 10000; w++ {
		s := weightToShares(w)
		if s < 2 || s > 262144 {
			t.Fatalf("weightToShares(%d) = %d, outside 2..262144", w, s)
		}
		if back := SharesToWeight(s); back != w {
			t.Fatalf("SharesToWeight(weightToShares(%d) = %d) = %d, want %d", w, s, back, w)
		}
	}
}
