package spool

import (
	"fmt"
	"strconv"
	"strings"
)

// A batch's file is named "SEQ-ID.json.gz": SEQ is 20 decimal digits, so
// that the names sort in the order the batches arrived (Put stamps it from
// the clock in nanoseconds, kept above every stamp already on disk), and ID
// is the batch's own ID. The spool's whole index is its file names: nothing
// else has to survive a restart.
const (
	seqDigits    = 20 // enough for any uint64
	idLen        = 32
	batchSuffix  = ".json.gz"
	batchNameLen = seqDigits + 1 + idLen + len(batchSuffix)

	// tempPrefix begins the names of batches still being written. Open
	// removes them: a write that was interrupted was never acknowledged
	// to the caller, and the name keeps them from being read as batches.
	tempPrefix = ".put-"

	rejectedDir = "rejected"
)

// formatName returns the file name of batch id stamped seq.
func formatName(seq uint64, id string) string {
	return fmt.Sprintf("%0*d-%s%s", seqDigits, seq, id, batchSuffix)
}

// parseName reads a file name of the spool back into its stamp and ID. It
// accepts only the names formatName makes, so that a stray file (an
// editor's backup, a copy made by hand) is never taken for a batch.
func parseName(name string) (seq uint64, id string, ok bool) {
	if len(name) != batchNameLen || !strings.HasSuffix(name, batchSuffix) || name[seqDigits] != '-' {
		return 0, "", false
	}
	digits := name[:seqDigits]
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, "", false
		}
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, "", false // past the largest uint64
	}
	id = name[seqDigits+1 : seqDigits+1+idLen]
	if !isID(id) {
		return 0, "", false
	}
	return seq, id, true
}

// isID reports whether s is a batch ID: 32 lowercase hex digits, as
// cordon.SensorBatch.Validate wants them. An ID the server would refuse is
// refused at Put, where the caller can still do something about it.
func isID(s string) bool {
	if len(s) != idLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// clip shortens s for a message or a log line.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary so that the result stays valid UTF-8.
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
