package build

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/openshift/imagebuilder/dockerfile/command"
	"github.com/openshift/imagebuilder/dockerfile/parser"

	"github.com/husk-dev/husk/internal/userfile"
	"github.com/husk-dev/husk/pkg/build/buildopts"
)

// maxLinesForLineSearch bounds the search for the line of a parse error
// (each candidate line costs a parse of the lines before it).
const maxLinesForLineSearch = 4000

// checkSyntax parses each Containerfile with the parser buildah uses and
// refuses one it rejects or that has an unknown instruction, naming the
// file and the line. buildah finds an unknown instruction only when the
// build reaches it, after running the steps before it, and names neither;
// its parser's errors name no line either. Files ending in .in are left to
// buildah, which runs them through cpp first.
func checkSyntax(paths []string) error {
	for _, p := range paths {
		if strings.HasSuffix(p, ".in") {
			continue
		}
		b, err := userfile.Read(p, buildopts.MaxContainerfileSize)
		if err != nil {
			return fmt.Errorf("read the Containerfile: %w", err)
		}
		if err := checkContainerfile(p, b); err != nil {
			return err
		}
	}
	return nil
}

func checkContainerfile(path string, b []byte) error {
	res, err := parser.Parse(bytes.NewReader(b))
	if err != nil {
		if line := parseErrorLine(b, err.Error()); line > 0 {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, n := range res.AST.Children {
		if _, ok := command.Commands[n.Value]; !ok {
			return fmt.Errorf("%s:%d: unknown instruction %q in %q: a Containerfile's instructions are FROM, RUN, COPY, ADD, ARG, ENV, LABEL, EXPOSE, USER, WORKDIR, VOLUME, ENTRYPOINT, CMD, SHELL, STOPSIGNAL, HEALTHCHECK, ONBUILD and MAINTAINER",
				path, n.StartLine, strings.ToUpper(n.Value), n.Original)
		}
	}
	return nil
}

// parseErrorLine finds the line at which the parser fails with msg: the
// last line L such that the lines before L parse and the lines up to L
// fail with the same message (a heredoc that a later line closes fails only
// while it is open, and with another message unless it has the same name;
// past the real error every prefix fails). 0 when not found.
func parseErrorLine(b []byte, msg string) int {
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) > maxLinesForLineSearch {
		return 0
	}
	found := 0
	prevOK := true // no lines at all parse
	for i := range lines {
		_, err := parser.Parse(bytes.NewReader(bytes.Join(lines[:i+1], nil)))
		if err != nil && prevOK && err.Error() == msg {
			found = i + 1
		}
		prevOK = err == nil
	}
	return found
}
