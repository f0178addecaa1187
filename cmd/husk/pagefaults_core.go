//go:build linux && husk_core

package main

// The command's heap on huge pages and its code mapped at start: they save
// most of the page faults of a short husk command (see the packages). Only
// this build links them.
import (
	_ "github.com/husk-dev/husk/internal/hugeheap"
	_ "github.com/husk-dev/husk/internal/prefault"
)
