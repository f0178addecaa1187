//go:build !linux

package main

import (
	"fmt"
	"os"
)

// husk-reexec serves husk's Linux-only build jobs; elsewhere it builds only
// so that editors and `go vet` can check it.
func main() {
	fmt.Fprintln(os.Stderr, "husk-reexec: husk runs on Linux only")
	os.Exit(125)
}
