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

// nameTheContext puts the context directory in place of buildah's overlay
// over it in err's message.
func nameTheContext(err error, contextDir string) error {
	msg := err.Error()
	if !buildahContext.MatchString(msg) {
		return err
	}
	msg = buildahContext.ReplaceAllLiteralString(msg, strconv.Quote(contextDir))
	if strings.Contains(msg, "checking on sources under") && strings.Contains(msg, "no such file or directory") {
		msg += " (COPY and ADD sources are paths in the build context, less what .containerignore or .dockerignore excludes)"
	}
	return &contextError{msg: msg, err: err}
}
