package cordon

// DocumentService keeps the manufacturer documents of device models (SBOM,
// MDS2, VEX) and what each says. Placeholder while issue 5 is built: the
// documents work defines its methods.
type DocumentService interface{}
