package smaps

import (
	"reflect"
	"testing"
)

var data = make([]byte, 1<<20)

func TestOf(t *testing.T) {
	code, err := Of(reflect.ValueOf(TestOf).Pointer())
	if err != nil {
		t.Fatal(err)
	}
	if code.SizeKB <= 0 || code.RssKB <= 0 || len(code.VmFlags) == 0 {
		t.Errorf("code mapping %+v: no size, resident size or flags", code)
	}
	found := false
	for _, f := range code.VmFlags {
		found = found || f == "ex"
	}
	if !found {
		t.Errorf("code mapping flags %v lack ex", code.VmFlags)
	}
	heap, err := Of(reflect.ValueOf(&data[0]).Pointer())
	if err != nil {
		t.Fatal(err)
	}
	if heap.Start == code.Start {
		t.Error("the heap and the code in one mapping")
	}
	if _, err := Of(0); err == nil {
		t.Error("address 0 found in a mapping")
	}
}
