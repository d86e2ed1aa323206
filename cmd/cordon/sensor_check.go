package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cordonsec/cordon"
)

// A remote sensor that stops shipping (powered off, its link to the
// server down, its token revoked) leaves its site unmonitored, and says
// nothing: its batches simply stop. The server remembers when each sensor
// interface last shipped (store.IngestBatch touches it) and checks every
// minute for the silence.

// sensorCheckInterval is how often serve looks for silent sensors.
const sensorCheckInterval = time.Minute

// sensorSubject is the subject of a sensor interface's sensor_silent.
func sensorSubject(c cordon.SensorContact) string { return "sensor:" + c.Sensor + "/" + c.Interface }

// checkSensors raises sensor_silent for every sensor interface that has
// sent nothing for after, and resolves the alerts of those that ship
// again or were forgotten.
func checkSensors(ctx context.Context, st *store, after time.Duration) error {
	cs, err := st.sensorContacts.FindSensors(ctx)
	if err != nil {
		return err
	}
	now := st.db.Now()
	var keep []cordon.AlertKey
	for _, c := range cs {
		if !c.SilentAt(now, after) {
			continue
		}
		quiet := now.Sub(c.LastBatch)
		subject := sensorSubject(c)
		keep = append(keep, cordon.AlertKey{Subject: subject})
		if err := st.alerts.RaiseAlert(ctx, &cordon.Alert{Kind: cordon.AlertSensorSilent, Severity: cordon.AlertHigh, Subject: subject,
			Title: fmt.Sprintf("Remote sensor %s/%s has sent nothing for %s", c.Sensor, c.Interface, spoken(quiet)),
			Evidence: []string{fmt.Sprintf("Its last batch arrived at %s, after %d since %s. The sensor may be off, its link to "+
				"the server down or its token revoked; its site is not monitored until it ships again, and what its spool "+
				"holds arrives then. A sensor retired on purpose is forgotten on Captures.",
				c.LastBatch.UTC().Format(time.RFC3339), c.Batches, c.FirstSeen.UTC().Format(time.RFC3339))}}); err != nil {
			return err
		}
	}
	_, err = st.alerts.ResolveAlerts(ctx, cordon.AlertSensorSilent, keep, cordon.AlertScope{},
		"The sensor shipped a batch again, or was forgotten.")
	return err
}

// runSensorChecks runs checkSensors every sensorCheckInterval until ctx
// ends, logging failures.
func runSensorChecks(ctx context.Context, st *store, after time.Duration, logger *slog.Logger) {
	t := time.NewTicker(sensorCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := checkSensors(ctx, st, after); err != nil && ctx.Err() == nil {
			logger.Error("remote sensor check failed", slog.String("error", err.Error()))
		}
	}
}
