package cordon

// ExceptionService keeps exceptions and the compensating controls of
// devices that cannot be fixed. Placeholder while issue 5 is built: the
// exceptions work defines its methods.
type ExceptionService interface{}
