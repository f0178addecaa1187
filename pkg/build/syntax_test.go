package build

import (
	"strings"
	"testing"
)

func TestCheckContainerfile(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"fine", "FROM busybox\nRUN echo hi\n", ""},
		{"fine with heredocs", "FROM busybox\nRUN <<EOF\necho a\nEOF\nRUN <<EOF\necho b\nEOF\n", ""},
		{"unknown instruction", "FROM busybox\nRUN echo ok\n\nBOGUS thing\n", `Containerfile:4: unknown instruction "BOGUS" in "BOGUS thing"`},
		{"unknown after a continuation", "FROM busybox\nRUN echo a \\\n  b\nCOPPY a b\n", `Containerfile:4: unknown instruction "COPPY"`},
		{"bad directive", "# escape=x\nFROM busybox\n", "Containerfile:1: invalid ESCAPE"},
		{"unterminated heredoc", "FROM busybox\nRUN <<EOF\necho a\nEOF\nRUN <<EOF\necho b\n", "Containerfile:5: EOF: unterminated heredoc"},
		{"bad ENV", "FROM busybox\nRUN true\nENV NOVALUE\n", "Containerfile:3: ENV must have two arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkContainerfile("Containerfile", []byte(tc.file))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("error %v, want none", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// A Containerfile is read on the user's word: a device or a FIFO is an
// error, not an endless read.
func TestCheckSyntaxReadsOnlyRegularFiles(t *testing.T) {
	if err := checkSyntax([]string{"/dev/zero"}); err == nil {
		t.Error("/dev/zero was read as a Containerfile")
	}
}
