package format

import (
	"strings"
	"testing"
)

func TestTemplateFuncs(t *testing.T) {
	row := map[string]any{"Name": "web", "Id": "0123456789abcdef", "Labels": map[string]string{"a": "<b>"}, "Args": []string{"x", "y"}}
	for _, tc := range []struct{ format, want string }{
		{`{{json .Labels}}`, `{"a":"<b>"}`},
		{`{{upper .Name}} {{lower "AbC"}} {{title "hello big world"}}`, "WEB abc Hello Big World"},
		{`{{join (split "a,b,c" ",") "+"}} {{join .Args " "}}`, "a+b+c x y"},
		{`{{truncate .Id 4}} {{truncate .Name 10}} {{truncate "héllo" 2}}`, "0123 web hé"},
		{`[{{pad .Name 2 1}}][{{pad "" 3 3}}]`, "[  web ][]"},
		{`{{printf "%s-%d" .Name 3}}`, "web-3"},
		{`{{.Name}}`, "web"},
	} {
		f, err := New(tc.format)
		if err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		var b strings.Builder
		if err := f.Render(&b, []any{row}); err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		if got := strings.TrimSuffix(b.String(), "\n"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.format, got, tc.want)
		}
	}
	f, err := New(`{{pad .Name 99999999999 0}}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Render(&strings.Builder{}, []any{row}); err == nil {
		t.Error("a huge pad rendered")
	}
}
