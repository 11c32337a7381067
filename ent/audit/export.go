package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"apikeys/ent"
	"apikeys/ent/auditentry"
	"apikeys/ent/organization"
	"apikeys/ent/predicate"
	"apikeys/ent/privacy"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
)

// Filter selects entries: what the export's query parameters say (auditEntries has the
// same as where-inputs). Zero values select everything.
type Filter struct {
	Actions []auditentry.Action
	Actor   pulid.ID  // the person or service account who acted
	Target  pulid.ID  // what the entry is about (a key, a person, the organization)
	From    time.Time // entries at or after
	To      time.Time // entries before
}

// Metadata is the filter as the AUDIT_EXPORTED entry keeps it.
func (f Filter) Metadata() Metadata {
	m := Metadata{}
	if len(f.Actions) > 0 {
		m["action"] = f.Actions
	}
	if f.Actor != "" {
		m["actor"] = f.Actor
	}
	if f.Target != "" {
		m["target"] = f.Target
	}
	if !f.From.IsZero() {
		m["from"] = f.From.UTC()
	}
	if !f.To.IsZero() {
		m["to"] = f.To.UTC()
	}
	return m
}

func (f Filter) predicates() []predicate.AuditEntry {
	var ps []predicate.AuditEntry
	if len(f.Actions) > 0 {
		ps = append(ps, auditentry.ActionIn(f.Actions...))
	}
	if f.Actor != "" {
		ps = append(ps, auditentry.ActorID(f.Actor))
	}
	if f.Target != "" {
		ps = append(ps, auditentry.TargetID(f.Target))
	}
	if !f.From.IsZero() {
		ps = append(ps, auditentry.CreatedAtGTE(f.From))
	}
	if !f.To.IsZero() {
		ps = append(ps, auditentry.CreatedAtLT(f.To))
	}
	return ps
}

// Format is an export's file format.
type Format string

// The export formats.
const (
	// NDJSON: one JSON object per line (Line), chain fields included: the file can be
	// verified offline (apikeys audit verify --file).
	NDJSON Format = "ndjson"
	// CSV: RFC 4180 with a header row, for spreadsheets (cells that a spreadsheet would
	// take as a formula are escaped, so it cannot be verified byte for byte).
	CSV Format = "csv"
)

// Line is an entry as an NDJSON export writes it. IP and UserAgent are absent from the
// exports of service accounts, which do not see where people were.
type Line struct {
	Sequence       int64           `json:"sequence"`
	ID             string          `json:"id"`
	OrganizationID string          `json:"organizationId"`
	Time           string          `json:"time"`
	Action         string          `json:"action"`
	ActorKind      string          `json:"actorKind"`
	ActorID        *string         `json:"actorId"`
	ActorName      string          `json:"actorName"`
	TargetKind     string          `json:"targetKind"`
	TargetID       string          `json:"targetId"`
	TargetName     string          `json:"targetName"`
	Metadata       json.RawMessage `json:"metadata"`
	IP             *string         `json:"ip,omitempty"`
	UserAgent      *string         `json:"userAgent,omitempty"`
	PreviousHash   string          `json:"previousHash"`
	Hash           string          `json:"hash"`
}

// Chained is what the hash of the line's entry covers.
func (l *Line) Chained() (Chained, error) {
	t, err := time.Parse(time.RFC3339Nano, l.Time)
	if err != nil {
		return Chained{}, fmt.Errorf("entry %d: time %q: %w", l.Sequence, l.Time, err)
	}
	e := Chained{
		OrganizationID: l.OrganizationID, Sequence: l.Sequence, ID: l.ID, Time: t, Action: l.Action,
		ActorKind: l.ActorKind, ActorName: l.ActorName,
		TargetKind: l.TargetKind, TargetID: l.TargetID, TargetName: l.TargetName,
		Metadata: l.Metadata, PreviousHash: l.PreviousHash,
	}
	if l.ActorID != nil {
		e.ActorID = *l.ActorID
	}
	if l.IP != nil {
		e.IP = *l.IP
	}
	if l.UserAgent != nil {
		e.UserAgent = *l.UserAgent
	}
	return e, nil
}

// csvHeader is the CSV export's header row.
var csvHeader = []string{"sequence", "time", "action", "actorKind", "actorId", "actorName",
	"targetKind", "targetId", "targetName", "metadata", "ip", "userAgent", "previousHash", "hash"}

// exportBatch is how many entries an export reads at a time.
const exportBatch = 1000

