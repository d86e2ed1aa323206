package csaf

// The JSON of a CSAF 2.0 document, reduced to the parts Cordon reads
// (https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html).
// Unknown members are ignored, as the standard allows.

type rawDoc struct {
	Document        *rawDocument `json:"document"`
	ProductTree     *rawTree     `json:"product_tree"`
	Vulnerabilities []rawVuln    `json:"vulnerabilities"`
}

type rawDocument struct {
	Category    string `json:"category"`
	CSAFVersion string `json:"csaf_version"`
	Title       string `json:"title"`
	Publisher   struct {
		Name      string `json:"name"`
		Category  string `json:"category"`
		Namespace string `json:"namespace"`
	} `json:"publisher"`
	References []rawReference `json:"references"`
	Tracking   struct {
		ID                 string `json:"id"`
		InitialReleaseDate string `json:"initial_release_date"`
		CurrentReleaseDate string `json:"current_release_date"`
		Status             string `json:"status"`
		Version            string `json:"version"`
	} `json:"tracking"`
}

type rawReference struct {
	Category string `json:"category"`
	Summary  string `json:"summary"`
	URL      string `json:"url"`
}

type rawTree struct {
	Branches         []rawBranch       `json:"branches"`
	FullProductNames []rawFullProduct  `json:"full_product_names"`
	Relationships    []rawRelationship `json:"relationships"`
	ProductGroups    []rawGroup        `json:"product_groups"`
}

type rawBranch struct {
	Category string          `json:"category"`
	Name     string          `json:"name"`
	Product  *rawFullProduct `json:"product"`
	Branches []rawBranch     `json:"branches"`
}

type rawFullProduct struct {
	Name      string     `json:"name"`
	ProductID string     `json:"product_id"`
	Helper    *rawHelper `json:"product_identification_helper"`
}

type rawHelper struct {
	CPE           string   `json:"cpe"`
	PURL          string   `json:"purl"`
	ModelNumbers  []string `json:"model_numbers"`
	SKUs          []string `json:"skus"`
	SerialNumbers []string `json:"serial_numbers"`
}

type rawRelationship struct {
	Category                  string         `json:"category"`
	FullProductName           rawFullProduct `json:"full_product_name"`
	ProductReference          string         `json:"product_reference"`
	RelatesToProductReference string         `json:"relates_to_product_reference"`
}

type rawGroup struct {
	GroupID    string   `json:"group_id"`
	ProductIDs []string `json:"product_ids"`
	Summary    string   `json:"summary"`
}

type rawVuln struct {
	CVE string `json:"cve"`
	IDs []struct {
		SystemName string `json:"system_name"`
		Text       string `json:"text"`
	} `json:"ids"`
	Title         string              `json:"title"`
	ProductStatus map[string][]string `json:"product_status"`
	Remediations  []rawRemediation    `json:"remediations"`
	Scores        []rawScore          `json:"scores"`
}

type rawRemediation struct {
	Category   string   `json:"category"`
	Details    string   `json:"details"`
	URL        string   `json:"url"`
	Date       string   `json:"date"`
	ProductIDs []string `json:"product_ids"`
	GroupIDs   []string `json:"group_ids"`
}

type rawScore struct {
	CVSSv3   *rawCVSS `json:"cvss_v3"`
	CVSSv2   *rawCVSS `json:"cvss_v2"`
	Products []string `json:"products"`
}

type rawCVSS struct {
	Version      string   `json:"version"`
	VectorString string   `json:"vectorString"`
	BaseScore    *float64 `json:"baseScore"`
	BaseSeverity string   `json:"baseSeverity"`
}
