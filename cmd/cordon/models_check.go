package main

import (
	"context"

	"github.com/cordonsec/cordon/modeldoc"
)

// modelDocs returns the document service of the data directory, with the
// traffic and alerts it needs to check MDS2 forms.
func (s *store) modelDocs() *modeldoc.Service {
	return &modeldoc.Service{Models: s.models, Documents: s.documents, Devices: s.devices, Conversations: s.conversations,
		Findings: s.findings, Assessor: s.assessor, Alerts: s.alerts}
}

// checkContradictions holds the MDS2 of every model whose devices a
// capture just changed against their traffic, stores what contradicts it
// and raises an alert per device (when alerts are configured).
func checkContradictions(ctx context.Context, st *store, keys []string) error {
	if len(keys) == 0 || st.documents == nil || st.models == nil {
		return nil
	}
	return st.modelDocs().CheckDevices(ctx, keys)
}
