//go:build linux

package main

import "github.com/spf13/cobra"

// newGenDocsCommand writes the markdown pages in docs/ and the shell
// completions in completions/ from the command tree itself; CI regenerates
// them and fails when the committed copies differ. (The command binary
// hands it to the transfer helper, which links cobra/doc.)
func newGenDocsCommand(a *app, root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:         "generate-docs DOCS_DIR COMPLETIONS_DIR",
		Short:       "Generate the command reference and shell completions",
		Hidden:      true,
		Args:        cobra.ExactArgs(2),
		Annotations: noNamespace,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.generateDocs(root, args[0], args[1])
		},
	}
}
