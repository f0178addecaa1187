//go:build linux && husk_core

package main

// The command's heap on huge pages: it saves most of the page faults of a
// short husk command (see the package). Only this build links it.
import _ "github.com/husk-dev/husk/internal/hugeheap"
