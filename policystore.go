package cordon

// PolicyService keeps the network policy: approved baselines, zones and
// rules. Placeholder while issue 6 is built: the policy work defines its
// methods.
type PolicyService interface{}
