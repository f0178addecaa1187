package resourcelist

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// filters are parsed --filter values: the values of one key are
// alternatives, the keys must all match, except label's values, which
// must all match (podman's rules).
type filters map[string][]string

// parseFilters checks KEY=VALUE filters against the keys a command
// takes.
func parseFilters(fs []string, keys []string) (filters, error) {
	out := filters{}
	for _, kv := range fs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: expected KEY=VALUE", kv)
		}
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("unknown filter %q: the filters are %s", k, strings.Join(keys, ", "))
		}
		switch k {
		case "name":
			if _, err := regexp.Compile(v); err != nil {
				return nil, fmt.Errorf("invalid filter %q: not a regular expression: %w", kv, err)
			}
		case "dangling":
			if v != "true" && v != "false" {
				return nil, fmt.Errorf("invalid filter %q: dangling takes true or false", kv)
			}
		}
		out[k] = append(out[k], v)
	}
	return out, nil
}

// match reports whether an item passes: value gives the item's value
// for a key other than label and dangling.
func (f filters) match(labels map[string]string, dangling bool, value func(key, v string) bool) bool {
	for k, vs := range f {
		switch k {
		case "label":
			for _, v := range vs {
				lk, lv, withValue := strings.Cut(v, "=")
				got, ok := labels[lk]
				if !ok || (withValue && got != lv) {
					return false
				}
			}
		case "dangling":
			if !slices.Contains(vs, fmt.Sprint(dangling)) {
				return false
			}
		default:
			if !slices.ContainsFunc(vs, func(v string) bool { return value(k, v) }) {
				return false
			}
		}
	}
	return true
}

// matchName reports whether name matches the regular expression re.
func matchName(re, name string) bool {
	ok, _ := regexp.MatchString(re, name)
	return ok
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
