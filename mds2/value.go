package mds2

// ParseValue normalises an answer as written ("Yes", "no", "N/A", "See
// Note") to a Value, Unknown for free text. It lets a caller that stored a
// form's answers as written rebuild the Form, and so its Declarations,
// without the original file.
func ParseValue(raw string) Value {
	v, _ := parseValue(raw)
	return v
}
