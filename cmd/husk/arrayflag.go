//go:build linux

package main

import (
	"bytes"
	"encoding/csv"
	"strings"

	"github.com/spf13/pflag"
)

// stringArray is pflag's stringArray value (every use of the flag adds one
// element, commas and all) without its cost at definition: pflag formats
// the default of each such flag through a CSV writer with a 4 KiB buffer,
// ~0.9 MB for husk's ~200 of them at every start of every command.
type stringArray struct {
	value   *[]string
	changed bool
}

func newStringArray(val []string, p *[]string) *stringArray {
	*p = val
	return &stringArray{value: p}
}

func (s *stringArray) Set(v string) error {
	if !s.changed {
		*s.value = []string{v}
		s.changed = true
		return nil
	}
	*s.value = append(*s.value, v)
	return nil
}

func (s *stringArray) Type() string { return "stringArray" }

// String is pflag's format: the elements as one CSV record, in brackets.
func (s *stringArray) String() string {
	if len(*s.value) == 0 {
		return "[]"
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(*s.value)
	w.Flush()
	return "[" + strings.TrimSuffix(b.String(), "\n") + "]"
}

// The pflag.SliceValue methods, as pflag's stringArray has them.

func (s *stringArray) Append(v string) error {
	*s.value = append(*s.value, v)
	return nil
}

func (s *stringArray) Replace(vals []string) error {
	*s.value = append([]string(nil), vals...)
	return nil
}

func (s *stringArray) GetSlice() []string { return append([]string(nil), *s.value...) }

// stringArrayVar defines a stringArray flag, as FlagSet.StringArrayVar.
func stringArrayVar(fs *pflag.FlagSet, p *[]string, name string, value []string, usage string) {
	stringArrayVarP(fs, p, name, "", value, usage)
}

// stringArrayVarP defines a stringArray flag with a shorthand, as
// FlagSet.StringArrayVarP.
func stringArrayVarP(fs *pflag.FlagSet, p *[]string, name, shorthand string, value []string, usage string) {
	f := fs.VarPF(newStringArray(value, p), name, shorthand, usage)
	if len(value) == 0 {
		// pflag's usage line shows no empty default for its own
		// stringArray only: ours has none to show either.
		f.DefValue = ""
	}
}
