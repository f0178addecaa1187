//go:build !linux

package main

import (
	"fmt"
	"os"
)

// husk needs Linux (user and mount namespaces, cgroups, overlay mounts, an
// OCI runtime); elsewhere the command builds only so that editors and
// `go vet` can check the packages it is made of.
func main() {
	fmt.Fprintln(os.Stderr, "husk: husk runs on Linux only")
	os.Exit(125)
}
