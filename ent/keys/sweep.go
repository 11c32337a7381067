package keys

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/privacy"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/viewer"
)

// SweepBatch is the most keys one transaction of the sweeper ends.
const SweepBatch = 500

// Sweep ends the active keys whose expiresAt has passed by now: the Revoked tab with
// revokedAt = expiresAt, reason EXPIRED (ROTATED for a key replaced by rotation), the
// tab counters, and one API_KEY_EXPIRED entry each, by "System". It works in
// transactions of at most SweepBatch keys, so that the API keeps answering however many
// keys expire at once, and returns how many keys it ended. Instances may sweep at the
// same moment: each key is ended once (the update is conditional on ACTIVE; a concurrent
// sweeper's update waits for this one's transaction and then finds nothing to do).
// Authentication refuses an expired key by itself; the sweep only files it.
func (l *Lifecycle) Sweep(ctx context.Context, now time.Time) (int, error) {
	internal := privacy.DecisionContext(ctx, privacy.Allow)
	total := 0
	for {
		ended, found, err := l.sweepBatch(internal, now)
		total += ended
		if err != nil || found < SweepBatch {
			return total, err
		}
	}
}

// sweepBatch ends up to SweepBatch keys in one transaction, in a few statements
// whatever their number; found is how many it looked at.
func (l *Lifecycle) sweepBatch(ctx context.Context, now time.Time) (ended, found int, err error) {
	tx, err := l.Client.Tx(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	ctx = ent.NewTxContext(ctx, tx) // the caches drop the keys once it commits
	c := tx.Client()
	due, err := c.APIKey.Query().
		Where(apikey.StatusEQ(apikey.StatusACTIVE), apikey.ExpiresAtLTE(now)).
		Order(apikey.ByExpiresAt(), apikey.ByID()).
		Limit(SweepBatch).
		WithReplacedBy(func(q *ent.APIKeyQuery) { q.Select(apikey.FieldID, apikey.FieldReplacesID) }).
		Select(apikey.FieldID, apikey.FieldOrganizationID, apikey.FieldName, apikey.FieldSecretHash, apikey.FieldExpiresAt).
		All(ctx)
	if err != nil {
		return 0, 0, err
	}
	if len(due) == 0 {
		return 0, 0, tx.Rollback()
	}
	byReason := map[apikey.RevocationReason][]*ent.APIKey{}
	for _, k := range due {
		reason := apikey.RevocationReasonEXPIRED
		if k.Edges.ReplacedBy != nil {
			reason = apikey.RevocationReasonROTATED
		}
		byReason[reason] = append(byReason[reason], k)
	}
	// Conditional on ACTIVE: a key another instance (or an admin) ended meanwhile is
	// not returned, and so neither counted nor recorded twice.
	var done []*ent.APIKey
	for reason, ks := range byReason {
		ended, err := endKeys(ctx, c, ks, reason, nil)
		if err != nil {
			return 0, 0, err
		}
		done = append(done, ended...)
	}
	// The entries' time is the expiry, like the keys' revokedAt.
	err = l.fileEnded(ctx, c, done, ent.SystemName, auditentry.ActionAPI_KEY_EXPIRED, func(k *ent.APIKey) audit.Event {
		return audit.Event{At: *k.ExpiresAt, Target: target(k), Metadata: audit.Metadata{"reason": *k.RevocationReason, "expiresAt": k.ExpiresAt.UTC()}}
	})
	if err != nil {
		return 0, 0, err
	}
	return len(done), len(due), tx.Commit()
}

// endKeys moves the keys still active among ks to the Revoked tab with reason, revoked
// at (nil: at their expiry), in one statement, and returns them.
func endKeys(ctx context.Context, c *ent.Client, ks []*ent.APIKey, reason apikey.RevocationReason, at *time.Time) ([]*ent.APIKey, error) {
	var q strings.Builder
	args := []any{string(apikey.StatusREVOKED), string(reason), string(apikey.StatusACTIVE)}
	revokedAt := "expires_at"
	if at != nil {
		args = append(args, at.UTC())
		revokedAt = "$4"
	}
	fmt.Fprintf(&q, "UPDATE api_keys SET status = $1, revoked_at = %s, revocation_reason = $2 WHERE status = $3 AND id IN (", revokedAt)
	byID := make(map[pulid.ID]*ent.APIKey, len(ks))
	for i, k := range ks {
		if i > 0 {
			q.WriteString(", ")
		}
		args = append(args, string(k.ID))
		fmt.Fprintf(&q, "$%d", len(args))
		byID[k.ID] = k
	}
	q.WriteString(") RETURNING id")
	rows, err := c.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ended []*ent.APIKey
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		k := byID[pulid.ID(id)]
		k.RevocationReason = &reason
		ended = append(ended, k)
	}
	return ended, rows.Err()
}

// fileEnded records keys ended by the server itself (the sweeper, a leak report): per
// organization the tab counters, one entry of action per key by actor (a SYSTEM actor of
// that name), and the caches of every instance.
func (l *Lifecycle) fileEnded(ctx context.Context, c *ent.Client, ended []*ent.APIKey, actor string, action auditentry.Action, event func(*ent.APIKey) audit.Event) error {
	byOrg := map[pulid.ID][]*ent.APIKey{}
	for _, k := range ended {
		byOrg[k.OrganizationID] = append(byOrg[k.OrganizationID], k)
	}
	// Organizations in one order: two transactions that end keys of the same
	// organizations lock their rows (counters, audit chain) in the same order.
	for _, org := range slices.Sorted(maps.Keys(byOrg)) {
		ks := byOrg[org]
		system := viewer.NewContext(ctx, &viewer.Viewer{Kind: viewer.KindSystem, Name: actor, OrgID: org})
		if err := adjustCounts(system, c, org, -len(ks), len(ks)); err != nil {
			return err
		}
		events := make([]audit.Event, len(ks))
		hashes := make([][]byte, len(ks))
		for i, k := range ks {
			events[i] = event(k)
			hashes[i] = k.SecretHash
		}
		if err := audit.RecordAll(system, c, action, events); err != nil {
			return err
		}
		if l.Caches != nil {
			if err := l.Caches.Revoked(system, c, hashes...); err != nil {
				return err
			}
		}
		if err := l.announce(system, c, action, ks...); err != nil {
			return err
		}
	}
	return nil
}

// SweepEvery sweeps every interval until ctx ends, logging what fails (the next sweep
// tries again) and how many keys each sweep ended.
func (l *Lifecycle) SweepEvery(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			n, err := l.Sweep(ctx, now)
			if err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "keys: sweeping expired keys", "err", err)
			}
			if n > 0 {
				log.InfoContext(ctx, "keys: ended expired keys", "count", n)
			}
		}
	}
}
