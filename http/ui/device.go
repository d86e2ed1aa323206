package ui

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// deviceConversations bounds the communications listed on a device page.
const deviceConversations = 50

// identityRow is one conclusion about a device with the reasons for it.
type identityRow struct {
	Field, Value string
	Confidence   float64
	Reasons      []cordon.Reason
}

// conversationRow is one line of a device's communications.
type conversationRow struct {
	Peer, PeerURL, Direction, Service string
	Flows, Bytes                      uint64
	Hour                              time.Time
}

// devicePage is the data of a device's page.
type devicePage struct {
	page
	Device      *cordon.DeviceRecord
	Row         deviceRow
	Observed    *cordon.Device
	Identity    []identityRow
	Evidence    []cordon.Evidence
	Differences []cordon.Difference
	Form        []formGroup
	FormError   string
	Saved       bool
	// CommsAvailable is false when the server has no conversation store
	// yet; Conversations is then empty.
	CommsAvailable bool
	Conversations  []conversationRow
	// History is the device's addresses and names over time.
	History *cordon.DeviceHistory
	// Vulns is the "Vulnerabilities and support" section.
	Vulns *deviceVulns
	// Exceptions is the "Exceptions and mitigation plan" section.
	Exceptions *deviceExceptions
	// Lifecycle is the "Lifecycle" section.
	Lifecycle *deviceLifecycle
	// Model is the device model it belongs to, nil when none (or models
	// are not configured: ModelsAvailable is then false); ModelHow says
	// whether discovery or a person put it there.
	ModelsAvailable bool
	Model           *cordon.DeviceModel
	ModelHow        string
	// Guidance is the "Guidance checks" section (guidance.go), nil
	// without a conversation store.
	Guidance *deviceGuidanceSection
	// Policy is the "Network policy" section (policy_device.go), nil
	// when the policy is not configured.
	Policy *deviceNetPolicy
}

// deviceID reads the {id} path value; a malformed one is a missing device.
func deviceID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("device")
	}
	return id, nil
}

