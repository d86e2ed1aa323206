package ui

import (
	"net/url"
	"strconv"
)

// pager is the pagination of a list page.
type pager struct {
	Page, Pages, Total, From, To int
	PrevURL, NextURL             string
}

// pageNumber reads the 1-based "page" query parameter; anything unusable is
// page 1, and absurdly large numbers are capped so offsets cannot overflow.
func pageNumber(q url.Values) int {
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 1_000_000)
}

// newPager describes page p of total items, size per page, with links that
// keep the other query parameters of q.
func newPager(path string, q url.Values, p, size, total int) *pager {
	pg := &pager{Page: p, Total: total, Pages: (total + size - 1) / size}
	if pg.Pages == 0 {
		pg.Pages = 1
	}
	pg.From = min((p-1)*size+1, total)
	pg.To = min(p*size, total)
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		if n == 1 {
			v.Del("page")
		} else {
			v.Set("page", strconv.Itoa(n))
		}
		if enc := v.Encode(); enc != "" {
			return path + "?" + enc
		}
		return path
	}
	if p > 1 {
		pg.PrevURL = link(min(p-1, pg.Pages))
	}
	if p < pg.Pages {
		pg.NextURL = link(p + 1)
	}
	return pg
}
