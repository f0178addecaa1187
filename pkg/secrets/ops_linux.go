package secrets

import (
	"encoding/base64"
	"errors"
	"unicode/utf8"
)

// Inspect is the records of refs; with show, each with its value.
func Inspect(s *Store, refs []string, show bool) ([]Secret, error) {
	var out []Secret
	for _, ref := range refs {
		sec, data, err := s.Value(ref)
		if err != nil {
			return nil, err
		}
		if show {
			sec.SecretData = string(data)
			if !utf8.Valid(data) {
				// JSON cannot carry the bytes; say how they are encoded.
				sec.SecretData = "base64:" + base64.StdEncoding.EncodeToString(data)
			}
		}
		out = append(out, sec)
	}
	return out, nil
}

// RemoveOptions are secret rm's.
type RemoveOptions struct {
	// All removes every secret (refs are then empty).
	All bool
	// Ignore passes over refs that name no secret.
	Ignore bool
}

// RemoveAll removes refs (or all), calling report for each with the ID
// removed or the error; it returns the first error.
func RemoveAll(s *Store, refs []string, o RemoveOptions, report func(id string, err error)) error {
	if o.All {
		list, err := s.List()
		if err != nil {
			return err
		}
		refs = nil
		for _, sec := range list {
			refs = append(refs, sec.ID)
		}
	}
	var first error
	for _, ref := range refs {
		id, err := s.Remove(ref)
		if err != nil && o.Ignore && errors.Is(err, ErrNoSuchSecret) {
			continue
		}
		report(id, err)
		if first == nil {
			first = err
		}
	}
	return first
}
