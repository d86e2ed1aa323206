package mds2

import "testing"

func BenchmarkParse(b *testing.B) {
	for _, bb := range []struct {
		name string
		data []byte
	}{
		{"XLSX", nemaBook().bytes(b)},
		{"CSV", []byte(nemaCSV)},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bb.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("bench", bb.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
