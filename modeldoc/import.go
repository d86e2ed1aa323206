package modeldoc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cordonsec/cordon"
)

// Service imports manufacturer documents and acts on them: a new SBOM or
// VEX re-assesses the model's devices (the assessor adds the SBOM's
// software and applies the statements), a new MDS2 is held against the
// devices' traffic. Models and Documents are required; the others may be
// nil, and what needs them is then skipped.
type Service struct {
	Models        cordon.ModelService
	Documents     cordon.DocumentService
	Devices       cordon.DeviceService
	Conversations cordon.ConversationService
	Findings      cordon.FindingService
	Assessor      cordon.Assessor
	Alerts        cordon.AlertService
	Now           func() time.Time
}

// Result says what an import stored and what it changed.
type Result struct {
	Document *cordon.ModelDocument `json:"document"`
	// Unchanged is true when the model had the same file already;
	// Document is then the earlier import and nothing changed.
	Unchanged bool `json:"unchanged"`
	// Replaced is the SBOM that was current before a new one, if any, with
	// the components the new one adds and drops by name and version.
	Replaced *cordon.ModelDocument `json:"replaced,omitempty"`
	Added    []string              `json:"added,omitempty"`
	Dropped  []string              `json:"dropped,omitempty"`
	// Devices is how many devices of the model were re-assessed.
	Devices int `json:"devices"`
	// VEXFindings counts the findings of the model's devices whose status
	// this document set (VEX only, after the re-assessment).
	VEXFindings int `json:"vex_findings"`
	// Contradictions are those the model's traffic shows (MDS2 only, and
	// only when the traffic can be read).
	Contradictions []cordon.ModelContradiction `json:"contradictions,omitempty"`
}

// Import reads data (kind "" to detect it) and stores it as a document of
// model modelID, then acts on it. A file the model already has gives a
// Result with Unchanged set and no error.
func (s *Service) Import(ctx context.Context, modelID int64, name, kind string, data []byte) (*Result, error) {
	if _, err := s.Models.FindModelByID(ctx, modelID); err != nil {
		return nil, err
	}
	d, c, err := Read(modelID, name, kind, data)
	if err != nil {
		return nil, err
	}
	res := &Result{Document: d}
	var before []cordon.ModelComponent
	if d.Kind == cordon.DocumentSBOM {
		if res.Replaced, before, err = s.currentSBOM(ctx, modelID); err != nil {
			return nil, err
		}
	}
	if err := s.Documents.ImportDocument(ctx, d, c); err != nil {
		if cordon.ErrorCode(err) == cordon.ECONFLICT && d.ID != 0 {
			return &Result{Document: d, Unchanged: true}, nil
		}
		return nil, err
	}
	if res.Replaced != nil {
		res.Added, res.Dropped = diffComponents(before, c.Components)
	}
	devices, err := s.Models.FindModelDevices(ctx, modelID)
	if err != nil {
		return res, err
	}
	switch d.Kind {
	case cordon.DocumentSBOM, cordon.DocumentVEX:
		if s.Assessor != nil && len(devices) > 0 {
			if err := s.Assessor.Assess(context.WithoutCancel(ctx), devices); err != nil {
				return res, fmt.Errorf("modeldoc: assess the model's devices: %w", err)
			}
			res.Devices = len(devices)
		}
		if d.Kind == cordon.DocumentVEX && s.Findings != nil {
			if res.VEXFindings, err = s.countVEX(ctx, devices, "vex:"+d.FileName); err != nil {
				return res, err
			}
		}
	case cordon.DocumentMDS2:
		if res.Contradictions, err = s.Check(ctx, modelID); err != nil && !errors.Is(err, errNoTraffic) {
			return res, err
		}
	}
	return res, nil
}

// currentSBOM returns the model's current SBOM and its components, or nil.
func (s *Service) currentSBOM(ctx context.Context, modelID int64) (*cordon.ModelDocument, []cordon.ModelComponent, error) {
	docs, _, err := s.Documents.FindDocuments(ctx, cordon.DocumentFilter{ModelID: modelID, Kind: cordon.DocumentSBOM, Limit: 1000})
	if err != nil {
		return nil, nil, err
	}
	for _, d := range docs {
		if d.Current {
			c, err := s.Documents.FindDocumentContent(ctx, d.ID)
			if err != nil {
				return nil, nil, err
			}
			return d, c.Components, nil
		}
	}
	return nil, nil, nil
}

// diffComponents names the components (name and version) in b and not in
// a, and in a and not in b.
func diffComponents(a, b []cordon.ModelComponent) (added, dropped []string) {
	key := func(c cordon.ModelComponent) string {
		if c.Version == "" {
			return c.Name
		}
		return c.Name + " " + c.Version
	}
	keys := func(list []cordon.ModelComponent) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, c := range list {
			m[key(c)] = true
		}
		return m
	}
	// only lists, in order and once each, the keys of from that other lacks.
	only := func(from []cordon.ModelComponent, other map[string]bool) []string {
		var out []string
		seen := map[string]bool{}
		for _, c := range from {
			if k := key(c); !other[k] && !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
		return out
	}
	return only(b, keys(a)), only(a, keys(b))
}

// countVEX counts the findings of the devices whose status was set by.
func (s *Service) countVEX(ctx context.Context, devices []int64, by string) (int, error) {
	n := 0
	for _, id := range devices {
		for off := 0; ; {
			fs, total, err := s.Findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: id, Sort: "cve", Offset: off, Limit: 1000})
			if err != nil {
				return 0, err
			}
			for _, f := range fs {
				if f.Status.By == by {
					n++
				}
			}
			off += len(fs)
			if len(fs) == 0 || off >= total {
				break
			}
		}
	}
	return n, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
