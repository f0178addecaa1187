//go:build linux

package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newCpCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "cp [flags] SRC DST",
		Short: "Copy files between a container and the host (CONTAINER:PATH on one side)",
		Long: `Copy files or directories between the host and a container, running or
not. One of SRC and DST is CONTAINER:PATH. A directory source goes inside an
existing destination directory, or becomes the destination; SRC/. copies a
directory's contents.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			srcCtr, srcPath, srcIn := splitCopyArg(args[0])
			dstCtr, dstPath, dstIn := splitCopyArg(args[1])
			if srcIn == dstIn {
				return fmt.Errorf("exactly one of SRC and DST must be CONTAINER:PATH")
			}
			name, dir, src, dst := dstCtr, runtime.CopyIn, args[0], dstPath
			if srcIn {
				name, dir, src, dst = srcCtr, runtime.CopyOut, srcPath, args[1]
			}
			return a.withContainers([]string{name}, func(env runtime.Env, c *runtime.Container) error {
				return runtime.Copy(env, c, dir, src, dst)
			})
		},
	}
}

// splitCopyArg splits CONTAINER:PATH; a path (starting with / or .) is a
// host path even if it contains a colon.
func splitCopyArg(s string) (string, string, bool) {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") {
		return "", s, false
	}
	name, path, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return "", s, false
	}
	return name, path, true
}
