package keys

// The key lifecycle: create, rotate, rename, revoke and end (expiry and the end of a
// rotation's overlap). Every caller goes through here: the GraphQL resolvers, the
// expiry sweeper, later the command line and the leak reports. The rules (who may,
// what an expiry may be, the key policy) live here once.

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"time"

	"apikeys/ent"
	"apikeys/ent/apikey"
	"apikeys/ent/audit"
	"apikeys/ent/auditentry"
	"apikeys/ent/organization"
	"apikeys/ent/privacy"
	"apikeys/ent/problem"
	"apikeys/ent/schema"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/serviceaccount"
	"apikeys/ent/viewer"
)

const (
	// MaxLifetime is the furthest expiry of any key.
	MaxLifetime = schema.MaxKeyLifetimeDays * 24 * time.Hour
	// MaxOverlap is the longest a rotated key keeps working beside its successor.
	MaxOverlap = 30 * 24 * time.Hour
	// ClockSkew is how far ahead of the server's clock a client's may be when it asks
	// for the longest lifetime allowed.
	ClockSkew = 5 * time.Minute
)

// Caches are the verification caches of every instance. A key that stops working, or
// whose expiry or service account changes, is dropped from them when the transaction of
// c commits (on PostgreSQL, NOTIFY tells the other instances); its next use reads it anew.
// A new key is made known to them likewise, so that its first use is looked up even
// from an address whose failed lookups are spent.
type Caches interface {
	Revoked(ctx context.Context, c *ent.Client, secretHashes ...[]byte) error
	Created(ctx context.Context, c *ent.Client, secretHash []byte) error
}

// Lifecycle changes keys. Its methods take the client of the transaction that makes the
// change (the GraphQL mutation's), so that the change, the tab counters and the audit
// entry commit together; the sweeper opens its own.
type Lifecycle struct {
	// Client is the database, for the sweeper's transactions.
	Client *ent.Client
	// Caches hears of every key that stops working; nil when nothing caches keys.
	Caches Caches
	// Events hears of every change, for live subscribers; nil when nobody listens.
	Events Events
}

// NewKey is what an admin asks for.
type NewKey struct {
	Name            string
	Role            serviceaccount.Role
	ExpiresAt       *time.Time // nil: never (unless the key policy requires an expiry)
	AllowedNetworks []string   // nil or empty: any address
}

// Created is a new key and its secret, which is shown once.
type Created struct {
	Key    *ent.APIKey
	Secret string
}

// Rotated is the new key of a rotation, its secret, and the key it replaces.
type Rotated struct {
	Created
	Previous *ent.APIKey
}

// Create makes a service account and its key, for the viewer's organization.
func (l *Lifecycle) Create(ctx context.Context, c *ent.Client, in NewKey) (*Created, error) {
	v := viewer.FromContext(ctx)
	if !v.CanManageKeys() {
		return nil, problem.Forbidden("only admins may create API keys")
	}
	org, err := lockOrganization(ctx, c, v, 1, 0)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	expires, err := checkExpiry(PolicyOf(org), now, in.ExpiresAt)
	if err != nil {
		return nil, err
	}
	networks, err := ParseNetworks(in.AllowedNetworks)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	sa := c.ServiceAccount.Create().SetName(name).SetRole(in.Role)
	if v.Kind == viewer.KindServiceAccount {
		sa.SetCreatedByServiceAccountID(v.ID)
	} else {
		sa.SetCreatedByID(v.ID)
	}
	account, err := sa.Save(ctx)
	if err != nil {
		return nil, err
	}
	created, err := l.newKey(ctx, c, v, account, expires, networks, "")
	if err != nil {
		return nil, err
	}
	meta := audit.Metadata{}
	if expires != nil {
		meta["expiresAt"] = *expires
	}
	if len(networks) > 0 {
		meta["allowedNetworks"] = networks
	}
	if err := l.record(ctx, c, auditentry.ActionAPI_KEY_CREATED, created.Key, meta); err != nil {
		return nil, err
	}
	return created, nil
}

