package proto

import "testing"

// LLMNR messages. The shared captures hold no LLMNR, so these are built by
// hand after RFC 4795 and what Windows sends: one question, class IN.
const (
	// A query for "ct-ws-07", type A.
	llmnrQuery = "8a2f00000001000000000000" + "0863742d77732d303700" + "00010001"
	// The answer from ct-ws-07 itself: A 10.1.2.3, the name compressed.
	llmnrResponse = "8a2f80000001000100000000" + "0863742d77732d303700" + "00010001" +
		"c00c00010001000001e00004" + "0a010203"
	// A negative answer (no records): says nothing about the responder.
	llmnrEmptyResponse = "8a2f80000001000000000000" + "0863742d77732d303700" + "00010001"
)

func TestLLMNR(t *testing.T) {
	querier := udpEnd(t, "00:1b:63:98:bf:36", "10.1.2.9", 61020)
	group := udpEnd(t, "01:00:5e:00:00:fc", "224.0.0.252", 5355)
	responder := udpEnd(t, "00:12:79:80:69:60", "10.1.2.3", 5355)
	tests := []datagramCase{
		{"Query", querier, group, llmnrQuery, true, []emitted{
			{querier, "llmnr.name", "ct-ws-07"},
		}},
		{"Response", responder, querier, llmnrResponse, true, []emitted{
			{responder, "llmnr.name", "ct-ws-07"},
		}},
		{"EmptyResponse", responder, querier, llmnrEmptyResponse, true, nil},
		{"TwoQuestions", querier, group, "8a2f00000002000000000000" + "0161000001000101620000010001", false, nil},
		{"NotLLMNR", querier, group, "00", false, nil},
	}
	runDatagramCases(t, LLMNR, tests)
}
