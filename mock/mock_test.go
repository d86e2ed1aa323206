package mock_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/mock"
)

func TestFunctionFields(t *testing.T) {
	want := cordon.Errorf(cordon.ENOTFOUND, "No such device.")
	s := &mock.DeviceService{FindDeviceByIDFn: func(_ context.Context, id int64) (*cordon.DeviceRecord, error) {
		if id != 7 {
			t.Errorf("id = %d", id)
		}
		return nil, want
	}}
	if _, err := s.FindDeviceByID(context.Background(), 7); !errors.Is(err, want) {
		t.Errorf("err = %v", err)
	}
}

func TestUnsetPanicsWithName(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "UserService.CountUsers") {
			t.Errorf("recover() = %v", r)
		}
	}()
	var s mock.UserService
	s.CountUsers(context.Background())
}

func TestIngesterUnsetIsNoop(t *testing.T) {
	var i mock.Ingester
	i.Enqueue(1)
}
