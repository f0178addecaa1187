package labels

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/userfile"
)

// FileLimit bounds a label file: real ones hold a few dozen lines.
const FileLimit = userfile.EnvFileLimit

// Parse reads the label files in order, then the --label values; a later
// key overrides an earlier one. nil when none is given.
func Parse(vals, files []string) (map[string]string, error) {
	var out map[string]string
	set := func(k, v string) {
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	for _, f := range files {
		b, err := userfile.Read(f, FileLimit)
		if err != nil {
			return nil, setting.Errorf("{label-file}: %w", err)
		}
		if err := parseFile(b, set); err != nil {
			return nil, setting.Errorf("{label-file} %q: %w", f, err)
		}
	}
	for _, kv := range vals {
		k, v, err := entry(kv, false)
		if err != nil {
			return nil, setting.Errorf("{label} %q: %w", kv, err)
		}
		set(k, v)
	}
	return out, nil
}

// Annotations reads --annotation KEY=VALUE values (the value is
// required, as podman requires it).
func Annotations(vals []string) (map[string]string, error) {
	var out map[string]string
	for _, kv := range vals {
		k, v, err := entry(kv, true)
		if err != nil {
			return nil, setting.Errorf("{annotation} %q: %w", kv, err)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out, nil
}

// Merge is base overridden by over (either may be nil; nil when both are
// empty).
func Merge(base, over map[string]string) map[string]string {
	if len(base) == 0 && len(over) == 0 {
		return nil
	}
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

func entry(kv string, needValue bool) (string, string, error) {
	k, v, hasValue := strings.Cut(kv, "=")
	switch {
	case strings.TrimSpace(k) == "":
		return "", "", fmt.Errorf("empty key: use KEY=VALUE")
	case needValue && !hasValue:
		return "", "", fmt.Errorf("no value: use KEY=VALUE")
	case strings.IndexByte(kv, 0) >= 0:
		return "", "", fmt.Errorf("contains a NUL byte")
	case !utf8.ValidString(kv):
		return "", "", fmt.Errorf("not valid UTF-8")
	}
	return k, v, nil
}

// parseFile reads KEY=VALUE lines: leading white space goes, # starts a
// comment line, blank lines are skipped, a KEY alone is an empty value.
func parseFile(b []byte, set func(k, v string)) error {
	for i, raw := range bytes.Split(b, []byte("\n")) {
		line := strings.TrimLeft(strings.TrimSuffix(string(raw), "\r"), " \t")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, err := entry(line, false)
		if err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
		if strings.ContainsAny(k, " \t\v\f") {
			return fmt.Errorf("line %d: key %q contains white space", i+1, k)
		}
		set(k, v)
	}
	return nil
}
