//go:build !husk_core

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenDocsCommand writes the markdown pages in docs/ and the shell
// completions in completions/ from the command tree itself; CI regenerates
// them and fails when the committed copies differ.
func newGenDocsCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:         "generate-docs DOCS_DIR COMPLETIONS_DIR",
		Short:       "Generate the command reference and shell completions",
		Hidden:      true,
		Args:        cobra.ExactArgs(2),
		Annotations: noNamespace,
		RunE: func(cmd *cobra.Command, args []string) error {
			docsDir, compDir := args[0], args[1]
			for _, d := range []string{docsDir, compDir} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					return fmt.Errorf("create %s: %w", d, err)
				}
			}
			root.DisableAutoGenTag = true
			if err := doc.GenMarkdownTree(root, docsDir); err != nil {
				return fmt.Errorf("generate docs: %w", err)
			}
			if err := root.GenBashCompletionFileV2(filepath.Join(compDir, "husk.bash"), true); err != nil {
				return fmt.Errorf("generate bash completion: %w", err)
			}
			if err := root.GenZshCompletionFile(filepath.Join(compDir, "_husk")); err != nil {
				return fmt.Errorf("generate zsh completion: %w", err)
			}
			if err := root.GenFishCompletionFile(filepath.Join(compDir, "husk.fish"), true); err != nil {
				return fmt.Errorf("generate fish completion: %w", err)
			}
			return nil
		},
	}
}
