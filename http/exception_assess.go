package http

import (
	"log/slog"
	"net/http"

	"github.com/cordonsec/cordon"
)

// reassessException re-assesses the devices an exception covers after it
// was created, changed or revoked, since its controls count in their
// risk: the device, or every device of the model. A failure is logged,
// not returned: the exception is stored and audited, and the scores
// catch up at the next assessment.
func (s *Server) reassessException(r *http.Request, e *cordon.Exception) {
	if s.Assessor == nil || e == nil {
		return
	}
	ids := []int64{e.DeviceID}
	if e.DeviceID == 0 {
		if s.ModelService == nil {
			return
		}
		var err error
		if ids, err = s.ModelService.FindModelDevices(r.Context(), e.ModelID); err != nil {
			logFrom(r).Error("assess after exception change", slog.Int64("exception_id", e.ID), slog.String("error", err.Error()))
			return
		}
	}
	if len(ids) == 0 {
		return
	}
	if err := s.assess(r.Context(), ids); err != nil {
		logFrom(r).Error("assess after exception change", slog.Int64("exception_id", e.ID),
			slog.Int("devices", len(ids)), slog.String("error", err.Error()))
	}
}