// newKey stores a new key of account, made by v (replacing the key replaces, if any).
func (l *Lifecycle) newKey(ctx context.Context, c *ent.Client, v *viewer.Viewer, account *ent.ServiceAccount, expires *time.Time, networks []string, replaces pulid.ID) (*Created, error) {
	secret, err := Generate()
	if err != nil {
		return nil, err
	}
	hash := sha256.Sum256([]byte(secret))
	create := c.APIKey.Create().
		SetSecretHash(hash[:]).SetPrefix(Prefix).SetLastFour(LastFour(secret)).
		SetName(account.Name).SetServiceAccount(account).
		SetNillableExpiresAt(expires)
	if len(networks) > 0 {
		create.SetAllowedNetworks(networks)
	}
	if v.Kind == viewer.KindServiceAccount {
		create.SetCreatedByServiceAccountID(v.ID)
	} else {
		create.SetCreatedByID(v.ID)
	}
	if replaces != "" {
		create.SetReplacesID(replaces)
	}
	k, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	if l.Caches != nil {
		if err := l.Caches.Created(ctx, c, k.SecretHash); err != nil {
			return nil, err
		}
	}
	k.Edges.ServiceAccount = account
	return &Created{Key: k, Secret: secret}, nil
}

// Revoke ends an active key at once and for good.
func (l *Lifecycle) Revoke(ctx context.Context, c *ent.Client, id pulid.ID) (*ent.APIKey, error) {
	v := viewer.FromContext(ctx)
	if !v.CanManageKeys() {
		return nil, problem.Forbidden("only admins may revoke API keys")
	}
	k, err := c.APIKey.Query().Where(apikey.ID(id)).WithServiceAccount().Only(ctx)
	if err != nil {
		return nil, err // NOT_FOUND when it is not there (or not in this company)
	}
	if err := l.revoke(ctx, c, v, k, apikey.RevocationReasonMANUAL, time.Now()); err != nil {
		return nil, err
	}
	if err := l.record(ctx, c, auditentry.ActionAPI_KEY_REVOKED, k, nil); err != nil {
		return nil, err
	}
	return c.APIKey.Get(ctx, k.ID)
}

// revoke ends k now for reason, by v (nil: the system), with the tab counters; a key
// no longer active is bad input. Conditional on ACTIVE, so that of concurrent endings
// exactly one succeeds.
func (l *Lifecycle) revoke(ctx context.Context, c *ent.Client, v *viewer.Viewer, k *ent.APIKey, reason apikey.RevocationReason, at time.Time) error {
	update := c.APIKey.Update().
		Where(apikey.ID(k.ID), apikey.StatusEQ(apikey.StatusACTIVE)).
		SetStatus(apikey.StatusREVOKED).
		SetRevokedAt(at.UTC()).
		SetRevocationReason(reason)
	switch {
	case v == nil || v.Kind == viewer.KindSystem:
	case v.Kind == viewer.KindServiceAccount:
		update.SetRevokedByServiceAccountID(v.ID)
	default:
		update.SetRevokedByID(v.ID)
	}
	n, err := update.Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return problem.Input("id", "this API key is already revoked")
	}
	if err := adjustCounts(ctx, c, k.OrganizationID, -1, 1); err != nil {
		return err
	}
	if l.Caches != nil {
		return l.Caches.Revoked(ctx, c, k.SecretHash)
	}
	return nil
}

