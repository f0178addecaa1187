package storage

import (
	"strings"
	"testing"
)

func TestWriteTree(t *testing.T) {
	var b strings.Builder
	err := WriteTree(&b, Tree{
		ID: "44d3d0a6ac9c0000", Tags: []string{"r/m:latest"}, Size: 3_200_000,
		Layers: []TreeLayer{
			{ID: "36256a9efc9a1111", Size: 2_128_000, TopOf: []string{"r/b:latest"}},
			{ID: "1299e0e379ad2222", Size: 4096},
			{ID: "f502e11c3c8e3333", Size: 0, TopOf: []string{"r/m:latest"}},
		},
	})
	want := `Image ID: 44d3d0a6ac9c
Tags:     [r/m:latest]
Size:     3.2MB
Image Layers
├── ID: 36256a9efc9a Size: 2.128MB Top Layer of: [r/b:latest]
├── ID: 1299e0e379ad Size: 4.096kB
└── ID: f502e11c3c8e Size:      0B Top Layer of: [r/m:latest]
`
	if err != nil || b.String() != want {
		t.Fatalf("got %v\n%s\nwant\n%s", err, b.String(), want)
	}
}
