//go:build linux

package main

import (
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/commit/commitopts"
)

// changeHelp lists what --change takes.
const changeHelp = "apply a Containerfile instruction to the image (repeatable): CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME or WORKDIR"

func newCommitCommand(a *app) *cobra.Command {
	var o commitopts.Options
	cmd := &cobra.Command{
		Use:   "commit [flags] CONTAINER [IMAGE]",
		Short: "Make an image of a container's changes",
		Long: `Make a new image of the container's layer on top of its image's layers,
with its image's config, the settings the container was created with
(command, environment, user, working directory, published ports) and the
--change instructions, and a history step. Volumes, secrets and the other
mounts of the container are not in its layer and not in the image. Prints
the new image's ID.`,
		Example: `  husk commit web localhost/web:patched
  husk commit -c 'CMD ["/app", "--debug"]' -c 'ENV MODE=debug' web localhost/web:debug
  husk commit --pause -f docker -m "hot fix" -a "Ann <ann@example.org>" web`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			dest := ""
			if len(args) == 2 {
				dest = args[1]
			}
			return a.runCommit(cmd, args[0], dest, o)
		},
	}
	f := cmd.Flags()
	stringArrayVarP(f, &o.Changes, "change", "c", nil, changeHelp)
	f.StringVarP(&o.Message, "message", "m", "", "the image's comment (needs --format docker)")
	f.StringVarP(&o.Author, "author", "a", "", "the image's author")
	f.BoolVarP(&o.Pause, "pause", "p", false, "freeze the container while its layer is read")
	f.StringVarP(&o.Format, "format", "f", commitopts.FormatOCI, "image format: oci or docker")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print only the image's ID, no progress")
	f.StringVar(&o.IIDFile, "iidfile", "", "write the image's ID to this file")
	return cmd
}

func newImportCommand(a *app) *cobra.Command {
	var o commitopts.ImportOptions
	cmd := &cobra.Command{
		Use:   "import [flags] TARBALL|- [IMAGE]",
		Short: "Make a one-layer image of a tarball of a file system",
		Long: `Make a new image whose only layer is the file system in TARBALL (a tar
archive, gzip, zstd, xz or bzip2 compressed or not; - reads stdin, which
must not be a terminal), as husk export writes it. The config has only the
--change instructions; the history step carries --message. Prints the new
image's ID.`,
		Example: `  husk export web | husk import - localhost/web:flat
  husk import -c 'CMD ["/bin/sh"]' -m "from backup" rootfs.tar.gz localhost/restored`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := commitopts.CheckChanges(o.Changes); err != nil {
				return err
			}
			dest := ""
			if len(args) == 2 {
				dest = args[1]
			}
			return a.runImport(cmd, args[0], dest, o)
		},
	}
	f := cmd.Flags()
	stringArrayVarP(f, &o.Changes, "change", "c", nil, changeHelp)
	f.StringVarP(&o.Message, "message", "m", "", "the comment of the image's history step")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print only the image's ID, no progress")
	return cmd
}
