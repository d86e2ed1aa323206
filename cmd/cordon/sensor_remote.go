package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture/live"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/spool"
)

// A remote sensor dissects its site's traffic itself and ships each batch
// (devices, conversations, detections: never a packet) to the central
// server. Batches wait in a spool on local disk, so that a down link or
// server, or a restart, loses nothing; the sensor holds its traffic to
// the policy the server has approved, read again after every batch.

// remoteConfig is the remote sensor's flags.
type remoteConfig struct {
	server, tokenFile, spool string
	spoolMB                  int64
	token                    string // read by check, never printed
}

func (c *remoteConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.server, "server", "", "central server `URL` to ship batches to (https://cordon.example.org); without it, batches go into --data")
	fs.StringVar(&c.tokenFile, "token-file", "", "`file` holding a sensor-scoped API token for --server (else $CORDON_TOKEN)")
	fs.StringVar(&c.spool, "spool", "cordon-spool", "`directory` where batches wait until the server has them")
	fs.Int64Var(&c.spoolMB, "spool-max", 1024, "most `MiB` the spool keeps; past it the oldest batches are dropped")
}

// check refuses flags that do not go together and reads the token, so
// that a mistake is reported before the interface is opened.
func (c *remoteConfig) check(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case c.server == "" && (set["token-file"] || set["spool"] || set["spool-max"]):
		return &usageError{msg: "--token-file, --spool and --spool-max go with --server"}
	case c.server != "" && set["data"]:
		return &usageError{msg: "--data and --server are two ways to keep batches: choose one"}
	case c.spoolMB < 1:
		return &usageError{msg: "--spool-max must be at least 1 MiB"}
	case c.server == "":
		return nil
	}
	var err error
	c.token, err = readToken(c.tokenFile)
	return err
}

// runRemoteSensor captures from h and ships the batches to the server.
func runRemoteSensor(ctx context.Context, cfg *liveConfig, rc *remoteConfig, h *live.Handle, profiles string, stdout io.Writer, logger *slog.Logger) error {
	token := rc.token
	cl, err := newClassifier(profiles)
	if err != nil {
		return err
	}
	dir, err := spool.Open(rc.spool, spool.Options{MaxBytes: rc.spoolMB << 20, Logger: logger})
	if err != nil {
		return err
	}
	tok := &tokenFile{path: rc.tokenFile}
	tok.value.Store(&token)
	ship, err := spool.NewShipper(dir, spool.Config{Server: rc.server, Token: token, Logger: logger, Reload: tok.reload})
	if err != nil {
		return fmt.Errorf("--server: %s", cordon.ErrorMessage(err))
	}
	pc := &approvals{server: rc.server, token: tok.get}
	l := remoteLoop(cfg, h, cl, dir, pc, logger)
	l.stats = h.Stats
	if cfg.detect == nil {
		l.configSource = pc.config // the server's approvals, unless this site has its own file
	}
	shipCtx, stopShip := context.WithCancel(context.WithoutCancel(ctx))
	var shipped sync.WaitGroup
	shipped.Go(func() { ship.Run(shipCtx) })
	fmt.Fprintf(stdout, "Capturing on %s; shipping every %s to %s, through %s. Ctrl-C to stop.\n", cfg.iface, cfg.flush, rc.server, rc.spool)
	err = finishSensor(ctx, l, stdout)
	// The last batch is spooled: give the shipper a moment to send it,
	// then leave the rest for the next start.
	drain, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	for dir.Stats().Pending > 0 && drain.Err() == nil {
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	stopShip()
	shipped.Wait()
	st := ship.Stats()
	fmt.Fprintf(stdout, "spool: %d batches shipped, %d waiting in %s, %d rejected by the server, %d dropped\n",
		st.Shipped, dir.Stats().Pending, rc.spool, st.Rejected, st.Dropped)
	return err
}

// remoteLoop is a live loop whose batches go into dir, held to the policy
// pc reads.
func remoteLoop(cfg *liveConfig, src liveSource, cl *classify.Classifier, dir *spool.Dir, pc *approvals, logger *slog.Logger) *liveLoop {
	return &liveLoop{iface: cfg.iface, filter: cfg.filter, src: src, flush: cfg.flush, now: time.Now, logger: logger,
		detect: cfg.detect, classifier: cl, silentAfter: cfg.silentAfter, policySource: pc.check,
		deliver: func(_ context.Context, b *cordon.SensorBatch) (*cordon.Capture, error) {
			body, err := json.Marshal(b)
			if err == nil {
				err = dir.Put(b.ID, body)
			}
			if err != nil {
				return nil, err
			}
			st := dir.Stats()
			logger.Info("batch spooled", slog.String("batch_id", b.ID), slog.Int("devices", len(b.Devices)),
				slog.Uint64("packets", b.Stats.Packets), slog.Int("waiting", st.Pending))
			return nil, nil
		}}
}

// tokenFile is the sensor's token, read again from its file when the
// server refuses it, so that a token renewed on disk needs no restart.
type tokenFile struct {
	path  string // "" for $CORDON_TOKEN, read once
	value atomic.Pointer[string]
}

func (t *tokenFile) get() string { return *t.value.Load() }

// reload reads the file again and keeps what it holds.
func (t *tokenFile) reload() (string, error) {
	if t.path == "" {
		return t.get(), nil
	}
	v, err := readToken(t.path)
	if err != nil {
		return "", err
	}
	t.value.Store(&v)
	return v, nil
}

// approvals reads what the central server approved: the network policy
// and the detection config.
type approvals struct {
	server string
	token  func() string
	client *http.Client
}

// get reads path?query from the server into read; what names the
// document in errors.
func (p *approvals) get(ctx context.Context, path, query, what string, read func(io.Reader) error) error {
	u, err := url.JoinPath(strings.TrimRight(p.server, "/"), path)
	if err != nil {
		return err
	}
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.token())
	client := p.client
	if client == nil {
		client = &http.Client{Timeout: time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("reading the %s: %w", what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reading the %s: the server answered %s", what, resp.Status)
	}
	if err := read(io.LimitReader(resp.Body, 64<<20)); err != nil {
		return fmt.Errorf("the %s: %s", what, cordon.ErrorMessage(err))
	}
	return nil
}

// check fetches the approved policy as JSON and prepares its check; nil
// when it holds no device.
func (p *approvals) check(ctx context.Context) (detect.PolicyCheck, error) {
	var pol *policy.Policy
	err := p.get(ctx, "api/v1/policy/export", "format=json", "approved policy", func(r io.Reader) (err error) {
		pol, err = policy.ReadPolicy(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if e := policy.NewEnforcer(pol, false); e.Holds() > 0 {
		return e, nil
	}
	return nil, nil
}

// config fetches what the server's detections approve: internet
// endpoints, file servers, jump hosts. An empty config when it has none.
func (p *approvals) config(ctx context.Context) (*detect.Config, error) {
	var c *detect.Config
	err := p.get(ctx, "api/v1/sensor/config", "", "detection config", func(r io.Reader) error {
		var doc struct {
			Detect json.RawMessage `json:"detect"`
		}
		if err := json.NewDecoder(r).Decode(&doc); err != nil {
			return cordon.Errorf(cordon.EINVALID, "%v", err)
		}
		if len(doc.Detect) == 0 || string(doc.Detect) == "null" {
			c = &detect.Config{}
			return nil
		}
		var err error
		c, err = detect.ParseConfig(doc.Detect)
		return err
	})
	return c, err
}
