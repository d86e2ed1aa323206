package http

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/reconcile"
)

func (s *Server) registerOpenAPIRoutes() {
	s.handle("GET /api/v1/openapi.json", cordon.RoleViewer, s.handleOpenAPI)
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, OpenAPI())
}

// apiOp describes one operation of the API for the OpenAPI document.
type apiOp struct {
	route   string // a pattern as registered: "GET /api/v1/devices/{id}"
	summary string
	role    string   // least role; "" for none
	query   []string // query parameters, described in queryParams
	body    any      // request body type (a zero value), or nil
	status  int      // success status
	resp    any      // success body type, or nil
}

// List envelopes, for the document only.
type (
	deviceList struct {
		Devices []Device `json:"devices"`
		pageInfo
	}
	captureList struct {
		Captures []cordon.Capture `json:"captures"`
		pageInfo
	}
	auditList struct {
		Entries []cordon.AuditEntry `json:"entries"`
		pageInfo
	}
	userList struct {
		Users []cordon.User `json:"users"`
	}
	tokenList struct {
		Tokens []cordon.Token `json:"tokens"`
	}
	findingList struct {
		Findings []cordon.Finding `json:"findings"`
		pageInfo
	}
	exposureList struct {
		Exposures []cordon.Exposure `json:"exposures"`
		pageInfo
	}
	advisoryList struct {
		Advisories []cordon.Advisory `json:"advisories"`
		pageInfo
	}
	pageInfo struct {
		Total  int `json:"total"`
		Offset int `json:"offset"`
		Limit  int `json:"limit"`
	}
	health struct {
		Status string `json:"status"`
	}
)

// apiOps lists every operation: the core ones here, each issue-5 area's in
// its own file.
var apiOps = slices.Concat(coreOps, modelOps, remediationOps, exceptionOps, supplierOps, lifecycleOps, alertOps,
	suppressionOps, policyOps, guidanceOps, sensorOps, sensorContactOps)

