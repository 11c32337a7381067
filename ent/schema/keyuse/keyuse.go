// Package keyuse is where an API key was used from (APIKey.recentClients), a value type
// of the Ent schema kept in its own package so that the generated code can name it.
package keyuse

import "time"

// Client is an address a key was used from.
type Client struct {
	Address    string    `json:"address"`
	UserAgent  string    `json:"userAgent"`
	LastSeenAt time.Time `json:"lastSeenAt"`
}

// MaxClients is how many client addresses a key remembers (GitLab keeps 5).
const MaxClients = 5

// Merge returns recent with c as the newest: one entry per address, newest first, at
// most MaxClients.
func Merge(recent []Client, c Client) []Client {
	out := make([]Client, 0, MaxClients)
	out = append(out, c)
	for _, r := range recent {
		if len(out) == MaxClients {
			break
		}
		if r.Address != c.Address {
			out = append(out, r)
		}
	}
	return out
}
