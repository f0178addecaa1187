//go:build linux

package monwait

// #include <stdlib.h>
// #include "monlog.h"
import "C"

import (
	"fmt"
	"time"
	"unsafe"
)

// The Go side of monlog.c, for the test that compares it with
// pkg/runtime's LogFile (cgo cannot be used in a _test.go file).

// logChunk is one read of a container stream: its bytes, or its end.
type logChunk struct {
	stderr bool
	data   []byte
	end    bool
}

// writeLog writes chunks to the log at path through monlog.c, as the
// C monitor would with those limits.
func writeLog(path string, maxSize int64, maxFiles int, chunks []logChunk) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	l := (*C.struct_monlog)(C.calloc(1, C.sizeof_struct_monlog))
	defer C.free(unsafe.Pointer(l))
	if rc, err := C.monlog_open(l, cpath, C.longlong(maxSize), C.int(maxFiles)); rc != 0 {
		return fmt.Errorf("open log %q: %w", path, err)
	}
	cout, cerr := C.CString("stdout"), C.CString("stderr")
	defer C.free(unsafe.Pointer(cout))
	defer C.free(unsafe.Pointer(cerr))
	streams := [2]*C.struct_monstream{}
	for i, name := range []*C.char{cout, cerr} {
		streams[i] = (*C.struct_monstream)(C.calloc(1, C.sizeof_struct_monstream))
		defer C.free(unsafe.Pointer(streams[i]))
		streams[i].name = name
	}
	for _, ch := range chunks {
		s := streams[0]
		if ch.stderr {
			s = streams[1]
		}
		if len(ch.data) > 0 {
			data := C.CBytes(ch.data)
			C.monstream_feed(l, s, (*C.char)(data), C.size_t(len(ch.data)))
			C.free(data)
		}
		if ch.end {
			C.monstream_end(l, s)
		}
	}
	if rc, err := C.monlog_close(l); rc != 0 {
		return fmt.Errorf("close log %q: %w", path, err)
	}
	return nil
}

// stamp formats t as monlog.c writes timestamps.
func stamp(t time.Time) string {
	var ts C.struct_timespec
	ts.tv_sec = C.time_t(t.Unix())
	ts.tv_nsec = C.long(t.Nanosecond())
	buf := (*C.char)(C.malloc(64))
	defer C.free(unsafe.Pointer(buf))
	n := C.monlog_stamp(buf, 64, &ts)
	return C.GoStringN(buf, C.int(n))
}
