// Package opterr describes errors in a value a user gave for an option
// (a volume, a memory limit, an output template). The packages that
// validate such values do not know how a command line spells the option:
// their errors name it by an Option, and the command line spells it as
// its flag in one place (Error.Text). Without a spelling, an option is
// named by its own name ("volume", "memory").
package opterr

import (
	"errors"
	"fmt"
	"strings"
)

// Option names an option the way the package that reads it does.
type Option string

// Long is an Option a message wants spelled in its long form even when
// it has a short one ("--env" rather than "-e").
type Long Option

// Spelling spells an option in a message; long asks for the long form.
type Spelling func(o Option, long bool) string

// Error is a problem with a value given for Option. Its message may name
// other options too (two mounts on one destination).
type Error struct {
	// Option is the option whose value is at fault.
	Option Option
	format string
	args   []any
}

// Errorf makes an Error for o: format and args as for fmt.Errorf, where
// arguments of type Option or Long are printed (with %s) as the option is
// spelled, and %w wraps an error.
func Errorf(o Option, format string, args ...any) *Error {
	return &Error{Option: o, format: format, args: args}
}

// Error names the options by their own names.
func (e *Error) Error() string { return e.Text(nil) }

// Text is the message with the options spelled by spell (nil: by their
// own names).
func (e *Error) Text(spell Spelling) string { return e.build(spell).Error() }

// Unwrap returns the errors the message wraps with %w.
func (e *Error) Unwrap() []error {
	switch u := e.build(nil).(type) {
	case interface{ Unwrap() error }:
		return []error{u.Unwrap()}
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	}
	return nil
}

func (e *Error) build(spell Spelling) error {
	if spell == nil {
		spell = func(o Option, _ bool) string { return string(o) }
	}
	args := make([]any, len(e.args))
	for i, a := range e.args {
		switch o := a.(type) {
		case Option:
			a = spell(o, false)
		case Long:
			a = spell(Option(o), true)
		}
		args[i] = a
	}
	return fmt.Errorf(e.format, args...)
}

// Spell rewrites the message of err, if an Error is part of it, with the
// options spelled by spell. The result wraps err: errors.Is and errors.As
// still see everything err holds.
func Spell(err error, spell Spelling) error {
	var oe *Error
	if err == nil || !errors.As(err, &oe) {
		return err
	}
	var done *spelled
	if errors.As(err, &done) {
		return err
	}
	msg := err.Error()
	if own := oe.Error(); own != "" {
		if i := strings.Index(msg, own); i >= 0 {
			msg = msg[:i] + oe.Text(spell) + msg[i+len(own):]
		}
	}
	return &spelled{msg: msg, err: err}
}

// spelled is an error whose options were spelled.
type spelled struct {
	msg string
	err error
}

func (s *spelled) Error() string { return s.msg }
func (s *spelled) Unwrap() error { return s.err }
