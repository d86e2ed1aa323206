package chart

// Item is one value in a bar, donut or column chart.
type Item struct {
	// Label names the value, e.g. a device category or a day.
	Label string
	// Value is the quantity drawn. Negative and non-finite values are drawn
	// as zero but still written as text.
	Value float64
	// Class picks the colour and is added to the shape's CSS classes. The
	// known classes are listed with ClassMedical and its neighbours; any
	// other value gets the default colour.
	Class string
	// Href, when set, makes the bar, segment or column a link, e.g. to the
	// device list filtered by this category. Only relative, http, https and
	// mailto URLs are kept.
	Href string
}

// Classes with their own colour. The node kinds of the network map use the
// same names, so a bar for medical devices and a medical node match.
const (
	ClassMedical        = "medical"         // teal
	ClassClinicalServer = "clinical_server" // accent blue
	ClassIT             = "it"              // slate
	ClassInfrastructure = "infrastructure"  // lighter slate
	ClassExternal       = "external"        // lighter slate
	ClassAccent         = "accent"          // accent blue, also the default
	ClassNew            = "new"             // accent blue, for "new this week" (Columns adds a legend)
	ClassMuted          = "muted"           // lighter slate, e.g. days before this week
	ClassWarning        = "warning"         // amber
	ClassDanger         = "danger"          // red
)

// Fill colours. Each has at least 3:1 contrast against white, the level
// WCAG asks of graphics that carry meaning; the tests check it.
const (
	colorBlue   = "#1d4ed8"
	colorTeal   = "#0f766e"
	colorAmber  = "#b45309"
	colorRed    = "#b91c1c"
	colorSlate  = "#475569"
	colorSlate2 = "#64748b"
	colorPurple = "#6d28d9"
)

// sequence colours items that carry no class, in order, so that a donut
// with unnamed parts still tells them apart.
var sequence = [...]string{colorBlue, colorTeal, colorAmber, colorSlate, colorRed, colorPurple, colorSlate2}

// colorFor returns the fill for class; unknown or empty classes fall back
// to the i-th sequence colour (or the accent when i < 0).
func colorFor(class string, i int) string {
	switch class {
	case ClassMedical:
		return colorTeal
	case ClassClinicalServer, ClassAccent, ClassNew:
		return colorBlue
	case ClassIT:
		return colorSlate
	case ClassInfrastructure, ClassExternal, ClassMuted:
		return colorSlate2
	case ClassWarning:
		return colorAmber
	case ClassDanger:
		return colorRed
	}
	if i < 0 {
		return colorBlue
	}
	return sequence[i%len(sequence)]
}
