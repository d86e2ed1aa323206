package cordon

// LifecycleService keeps each device's commissioning, planned replacement
// and decommissioning. Placeholder while issue 5 is built: the lifecycle
// work defines its methods.
type LifecycleService interface{}
