package lifecycle

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"gopkg.in/yaml.v3"
)

// Product is one endoflife.date product page.
type Product struct {
	Name     string   // file stem and product id: "windows", "windows-server"
	Title    string   // "Microsoft Windows"
	CPEs     []string // CPE 2.3 prefixes from identifiers, "cpe:2.3:o:canonical:ubuntu_linux"
	Releases []cordon.Lifecycle
}

// maxFrontMatter bounds the YAML read: the largest real page is ~200 KB.
const maxFrontMatter = 8 << 20

// frontMatterYAML is the part of the front matter Cordon uses; pages carry
// many more keys (auto-update configuration, display options), ignored.
type frontMatterYAML struct {
	Title        scalar           `yaml:"title"`
	Permalink    scalar           `yaml:"permalink"`
	ReleaseLabel scalar           `yaml:"releaseLabel"` // template for all releases
	Identifiers  []map[string]any `yaml:"identifiers"`
	Releases     *[]releaseYAML   `yaml:"releases"`
}

// releaseYAML is one release cycle. The format (documented at
// https://endoflife.date/contribute and in the pages' comments) gives
// eol/eoas/eoes as a date, or a boolean when the date is unknown or none is
// announced; lts as a boolean or the date LTS started.
type releaseYAML struct {
	ReleaseCycle scalar     `yaml:"releaseCycle"`
	ReleaseLabel scalar     `yaml:"releaseLabel"`
	Codename     scalar     `yaml:"codename"`
	ReleaseDate  dateOrBool `yaml:"releaseDate"`
	EOAS         dateOrBool `yaml:"eoas"`
	EOL          dateOrBool `yaml:"eol"`
	EOES         dateOrBool `yaml:"eoes"`
	LTS          dateOrBool `yaml:"lts"`
	Latest       scalar     `yaml:"latest"`
}

// scalar keeps a YAML scalar's text as written. Reading releaseCycle: 3.10
// into a float would give "3.1", so the raw text is what counts.
type scalar string

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a single value, got a %s", n.Line, kindName(n.Kind))
	}
	if n.Tag == "!!null" {
		*s = ""
		return nil
	}
	*s = scalar(n.Value)
	return nil
}

// dateOrBool is a release field that is a date, true, false or absent.
type dateOrBool struct {
	set  bool // present and not null
	b    bool // the boolean, or true when a date is given
	date time.Time
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *dateOrBool) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a date or a boolean, got a %s", n.Line, kindName(n.Kind))
	}
	switch n.Tag {
	case "!!null":
		*d = dateOrBool{}
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		*d = dateOrBool{set: true, b: b}
		return nil
	}
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is neither a date (YYYY-MM-DD) nor a boolean", n.Line, clip(n.Value))
	}
	*d = dateOrBool{set: true, b: true, date: t}
	return nil
}

// end converts an end-of-phase field: a date stays, true becomes
// DateUnknown, false and absent become the zero time (no end announced).
func (d dateOrBool) end() time.Time {
	switch {
	case !d.date.IsZero():
		return d.date
	case d.b:
		return DateUnknown
	}
	return time.Time{}
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return "scalar"
}

// ParseEndOfLife reads one endoflife.date product page: Markdown whose YAML
// front matter (between the first two "---" lines) holds the product's
// identifiers and release cycles. name is the product id, the file name
// without ".md". Every release must have a releaseCycle and valid dates.
func ParseEndOfLife(name string, data []byte) (Product, error) {
	fm, err := frontMatter(data)
	if err != nil {
		return Product{}, fmt.Errorf("lifecycle: %s: %w", name, err)
	}
	var raw frontMatterYAML
	if err := yaml.Unmarshal(fm, &raw); err != nil {
		return Product{}, fmt.Errorf("lifecycle: %s: front matter: %w", name, err)
	}
	if raw.Releases == nil {
		return Product{}, fmt.Errorf("lifecycle: %s: front matter has no releases", name)
	}
	p := Product{Name: name, Title: string(raw.Title)}
	for _, id := range raw.Identifiers {
		if c, ok := id["cpe"].(string); ok && strings.HasPrefix(c, "cpe:2.3:") {
			p.CPEs = append(p.CPEs, c)
		}
	}
	source := "https://endoflife.date/" + name
	if raw.Permalink != "" && strings.HasPrefix(string(raw.Permalink), "/") {
		source = "https://endoflife.date" + string(raw.Permalink)
	}
	cpe := ""
	if len(p.CPEs) > 0 {
		cpe = p.CPEs[0]
	}
	seen := make(map[string]bool, len(*raw.Releases))
	for i, r := range *raw.Releases {
		cycle := string(r.ReleaseCycle)
		if cycle == "" {
			return Product{}, fmt.Errorf("lifecycle: %s: release %d: missing releaseCycle", name, i)
		}
		if seen[cycle] {
			return Product{}, fmt.Errorf("lifecycle: %s: release %d (%s): duplicate releaseCycle", name, i, cycle)
		}
		seen[cycle] = true
		label := string(r.ReleaseLabel)
		if label == "" {
			label = string(raw.ReleaseLabel)
		}
		if label == "" {
			label = cycle
		}
		label = strings.NewReplacer("__RELEASE_CYCLE__", cycle, "__CODENAME__", string(r.Codename),
			"__LATEST__", string(r.Latest)).Replace(label)
		p.Releases = append(p.Releases, cordon.Lifecycle{
			Product:      name,
			Release:      cycle,
			Label:        label,
			CPE:          cpe,
			Released:     r.ReleaseDate.date,
			EndOfSupport: r.EOAS.end(),
			EndOfLife:    r.EOL.end(),
			EndOfESU:     r.EOES.end(),
			LTS:          r.LTS.b,
			Latest:       string(r.Latest),
			Source:       source,
		})
	}
	return p, nil
}

// frontMatter returns the YAML between the opening "---" line and the next
// "---" line.
func frontMatter(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM some editors add
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \r")) != "---" {
		return nil, fmt.Errorf("no front matter: the first line is not ---")
	}
	for off := 0; off < len(rest); {
		line := rest[off:]
		end := bytes.IndexByte(line, '\n')
		if end >= 0 {
			line = line[:end]
		}
		if string(bytes.TrimRight(line, " \r")) == "---" {
			if off > maxFrontMatter {
				return nil, fmt.Errorf("front matter larger than %d bytes", maxFrontMatter)
			}
			return rest[:off], nil
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return nil, fmt.Errorf("front matter is not closed by a --- line")
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
