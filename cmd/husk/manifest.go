//go:build linux

package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/manifest/manifestopts"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
)

// manifestRequest is one manifest command, checked here and carried out
// by the helper (manifest_full.go).
type manifestRequest struct {
	manifestopts.Request
	reg *registryFlags
}

func newManifestCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "manifest",
		Short: "Make, inspect and push manifest lists (multi-platform images)",
	}
	sub := func(use, short string, args cobra.PositionalArgs, flags func(*pflag.FlagSet, *manifestRequest)) *cobra.Command {
		var r manifestRequest
		c := &cobra.Command{Use: use, Short: short, Args: args}
		if flags != nil {
			flags(c.Flags(), &r)
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if err := r.Add.Validate(); err != nil {
				return err
			}
			if err := r.Push.Validate(); err != nil {
				return err
			}
			var ro pullopts.RegistryOptions
			if r.reg != nil {
				ro = r.reg.options()
			}
			r.Op, r.Args = cmd.Name(), args
			return a.runManifest(cmd, r.Request, ro)
		}
		return c
	}
	addFlags := func(f *pflag.FlagSet, r *manifestRequest) {
		f.BoolVar(&r.Add.All, "all", false, "add every instance of an image that is itself a list")
		r.reg = addRegistryFlags(f, true)
	}
	cmd.AddCommand(
		sub("create [flags] LIST [IMAGE...]", "Make a manifest list, with the images given in it", cobra.MinimumNArgs(1), addFlags),
		sub("add [flags] LIST IMAGE", "Add an image (from a registry, or transport:reference) to a manifest list", cobra.ExactArgs(2),
			func(f *pflag.FlagSet, r *manifestRequest) {
				addFlags(f, r)
				f.StringVar(&r.Add.Arch, "arch", "", "the instance's architecture in the list (default: its config's)")
				f.StringVar(&r.Add.OS, "os", "", "the instance's OS in the list")
				f.StringVar(&r.Add.Variant, "variant", "", "the instance's architecture variant in the list")
				f.StringVar(&r.Add.OSVersion, "os-version", "", "the instance's OS version in the list")
				f.StringSliceVar(&r.Add.Features, "features", nil, "the instance's required features in the list")
				stringArrayVar(f, &r.Add.Annotations, "annotation", nil, "annotate the instance: KEY=VALUE")
			}),
		sub("inspect [flags] LIST", "Print a manifest list (a stored one, else a registry's)", cobra.ExactArgs(1),
			func(f *pflag.FlagSet, r *manifestRequest) { r.reg = addRegistryFlags(f, true) }),
		sub("push [flags] LIST [DESTINATION]", "Push a manifest list and its images to a registry", cobra.RangeArgs(1, 2),
			func(f *pflag.FlagSet, r *manifestRequest) {
				f.BoolVar(&r.Push.All, "all", true, "push the images in the list too (later podman's default)")
				f.StringVarP(&r.Push.Format, "format", "f", "", "manifest list format: oci or v2s2 (default: the list's)")
				f.BoolVar(&r.Push.RemoveSignatures, "remove-signatures", false, "do not copy signatures")
				f.BoolVar(&r.Push.Rm, "rm", false, "remove the stored list after pushing it")
				f.BoolVarP(&r.Push.Quiet, "quiet", "q", false, "no progress")
				f.StringVar(&r.Push.DigestFile, "digestfile", "", "write the pushed list's digest to this file")
				r.reg = addRegistryFlags(f, true)
			}),
		sub("rm LIST [LIST...]", "Remove manifest lists from the store (not their images)", cobra.MinimumNArgs(1), nil),
		sub("remove LIST DIGEST", "Remove an image from a manifest list", cobra.ExactArgs(2), nil),
		sub("exists LIST", "Exit 0 if LIST is a stored manifest list, else 1", cobra.ExactArgs(1), nil),
	)
	return cmd
}
