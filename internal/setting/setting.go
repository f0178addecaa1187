// Package setting gives husk's libraries one way to say which of the
// caller's settings an error is about without knowing how the caller
// spells them. A library writes the setting's name in braces:
//
//	setting.Errorf("{memory-swap} needs {memory} as well")
//
// Error() spells the names plainly ("memory-swap needs memory as well"),
// for any Go caller; the husk command spells them as its flags
// ("--memory-swap needs --memory as well") in one place
// (cmd/husk/errors.go), with Spell.
//
// A name is lower case letters, digits and dashes, optionally with a
// value after "=" ({cgroups=disabled}, {userns=keep-id}). A name written
// with a leading dash, {-volume}, asks for the short form of the
// setting's flag where the caller has one (-v rather than --volume): the
// form users type. Only the format is searched for names: the arguments
// (user input among them) are never rewritten.
package setting

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// ref matches a setting's name in a format. Compiled on first use, not
// at start-up: most commands never render an error.
var ref = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\{(-?[a-z][a-z0-9-]*(?:=[a-z0-9.-]+)?)\}`)
})

// Error is an error about one or more of the caller's settings.
type Error struct {
	format string
	args   []any
	// text, when set, is a message from Decode: already formatted, with
	// the names between marks.
	text string
}

// Errorf is fmt.Errorf with settings named in braces (see the package
// comment); %w wraps as it does there.
func Errorf(format string, args ...any) error {
	return &Error{format: format, args: args}
}

// Plain spells a setting's name as it is ({-volume} too is "volume").
func Plain(name string) string { return strings.TrimPrefix(name, "-") }

// Error spells the settings plainly.
func (e *Error) Error() string { return e.Spell(Plain) }

// Spell renders the error with each setting's name spelled by name.
func (e *Error) Spell(name func(string) string) string {
	return e.render(name).Error()
}

func (e *Error) render(name func(string) string) error {
	if e.text != "" {
		return errors.New(marked().ReplaceAllStringFunc(e.text, func(m string) string {
			return name(m[1 : len(m)-1])
		}))
	}
	f := ref().ReplaceAllStringFunc(e.format, func(m string) string {
		return strings.ReplaceAll(name(m[1:len(m)-1]), "%", "%%")
	})
	return fmt.Errorf(f, e.args...)
}

// Unwrap returns the errors the format wrapped with %w.
func (e *Error) Unwrap() []error {
	switch w := e.render(Plain).(type) {
	case interface{ Unwrap() []error }:
		return w.Unwrap()
	case interface{ Unwrap() error }:
		return []error{w.Unwrap()}
	}
	return nil
}

// Names lists the settings the format names, in order.
func (e *Error) Names() []string {
	var out []string
	for _, m := range ref().FindAllStringSubmatch(e.format, -1) {
		out = append(out, Plain(m[1]))
	}
	return out
}

// SpellAll renders err's message with the settings of every *Error in its
// tree spelled by name. Errors that wrap an *Error embed its plain text;
// that text is replaced by the spelled one, outermost first.
func SpellAll(err error, name func(string) string) string {
	msg := err.Error()
	walk(err, func(e *Error) {
		msg = strings.Replace(msg, e.Error(), e.Spell(name), 1)
	})
	return msg
}

// Marks around a setting's name in an encoded message: ASCII's record and
// unit separators, which no message has otherwise.
const markOpen, markClose = "\x1e", "\x1f"

var marked = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(markOpen + `-?[a-z][a-z0-9-]*(?:=[a-z0-9.-]+)?` + markClose)
})

// Encode renders err's message for another process, keeping which words
// are settings (Decode reads it back). Text that cannot pass as a
// setting's name stays as it is.
func Encode(err error) string {
	return SpellAll(err, func(name string) string { return markOpen + name + markClose })
}

// Decode makes an error from Encode's text: its settings are spelled
// again by Error, Spell and SpellAll.
func Decode(text string) error {
	if !strings.Contains(text, markOpen) {
		return errors.New(text)
	}
	return &Error{text: text}
}

// walk calls fn for each *Error in err's tree, parents before children.
func walk(err error, fn func(*Error)) {
	if err == nil {
		return
	}
	if e, ok := err.(*Error); ok {
		fn(e)
	}
	switch w := err.(type) {
	case interface{ Unwrap() []error }:
		for _, c := range w.Unwrap() {
			walk(c, fn)
		}
	case interface{ Unwrap() error }:
		walk(w.Unwrap(), fn)
	}
}

// As is errors.As for *Error, for callers that want the names.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
