-- Remote-access candidates among the conversations, for FindRemoteSessions
-- (sqlite/supplier_remote.go). They are about 2 % of a hospital's
-- conversation-hours, yet without this index the query read every
-- conversation of every device (1,000,000 rows for 30 days of a large
-- trust). The index holds only the candidates, in the order the query
-- groups them, with the counts it sums, so the query reads the index alone
-- and sorts nothing to group.
--
-- SQLite uses a partial index only when the query's condition is the same
-- expression as the index's, so the WHERE below is remoteCandidate("") of
-- supplier_remote.go, written out from cordon.RemoteApps and
-- cordon.RemotePorts: a flow labelled remote access, or unlabelled (or
-- labelled only TLS) on a remote-access port. TestRemoteCandidateIndex
-- fails when those lists change without a new migration that rebuilds the
-- index. CASE rather than IN lists: SQLite evaluates the condition on every
-- conversation written, and an IN list of more than two constants costs a
-- temporary table each time.
CREATE INDEX conversations_remote ON conversations (client, server, proto, port, app, hour, flows, bytes)
	WHERE CASE lower(app)
		WHEN 'anydesk' THEN 1 WHEN 'rdp' THEN 1 WHEN 'rfb' THEN 1 WHEN 'ssh' THEN 1
		WHEN 'teamviewer' THEN 1 WHEN 'telnet' THEN 1 WHEN 'vnc' THEN 1
		WHEN '' THEN CASE port
			WHEN 22 THEN 1 WHEN 23 THEN 1 WHEN 3389 THEN 1 WHEN 5900 THEN 1 WHEN 5901 THEN 1
			WHEN 5902 THEN 1 WHEN 5903 THEN 1 WHEN 5938 THEN 1 WHEN 6568 THEN 1 WHEN 7070 THEN 1
			ELSE 0 END
		WHEN 'tls' THEN CASE port
			WHEN 22 THEN 1 WHEN 23 THEN 1 WHEN 3389 THEN 1 WHEN 5900 THEN 1 WHEN 5901 THEN 1
			WHEN 5902 THEN 1 WHEN 5903 THEN 1 WHEN 5938 THEN 1 WHEN 6568 THEN 1 WHEN 7070 THEN 1
			ELSE 0 END
		ELSE 0 END;
