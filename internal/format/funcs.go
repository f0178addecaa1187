package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"
)

// templateFuncs are the functions --format templates may call, as podman
// and docker define them (text/template has printf, len, index, ...).
var templateFuncs = template.FuncMap{
	"json":     jsonString,
	"upper":    strings.ToUpper,
	"lower":    strings.ToLower,
	"title":    title,
	"split":    strings.Split,
	"join":     strings.Join,
	"truncate": truncate,
	"pad":      pad,
}

// jsonString is v as compact JSON, without escaping <, > and & (docker's
// and podman's {{json .}}).
func jsonString(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// title upper-cases the first letter of every word.
func title(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		if start && unicode.IsLetter(r) {
			r = unicode.ToUpper(r)
		}
		start = unicode.IsSpace(r)
		b.WriteRune(r)
	}
	return b.String()
}

// truncate keeps the first n characters of s.
func truncate(s string, n int) string {
	if n < 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// pad puts before spaces before s and after after it; an empty s stays
// empty, as in docker. The padding is bounded as a row's output is.
func pad(s string, before, after int) (string, error) {
	if s == "" {
		return s, nil
	}
	before, after = max(before, 0), max(after, 0)
	if before > maxRowOutput || after > maxRowOutput {
		return "", fmt.Errorf("pad by %d and %d: at most %d", before, after, maxRowOutput)
	}
	return strings.Repeat(" ", before) + s + strings.Repeat(" ", after), nil
}