// Rotate replaces an active key by a new one for the same service account (same name
// and role), shown once. The old key keeps working until previousExpiresAt (nil: it
// ends at once, reason ROTATED), at most 30 days ahead and not after its own expiry;
// then the sweeper ends it. The new key's lifetime is the old one's, within the policy;
// its allowed networks are allowedNetworks, or (nil) the old key's.
func (l *Lifecycle) Rotate(ctx context.Context, c *ent.Client, id pulid.ID, previousExpiresAt *time.Time, allowedNetworks *[]string) (*Rotated, error) {
	v := viewer.FromContext(ctx)
	if !v.CanManageKeys() {
		return nil, problem.Forbidden("only admins may rotate API keys")
	}
	var networks []string
	if allowedNetworks != nil {
		var err error
		if networks, err = ParseNetworks(*allowedNetworks); err != nil {
			return nil, err
		}
	}
	old, err := c.APIKey.Query().Where(apikey.ID(id)).WithServiceAccount().WithReplacedBy().Only(ctx)
	if err != nil {
		return nil, err
	}
	if old.Status != apikey.StatusACTIVE {
		return nil, problem.Input("id", "this API key is revoked: only an active key can be rotated")
	}
	if old.Edges.ReplacedBy != nil {
		return nil, problem.Input("id", "this API key was already rotated")
	}
	now := time.Now()
	if previousExpiresAt != nil {
		at := previousExpiresAt.Truncate(time.Second)
		switch {
		case !at.After(now):
			return nil, problem.Input("previousKeyExpiresAt", "must be in the future (or left out to end the key at once)")
		case at.After(now.Add(MaxOverlap)):
			return nil, problem.Input("previousKeyExpiresAt", "can be at most 30 days ahead")
		case old.ExpiresAt != nil && at.After(*old.ExpiresAt):
			return nil, problem.Input("previousKeyExpiresAt", "cannot be after the key's own expiry")
		}
		previousExpiresAt = &at
	}
	// The old key first, then the counters, in the order of revoke and the sweeper.
	if previousExpiresAt == nil {
		if err := l.revoke(ctx, c, v, old, apikey.RevocationReasonROTATED, now); err != nil {
			return nil, err
		}
	} else {
		n, err := c.APIKey.Update().
			Where(apikey.ID(old.ID), apikey.StatusEQ(apikey.StatusACTIVE)).
			SetExpiresAt(*previousExpiresAt).
			Save(ctx)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, problem.Input("id", "this API key is revoked: only an active key can be rotated")
		}
		// A cached key carries its expiry: the caches read the new one.
		if l.Caches != nil {
			if err := l.Caches.Revoked(ctx, c, old.SecretHash); err != nil {
				return nil, err
			}
		}
	}
	org, err := lockOrganization(ctx, c, v, 1, 0)
	if err != nil {
		return nil, err
	}
	var lifetime *time.Time
	if old.ExpiresAt != nil {
		at := now.Add(old.ExpiresAt.Sub(old.CreatedAt))
		lifetime = &at
	}
	expires := PolicyOf(org).fit(now, lifetime)
	if allowedNetworks == nil {
		networks = old.AllowedNetworks
	}
	created, err := l.newKey(ctx, c, v, old.Edges.ServiceAccount, expires, networks, old.ID)
	if ent.IsConstraintError(err) { // a concurrent rotation replaced it first
		return nil, problem.Input("id", "this API key was already rotated")
	} else if err != nil {
		return nil, err
	}
	meta := audit.Metadata{"newKeyId": created.Key.ID, "newMaskedKey": created.Key.MaskedKey()}
	if previousExpiresAt != nil {
		meta["previousKeyExpiresAt"] = *previousExpiresAt
	}
	if err := l.record(ctx, c, auditentry.ActionAPI_KEY_ROTATED, old, meta); err != nil {
		return nil, err
	}
	previous, err := c.APIKey.Get(ctx, old.ID)
	if err != nil {
		return nil, err
	}
	return &Rotated{Created: *created, Previous: previous}, nil
}

// Change is what updateAPIKey changes; nil fields stay as they are.
type Change struct {
	Name            *string
	AllowedNetworks *[]string // [] for any address
}

// Update renames a key's service account (and so every key of it; past audit entries
// keep the name they had) and/or sets the networks the key may be used from, with one
// API_KEY_UPDATED entry holding the old and new values.
func (l *Lifecycle) Update(ctx context.Context, c *ent.Client, id pulid.ID, ch Change) (*ent.APIKey, error) {
	v := viewer.FromContext(ctx)
	if !v.CanManageKeys() {
		return nil, problem.Forbidden("only admins may change API keys")
	}
	var networks []string
	if ch.AllowedNetworks != nil {
		var err error
		if networks, err = ParseNetworks(*ch.AllowedNetworks); err != nil {
			return nil, err
		}
	}
	k, err := c.APIKey.Query().Where(apikey.ID(id)).WithServiceAccount().Only(ctx)
	if err != nil {
		return nil, err
	}
	meta := audit.Metadata{}
	var forget []*ent.APIKey // cached keys carry their name and networks
	if ch.Name != nil {
		name, old := strings.TrimSpace(*ch.Name), k.Edges.ServiceAccount.Name
		if name != old {
			account, err := c.ServiceAccount.UpdateOneID(k.ServiceAccountID).SetName(name).Save(ctx)
			if err != nil {
				return nil, err
			}
			// The name is kept beside each key too, for sorting and search.
			if forget, err = c.APIKey.Query().Where(apikey.ServiceAccountID(account.ID)).All(ctx); err != nil {
				return nil, err
			}
			if err := c.APIKey.Update().Where(apikey.ServiceAccountID(account.ID)).SetName(name).Exec(ctx); err != nil {
				return nil, err
			}
			meta["name"] = audit.Change(old, name)
		}
	}
	if ch.AllowedNetworks != nil && !slices.Equal(networks, k.Networks()) {
		if err := c.APIKey.UpdateOneID(k.ID).SetAllowedNetworks(networks).Exec(ctx); err != nil {
			return nil, err
		}
		meta["allowedNetworks"] = audit.Change(k.Networks(), networks)
		forget = append(forget, k)
	}
	if len(meta) == 0 {
		return k, nil
	}
	if l.Caches != nil {
		hashes := make([][]byte, len(forget))
		for i, r := range forget {
			hashes[i] = r.SecretHash
		}
		if err := l.Caches.Revoked(ctx, c, hashes...); err != nil {
			return nil, err
		}
	}
	k, err = c.APIKey.Query().Where(apikey.ID(id)).WithServiceAccount().Only(ctx)
	if err != nil {
		return nil, err
	}
	if err := l.record(ctx, c, auditentry.ActionAPI_KEY_UPDATED, k, meta); err != nil {
		return nil, err
	}
	return k, nil
}

