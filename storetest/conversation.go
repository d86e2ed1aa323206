package storetest

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func testConversations(t *testing.T, open func(tb testing.TB) *Store) {
	ws := NewDevice("3c:52:82:aa:00:03", "10.2.0.7", cordon.CategoryWorkstation)
	pacs := NewDevice("00:50:56:aa:00:04", "10.0.0.5", cordon.CategoryMedicalServer)
	dicom := func(hour time.Time, bytes uint64) cordon.Conversation {
		return cordon.Conversation{Client: Key(ws), Server: Key(pacs), Proto: "tcp", Port: 104, App: "dicom", Hour: hour, Flows: 1, Packets: 10, Bytes: bytes}
	}
	web := cordon.Conversation{Client: Key(ws), Server: "ip:93.184.216.34", Proto: "tcp", Port: 443, App: "tls", Hour: Epoch, Flows: 3, Packets: 30, Bytes: 300}

	e := setup(t, open)
	e.ingest(t, "mon.pcap", Devices(ws, pacs), []cordon.Conversation{dicom(Epoch, 1000), web})
	// The same hour again adds to it; a later hour is summed in queries.
	e.ingest(t, "tue.pcap", Devices(ws, pacs), []cordon.Conversation{dicom(Epoch, 500), dicom(Epoch.Add(time.Hour), 250)})

	t.Run("SummedBusiestFirst", func(t *testing.T) {
		cs, err := e.Conversations.FindConversations(e.sys, cordon.ConversationFilter{})
		must(t, err)
		if len(cs) != 2 {
			t.Fatalf("got %d conversations, want 2: %+v", len(cs), cs)
		}
		if c := cs[0]; c.App != "dicom" || c.Bytes != 1750 || c.Flows != 3 || !c.Hour.Equal(Epoch.Add(time.Hour)) {
			t.Errorf("dicom = %+v", c)
		}
	})
	t.Run("ByDeviceEitherEnd", func(t *testing.T) {
		cs, err := e.Conversations.FindConversations(e.sys, cordon.ConversationFilter{Device: Key(pacs)})
		must(t, err)
		if len(cs) != 1 || cs[0].Server != Key(pacs) {
			t.Errorf("got %+v", cs)
		}
	})
	t.Run("TimeRange", func(t *testing.T) {
		cs, err := e.Conversations.FindConversations(e.sys, cordon.ConversationFilter{Since: Epoch.Add(time.Hour)})
		must(t, err)
		if len(cs) != 1 || cs[0].Bytes != 250 {
			t.Errorf("got %+v", cs)
		}
	})
	t.Run("Limit", func(t *testing.T) {
		cs, err := e.Conversations.FindConversations(e.sys, cordon.ConversationFilter{Limit: 1})
		must(t, err)
		if len(cs) != 1 {
			t.Errorf("got %d", len(cs))
		}
	})
	t.Run("Each", func(t *testing.T) {
		// The same sums as FindConversations, unbounded, in any order.
		var got []cordon.Conversation
		must(t, e.Conversations.EachConversation(e.sys, cordon.ConversationFilter{Limit: 1}, func(c cordon.Conversation) error {
			got = append(got, c)
			return nil
		}))
		want, err := e.Conversations.FindConversations(e.sys, cordon.ConversationFilter{})
		must(t, err)
		slices.SortFunc(got, func(a, b cordon.Conversation) int { return cmp.Compare(b.Bytes, a.Bytes) })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("EachConversation = %+v\nwant %+v", got, want)
		}
		stop := errors.New("enough")
		calls := 0
		err = e.Conversations.EachConversation(e.sys, cordon.ConversationFilter{Device: Key(ws)}, func(cordon.Conversation) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("stopping: err %v after %d calls, want the callback's error after 1", err, calls)
		}
	})
}
