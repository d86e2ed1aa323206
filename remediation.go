package cordon

// RemediationService tracks each fix from publication through manufacturer
// validation to deployment. Placeholder while issue 5 is built: the
// remediation work defines its methods.
type RemediationService interface{}
