package assess

import (
	"context"
	"fmt"

	"github.com/cordonsec/cordon"
)

// plans are the active exceptions of a run, by device. Loading them once
// per run keeps a full assessment to one read of the exceptions rather
// than one plan per device; a device's list is what DevicePlan returns
// for it: its own exceptions and its model's.
type plans struct {
	byDevice map[int64][]*cordon.Exception
	// perDevice is set when model exceptions exist but the Runner has no
	// ModelService to say which devices they cover: each device's plan is
	// then read with DevicePlan.
	perDevice cordon.ExceptionService
}

// loadPlans reads the active exceptions once for the run. It returns nil
// when the Runner has no ExceptionService.
func (r *Runner) loadPlans(ctx context.Context) (*plans, error) {
	if r.Exceptions == nil {
		return nil, nil
	}
	p := &plans{byDevice: map[int64][]*cordon.Exception{}}
	var models []*cordon.Exception
	for off := 0; ; off += pageFindings {
		es, _, err := r.Exceptions.FindExceptions(ctx, cordon.ExceptionFilter{State: cordon.ExceptionActive, Offset: off, Limit: pageFindings})
		if err != nil {
			return nil, fmt.Errorf("assess: find exceptions: %w", err)
		}
		for _, e := range es {
			if e.DeviceID != 0 {
				p.byDevice[e.DeviceID] = append(p.byDevice[e.DeviceID], e)
			} else {
				models = append(models, e)
			}
		}
		if len(es) < pageFindings {
			break
		}
	}
	if len(models) == 0 {
		return p, nil
	}
	if r.Models == nil {
		return &plans{perDevice: r.Exceptions}, nil
	}
	devices := map[int64][]int64{}
	for _, e := range models {
		ids, ok := devices[e.ModelID]
		if !ok {
			var err error
			if ids, err = r.Models.FindModelDevices(ctx, e.ModelID); err != nil {
				return nil, fmt.Errorf("assess: devices of model %d: %w", e.ModelID, err)
			}
			devices[e.ModelID] = ids
		}
		for _, id := range ids {
			p.byDevice[id] = append(p.byDevice[id], e)
		}
	}
	return p, nil
}

// of returns the active exceptions covering a device.
func (p *plans) of(ctx context.Context, deviceID int64) ([]*cordon.Exception, error) {
	switch {
	case p == nil:
		return nil, nil
	case p.perDevice != nil:
		plan, err := p.perDevice.DevicePlan(ctx, deviceID)
		if cordon.ErrorCode(err) == cordon.ENOTFOUND {
			return nil, nil // deleted since it was queued
		}
		if err != nil {
			return nil, fmt.Errorf("assess: plan of device %d: %w", deviceID, err)
		}
		return plan.Exceptions, nil
	}
	return p.byDevice[deviceID], nil
}