var coreOps = []apiOp{
	{"GET /healthz", "Report whether the server and its store work.", "", nil, nil, 200, health{}},
	{"GET /api/v1/openapi.json", "This document.", cordon.RoleViewer, nil, nil, 200, nil},
	{"GET /api/v1/me", "The signed-in user, how they authenticated and their session's CSRF token.", cordon.RoleViewer, nil, nil, 200, Me{}},
	{"GET /api/v1/devices", "List and search the register.", cordon.RoleViewer,
		[]string{"category", "manufacturer", "site", "medical", "q", "sort", "offset", "limit"}, nil, 200, deviceList{}},
	{"GET /api/v1/devices/{id}", "One device: observed and recorded facts and where they differ.", cordon.RoleViewer, nil, nil, 200, Device{}},
	{"GET /api/v1/devices/{id}/history", "The addresses and host names a device has used, with when each was first and last seen.", cordon.RoleViewer, nil, nil, 200, cordon.DeviceHistory{}},
	{"PATCH /api/v1/devices/{id}", "Change recorded fields (JSON merge patch: null clears a field).", cordon.RoleAnalyst, nil, cordon.Recorded{}, 200, Device{}},
	{"GET /api/v1/captures", "List captures, newest first.", cordon.RoleViewer, []string{"status", "offset", "limit"}, nil, 200, captureList{}},
	{"POST /api/v1/captures", "Upload a capture (multipart field \"file\") to ingest. 202 when queued; 200 with duplicate=true when the same file is already known.", cordon.RoleAnalyst, nil, multipartFile{}, 202, CaptureUpload{}},
	{"GET /api/v1/captures/{id}", "One capture and its ingest progress.", cordon.RoleViewer, nil, nil, 200, cordon.Capture{}},
	{"GET /api/v1/captures/live", "Each live capture interface's health since it started: packets, bytes, kernel drops, the latest packet, batches written, merged and failed, and whether it has gone silent. An empty list when the server captures nothing live.", cordon.RoleViewer, nil, nil, 200, LiveCaptureList{}},
	{"POST /api/v1/register/preview", "Preview a register (CSV in the multipart field \"file\"): its columns, first rows, the suggested column mapping and the fields a column may map to.", cordon.RoleAnalyst, nil, registerUpload{}, 200, RegisterPreview{}},
	{"POST /api/v1/register/import", "Import a register (CSV) through a column mapping, matching rows to devices by register key, MAC, serial, asset tag, host name or IP. With dry_run=true nothing changes and the report says what would.", cordon.RoleAnalyst, nil, registerImport{}, 200, reconcile.Report{}},
	{"GET /api/v1/register/export", "Export every device, recorded fields beside the observed identity, as CSV (formula-safe cells; the columns import back unchanged) or JSON.", cordon.RoleViewer, []string{"format"}, nil, 200, []reconcile.Entry{}},
	{"GET /api/v1/users", "List users.", cordon.RoleAdmin, nil, nil, 200, userList{}},
	{"POST /api/v1/users", "Create a user (password of 12 characters or more).", cordon.RoleAdmin, nil, UserCreate{}, 201, cordon.User{}},
	{"PATCH /api/v1/users/{id}", "Change a user's role, disabled state or password.", cordon.RoleAdmin, nil, UserPatch{}, 200, cordon.User{}},
	{"GET /api/v1/tokens", "List your API tokens (an admin may name another user).", cordon.RoleViewer, []string{"user_id"}, nil, 200, tokenList{}},
	{"POST /api/v1/tokens", "Create an API token; the secret is in this answer only. scope \"sensor\" makes a token that may only ship sensor batches and read the approved policy, within its user's role.", cordon.RoleViewer, nil, TokenCreate{}, 201, TokenCreated{}},
	{"DELETE /api/v1/tokens/{id}", "Revoke an API token (your own, or any as an admin).", cordon.RoleViewer, nil, nil, 204, nil},
	{"GET /api/v1/audit", "The audit log, newest first.", cordon.RoleViewer, []string{"object", "actor", "offset", "limit"}, nil, 200, auditList{}},
	{"GET /api/v1/findings", "List findings (vulnerabilities that apply to devices), most urgent first by default. Findings no longer found are left out.", cordon.RoleViewer,
		[]string{"device", "cve", "status:finding", "match", "severity", "kev", "site", "category", "sort:finding", "offset", "limit"}, nil, 200, findingList{}},
	{"GET /api/v1/findings/{id}", "One finding with its evidence, KEV, EPSS, CVSS, fix and workflow status.", cordon.RoleViewer, nil, nil, 200, cordon.Finding{}},
	{"POST /api/v1/findings/{id}/status", "Move a finding in the remediation workflow (audited); its device is reassessed before the answer.", cordon.RoleAnalyst, nil, StatusChange{}, 200, cordon.Finding{}},
	{"GET /api/v1/affected", "For each CVE asked about: whether the store knows it, and the devices it affects now, with their location and owner.", cordon.RoleViewer, []string{"cve:affected"}, nil, 200, Affected{}},
	{"GET /api/v1/vulnerabilities/{cve}", "One CVE: NVD's record, its KEV listing, its EPSS score and the score's history.", cordon.RoleViewer, nil, nil, 200, VulnerabilityDetail{}},
	{"GET /api/v1/advisories", "List CSAF advisories (such as CISA ICSMA), newest update first.", cordon.RoleViewer, []string{"cve:advisory", "offset", "limit"}, nil, 200, advisoryList{}},
	{"GET /api/v1/advisories/{advisory}", "One advisory: affected and fixed products, remediations and scores.", cordon.RoleViewer, nil, nil, 200, cordon.Advisory{}},
	{"GET /api/v1/feeds", "What the store holds from each intelligence source, and the latest imports.", cordon.RoleViewer, nil, nil, 200, FeedOverview{}},
	{"POST /api/v1/feeds", "Import one feed file (NVD, KEV, EPSS, CSAF or lifecycle; gzip or xz allowed), as the raw body with ?name= or in the multipart field \"file\". 201 after a change, with findings reassessed; 200 with unchanged=true when the same file was imported before.", cordon.RoleAdmin, []string{"name"}, feedUpload{}, 201, FeedUpload{}},
	{"GET /api/v1/worklist", "Device exposures, highest risk first: the order to work in.", cordon.RoleViewer,
		[]string{"site", "category", "medical", "unsupported", "kev:worklist", "min_score", "offset", "limit"}, nil, 200, exposureList{}},
	{"GET /api/v1/devices/{id}/exposure", "A device's exposure: its risk with the factors that make it, the support state of what it runs, and counts of its findings. 404 if never assessed.", cordon.RoleViewer, nil, nil, 200, cordon.Exposure{}},
	{"GET /api/v1/exposure/summary", "Exposure across the register at a glance, for the dashboard.", cordon.RoleViewer, nil, nil, 200, cordon.ExposureSummary{}},
}

