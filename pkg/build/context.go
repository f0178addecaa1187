package build

import (
	"regexp"
	"strconv"
	"strings"
)

// buildahContext matches the overlay buildah mounts over the build context
// (so that RUN --mount=type=bind cannot change it), which its errors name
// in place of the context directory.
var buildahContext = regexp.MustCompile(`"[^"]*/buildah-context-[^"/]*/overlay/[^"/]*/merge"`)

// contextError is a build error that names the context directory the user
// gave, with a hint for a missing COPY or ADD source.
type contextError struct {
	msg string
	err error
}

func (e *contextError) Error() string { return e.msg }
func (e *contextError) Unwrap() error { return e.err }

// copierRequest is the start of the dump of a request that buildah's
// copier puts in an error (several kilobytes of Go syntax); it ends at the
// last "}: ", before the copier's own error.
const copierRequest = "error during bulk transfer for copier.request{"

// nameTheContext puts the context directory in place of buildah's overlay
// over it in err's message, and drops the copier's request dump.
func nameTheContext(err error, contextDir string) error {
	msg := err.Error()
	if !buildahContext.MatchString(msg) && !strings.Contains(msg, copierRequest) {
		return err
	}
	msg = buildahContext.ReplaceAllLiteralString(msg, strconv.Quote(contextDir))
	if i := strings.Index(msg, copierRequest); i >= 0 {
		if j := strings.LastIndex(msg, "}: "); j > i {
			msg = msg[:i] + msg[j+len("}: "):]
		}
	}
	switch {
	case strings.Contains(msg, "checking on sources under") && strings.Contains(msg, "no such file or directory"):
		msg += " (COPY and ADD sources are paths in the build context, less what .containerignore or .dockerignore excludes)"
	case strings.Contains(msg, "permission denied") && strings.Contains(msg, "opening file for adding its contents"):
		msg += " (a file of the build context you cannot read: make it readable, or exclude it in .containerignore)"
	}
	return &contextError{msg: msg, err: err}
}
