package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// FindRemoteSessions reads the candidates from the partial index of
// migration 0011 alone. SQLite uses that index only while the query's
// condition (remoteCandidate, built from cordon.RemoteApps and
// cordon.RemotePorts) is the index's own, so this fails when those lists
// change without a migration that rebuilds the index: the answers would
// stay right but every conversation would be read again.
func TestRemoteCandidateIndex(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "cordon.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, f := range map[string]cordon.RemoteSessionFilter{
		"All":   {},
		"Since": {Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(name, func(t *testing.T) {
			q, args := remoteSessionsQuery(f, maxRemoteSessions)
			rows, err := db.write.Query("EXPLAIN QUERY PLAN "+q, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(plan, "\n"), "SCAN c USING COVERING INDEX conversations_remote") {
				t.Errorf("the query does not read the conversations through conversations_remote:\n%s", strings.Join(plan, "\n"))
			}
		})
	}
}

// remoteCandidate selects exactly the conversations cordon.RemoteMethod
// names a method for: what the index leaves out, FindRemoteSessions never
// sees.
func TestRemoteCandidate_SameAsRemoteMethod(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "cordon.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	apps := append(cordon.RemoteApps(), "", "tls", "TLS", "RDP", "Ssh", "http", "dicom", "hl7", "rdp2", "it's")
	ports := append(cordon.RemotePorts(), 0, 80, 443, 104, 2575, 3390, 65535)
	for _, app := range apps {
		for _, port := range ports {
			var got bool
			if err := db.write.QueryRow(`SELECT `+remoteCandidate("c.")+` FROM (SELECT ? AS app, ? AS port) c`, app, port).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := cordon.RemoteMethod(app, port) != ""; got != want {
				t.Errorf("app %q, port %d: candidate %v, RemoteMethod %q", app, port, got, cordon.RemoteMethod(app, port))
			}
		}
	}
}
