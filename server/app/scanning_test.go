package app_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"apikeys/ent/keys"
	"apikeys/server/app"
)

// gitHubScanner is a test's own GitHub secret scanning: a P-256 key pair and the key
// list file in GitHub's published format.
type gitHubScanner struct {
	id   string
	key  *ecdsa.PrivateKey
	file string
}

func newGitHubScanner(t *testing.T) *gitHubScanner {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherDER, _ := x509.MarshalPKIXPublicKey(&other.PublicKey)
	pemOf := func(der []byte) string { return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})) }
	list, _ := json.Marshal(map[string]any{"public_keys": []map[string]any{
		{"key_identifier": "old-key", "key": pemOf(otherDER), "is_current": false},
		{"key_identifier": "current-key", "key": pemOf(der), "is_current": true},
	}})
	file := filepath.Join(t.TempDir(), "github-keys.json")
	if err := os.WriteFile(file, list, 0o600); err != nil {
		t.Fatal(err)
	}
	return &gitHubScanner{id: "current-key", key: key, file: file}
}

// report posts body to the endpoint, signed with the scanner's key (or not, if forged).
func (g *gitHubScanner) report(t *testing.T, s *server, body string, id string, forged bool) *response {
	t.Helper()
	digest := sha256.Sum256([]byte(body))
	sig, err := ecdsa.SignASN1(rand.Reader, g.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	if forged {
		digest := sha256.Sum256([]byte(body + " "))
		sig, _ = ecdsa.SignASN1(rand.Reader, g.key, digest[:])
	}
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/secret-scanning/github", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Github-Public-Key-Identifier", id)
	req.Header.Set("Github-Public-Key-Signature", base64.StdEncoding.EncodeToString(sig))
	return s.browser().do(req)
}

func TestGitHubSecretScanningRevokesReportedKeys(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		scanner := newGitHubScanner(t)
		s := newServer(t, app.Config{DatabaseURL: url, GitHubScanningKeys: scanner.file})
		admin := s.newTenant("Acme").admin
		leaked := admin.createKey("Leaked in a commit", "VIEWER")
		kept := admin.createKey("Kept", "VIEWER")
		unknown, _ := keys.Generate()
		report, _ := json.Marshal([]map[string]string{
			{"token": leaked.Secret, "type": "apikeys_key", "url": "https://github.com/acme/erp/blob/abc/config.yml", "source": "commit"},
			{"token": unknown, "type": "apikeys_key", "url": "https://github.com/x/y", "source": "commit"},
		})

		// A forged signature, or an unknown key id: refused, nothing revoked.
		expectCode(t, scanner.report(t, s, string(report), scanner.id, true), http.StatusUnauthorized, "UNAUTHENTICATED")
		expectCode(t, scanner.report(t, s, string(report), "someone-else", false), http.StatusUnauthorized, "UNAUTHENTICATED")
		if st := s.status(leaked.Secret); st != http.StatusOK {
			t.Fatalf("after forged reports the key: HTTP %d", st)
		}

		r := scanner.report(t, s, string(report), scanner.id, false)
		if r.Status != http.StatusOK {
			t.Fatalf("signed report: HTTP %d %s", r.Status, r.Body)
		}
		var answer []map[string]string
		if err := json.Unmarshal([]byte(r.Body), &answer); err != nil {
			t.Fatal(err)
		}
		if len(answer) != 1 || answer[0]["token_raw"] != leaked.Secret || answer[0]["token_type"] != "apikeys_key" || answer[0]["label"] != "true_positive" {
			t.Fatalf("answer: %s", r.Body)
		}
		if st := s.status(leaked.Secret); st != http.StatusUnauthorized {
			t.Fatalf("the reported key: HTTP %d", st)
		}
		if st := s.status(kept.Secret); st != http.StatusOK {
			t.Fatalf("the key not reported: HTTP %d", st)
		}
		var out struct {
			AuditEntries struct {
				Edges []struct {
					Node struct{ Metadata map[string]any }
				}
			}
		}
		admin.must(&out, `{ auditEntries(where: {action: API_KEY_REPORTED_LEAKED}) { edges { node { metadata } } } }`, nil)
		if len(out.AuditEntries.Edges) != 1 {
			t.Fatalf("%d leak entries", len(out.AuditEntries.Edges))
		}
		if m := out.AuditEntries.Edges[0].Node.Metadata; m["url"] != "https://github.com/acme/erp/blob/abc/config.yml" || m["source"] != "commit" {
			t.Fatalf("metadata: %v", m)
		}
		// Reported again (GitHub retries): still a true positive, nothing more happens.
		r = scanner.report(t, s, string(report), scanner.id, false)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "true_positive") {
			t.Fatalf("second report: HTTP %d %s", r.Status, r.Body)
		}
	})
}

// Without APIKEYS_GITHUB_SCANNING_KEYS the endpoint does not exist.
func TestGitHubSecretScanningNeedsItsKeys(t *testing.T) {
	databases(t, func(t *testing.T, url string) {
		s := newServer(t, app.Config{DatabaseURL: url})
		scanner := newGitHubScanner(t)
		expectCode(t, scanner.report(t, s, `[]`, scanner.id, false), http.StatusNotFound, "NOT_FOUND")
	})
}
