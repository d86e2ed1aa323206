package ui

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/cordonsec/cordon"
)

// reassessException re-assesses the devices an exception covers after it
// was created, changed or revoked, since its controls count in their
// risk: the device, or every device of the model. A failure is logged:
// the exception is saved, and the scores catch up at the next assessment.
func (h *Handler) reassessException(r *http.Request, e *cordon.Exception) {
	if h.cfg.Assessor == nil || e == nil {
		return
	}
	ids := []int64{e.DeviceID}
	if e.DeviceID == 0 {
		if h.cfg.Models == nil {
			return
		}
		var err error
		if ids, err = h.cfg.Models.FindModelDevices(r.Context(), e.ModelID); err != nil {
			h.log.Error("assess after exception change", slog.Int64("exception_id", e.ID), slog.String("error", err.Error()))
			return
		}
	}
	if len(ids) == 0 {
		return
	}
	// Like the finding handlers: to the end even if the browser goes away.
	if err := h.cfg.Assessor.Assess(context.WithoutCancel(r.Context()), ids); err != nil {
		h.log.Error("assess after exception change", slog.Int64("exception_id", e.ID),
			slog.Int("devices", len(ids)), slog.String("error", err.Error()))
	}
}
