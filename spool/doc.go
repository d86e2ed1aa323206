// Package spool keeps a remote sensor's batches on disk until the central
// server has them.
//
// A sensor at a site ships each flush interval to the central server as a
// cordon.SensorBatch. Site links and central servers go down, and sensors
// restart; a batch held only in memory would be lost with them. So every
// batch is first written to a spool directory (Dir.Put: gzipped, fsynced,
// renamed into place, the directory fsynced), and a Shipper sends the
// files, oldest first, removing each only once the server has answered
// that it stored it. A batch the server answers twice for (the first
// answer was lost) is recognised there by its ID and not counted again, so
// shipping at least once is enough.
//
// A sensor must never fill its disk: a full disk would stop the capture
// and everything else on the host. The spool is therefore bounded
// (Options.MaxBytes), and when a new batch would pass the bound the oldest
// batches are dropped, counted and logged. Losing the oldest minutes of an
// outage is the lesser harm; the newest minutes say what the network looks
// like now.
//
// Batches the server will never accept (400, 413, 422) and files that
// cannot be read back are not retried forever, which would hold back all
// the batches behind them: they are moved to the rejected/ subdirectory
// for someone to look at, itself bounded (Options.MaxRejectedBytes).
//
// One process owns a spool directory at a time, and one Shipper per Dir
// runs; the package does not lock the directory against a second process.
package spool
