package keys

import (
	"context"
	"strings"
	"time"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/privacy"
)

// MaxLeakReport is the most keys one leak report may name.
const MaxLeakReport = 1000

// Leak is where a report says a key was found: kept in the audit entry's metadata.
type Leak struct {
	Address string // the reporter's address
	URL     string // where the key was found (GitHub secret scanning), if known
	Source  string // what kind of place (e.g. "commit"), if known
}

// ReportLeaked ends at once every active key among secrets, in every organization
// (reason LEAKED, revokedAt now, the tab counters, one API_KEY_REPORTED_LEAKED entry
// each by "Leak report" with where it was found, the caches of every instance), in one
// transaction. Malformed, unknown and already ended keys are skipped without a trace.
// It returns the secrets that were keys of this server, ended now or before (for
// GitHub's true positives); the reporter learns nothing from a public endpoint's answer.
func (l *Lifecycle) ReportLeaked(ctx context.Context, secrets []string, leak Leak) (known map[string]bool, err error) {
	byHash := map[string]string{}
	var hashes [][]byte
	for _, s := range secrets {
		h, err := Parse(strings.TrimSpace(s))
		if err != nil {
			continue
		}
		if _, dup := byHash[string(h[:])]; !dup {
			byHash[string(h[:])] = s
			hashes = append(hashes, h[:])
		}
	}
	known = map[string]bool{}
	if len(hashes) == 0 {
		return known, nil
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := l.Client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	ctx = ent.NewTxContext(ctx, tx)
	c := tx.Client()
	found, err := c.APIKey.Query().Where(apikey.SecretHashIn(hashes...)).
		Select(apikey.FieldID, apikey.FieldOrganizationID, apikey.FieldName, apikey.FieldSecretHash, apikey.FieldStatus).
		All(ctx)
	if err != nil {
		return nil, err
	}
	var active []*ent.APIKey
	for _, k := range found {
		known[byHash[string(k.SecretHash)]] = true
		if k.Status == apikey.StatusACTIVE {
			active = append(active, k)
		}
	}
	if len(active) == 0 {
		return known, tx.Rollback()
	}
	now := time.Now()
	ended, err := endKeys(ctx, c, active, apikey.RevocationReasonLEAKED, &now)
	if err != nil {
		return nil, err
	}
	meta := audit.Metadata{"reporterAddress": leak.Address}
	if leak.URL != "" {
		meta["url"] = leak.URL
	}
	if leak.Source != "" {
		meta["source"] = leak.Source
	}
	err = l.fileEnded(ctx, c, ended, ent.LeakReporterName, auditentry.ActionAPI_KEY_REPORTED_LEAKED, func(k *ent.APIKey) audit.Event {
		return audit.Event{Target: target(k), Metadata: meta}
	})
	if err != nil {
		return nil, err
	}
	return known, tx.Commit()
}