// multipartFile stands for an upload's form in the document,
// registerUpload and registerImport for a register's, and feedUpload for a
// feed file's.
type (
	multipartFile  struct{}
	registerUpload struct{}
	registerImport struct{}
	feedUpload     struct{}
)

// cveParam is a CVE ID's schema.
var cveParam = map[string]any{"type": "string", "pattern": "^CVE-[0-9]{4}-[0-9]{4,19}$", "example": "CVE-2017-0144"}

// queryParams describes every query parameter: the core ones here, each
// issue-5 area's in its own file.
var queryParams = mergeParams(coreParams, modelParams, remediationParams, exceptionParams, supplierParams, lifecycleParams, alertParams,
	suppressionParams, policyParams, guidanceParams)

// mergeParams joins parameter tables; a name in two tables is a
// programming error.
func mergeParams(tables ...map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, t := range tables {
		for k, v := range t {
			if _, dup := out[k]; dup {
				panic("http: query parameter " + k + " described twice")
			}
			out[k] = v
		}
	}
	return out
}

var coreParams = map[string]map[string]any{
	"category":     {"description": "Device category, one of the cordon analyze categories.", "schema": map[string]any{"type": "string", "enum": cordon.Categories}},
	"manufacturer": {"description": "Manufacturer, observed or recorded.", "schema": map[string]any{"type": "string"}},
	"site":         {"description": "Recorded site.", "schema": map[string]any{"type": "string"}},
	"medical":      {"description": "Only medical devices (true) or only others (false).", "schema": map[string]any{"type": "boolean"}},
	"q":            {"description": "Free text: host name, IP, MAC, manufacturer, model, asset tag, serial.", "schema": map[string]any{"type": "string"}},
	"sort":         {"description": "Sort field, with - first for descending.", "schema": map[string]any{"type": "string", "enum": sortEnum()}},
	"offset":       {"description": "Items to skip.", "schema": map[string]any{"type": "integer", "minimum": 0, "default": 0}},
	"limit":        {"description": "Items per page.", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": MaxPageLimit, "default": DefaultPageLimit}},
	"status":       {"description": "Capture state.", "schema": map[string]any{"type": "string", "enum": []string{cordon.CaptureQueued, cordon.CaptureRunning, cordon.CaptureDone, cordon.CaptureFailed}}},
	"user_id":      {"description": "Whose tokens (admins only; default: yours).", "schema": map[string]any{"type": "integer", "format": "int64"}},
	"object":       {"description": "Changed object, such as device:12 or user:3.", "schema": map[string]any{"type": "string"}},
	"actor":        {"description": "Who made the change.", "schema": map[string]any{"type": "string"}},
	"format":       {"description": "The export's format.", "schema": map[string]any{"type": "string", "enum": []string{"csv", "json"}, "default": "csv"}},
	// A name with ":" is a parameter whose meaning depends on the route;
	// the part before ":" is its name.
	"device":         {"description": "Device ID or MAC address.", "schema": map[string]any{"type": "string"}},
	"cve":            {"description": "CVE IDs: repeat the parameter or separate them with commas (at most 1000).", "style": "form", "explode": true, "schema": map[string]any{"type": "array", "items": cveParam, "maxItems": maxFilterCVEs}},
	"cve:affected":   {"description": "CVE IDs: repeat the parameter or separate them with commas (1 to 100).", "required": true, "style": "form", "explode": true, "schema": map[string]any{"type": "array", "items": cveParam, "minItems": 1, "maxItems": maxAffectedCVEs}},
	"cve:advisory":   {"description": "Only advisories naming this CVE.", "schema": cveParam},
	"status:finding": {"description": "Workflow status.", "schema": map[string]any{"type": "string", "enum": cordon.FindingStatuses}},
	"match":          {"description": "confirmed: the evidence pins an affected version; possible: it cannot.", "schema": map[string]any{"type": "string", "enum": findingMatches}},
	"severity":       {"description": "Severity from the chosen CVSS score.", "schema": map[string]any{"type": "string", "enum": findingSeverities}},
	"kev":            {"description": "Only findings listed in CISA KEV (true) or only others (false).", "schema": map[string]any{"type": "boolean"}},
	"kev:worklist":   {"description": "Only devices with at least one KEV finding (true) or with none (false).", "schema": map[string]any{"type": "boolean"}},
	"sort:finding":   {"description": "priority: KEV, then EPSS, then CVSS, highest first.", "schema": map[string]any{"type": "string", "enum": findingSorts, "default": "priority"}},
	"unsupported":    {"description": "Only devices running something out of support (true) or only others (false).", "schema": map[string]any{"type": "boolean"}},
	"min_score":      {"description": "Only devices whose risk score is at least this.", "schema": map[string]any{"type": "integer", "minimum": 0, "maximum": 100}},
	"name":           {"description": "The feed file's name (its format is told by name and content); for a multipart upload, default the file's name.", "schema": map[string]any{"type": "string", "example": "known_exploited_vulnerabilities.json"}},
}

// pathParams describes path parameters other than the numeric {id}.
var pathParams = map[string]map[string]any{
	"cve":       {"description": "A CVE ID.", "schema": cveParam},
	"advisory":  {"description": "An advisory's tracking ID, such as ICSMA-23-145-01.", "schema": map[string]any{"type": "string", "maxLength": maxAdvisoryID}},
	"sensor":    {"description": "A remote sensor's name: the user its token acts as, such as sensor.site2.", "schema": map[string]any{"type": "string", "minLength": 1, "maxLength": maxSensorName}},
	"interface": {"description": "The sensor's capture interface, such as eth1.", "schema": map[string]any{"type": "string", "minLength": 1, "maxLength": maxSensorName}},
}

func sortEnum() []string {
	var out []string
	for _, s := range deviceSorts {
		out = append(out, s, "-"+s)
	}
	return out
}

var openAPI = sync.OnceValue(buildOpenAPI)

// OpenAPI returns the OpenAPI 3.0 document of the API.
func OpenAPI() map[string]any { return openAPI() }

func buildOpenAPI() map[string]any {
	schemas := map[string]any{}
	ref := func(v any) map[string]any { return schemaOf(reflect.TypeOf(v), schemas) }
	schemas["ErrorResponse"] = nil
	schemas["ErrorResponse"] = structSchema(reflect.TypeFor[ErrorResponse](), schemas)
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ErrorResponse"}}}}
	}
	paths := map[string]any{}
	for _, op := range apiOps {
		method, path, _ := strings.Cut(op.route, " ")
		o := map[string]any{"summary": op.summary, "operationId": operationID(method, path)}
		var params []any
		for _, name := range pathNames(path) {
			p := map[string]any{"name": name, "in": "path", "required": true,
				"schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}}
			for k, v := range pathParams[name] {
				p[k] = v
			}
			params = append(params, p)
		}
		for _, q := range op.query {
			name, _, _ := strings.Cut(q, ":")
			p := map[string]any{"name": name, "in": "query"}
			for k, v := range queryParams[q] {
				p[k] = v
			}
			params = append(params, p)
		}
		if params != nil {
			o["parameters"] = params
		}
		switch op.body.(type) {
		case nil:
		case multipartFile:
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []string{"file"},
					"properties": map[string]any{
						"file": map[string]any{"type": "string", "format": "binary", "description": "A pcap, pcapng or gzip-compressed capture."},
						"csrf": map[string]any{"type": "string", "description": "The session's CSRF token, first, when signed in with a cookie and not sending X-CSRF-Token."},
					}}}}}
		case documentUpload:
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []string{"file"},
					"properties": map[string]any{
						"file": map[string]any{"type": "string", "format": "binary", "description": "The manufacturer document: a CycloneDX (JSON or XML) or SPDX 2.3 JSON SBOM, a CycloneDX, CSAF or OpenVEX VEX, or an MDS2 form as .xlsx or CSV; at most 64 MiB."},
						"csrf": map[string]any{"type": "string", "description": "The session's CSRF token, first, when signed in with a cookie and not sending X-CSRF-Token."},
					}}}}}
		case feedUpload:
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary",
					"description": "The feed file; name it with ?name=."}},
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []string{"file"},
					"properties": map[string]any{
						"file": map[string]any{"type": "string", "format": "binary", "description": "The feed file, at most 512 MiB."},
						"csrf": map[string]any{"type": "string", "description": "The session's CSRF token, first, when signed in with a cookie and not sending X-CSRF-Token."},
					}}}}}
		case registerUpload, registerImport:
			props := map[string]any{
				"file": map[string]any{"type": "string", "format": "binary", "description": "The register as CSV (UTF-8 or Windows-1252), header row first, at most 20 MiB."},
				"csrf": map[string]any{"type": "string", "description": "The session's CSRF token, first, when signed in with a cookie and not sending X-CSRF-Token."},
			}
			if _, ok := op.body.(registerImport); ok {
				props["mapping"] = map[string]any{"type": "string", "description": "A JSON object of column name to field (one of the preview's fields); columns left out are ignored. Default: the suggested mapping."}
				props["dry_run"] = map[string]any{"type": "boolean", "default": false, "description": "true to report what the import would do without changing anything."}
			}
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []string{"file"}, "properties": props}}}}
		default:
			content := map[string]any{"application/json": map[string]any{"schema": ref(op.body)}}
			if method == "PATCH" {
				content["application/merge-patch+json"] = content["application/json"]
			}
			o["requestBody"] = map[string]any{"required": true, "content": content}
		}
		resp := map[string]any{"description": http.StatusText(op.status)}
		if op.resp != nil {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.resp)}}
		} else if path == "/api/v1/openapi.json" {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
		}
		responses := map[string]any{strconv.Itoa(op.status): resp}
		if op.route == "POST /api/v1/captures" {
			responses["200"] = map[string]any{"description": "Already known: the existing capture, duplicate=true.",
				"content": map[string]any{"application/json": map[string]any{"schema": ref(op.resp)}}}
			responses["413"] = errResp("The capture is too large.")
		}
		if op.route == "POST /api/v1/sensor/batches" {
			o["requestBody"].(map[string]any)["description"] = fmt.Sprintf("The batch as JSON, at most %d MiB as sent; gzip-compressed with Content-Encoding: gzip, at most %d MiB decompressed.",
				MaxBatchBodyBytes>>20, MaxBatchJSONBytes>>20)
			responses["200"] = map[string]any{"description": "Shipped before: the batch's capture, duplicate=true; nothing changed.",
				"content": map[string]any{"application/json": map[string]any{"schema": ref(op.resp)}}}
			responses["413"] = errResp("The batch is too large, as sent or decompressed.")
			responses["415"] = errResp("The body is not JSON, or its Content-Encoding is neither gzip nor identity.")
		}
		if op.route == "POST /api/v1/feeds" {
			responses["200"] = map[string]any{"description": "Imported before: the earlier import, unchanged=true.",
				"content": map[string]any{"application/json": map[string]any{"schema": ref(op.resp)}}}
			responses["413"] = errResp("The feed file is too large.")
			responses["415"] = errResp("The body is a URL-encoded form.")
		}
		switch op.body.(type) {
		case registerUpload, registerImport:
			responses["413"] = errResp("The register is larger than 20 MiB.")
			responses["415"] = errResp("The body is not multipart/form-data.")
		}
		if op.route == "GET /api/v1/register/export" {
			resp["content"].(map[string]any)["text/csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		if op.role != "" {
			responses["401"] = errResp("Not signed in, or the token is unknown, expired or revoked.")
			responses["403"] = errResp("The role is not enough, the API token's scope does not allow this, or the CSRF token is missing.")
		} else {
			o["security"] = []any{}
		}
		if params != nil || op.body != nil {
			responses["400"] = errResp("A parameter or the body is invalid; the message says which.")
		}
		if strings.Contains(path, "{") {
			responses["404"] = errResp("No such object.")
		}
		if path == "/healthz" {
			responses["503"] = map[string]any{"description": "The store does not answer.",
				"content": map[string]any{"application/json": map[string]any{"schema": ref(health{})}}}
		}
		responses["default"] = errResp("An error.")
		o["responses"] = responses
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path].(map[string]any)[strings.ToLower(method)] = o
	}
	// A duration is an integer of nanoseconds, as encoding/json writes a
	// time.Duration; reflection sees only an integer.
	if sch, ok := schemas["CaptureHealth"].(map[string]any); ok {
		sch["properties"].(map[string]any)["silent_after"].(map[string]any)["description"] =
			"How long the interface may see no packet before capture_silent, in nanoseconds; 0 never raises it."
	}
	// A token's scope is one of a few; reflection sees only a string.
	for _, name := range []string{"Token", "TokenCreate", "TokenCreated"} {
		if sch, ok := schemas[name].(map[string]any); ok {
			sch["properties"].(map[string]any)["scope"] = map[string]any{"type": "string", "enum": []string{"", cordon.TokenScopeSensor}, "default": "",
				"description": "\"\" allows everything the user's role does; \"sensor\" only POST /api/v1/sensor/batches, GET /api/v1/policy/export and GET /api/v1/sensor/config."}
		}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "Cordon API",
			"version":     "1",
			"description": "The register of connected medical devices. Authenticate with a session cookie (browsers; changes need the X-CSRF-Token header) or an API token (Authorization: Bearer cdn_...). Errors are {\"error\": {\"code\", \"message\"}}.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"security": []any{
			map[string]any{"bearer": []any{}},
			map[string]any{"session": []any{}},
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "An API token, cdn_ and 43 characters. A sensor-scoped token may use only the operations that say so."},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "cordon_session", "description": "The session cookie set by POST /login (__Host-cordon_session under TLS)."},
			},
		},
	}
}

// pathNames returns the names of a path's parameters, in order.
func pathNames(path string) []string {
	var names []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, strings.Trim(seg, "{}"))
		}
	}
	return names
}

// operationID names an operation: "GET /api/v1/devices/{id}" is getDevicesId.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1"), "/") {
		seg = strings.Trim(seg, "{}")
		seg = strings.NewReplacer(".", "", "-", "").Replace(seg)
		if seg != "" {
			b.WriteString(strings.ToUpper(seg[:1]) + seg[1:])
		}
	}
	return b.String()
}
