package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"

	"apikeys/ent/keys"
	"apikeys/server/clientaddr"
	"apikeys/server/reply"
)

// gitHubScanningKeys are the public keys GitHub's secret scanning signs its reports
// with, by key identifier.
type gitHubScanningKeys map[string]*ecdsa.PublicKey

// loadGitHubScanningKeys reads a key list in the format GitHub publishes at
// https://api.github.com/meta/public_keys/secret_scanning:
// {"public_keys": [{"key_identifier": "…", "key": "-----BEGIN PUBLIC KEY-----…", "is_current": true}]}.
// The server never fetches it: operators keep the file up to date.
func loadGitHubScanningKeys(path string) (gitHubScanningKeys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list struct {
		PublicKeys []struct {
			KeyIdentifier string `json:"key_identifier"`
			Key           string `json:"key"`
		} `json:"public_keys"`
	}
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := gitHubScanningKeys{}
	for _, k := range list.PublicKeys {
		block, _ := pem.Decode([]byte(k.Key))
		if block == nil {
			return nil, fmt.Errorf("%s: key %q is not PEM", path, k.KeyIdentifier)
		}
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", path, k.KeyIdentifier, err)
		}
		ec, ok := pub.(*ecdsa.PublicKey)
		if !ok || ec.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%s: key %q is not an ECDSA P-256 key", path, k.KeyIdentifier)
		}
		out[k.KeyIdentifier] = ec
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no public_keys", path)
	}
	return out, nil
}

// gitHubSecretScanning is POST /secret-scanning/github, GitHub's secret scanning partner
// endpoint: a report [{"token", "type", "url", "source"}] signed with ECDSA P-256 over
// the raw body (Github-Public-Key-Identifier, Github-Public-Key-Signature). Each active
// key reported is revoked (reason LEAKED, the url and source in the audit entry); the
// answer lists the keys that were this server's as true positives.
func (a *App) gitHubSecretScanning(pubs gitHubScanningKeys) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			reply.Error(w, http.StatusBadRequest, reply.CodeBadUserInput, "the body could not be read")
			return
		}
		pub := pubs[r.Header.Get("Github-Public-Key-Identifier")]
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get("Github-Public-Key-Signature"))
		digest := sha256.Sum256(body)
		if pub == nil || err != nil || !ecdsa.VerifyASN1(pub, digest[:], sig) {
			reply.Error(w, http.StatusUnauthorized, reply.CodeUnauthenticated, "the report's signature does not verify")
			return
		}
		var report []struct {
			Token  string `json:"token"`
			Type   string `json:"type"`
			URL    string `json:"url"`
			Source string `json:"source"`
		}
		if err := json.Unmarshal(body, &report); err != nil || len(report) == 0 || len(report) > keys.MaxLeakReport {
			reply.Error(w, http.StatusBadRequest, reply.CodeBadUserInput, fmt.Sprintf("the body must be a list of 1 to %d {token, type, url, source}", keys.MaxLeakReport))
			return
		}
		type match struct {
			TokenRaw  string `json:"token_raw"`
			TokenType string `json:"token_type"`
			Label     string `json:"label"`
		}
		// One transaction per place a report names (most reports name one), not per key.
		byPlace := map[keys.Leak][]string{}
		for _, m := range report {
			leak := keys.Leak{Address: clientaddr.Of(r), URL: m.URL, Source: m.Source}
			byPlace[leak] = append(byPlace[leak], m.Token)
		}
		known := map[string]bool{}
		for leak, tokens := range byPlace {
			found, err := a.Keys.ReportLeaked(r.Context(), tokens, leak)
			if err != nil {
				if !errors.Is(err, r.Context().Err()) {
					a.Log.ErrorContext(r.Context(), "GitHub secret scanning report", "err", err)
				}
				reply.Error(w, http.StatusServiceUnavailable, reply.CodeInternal, "the report could not be handled: send it again")
				return
			}
			maps.Copy(known, found)
		}
		answer := []match{}
		for _, m := range report {
			if known[m.Token] {
				answer = append(answer, match{TokenRaw: m.Token, TokenType: m.Type, Label: "true_positive"})
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(answer)
	}
}
