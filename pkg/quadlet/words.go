package quadlet

import (
	"fmt"
	"strings"
)

// splitWords splits a value into words as systemd splits ExecStart= and
// Environment=: on whitespace, with "double" and 'single' quoted words and
// backslash escapes (\n, \t, \\, \", \', \ and \x in general: the
// character itself).
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
			switch r {
			case 'n':
				r = '\n'
			case 't':
				r = '\t'
			}
			cur.WriteRune(r)
		case r == '\\':
			escaped, inWord = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unbalanced %c quote in %q", quote, s)
	}
	if escaped {
		return nil, fmt.Errorf("trailing backslash in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// quoteWord writes w so that systemd reads it back as one word: as is
// when it has no whitespace, quote or backslash, else in double quotes.
// Specifiers (%N, %t, %h) and $VARIABLES are left for systemd to
// expand, as podman's generator leaves them.
func quoteWord(w string) string {
	if w == ";" {
		return `\;`
	}
	if w != "" && !strings.ContainsAny(w, " \t\n\r\"'\\") {
		return w
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range w {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// commandLine is argv written for an Exec*= key.
func commandLine(argv []string) string {
	q := make([]string, len(argv))
	for i, w := range argv {
		q[i] = quoteWord(w)
	}
	return strings.Join(q, " ")
}
