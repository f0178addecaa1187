//go:build linux && !husk_core

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// generateDocs writes the markdown pages and the shell completions of
// root's tree (the command binary's tree is the same).
func (a *app) generateDocs(root *cobra.Command, docsDir, compDir string) error {
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
}
