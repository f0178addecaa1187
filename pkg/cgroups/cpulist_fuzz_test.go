package cgroups

import "testing"

// FuzzParseCPUList parses --cpuset-cpus; the list is expanded in memory,
// so its size must stay bounded.
func FuzzParseCPUList(f *testing.F) {
	for _, s := range []string{"0", "0-1,3", " 2 , 4-5", "0-65535", "5-1", "-1", "a", ",", "0-9999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cpus, err := ParseCPUList(s)
		if err != nil {
			return
		}
		if len(cpus) > maxCPU {
			t.Fatalf("%q: %d CPUs", s, len(cpus))
		}
		for _, c := range cpus {
			if c < 0 || c > maxCPU {
				t.Fatalf("%q: CPU %d", s, c)
			}
		}
	})
}