func (h *Handler) handleDeviceView(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, err := deviceID(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	d, err := h.cfg.Devices.FindDeviceByID(r.Context(), id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		err = notFound("device")
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p, err := h.devicePage(r, u, d, d.Recorded, nil)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Saved = r.URL.Query().Get("saved") == "1"
	h.render(w, r, http.StatusOK, "device", p)
}

func (h *Handler) handleDeviceUpdate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, err := deviceID(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	rec, errs := parseRecorded(r.PostForm)
	ctx := r.Context()
	if len(errs) == 0 {
		_, err := h.cfg.Devices.UpdateRecorded(ctx, id, rec)
		switch cordon.ErrorCode(err) {
		case "":
			// Post/redirect/get, so a reload does not post again.
			http.Redirect(w, r, "/devices/"+strconv.FormatInt(id, 10)+"?saved=1#recorded", http.StatusSeeOther)
			return
		case cordon.EINVALID:
			errs[""] = cordon.ErrorMessage(err)
		case cordon.ENOTFOUND:
			h.renderError(w, r, notFound("device"))
			return
		default:
			h.renderError(w, r, err)
			return
		}
	}
	d, err := h.cfg.Devices.FindDeviceByID(ctx, id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		err = notFound("device")
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	// Re-render with what was typed, not what is stored.
	p, err := h.devicePage(r, u, d, rec, errs)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.FormError = errs[""]
	if p.FormError == "" {
		p.FormError = "Some fields need attention; nothing was saved."
	}
	h.render(w, r, http.StatusBadRequest, "device", p)
}

// devicePage gathers a device page; form holds the values to show in the
// recorded-fields form.
func (h *Handler) devicePage(r *http.Request, u *cordon.User, d *cordon.DeviceRecord, form cordon.Recorded, errs map[string]string) (*devicePage, error) {
	row := newDeviceRow(d)
	p := &devicePage{page: h.base(r, u, row.Name, "devices"), Device: d, Row: row, Observed: d.Observed,
		Differences: cordon.Differences(d), Form: recordedForm(&form, errs)}
	if o := d.Observed; o != nil {
		p.Identity = identityRows(o)
		p.Evidence = slices.Clone(o.Evidence)
		slices.SortStableFunc(p.Evidence, func(a, b cordon.Evidence) int {
			return strings.Compare(a.Fact, b.Fact)
		})
	}
	if d.Observed != nil {
		hist, err := h.cfg.Devices.FindDeviceHistory(r.Context(), d.ID)
		if err != nil {
			return nil, err
		}
		p.History = hist
	}
	var err error
	if p.Vulns, err = h.deviceVulns(r.Context(), d.ID); err != nil {
		return nil, err
	}
	if p.Exceptions, err = h.deviceExceptions(r, u, d.ID); err != nil {
		return nil, err
	}
	if p.Lifecycle, err = h.deviceLifecycleOf(r, u, d.ID); err != nil {
		return nil, err
	}
	if h.cfg.Models != nil {
		// The model page is where the device's documents, plan and fixes
		// are kept, once for every device of the model.
		p.ModelsAvailable = true
		p.Model, p.ModelHow, err = h.cfg.Models.ModelOfDevice(r.Context(), d.ID)
		if cordon.ErrorCode(err) == cordon.ENOTFOUND {
			p.Model, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	if p.Guidance, err = h.deviceGuidance(r.Context(), d.ID); err != nil {
		return nil, err
	}
	if p.Policy, err = h.deviceNetworkPolicy(r.Context(), d.ID, d.Key); err != nil {
		return nil, err
	}
	if h.cfg.Conversations != nil {
		p.CommsAvailable = true
		if p.Conversations, err = h.conversationsOf(r.Context(), d.Key); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// identityRows lists the conclusions about a device, each with the reasons
// the classifier gave for it.
func identityRows(o *cordon.Device) []identityRow {
	rows := []identityRow{
		{Field: "category", Value: categoryLabel(o.Category)},
		{Field: "manufacturer", Value: o.Manufacturer},
		{Field: "model", Value: o.Model},
		{Field: "modality", Value: o.Modality},
		{Field: "os", Value: osName(o.OS)},
	}
	for i := range rows {
		for _, rs := range o.Reasons {
			if rs.Field == rows[i].Field {
				rows[i].Reasons = append(rows[i].Reasons, rs)
				rows[i].Confidence = max(rows[i].Confidence, rs.Confidence)
			}
		}
	}
	// Hide empty conclusions that nothing supports: a workstation has no
	// modality and that is not news.
	return slices.DeleteFunc(rows, func(r identityRow) bool { return r.Value == "" && len(r.Reasons) == 0 })
}

// conversationsOf lists a device's communications, naming the other end by
// its address.
func (h *Handler) conversationsOf(ctx context.Context, key string) ([]conversationRow, error) {
	if key == "" {
		return nil, nil
	}
	cs, err := h.cfg.Conversations.FindConversations(ctx, cordon.ConversationFilter{Device: key, Limit: deviceConversations})
	if err != nil {
		return nil, err
	}
	// Name the other ends as the register knows them, in one query.
	var keys []string
	for _, c := range cs {
		keys = append(keys, c.Client, c.Server)
	}
	peers := map[string]*cordon.DeviceRecord{}
	if len(keys) > 0 {
		ds, _, err := h.cfg.Devices.FindDevices(ctx, cordon.DeviceFilter{Keys: keys, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			peers[d.Key] = d
		}
	}
	rows := make([]conversationRow, 0, len(cs))
	for _, c := range cs {
		row := conversationRow{Direction: "to", Flows: c.Flows, Bytes: c.Bytes, Hour: c.Hour}
		peer := c.Server
		if c.Server == key {
			peer, row.Direction = c.Client, "from"
		}
		row.Peer = keyAddress(peer)
		row.PeerURL = "/devices?q=" + queryEscape(row.Peer)
		if d := peers[peer]; d != nil {
			row.Peer = newDeviceRow(d).Name
			row.PeerURL = "/devices/" + strconv.FormatInt(d.ID, 10)
		}
		row.Service = c.Proto + "/" + strconv.Itoa(int(c.Port))
		if c.App != "" {
			row.Service = c.App + " (" + row.Service + ")"
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// keyAddress strips the kind from a device key: "mac:aa:bb…" → "aa:bb…".
func keyAddress(key string) string {
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return key[i+1:]
	}
	return key
}