// Export writes the entries of the viewer's organization that f selects and the viewer
// may read (what auditEntries shows it), in sequence order, up to the head when it
// began. It reads them a batch at a time by sequence (the unique index), so memory stays
// flat however long the trail; flush is called after each batch. It returns how many
// entries it wrote.
func Export(ctx context.Context, c *ent.Client, f Filter, format Format, w io.Writer, flush func()) (int, error) {
	v := viewer.FromContext(ctx)
	if !v.ReadsAuditTrail() {
		return 0, privacy.Denyf("only admins may export the audit trail")
	}
	org, err := c.Organization.Query().Where(organization.ID(v.OrgID)).Only(ctx)
	if err != nil {
		return 0, err
	}
	addresses := v.IsAdminUser()
	var cw *csv.Writer
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if format == CSV {
		cw = csv.NewWriter(w)
		cw.UseCRLF = true // RFC 4180
		if err := cw.Write(csvHeader); err != nil {
			return 0, err
		}
	}
	written := 0
	var last int64
	for {
		batch, err := c.AuditEntry.Query().
			Where(f.predicates()...).
			Where(auditentry.SequenceGT(last), auditentry.SequenceLTE(org.AuditSequence)).
			Order(ent.Asc(auditentry.FieldSequence)).
			Limit(exportBatch).
			All(ctx)
		if err != nil {
			return written, err
		}
		for _, e := range batch {
			l, err := lineOf(e, addresses)
			if err != nil {
				return written, err
			}
			if cw != nil {
				err = cw.Write(csvRow(&l))
			} else {
				err = enc.Encode(&l)
			}
			if err != nil {
				return written, err
			}
			written++
			last = e.Sequence
		}
		if cw != nil {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return written, err
			}
		}
		flush()
		if len(batch) < exportBatch {
			return written, nil
		}
	}
}

func lineOf(e *ent.AuditEntry, addresses bool) (Line, error) {
	meta := json.RawMessage("{}")
	if len(e.Metadata) > 0 {
		b, err := json.Marshal(e.Metadata)
		if err != nil {
			return Line{}, err
		}
		meta = b
	}
	l := Line{
		Sequence: e.Sequence, ID: string(e.ID), OrganizationID: string(e.OrganizationID),
		Time: e.CreatedAt.UTC().Format(TimeLayout), Action: string(e.Action),
		ActorKind: string(e.ActorKind), ActorName: e.ActorName,
		TargetKind: string(e.TargetKind), TargetID: string(e.TargetID), TargetName: e.TargetName,
		Metadata: meta, PreviousHash: e.PreviousHash, Hash: e.Hash,
	}
	if e.ActorID != nil {
		id := string(*e.ActorID)
		l.ActorID = &id
	}
	if addresses {
		l.IP, l.UserAgent = &e.IP, &e.UserAgent
	}
	return l, nil
}

func csvRow(l *Line) []string {
	row := []string{strconv.FormatInt(l.Sequence, 10), l.Time, l.Action, l.ActorKind, deref(l.ActorID), l.ActorName,
		l.TargetKind, l.TargetID, l.TargetName, string(l.Metadata), deref(l.IP), deref(l.UserAgent), l.PreviousHash, l.Hash}
	for i, cell := range row {
		row[i] = SpreadsheetSafe(cell)
	}
	return row
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// SpreadsheetSafe keeps a cell from being taken as a formula by a spreadsheet (OWASP's
// CSV injection advice): a cell that begins with =, +, -, @, a tab or a carriage return
// gets a leading apostrophe, which spreadsheets show as text.
func SpreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// RecordExport records an export of the trail by the viewer of ctx (AUDIT_EXPORTED,
// with its format and filter), in its own transaction: it is in the trail before the
// first byte of the file is sent.
func RecordExport(ctx context.Context, c *ent.Client, format Format, f Filter) error {
	v := viewer.FromContext(ctx)
	if !v.ReadsAuditTrail() {
		return privacy.Denyf("only admins may export the audit trail")
	}
	org, err := c.Organization.Query().Where(organization.ID(v.OrgID)).Only(ctx)
	if err != nil {
		return err
	}
	meta := Metadata{"format": string(format)}
	if fm := f.Metadata(); len(fm) > 0 {
		meta["filter"] = fm
	}
	return InTx(ctx, c, func(c *ent.Client) error {
		return RecordWith(ctx, c, auditentry.ActionAUDIT_EXPORTED, Target{Kind: auditentry.TargetKindORGANIZATION, ID: org.ID, Name: org.Name}, meta)
	})
}
