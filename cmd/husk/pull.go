//go:build linux

package main

import (
	"github.com/spf13/cobra"
)

func newPullCommand(a *app) *cobra.Command {
	var quiet bool
	var platform, arch, osName, variant string
	var reg *registryFlags
	cmd := &cobra.Command{
		Use:   "pull [flags] IMAGE",
		Short: "Pull an image into the store",
		Long: `Pull an image from a registry (docker://, the default; short names are resolved
through registries.conf) or from oci:, oci-archive:, docker-archive: or dir:
into the per-user store, and print its ID.`,
		Example: `  husk pull 127.0.0.1:5055/husk-test/busybox
  husk pull --platform linux/arm64 registry.example/app:1.2
  husk pull oci-archive:/tmp/app.tar`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ro := a.withCache(reg.options())
			ro.Platform = platform
			if platform == "" && (osName != "" || arch != "") {
				ro.Platform = orDefault(osName, "linux") + "/" + orDefault(arch, hostArch())
				if variant != "" {
					ro.Platform += "/" + variant
				}
			}
			return a.runPull(cmd.Context(), args[0], ro, quiet)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&quiet, "quiet", "q", false, "print only the image ID, no progress")
	f.StringVar(&platform, "platform", "", "pick OS/ARCH[/VARIANT] from a multi-platform image (default: the host's)")
	f.StringVar(&arch, "arch", "", "architecture to pick (use --platform)")
	f.StringVar(&osName, "os", "", "OS to pick (use --platform)")
	f.StringVar(&variant, "variant", "", "architecture variant to pick (use --platform)")
	reg = addRegistryFlags(f, true)
	return cmd
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
