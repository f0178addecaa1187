package userns

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Range is one line of /etc/subuid or /etc/subgid that belongs to a user:
// Count ids starting at Start on the host.
type Range struct {
	Start uint32
	Count uint32
}

// End returns the last host id in the range.
func (r Range) End() uint64 { return uint64(r.Start) + uint64(r.Count) - 1 }

func (r Range) String() string { return fmt.Sprintf("%d-%d", r.Start, r.End()) }

// ReadSubIDs reads the ranges of a subordinate id file (/etc/subuid format)
// that belong to the user, named either by name or by numeric id, as
// shadow-utils' newuidmap accepts both. A missing file means no ranges.
func ReadSubIDs(path, name string, id uint32) ([]Range, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	return parseSubIDs(f, path, name, id)
}

func parseSubIDs(r io.Reader, path, name string, id uint32) ([]Range, error) {
	var ranges []Range
	sc := bufio.NewScanner(r)
	lineNo := 0
	idStr := strconv.FormatUint(uint64(id), 10)
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, ":")
		if len(fields) != 3 {
			continue // other users' malformed lines are not ours to judge
		}
		if fields[0] != name && fields[0] != idStr {
			continue
		}
		start, err1 := strconv.ParseUint(fields[1], 10, 32)
		count, err2 := strconv.ParseUint(fields[2], 10, 32)
		if err1 != nil || err2 != nil || count == 0 || start+count-1 > 0xFFFFFFFE {
			return nil, &InvalidRangeError{Path: path, Line: lineNo, Text: line, User: name}
		}
		ranges = append(ranges, Range{Start: uint32(start), Count: uint32(count)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return ranges, nil
}

// InvalidRangeError is a user's line in /etc/subuid or /etc/subgid that
// newuidmap would reject.
type InvalidRangeError struct {
	Path string
	Line int
	Text string
	User string
}

func (e *InvalidRangeError) Error() string {
	return fmt.Sprintf("invalid range %q on line %d of %s: expected %q with a non-zero count; ask an administrator to fix it (e.g. usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s)",
		e.Text, e.Line, e.Path, e.User+":START:COUNT", e.User)
}

// OverlapError says that two of a user's ranges overlap each other or the
// user's own id; the kernel refuses such a map with EINVAL.
type OverlapError struct {
	Path string
	User string
	A, B string
}

func (e *OverlapError) Error() string {
	return fmt.Sprintf("ranges for user %q in %s overlap (%s and %s), so the kernel rejects the id map (newuidmap: \"write to uid_map failed: Invalid argument\"); keep a single range that does not overlap, e.g. remove one with usermod --del-subuids/--del-subgids",
		e.User, e.Path, e.A, e.B)
}

// CheckRanges verifies that the ranges can form one id map together with
// the user's own id mapped to root.
func CheckRanges(path, user string, own uint32, ranges []Range) error {
	sorted := append([]Range(nil), ranges...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	for i := 1; i < len(sorted); i++ {
		if uint64(sorted[i].Start) <= sorted[i-1].End() {
			return &OverlapError{Path: path, User: user, A: sorted[i-1].String(), B: sorted[i].String()}
		}
	}
	for _, r := range sorted {
		if uint64(own) >= uint64(r.Start) && uint64(own) <= r.End() {
			return &OverlapError{Path: path, User: user, A: r.String(), B: fmt.Sprintf("the user's own id %d", own)}
		}
	}
	return nil
}

// IDMap is one line of a uid_map or gid_map.
type IDMap struct {
	Inside, Outside, Count uint32
}

// BuildMap maps the user's own id to 0 and the subordinate ranges after it,
// in the order the file gives them.
func BuildMap(own uint32, ranges []Range) []IDMap {
	m := []IDMap{{Inside: 0, Outside: own, Count: 1}}
	next := uint32(1)
	for _, r := range ranges {
		m = append(m, IDMap{Inside: next, Outside: r.Start, Count: r.Count})
		next += r.Count
	}
	return m
}

// Args renders a map as newuidmap's arguments after the pid.
func Args(m []IDMap) []string {
	var a []string
	for _, e := range m {
		a = append(a, strconv.FormatUint(uint64(e.Inside), 10), strconv.FormatUint(uint64(e.Outside), 10), strconv.FormatUint(uint64(e.Count), 10))
	}
	return a
}