// Counts are the tab counters: the organization's active and revoked keys.
type Counts struct{ Active, Revoked int }

// CountsOf returns the viewer's organization's tab counters (one row, however many keys).
func CountsOf(ctx context.Context, c *ent.Client) (Counts, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return Counts{}, privacy.Deny
	}
	org, err := c.Organization.Query().Where(organization.ID(v.OrgID)).
		Select(organization.FieldActiveKeyCount, organization.FieldRevokedKeyCount).Only(ctx)
	if err != nil {
		return Counts{}, err
	}
	return Counts{Active: org.ActiveKeyCount, Revoked: org.RevokedKeyCount}, nil
}

// Of returns the counter of the tab of status.
func (n Counts) Of(status apikey.Status) int {
	if status == apikey.StatusREVOKED {
		return n.Revoked
	}
	return n.Active
}

// lockOrganization changes the viewer's organization's tab counters, which locks its
// row until the transaction ends (changes to one organization's keys happen one after
// the other), and returns it.
func lockOrganization(ctx context.Context, c *ent.Client, v *viewer.Viewer, active, revoked int) (*ent.Organization, error) {
	return c.Organization.UpdateOneID(v.OrgID).
		AddActiveKeyCount(active).
		AddRevokedKeyCount(revoked).
		Save(privacy.DecisionContext(ctx, privacy.Allow))
}

func adjustCounts(ctx context.Context, c *ent.Client, org pulid.ID, active, revoked int) error {
	return c.Organization.UpdateOneID(org).
		AddActiveKeyCount(active).
		AddRevokedKeyCount(revoked).
		Exec(privacy.DecisionContext(ctx, privacy.Allow))
}

// target is the audit entry's target for k.
func target(k *ent.APIKey) audit.Target {
	return audit.Target{Kind: auditentry.TargetKindAPI_KEY, ID: k.ID, Name: k.Name}
}

// checkExpiry checks a new key's expiry against the limits and the policy, and returns
// it to the second (what the key caches compare).
func checkExpiry(p Policy, now time.Time, at *time.Time) (*time.Time, error) {
	if at == nil {
		if p.RequireExpiry || p.MaxLifetimeDays != nil {
			return nil, problem.Input("expiresAt", "the company's key policy requires an expiry date")
		}
		return nil, nil
	}
	t := at.Truncate(time.Second).UTC()
	// The upper bounds allow for a client clock a little ahead of the server's: the
	// admin app sends "30 days from now" by its own clock.
	latest := now.Add(ClockSkew)
	switch {
	case !t.After(now):
		return nil, problem.Input("expiresAt", "must be in the future")
	case t.After(latest.Add(MaxLifetime)):
		return nil, problem.Input("expiresAt", "can be at most 5 years ahead")
	case p.MaxLifetimeDays != nil && t.After(latest.Add(time.Duration(*p.MaxLifetimeDays)*24*time.Hour)):
		return nil, problem.Input("expiresAt", fmt.Sprintf("the company's key policy allows keys of at most %d days", *p.MaxLifetimeDays))
	}
	return &t, nil
}
