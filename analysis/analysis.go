// Package analysis runs the whole passive pipeline over capture files:
// capture → decode → sensor (dissectors, flows) → inventory → classify. It is
// what `cordon analyze` prints and what the server ingests.
package analysis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/inventory"
	"github.com/cordonsec/cordon/oui"
	"github.com/cordonsec/cordon/sensor"
	"github.com/cordonsec/cordon/sensor/decode"
	"github.com/cordonsec/cordon/sensor/proto"
)

// Options configures an analysis.
type Options struct {
	Classifier *classify.Classifier
	// Progress, if set, is called now and then with the bytes read so far
	// and the total over all files.
	Progress func(done, total int64)
	Logger   *slog.Logger
	// Detect is what the hospital approves, which the detections check
	// traffic against (nil: approve nothing).
	Detect *detect.Config
	// NoDetect skips the detections (for measuring what they cost).
	NoDetect bool
}

// Result is what an analysis found.
type Result struct {
	Devices []*cordon.Device `json:"devices"`
	Stats   Stats            `json:"stats"`
	// Conversations are the hourly flows between devices, by device key.
	// They are for the register; `cordon analyze` does not print them.
	Conversations []cordon.Conversation `json:"-"`
	// Alerts are the guidance checks the traffic failed (package detect),
	// most severe first.
	Alerts []detect.Alert `json:"alerts"`
}

// Stats describes the input.
type Stats struct {
	Files    int      `json:"files"`
	Packets  uint64   `json:"packets"`
	Bytes    uint64   `json:"bytes"`
	Flows    uint64   `json:"flows"`
	Warnings []string `json:"warnings"`
	// Partial is true when some input was damaged (a truncated file): the
	// result holds everything before the damage.
	Partial bool `json:"partial"`
}

// maxDecodeWarnings bounds how many undecodable packets are described
// individually; the rest are counted.
const maxDecodeWarnings = 5

// Run analyses the capture files in order, as one continuous observation.
// A file that cannot be read at all is an error (naming the file and byte
// offset) and nothing is returned; a file that ends early adds a warning and
// sets Stats.Partial.
func Run(ctx context.Context, paths []string, opt Options) (*Result, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Classifier == nil {
		c, err := classify.New(nil)
		if err != nil {
			return nil, err
		}
		opt.Classifier = c
	}
	files := make([]*capture.File, 0, len(paths))
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var total int64
	for _, p := range paths {
		f, err := capture.Open(p)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		total += f.Size()
	}

	inv := inventory.New()
	var sink sensor.Sink = inv
	var det *detect.Detector
	if !opt.NoDetect {
		d, err := detect.New(inv, opt.Detect)
		if err != nil {
			return nil, err
		}
		det, sink = d, d
	}
	s := sensor.New(sensor.Config{
		Frames:    proto.Frames(),
		Datagrams: proto.Datagrams(),
		Streams:   proto.Streams(),
		Logger:    opt.Logger,
	}, sink)
	dec := decode.NewDecoder(decode.Config{})
	res := &Result{Stats: Stats{Files: len(files), Warnings: []string{}}}
	var done int64
	for _, f := range files {
		if err := readFile(ctx, f, dec, s, &res.Stats, func(pos int64) {
			if opt.Progress != nil {
				opt.Progress(done+pos, total)
			}
		}); err != nil {
			return nil, err
		}
		done += f.Size()
	}
	s.Flush()
	st := s.Stats()
	res.Stats.Flows = st.Flows

	res.Devices, res.Conversations = inv.Resolve(inventory.Options{Vendor: vendor, Virtual: virtual})
	for _, d := range res.Devices {
		opt.Classifier.Classify(d)
	}
	res.Alerts = []detect.Alert{}
	if det != nil {
		res.Alerts = det.Finish(res.Devices)
	}
	return res, nil
}

func virtual(m cordon.MAC) string {
	platform, _ := oui.Virtual(m)
	return platform
}

func vendor(m cordon.MAC) string {
	org, _ := oui.Lookup(m)
	return org
}

// readFile feeds one file through the decoder and the sensor.
func readFile(ctx context.Context, f *capture.File, dec *decode.Decoder, s *sensor.Sensor, st *Stats, progress func(int64)) error {
	var (
		p       capture.Packet
		pkt     decode.Packet
		bad     int
		unknown = map[capture.LinkType]bool{}
	)
	for n := 0; ; n++ {
		if n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress(f.Pos())
		}
		err := f.Next(&p)
		switch {
		case err == io.EOF:
			progress(f.Size())
			if bad > maxDecodeWarnings {
				st.Warnings = append(st.Warnings, fmt.Sprintf("%s: %d more packets could not be decoded", f.Name(), bad-maxDecodeWarnings))
			}
			return nil
		case errors.Is(err, capture.ErrTruncated):
			st.Warnings = append(st.Warnings, err.Error()+"; analysed the packets before it")
			st.Partial = true
			return nil
		case err != nil:
			return err
		}
		st.Packets++
		st.Bytes += uint64(p.OrigLen)
		if !p.Link.Supported() {
			if !unknown[p.Link] {
				unknown[p.Link] = true
				st.Warnings = append(st.Warnings, fmt.Sprintf("%s: byte %d: unsupported link type %d; packets of that interface skipped", f.Name(), p.Offset, uint32(p.Link)))
			}
			continue
		}
		if err := dec.Decode(p.Link, p.Time, p.Data, &pkt); err != nil {
			bad++
			if bad <= maxDecodeWarnings {
				st.Warnings = append(st.Warnings, fmt.Sprintf("%s: byte %d: packet not decoded: %v", f.Name(), p.Offset, err))
			}
			continue
		}
		s.Packet(p.Time, &pkt)
	}
}
