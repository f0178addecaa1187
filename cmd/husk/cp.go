//go:build linux

package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

func newCpCommand(a *app) *cobra.Command {
	o := runtime.CopyOptions{Chown: true}
	cmd := &cobra.Command{
		Use:   "cp [flags] SRC DST",
		Short: "Copy files between a container and the host, or between containers",
		Long: `Copy files or directories between the host and a container, running or
not, or between two containers. SRC or DST (or both) is CONTAINER:PATH. A
directory source goes inside an existing destination directory, or becomes
the destination; SRC/. copies a directory's contents. SRC - reads a tar
stream (gzip-compressed or not) from stdin and extracts it into the
container directory DST; DST - (or /dev/stdout) writes SRC as a tar stream
to stdout. Paths are taken as they are: a * is no pattern.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			srcCtr, srcPath, srcIn := splitCopyArg(args[0])
			dstCtr, dstPath, dstIn := splitCopyArg(args[1])
			switch {
			case !srcIn && !dstIn:
				return fmt.Errorf("copy %q to %q: one of SRC and DST must be CONTAINER:PATH", args[0], args[1])
			case srcIn && dstIn:
				return a.withContainers([]string{srcCtr}, func(env runtime.Env, from *runtime.Container) error {
					to, err := runtime.Lookup(env.Store, dstCtr)
					if err != nil {
						return err
					}
					return runtime.CopyBetween(env, from, srcPath, to, dstPath, o)
				})
			case dstIn:
				return a.withContainers([]string{dstCtr}, func(env runtime.Env, c *runtime.Container) error {
					if args[0] == "-" {
						return runtime.CopyInTar(env, c, stdinFile(a.stdin), dstPath, o)
					}
					return runtime.Copy(env, c, runtime.CopyIn, args[0], dstPath, o)
				})
			}
			return a.withContainers([]string{srcCtr}, func(env runtime.Env, c *runtime.Container) error {
				if args[1] == "-" || args[1] == "/dev/stdout" {
					// podman 4.3.1 refuses /dev/stdout when it is a
					// pipe; later podman takes it as "-".
					return runtime.CopyOutTar(env, c, srcPath, a.stdout)
				}
				return runtime.Copy(env, c, runtime.CopyOut, srcPath, args[1], o)
			})
		},
	}
	cmd.Flags().BoolVar(&o.Overwrite, "overwrite", false, "replace a directory by a file and the other way round")
	cmd.Flags().BoolVarP(&o.Chown, "archive", "a", true, "give what is copied into a container to the container's user (false: keep the owners)")
	return cmd
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
