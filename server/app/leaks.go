package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"apikeys/ent/keys"
	"apikeys/server/clientaddr"
	"apikeys/server/ratelimit"
	"apikeys/server/reply"
)

// leakReportsPerAddress bounds the leak reports of one address: 60 an hour.
var leakReportsPerAddress = ratelimit.Rate{Burst: 60, Every: time.Minute}

// reportLeaks is POST /credentials/revoke, unauthenticated, the shape of GitHub's
// public "revoke a list of credentials" API: {"credentials": ["gak_…", …]}, 1 to 1,000.
// Every active key among them is revoked at once (reason LEAKED). The answer is always
// 202 Accepted without a body that says which keys existed; a malformed body is 400.
func (a *App) reportLeaks(limit *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ip := clientaddr.Of(r)
		if wait := limit.Take(ip); wait > 0 {
			reply.RateLimited(w, wait)
			return
		}
		var body struct {
			Credentials []string `json:"credentials"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil || dec.Decode(&struct{}{}) != io.EOF {
			reply.Error(w, http.StatusBadRequest, reply.CodeBadUserInput, `the body must be {"credentials": ["gak_…", …]}`)
			return
		}
		if n := len(body.Credentials); n < 1 || n > keys.MaxLeakReport {
			reply.Error(w, http.StatusBadRequest, reply.CodeBadUserInput, fmt.Sprintf("credentials must list 1 to %d keys", keys.MaxLeakReport))
			return
		}
		if _, err := a.Keys.ReportLeaked(r.Context(), body.Credentials, keys.Leak{Address: ip}); err != nil {
			if !errors.Is(err, r.Context().Err()) {
				a.Log.ErrorContext(r.Context(), "leak report", "err", err)
			}
			reply.Error(w, http.StatusServiceUnavailable, reply.CodeInternal, "the report could not be handled: send it again")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte("{}\n"))
	}
}
