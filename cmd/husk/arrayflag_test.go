//go:build linux

package main

import (
	"slices"
	"testing"

	"github.com/spf13/pflag"
)

// stringArray behaves as pflag's own: parsed values, usage line, String
// and Type, for defaults and arguments with commas and quotes.
func TestStringArrayAsPflag(t *testing.T) {
	for _, tc := range []struct {
		def  []string
		args []string
	}{
		{nil, nil},
		{nil, []string{"--a", "x"}},
		{nil, []string{"--a", "x,y", "-b", `q"u`}},
		{[]string{"d1", "d,2"}, nil},
		{[]string{"d1"}, []string{"--a=1", "--a=2", "--a="}},
	} {
		var mine, theirs []string
		ours := pflag.NewFlagSet("ours", pflag.ContinueOnError)
		stringArrayVarP(ours, &mine, "a", "b", tc.def, "usage")
		ref := pflag.NewFlagSet("pflag", pflag.ContinueOnError)
		ref.StringArrayVarP(&theirs, "a", "b", tc.def, "usage")
		if got, want := ours.FlagUsages(), ref.FlagUsages(); got != want {
			t.Errorf("%q: usage %q, pflag %q", tc.def, got, want)
		}
		if err := ours.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if err := ref.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(mine, theirs) {
			t.Errorf("%q %q: %q, pflag %q", tc.def, tc.args, mine, theirs)
		}
		a, b := ours.Lookup("a").Value, ref.Lookup("a").Value
		if a.String() != b.String() || a.Type() != b.Type() {
			t.Errorf("%q %q: String %q Type %q, pflag %q %q", tc.def, tc.args, a.String(), a.Type(), b.String(), b.Type())
		}
		if got, err := ours.GetStringArray("a"); err != nil || !slices.Equal(got, theirs) {
			t.Errorf("%q %q: GetStringArray %q (%v), want %q", tc.def, tc.args, got, err, theirs)
		}
	}
}

// The point of it: defining the flags of every command allocates far less
// than with pflag's stringArray (~1.4 MB before).
func TestCommandTableAllocations(t *testing.T) {
	allocs := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			newApp(nil, nil, nil)
		}
	})
	t.Logf("%d bytes, %d allocations", allocs.AllocedBytesPerOp(), allocs.AllocsPerOp())
	if perOp := allocs.AllocedBytesPerOp(); perOp > 700<<10 {
		t.Errorf("building the command table allocates %d bytes", perOp)
	}
}
