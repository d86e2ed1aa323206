package feeds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Config says which feeds Sync fetches and from where. A source with no URL
// is not fetched. docs/feeds.md shows the file.
type Config struct {
	NVD       NVDConfig       `json:"nvd"`
	KEV       URLConfig       `json:"kev"`
	EPSS      URLConfig       `json:"epss"`
	CSAF      CSAFConfig      `json:"csaf"`
	EndOfLife EndOfLifeConfig `json:"endoflife"`
}

// NVDConfig configures the NVD CVE API 2.0.
type NVDConfig struct {
	URL string `json:"url"`
	// APIKeyEnv names the environment variable holding the API key; the
	// key itself never appears in the file, the logs or the output.
	APIKeyEnv      string `json:"api_key_env"`
	ResultsPerPage int    `json:"results_per_page"` // at most 2000
	// Requests per Window: NVD allows 5 per 30 s without a key, 50 with
	// one. Zero takes those defaults.
	Requests int      `json:"requests"`
	Window   Duration `json:"window"`
	// Start is where the first sync begins when the store holds no NVD
	// data: the oldest lastModified date wanted.
	Start string `json:"start"`
	// Retries of a request answered 403, 429 or 503, waiting Backoff, then
	// twice as long each time (or what Retry-After says).
	Retries int      `json:"retries"`
	Backoff Duration `json:"backoff"`
}

// URLConfig is a feed fetched from one address.
type URLConfig struct {
	URL string `json:"url"`
}

// CSAFConfig lists CSAF advisories: individual URLs, and a provider's
// index.txt whose lines (paths relative to it) matching Match are fetched.
type CSAFConfig struct {
	URLs  []string `json:"urls"`
	Index string   `json:"index"`
	Match string   `json:"match"` // substring of the paths to keep, e.g. "icsma-"; "" keeps all
}

// EndOfLifeConfig names endoflife.date products fetched as BaseURL +
// product + ".md".
type EndOfLifeConfig struct {
	BaseURL  string   `json:"base_url"`
	Products []string `json:"products"`
}

// Duration is a time.Duration written as "30s" in JSON.
type Duration time.Duration

// UnmarshalJSON reads "30s", "1m30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a duration such as \"30s\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("%q is not a duration such as \"30s\"", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as "30s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// DefaultConfig points at the real public feeds.
func DefaultConfig() Config {
	return Config{
		NVD: NVDConfig{
			URL:            "https://services.nvd.nist.gov/rest/json/cves/2.0",
			APIKeyEnv:      "NVD_API_KEY",
			ResultsPerPage: 2000,
			Window:         Duration(30 * time.Second),
			Start:          "1999-01-01",
			Retries:        5,
			Backoff:        Duration(6 * time.Second),
		},
		KEV:  URLConfig{URL: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"},
		EPSS: URLConfig{URL: "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"},
		// CISA publishes its advisories through a CSAF provider whose
		// index the operator names; docs/feeds.md shows how.
		CSAF: CSAFConfig{Match: "icsma-"},
		EndOfLife: EndOfLifeConfig{
			BaseURL:  "https://raw.githubusercontent.com/endoflife-date/endoflife.date/master/products/",
			Products: []string{"windows", "windows-server", "windows-embedded", "rhel", "ubuntu", "debian", "centos", "sles", "macos"},
		},
	}
}

// ParseConfig reads a JSON configuration over the defaults: keys left out
// keep their default, and a source is turned off by giving its URL as "".
// Unknown keys are errors, so a misspelt one is not silently ignored.
func ParseConfig(name string, data []byte) (Config, error) {
	c := DefaultConfig()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, cordon.Errorf(cordon.EINVALID, "%s is not a valid feeds configuration: %v.", name, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, cordon.Errorf(cordon.EINVALID, "%s: %s", name, cordon.ErrorMessage(err))
	}
	return c, nil
}

// Validate reports the first problem as an EINVALID error.
func (c *Config) Validate() error {
	check := func(field, u string) error {
		if u == "" {
			return nil
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return cordon.Errorf(cordon.EINVALID, "%s: %q is not an http or https URL.", field, u)
		}
		return nil
	}
	for _, f := range []struct{ field, u string }{
		{"nvd.url", c.NVD.URL}, {"kev.url", c.KEV.URL}, {"epss.url", c.EPSS.URL},
		{"csaf.index", c.CSAF.Index}, {"endoflife.base_url", c.EndOfLife.BaseURL},
	} {
		if err := check(f.field, f.u); err != nil {
			return err
		}
	}
	for i, u := range c.CSAF.URLs {
		if err := check(fmt.Sprintf("csaf.urls[%d]", i), u); err != nil {
			return err
		}
	}
	for i, p := range c.EndOfLife.Products {
		if p == "" || strings.ContainsAny(p, "/\\?#") || strings.HasPrefix(p, ".") {
			return cordon.Errorf(cordon.EINVALID, "endoflife.products[%d]: %q is not a product id such as \"windows\".", i, p)
		}
	}
	if c.NVD.ResultsPerPage < 1 || c.NVD.ResultsPerPage > 2000 {
		return cordon.Errorf(cordon.EINVALID, "nvd.results_per_page must be 1 to 2000.")
	}
	if c.NVD.Requests < 0 || c.NVD.Retries < 0 || c.NVD.Retries > 20 {
		return cordon.Errorf(cordon.EINVALID, "nvd.requests must not be negative and nvd.retries must be 0 to 20.")
	}
	if c.NVD.Requests > 0 && c.NVD.Window <= 0 {
		return cordon.Errorf(cordon.EINVALID, "nvd.window must be a positive duration when nvd.requests is set.")
	}
	if _, err := time.Parse(time.DateOnly, c.NVD.Start); err != nil {
		return cordon.Errorf(cordon.EINVALID, "nvd.start %q is not a date such as 1999-01-01.", c.NVD.Start)
	}
	return nil
}
