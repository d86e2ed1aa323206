package cordon

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func validBatch() *SensorBatch {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	d := &Device{MAC: MAC{0x00, 0x1b, 0x21, 0, 0, 1}, IPs: []string{"10.30.1.11"}}
	return &SensorBatch{
		ID: "0123456789abcdef0123456789abcdef", Interface: "eth1", Start: t0, End: t0.Add(time.Minute),
		Devices:       []*Device{d},
		Conversations: []Conversation{{Client: DeviceKey(d), Server: "ip:10.40.0.5", Proto: "tcp", Port: 104, Hour: t0}},
		Alerts:        []SensorAlert{{DeviceKey: DeviceKey(d), Kind: "smbv1", Severity: AlertMedium, Title: "Speaks SMB1"}},
	}
}

func TestSensorBatchValidate(t *testing.T) {
	if err := validBatch().Validate(); err != nil {
		t.Fatalf("valid batch: %v", err)
	}
	for name, tc := range map[string]struct {
		change func(b *SensorBatch)
		field  string
	}{
		"ShortID":        {func(b *SensorBatch) { b.ID = "abc" }, "id"},
		"UpperID":        {func(b *SensorBatch) { b.ID = strings.ToUpper(b.ID) }, "id"},
		"Interface":      {func(b *SensorBatch) { b.Interface = "eth 1" }, "interface"},
		"Backwards":      {func(b *SensorBatch) { b.End = b.Start.Add(-time.Second) }, "end"},
		"TooLong":        {func(b *SensorBatch) { b.End = b.Start.Add(25 * time.Hour) }, "end"},
		"NilDevice":      {func(b *SensorBatch) { b.Devices = append(b.Devices, nil) }, "devices[1]"},
		"KeylessDevice":  {func(b *SensorBatch) { b.Devices = append(b.Devices, &Device{}) }, "devices[1]"},
		"RepeatedDevice": {func(b *SensorBatch) { b.Devices = append(b.Devices, b.Devices[0]) }, "devices[1]"},
		"Proto":          {func(b *SensorBatch) { b.Conversations[0].Proto = "sctp" }, "conversations[0].proto"},
		"Hour":           {func(b *SensorBatch) { b.Conversations[0].Hour = b.Start.Add(time.Minute) }, "conversations[0].hour"},
		"NoServer":       {func(b *SensorBatch) { b.Conversations[0].Server = "" }, "conversations[0]"},
		"StrangerAlert":  {func(b *SensorBatch) { b.Alerts[0].DeviceKey = "mac:00:00:00:00:00:09" }, "alerts[0].device_key"},
		"AlertSeverity":  {func(b *SensorBatch) { b.Alerts[0].Severity = "urgent" }, "alerts[0]"},
		"NegativeSilent": {func(b *SensorBatch) { b.Health.SilentAfter = -time.Second }, "health.silent_after"},
	} {
		t.Run(name, func(t *testing.T) {
			b := validBatch()
			tc.change(b)
			err := b.Validate()
			if ErrorCode(err) != EINVALID || ErrorField(err) != tc.field {
				t.Errorf("Validate = %v (field %q), want EINVALID on %q", err, ErrorField(err), tc.field)
			}
		})
	}
}

// FuzzSensorBatchValidate: whatever a sensor sends, Validate answers
// without panicking, with EINVALID and a field when it refuses, and a
// batch it accepts is still accepted after a round trip through JSON.
func FuzzSensorBatchValidate(f *testing.F) {
	good, _ := json.Marshal(validBatch())
	f.Add(good)
	f.Add([]byte(`{"id":"0123456789abcdef0123456789abcdef","interface":"eth1","start":"2026-11-02T09:00:00Z","end":"2026-11-02T09:01:00Z","devices":[null]}`))
	f.Add([]byte(`{"alerts":[{"device_key":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b SensorBatch
		if json.Unmarshal(data, &b) != nil {
			return
		}
		err := b.Validate()
		if err != nil {
			if ErrorCode(err) != EINVALID || ErrorField(err) == "" {
				t.Fatalf("refusal %v has code %q, field %q", err, ErrorCode(err), ErrorField(err))
			}
			return
		}
		again, err := json.Marshal(&b)
		if err != nil {
			t.Fatal(err)
		}
		var b2 SensorBatch
		if err := json.Unmarshal(again, &b2); err != nil {
			t.Fatal(err)
		}
		if err := b2.Validate(); err != nil {
			t.Fatalf("accepted, then refused after a round trip: %v", err)
		}
	})
}
