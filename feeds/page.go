package feeds

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/cordonsec/cordon"
)

// pageInfo reads totalResults and resultsPerPage from the top of an NVD
// API page (they come before "vulnerabilities" in NVD's answers, so the
// records are not read) and seeks back to the start.
func pageInfo(rs io.ReadSeeker, name string) (total, per int, err error) {
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if _, serr := rs.Seek(start, io.SeekStart); serr != nil && err == nil {
			err = serr
		}
	}()
	bad := func(why string) error {
		return cordon.Errorf(cordon.EINVALID, "%s is not an NVD API 2.0 page: %s.", name, why)
	}
	dec := json.NewDecoder(bufio.NewReader(rs))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, 0, bad("it is not a JSON object")
	}
	total, per = -1, -1
	for total < 0 || per < 0 {
		t, err := dec.Token()
		if err != nil {
			return 0, 0, bad("it ends early or is not JSON")
		}
		key, ok := t.(string)
		if !ok {
			return 0, 0, bad("totalResults or resultsPerPage is missing")
		}
		switch key {
		case "totalResults", "resultsPerPage":
			t, err := dec.Token()
			n, ok := t.(json.Number)
			if err != nil || !ok {
				return 0, 0, bad(key + " is not a number")
			}
			v, err := n.Int64()
			if err != nil || v < 0 || v > 1<<31 {
				return 0, 0, bad(key + " is not a count")
			}
			if key == "totalResults" {
				total = int(v)
			} else {
				per = int(v)
			}
		default:
			if err := skipValue(dec); err != nil {
				return 0, 0, bad("it ends early or is not JSON")
			}
		}
	}
	return total, per, nil
}
