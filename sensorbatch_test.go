package cordon

import (
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
