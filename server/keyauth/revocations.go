package keyauth

import (
	"context"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/keys"
	"apikeys/server/pglisten"
)

// The PostgreSQL channels on which revocations and new keys are announced.
const (
	revocationChannel = "apikeys_revoked"
	creationChannel   = "apikeys_created"
)

// Created is called by the key lifecycle with the client of its transaction for a new
// key: it becomes known here at once (a key rolled back costs one lookup at most) and,
// on PostgreSQL, on every instance when the transaction commits.
func (v *Verifier) Created(ctx context.Context, c *ent.Client, secretHash []byte) error {
	v.known.add(secretHash)
	if !v.announce {
		return nil
	}
	_, err := c.ExecContext(ctx, "SELECT pg_notify($1, $2)", creationChannel, hex.EncodeToString(secretHash))
	return err
}

// Revoked is called by the key lifecycle (ent/keys) with the client of its transaction
// for keys that stop working or change: on PostgreSQL it sends one NOTIFY per key in
// that transaction, in one statement (delivered to every instance when, and only if,
// it commits); this instance drops the keys from its cache once it commits.
func (v *Verifier) Revoked(ctx context.Context, c *ent.Client, secretHashes ...[]byte) error {
	var hs []keys.Hash
	for _, sh := range secretHashes {
		if h, ok := hashOf(sh); ok {
			hs = append(hs, h)
		}
	}
	if len(hs) == 0 {
		return nil
	}
	if v.announce {
		// Each payload: the key's hash and when the revocation was sent (for the lag).
		sent := ":" + strconv.FormatInt(time.Now().UnixNano(), 10)
		payloads := make([]string, len(hs))
		for i, h := range hs {
			payloads[i] = hex.EncodeToString(h[:]) + sent
		}
		if _, err := c.ExecContext(ctx, "SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", revocationChannel, pq.Array(payloads)); err != nil {
			return err
		}
	}
	audit.AfterCommit(ctx, func() {
		for _, h := range hs {
			v.cache.revoked(h)
		}
	})
	return nil
}

// Listen subscribes to the revocations and new keys of every instance (PostgreSQL). The
// cache serves only while the subscription is up: it is bypassed until the first
// connection and flushed and bypassed on every disconnection (what was announced
// meanwhile is lost; the known keys are reloaded). Listen returns at once; the
// subscription lives until ctx ends.
func (v *Verifier) Listen(ctx context.Context, dsn string) {
	v.announce = true
	v.cache.flush(true)
	_, err := pglisten.Listen(ctx, dsn, []string{revocationChannel, creationChannel}, pglisten.Handler{
		Up: func(up bool, err error) {
			if up {
				v.cache.resume()
				v.Log.Info("keyauth: listening for revocations")
				return
			}
			v.cache.flush(true)
			v.Log.Warn("keyauth: revocation listener disconnected: cache bypassed", "err", err)
		},
		Missed: func() {
			v.cache.resume()
			if v.known.reload() {
				go v.loadKnown(ctx)
			}
		},
		Notify: v.notified,
	})
	if err != nil {
		v.Log.Error("keyauth: listening for revocations", "err", err)
	}
}

// notified takes a notice of another instance: a new key, or a revoked one.
func (v *Verifier) notified(channel, payload string) {
	if channel == creationChannel {
		if h, ok := parseHex(payload); ok {
			v.known.add(h[:])
		}
		return
	}
	hash, sent, _ := strings.Cut(payload, ":")
	if h, ok := parseHex(hash); ok {
		v.cache.revoked(h)
	}
	if ns, err := strconv.ParseInt(sent, 10, 64); err == nil {
		v.Metrics.RevocationLag(time.Since(time.Unix(0, ns)))
	}
}
