package imagelist

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// filterKeys are the keys --filter takes.
var filterKeys = []string{"before", "dangling", "intermediate", "label", "readonly", "reference", "since"}

// Filter keeps the images that pass every filter and, if any references
// are given, match one of them. The values of one key are alternatives,
// except label's, which must all match (podman's rules). before= and
// since= name an image among imgs.
func Filter(imgs []Image, filters, args []string) ([]Image, error) {
	values := map[string][]string{}
	var before, since []time.Time
	for _, kv := range filters {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: expected KEY=VALUE", kv)
		}
		switch k {
		case "dangling", "intermediate", "readonly":
			if v != "true" && v != "false" {
				return nil, fmt.Errorf("invalid filter %q: %s takes true or false", kv, k)
			}
		case "reference":
			if _, err := path.Match(v, ""); err != nil {
				return nil, fmt.Errorf("invalid filter %q: %w", kv, err)
			}
		case "before", "since":
			i := slices.IndexFunc(imgs, func(img Image) bool {
				return img.ID == v || strings.HasPrefix(img.ID, v) || matchesAny(img.Names, []string{v})
			})
			if v == "" || i < 0 {
				return nil, fmt.Errorf("invalid filter %q: no image %q", kv, v)
			}
			if k == "before" {
				before = append(before, imgs[i].Created)
			} else {
				since = append(since, imgs[i].Created)
			}
		case "label":
		default:
			return nil, fmt.Errorf("unknown filter %q: the filters are %s", k, strings.Join(filterKeys, ", "))
		}
		values[k] = append(values[k], v)
	}
	refs := append(slices.Clone(values["reference"]), args...)
	var out []Image
	for _, img := range imgs {
		if !oneOf(values["dangling"], img.Dangling) || !oneOf(values["intermediate"], img.Intermediate) ||
			!oneOf(values["readonly"], img.ReadOnly) {
			continue
		}
		if len(refs) > 0 && !matchesAny(img.Names, refs) {
			continue
		}
		if !slices.ContainsFunc(values["label"], func(l string) bool { return !hasLabel(img.Labels, l) }) &&
			(len(before) == 0 || slices.ContainsFunc(before, img.Created.Before)) &&
			(len(since) == 0 || slices.ContainsFunc(since, img.Created.After)) {
			out = append(out, img)
		}
	}
	return out, nil
}

// oneOf reports whether b is one of the values ("true", "false"), or
// there are none.
func oneOf(values []string, b bool) bool {
	return len(values) == 0 || slices.Contains(values, fmt.Sprint(b))
}

// hasLabel reports whether labels hold KEY (any value) or KEY=VALUE.
func hasLabel(labels map[string]string, kv string) bool {
	k, v, withValue := strings.Cut(kv, "=")
	got, ok := labels[k]
	return ok && (!withValue || got == v)
}

// matchesAny reports whether a name matches a pattern: the whole name,
// its repository, or their ends after a "/", with shell wildcards
// ("*/busybox", "localhost/*", "busybox:latest").
func matchesAny(names, patterns []string) bool {
	for _, n := range names {
		repo, _ := splitName(n)
		for _, p := range patterns {
			for _, cand := range []string{n, repo} {
				for {
					if ok, _ := path.Match(p, cand); ok {
						return true
					}
					i := strings.Index(cand, "/")
					if i < 0 {
						break
					}
					cand = cand[i+1:]
				}
			}
		}
	}
	return false
}
