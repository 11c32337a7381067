package app

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/privacy"
	"apikeys/ent/problem"
	"apikeys/ent/schema/pulid"
	"apikeys/server/reply"
)

// exportAudit is GET /audit/export?format=ndjson|csv with the filters action (repeated
// or comma-separated), actor, target, from and to: the audit trail as a file, for whoever
// reads it through auditEntries (admin people by cookie, ADMIN keys by Bearer), written
// as it is read. The export is recorded first (AUDIT_EXPORTED), so the file ends with it
// when no filter leaves it out.
func (a *App) exportAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := audit.Format(cmp.Or(q.Get("format"), string(audit.NDJSON)))
	if format != audit.NDJSON && format != audit.CSV {
		reply.FieldError(w, &problem.InputError{Field: "format", Message: "format must be ndjson or csv"})
		return
	}
	f, bad := exportFilter(q)
	if bad != nil {
		reply.FieldError(w, bad)
		return
	}
	ctx := r.Context()
	if r.Method == http.MethodHead {
		// HEAD (which GET's route takes too) would record an export that sends nothing.
		w.Header().Set("Allow", "GET")
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if err := audit.RecordExport(ctx, a.DB.Client, format, f); err != nil {
		if errors.Is(err, privacy.Deny) {
			reply.Error(w, http.StatusForbidden, reply.CodeForbidden, "only admins may export the audit trail")
			return
		}
		a.Log.ErrorContext(ctx, "export: recording the export", "err", err)
		reply.Error(w, http.StatusInternalServerError, reply.CodeInternal, "the export failed, try again")
		return
	}
	h := w.Header()
	name := "audit-trail-" + time.Now().UTC().Format(time.DateOnly) + "." + string(format)
	if format == audit.CSV {
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
	} else {
		h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
	}
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	n, err := audit.Export(ctx, a.DB.Client, f, format, w, func() { _ = rc.Flush() })
	if err != nil {
		// The status is sent: the transfer is cut, so that a client cannot take a part
		// of the trail for all of it.
		a.Log.ErrorContext(ctx, "export: writing the audit trail", "err", err, "entries", n)
		panic(http.ErrAbortHandler)
	}
}

// exportFilter reads the export's filters from its query parameters.
func exportFilter(q url.Values) (audit.Filter, *problem.InputError) {
	var f audit.Filter
	for _, v := range q["action"] {
		for a := range strings.SplitSeq(v, ",") {
			action := auditentry.Action(strings.TrimSpace(a))
			if auditentry.ActionValidator(action) != nil {
				return f, &problem.InputError{Field: "action", Message: fmt.Sprintf("no action %q: use the names of AuditEntryAction, e.g. API_KEY_CREATED", action)}
			}
			f.Actions = append(f.Actions, action)
		}
	}
	f.Actor, f.Target = pulid.ID(q.Get("actor")), pulid.ID(q.Get("target"))
	var bad *problem.InputError
	if f.From, bad = exportTime(q, "from", false); bad != nil {
		return f, bad
	}
	if f.To, bad = exportTime(q, "to", true); bad != nil {
		return f, bad
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, &problem.InputError{Field: "to", Message: "to must be after from"}
	}
	return f, nil
}

// exportTime reads a moment (RFC 3339) or a day (2026-12-02, UTC: from its start, or
// to its end when end is set).
func exportTime(q url.Values, name string, end bool) (time.Time, *problem.InputError) {
	s := q.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	return time.Time{}, &problem.InputError{Field: name, Message: name + " must be a date (2026-12-02) or a moment in RFC 3339 (2026-12-02T09:30:00Z)"}
}
