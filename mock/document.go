package mock

import (
	"context"

	"github.com/cordonsec/cordon"
)

var _ cordon.DocumentService = (*DocumentService)(nil)

// DocumentService is a cordon.DocumentService whose methods call its
// function fields.
type DocumentService struct {
	ImportDocumentFn        func(ctx context.Context, d *cordon.ModelDocument, c *cordon.DocumentContent) error
	FindDocumentByIDFn      func(ctx context.Context, id int64) (*cordon.ModelDocument, error)
	FindDocumentsFn         func(ctx context.Context, f cordon.DocumentFilter) ([]*cordon.ModelDocument, int, error)
	FindDocumentContentFn   func(ctx context.Context, id int64) (*cordon.DocumentContent, error)
	DeleteDocumentFn        func(ctx context.Context, id int64) error
	FindModelEvidenceFn     func(ctx context.Context) ([]cordon.ModelEvidence, error)
	ApplyVEXFn              func(ctx context.Context, fs []cordon.VEXFinding) (int, error)
	ReplaceContradictionsFn func(ctx context.Context, modelID int64, cs []cordon.ModelContradiction) error
	FindContradictionsFn    func(ctx context.Context, modelID int64) ([]cordon.ModelContradiction, error)
}

// ImportDocument calls ImportDocumentFn.
func (s *DocumentService) ImportDocument(ctx context.Context, d *cordon.ModelDocument, c *cordon.DocumentContent) error {
	if s.ImportDocumentFn == nil {
		panic(unset("DocumentService.ImportDocument"))
	}
	return s.ImportDocumentFn(ctx, d, c)
}

// FindDocumentByID calls FindDocumentByIDFn.
func (s *DocumentService) FindDocumentByID(ctx context.Context, id int64) (*cordon.ModelDocument, error) {
	if s.FindDocumentByIDFn == nil {
		panic(unset("DocumentService.FindDocumentByID"))
	}
	return s.FindDocumentByIDFn(ctx, id)
}

// FindDocuments calls FindDocumentsFn.
func (s *DocumentService) FindDocuments(ctx context.Context, f cordon.DocumentFilter) ([]*cordon.ModelDocument, int, error) {
	if s.FindDocumentsFn == nil {
		panic(unset("DocumentService.FindDocuments"))
	}
	return s.FindDocumentsFn(ctx, f)
}

// FindDocumentContent calls FindDocumentContentFn.
func (s *DocumentService) FindDocumentContent(ctx context.Context, id int64) (*cordon.DocumentContent, error) {
	if s.FindDocumentContentFn == nil {
		panic(unset("DocumentService.FindDocumentContent"))
	}
	return s.FindDocumentContentFn(ctx, id)
}

// DeleteDocument calls DeleteDocumentFn.
func (s *DocumentService) DeleteDocument(ctx context.Context, id int64) error {
	if s.DeleteDocumentFn == nil {
		panic(unset("DocumentService.DeleteDocument"))
	}
	return s.DeleteDocumentFn(ctx, id)
}

// FindModelEvidence calls FindModelEvidenceFn.
func (s *DocumentService) FindModelEvidence(ctx context.Context) ([]cordon.ModelEvidence, error) {
	if s.FindModelEvidenceFn == nil {
		panic(unset("DocumentService.FindModelEvidence"))
	}
	return s.FindModelEvidenceFn(ctx)
}

// ApplyVEX calls ApplyVEXFn.
func (s *DocumentService) ApplyVEX(ctx context.Context, fs []cordon.VEXFinding) (int, error) {
	if s.ApplyVEXFn == nil {
		panic(unset("DocumentService.ApplyVEX"))
	}
	return s.ApplyVEXFn(ctx, fs)
}

// ReplaceContradictions calls ReplaceContradictionsFn.
func (s *DocumentService) ReplaceContradictions(ctx context.Context, modelID int64, cs []cordon.ModelContradiction) error {
	if s.ReplaceContradictionsFn == nil {
		panic(unset("DocumentService.ReplaceContradictions"))
	}
	return s.ReplaceContradictionsFn(ctx, modelID, cs)
}

// FindContradictions calls FindContradictionsFn.
func (s *DocumentService) FindContradictions(ctx context.Context, modelID int64) ([]cordon.ModelContradiction, error) {
	if s.FindContradictionsFn == nil {
		panic(unset("DocumentService.FindContradictions"))
	}
	return s.FindContradictionsFn(ctx, modelID)
}
