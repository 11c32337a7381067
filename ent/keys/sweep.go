package keys

import (
	"context"
	"log/slog"
	"time"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/privacy"
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

// sweepBatch ends up to SweepBatch keys in one transaction; found is how many it looked at.
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
	for _, k := range due {
		reason := apikey.RevocationReasonEXPIRED
		if k.Edges.ReplacedBy != nil {
			reason = apikey.RevocationReasonROTATED
		}
		system := viewer.NewContext(ctx, &viewer.Viewer{Kind: viewer.KindSystem, Name: SystemName, OrgID: k.OrganizationID})
		n, err := c.APIKey.Update().
			Where(apikey.ID(k.ID), apikey.StatusEQ(apikey.StatusACTIVE)).
			SetStatus(apikey.StatusREVOKED).
			SetRevokedAt(k.ExpiresAt.UTC()).
			SetRevocationReason(reason).
			Save(system)
		if err != nil {
			return 0, 0, err
		}
		if n == 0 { // another instance ended it
			continue
		}
		if err := adjustCounts(system, c, k.OrganizationID, -1, 1); err != nil {
			return 0, 0, err
		}
		if l.Caches != nil {
			if err := l.Caches.Revoked(system, c, k.SecretHash); err != nil {
				return 0, 0, err
			}
		}
		meta := audit.Metadata{"reason": reason, "expiresAt": k.ExpiresAt.UTC()}
		// The entry's time is the expiry, like the key's revokedAt.
		if err := audit.RecordAtWith(system, c, *k.ExpiresAt, auditentry.ActionAPI_KEY_EXPIRED, target(k), meta); err != nil {
			return 0, 0, err
		}
		ended++
	}
	return ended, len(due), tx.Commit()
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
