//go:build linux && cgo

package prefault

// extern long husk_prefault_state;
import "C"

// State reports what the constructor did: the bytes of code it mapped, 0
// when HUSK_NO_PREFAULT turned it off, or the negated errno the kernel
// refused it with (EINVAL before 5.14).
func State() int64 { return int64(C.husk_prefault_state) }
