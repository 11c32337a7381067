package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pageSize is the most the API gives in one page.
const pageSize = 100

// jsonKey is a key as --json prints it: these names are a promise to scripts.
type jsonKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	MaskedKey  string     `json:"maskedKey"`
	Role       string     `json:"role"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	RevokedAt  *time.Time `json:"revokedAt"`
}

func keyOf(k KeyFields) jsonKey {
	return jsonKey{
		ID: k.Id, Name: k.Name, MaskedKey: k.MaskedKey, Role: string(k.ServiceAccount.Role),
		Status: string(k.Status), CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt,
		LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt,
	}
}

// `apikeys keys list [--revoked] [--json]`: every active (or revoked) key, page after page.
func listKeys(ctx context.Context, s *session, args []string) error {
	fs := flag.NewFlagSet("keys list", flag.ContinueOnError)
	revoked := fs.Bool("revoked", false, "list the revoked keys instead of the active ones")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	status := APIKeyStatusActive
	if *revoked {
		status = APIKeyStatusRevoked
	}
	keys := []jsonKey{}
	after := ""
	for {
		page, err := ListAPIKeys(ctx, c, status, after, pageSize)
		if err != nil {
			return err
		}
		for _, e := range page.ApiKeys.Edges {
			keys = append(keys, keyOf(e.Node.KeyFields))
		}
		info := page.ApiKeys.PageInfo
		if !info.HasNextPage {
			break
		}
		if after, err = nextCursor(after, info.EndCursor); err != nil {
			return err
		}
	}
	if *asJSON {
		return s.printJSON(keys)
	}
	if len(keys) == 0 {
		_, err := fmt.Fprintf(s.stdout, "No %s keys.\n", strings.ToLower(string(status)))
		return err
	}
	t := &table{}
	last, lastTitle := func(k jsonKey) string { return when(k.LastUsedAt, "never") }, "LAST USED"
	if *revoked {
		last, lastTitle = func(k jsonKey) string { return when(k.RevokedAt, "") }, "REVOKED"
	}
	t.row("ID", "NAME", "KEY", "ROLE", "CREATED", "EXPIRES", lastTitle)
	for _, k := range keys {
		t.row(k.ID, k.Name, k.MaskedKey, k.Role, when(&k.CreatedAt, ""), when(k.ExpiresAt, "never"), last(k))
	}
	return t.write(s.stdout)
}

// nextCursor is the cursor of the page after the one asked with after: a server that
// said there is more without a new cursor would make the command loop forever.
func nextCursor(after, end string) (string, error) {
	if end == "" || end == after {
		return "", errors.New("the server said there is another page but gave no cursor to it")
	}
	return end, nil
}

// `apikeys keys create NAME [--role ADMIN|VIEWER] [--expires …] [--quiet | --json]`.
func createKey(ctx context.Context, s *session, args []string) error {
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	role := fs.String("role", string(ServiceAccountRoleViewer), "ADMIN or VIEWER")
	expires := fs.String("expires", "", "when the key stops working: a number of days (30d), a duration (12h), a date (2027-01-31, at this time of day) or a time (RFC 3339); none: never, unless the key policy requires an expiry")
	out := secretFlags(fs)
	pos, err := parse(fs, args, "NAME")
	if err != nil {
		return err
	}
	if err := out.check(); err != nil {
		return err
	}
	r := ServiceAccountRole(strings.ToUpper(*role))
	if !slices.Contains(AllServiceAccountRole, r) {
		return usagef("--role %q: use ADMIN or VIEWER", *role)
	}
	var expiresAt *time.Time
	if *expires != "" {
		at, err := parseExpiry(*expires, time.Now())
		if err != nil {
			return err
		}
		expiresAt = &at
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	res, err := CreateAPIKey(ctx, c, pos[0], r, expiresAt)
	if err != nil {
		return err
	}
	created := keyOf(res.CreateAPIKey.ApiKey.KeyFields)
	switch {
	case out.quiet:
		return s.printSecret(res.CreateAPIKey.Secret)
	case out.json:
		return s.printJSON(struct {
			APIKey jsonKey `json:"apiKey"`
			Secret string  `json:"secret"`
		}{created, res.CreateAPIKey.Secret})
	}
	fmt.Fprintf(s.stdout, "Created the key %q (%s).\n\n", printable(created.Name), created.Role)
	s.printKey(created)
	return s.printNewSecret(res.CreateAPIKey.Secret)
}

// `apikeys keys rotate ID [--overlap 24h] [--quiet | --json]`: a new key for the same
// service account; the old one keeps working for the overlap (none: it stops at once).
func rotateKey(ctx context.Context, s *session, args []string) error {
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	overlap := fs.String("overlap", "", "how long the current key keeps working beside the new one: a duration (24h) or days (7d), at most 30 days; none: it stops at once")
	out := secretFlags(fs)
	pos, err := parse(fs, args, "ID")
	if err != nil {
		return err
	}
	if err := out.check(); err != nil {
		return err
	}
	var until *time.Time
	if *overlap != "" {
		d, err := parseLength(*overlap)
		if err != nil || d < 0 {
			return usagef("--overlap %q: use a duration (24h, 90m) or a number of days (7d)", *overlap)
		}
		if d > 0 {
			at := time.Now().Add(d)
			until = &at
		}
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	res, err := RotateAPIKey(ctx, c, pos[0], until)
	if err != nil {
		return err
	}
	rotated, previous := keyOf(res.RotateAPIKey.ApiKey.KeyFields), keyOf(res.RotateAPIKey.PreviousKey.KeyFields)
	switch {
	case out.quiet:
		return s.printSecret(res.RotateAPIKey.Secret)
	case out.json:
		return s.printJSON(struct {
			APIKey      jsonKey `json:"apiKey"`
			Secret      string  `json:"secret"`
			PreviousKey jsonKey `json:"previousKey"`
		}{rotated, res.RotateAPIKey.Secret, previous})
	}
	fmt.Fprintf(s.stdout, "Rotated the key %q: its new key is %s.\n", printable(rotated.Name), rotated.ID)
	if previous.Status == string(APIKeyStatusActive) && previous.ExpiresAt != nil {
		fmt.Fprintf(s.stdout, "The previous key %s (%s) keeps working until %s.\n\n", previous.MaskedKey, previous.ID, when(previous.ExpiresAt, ""))
	} else {
		fmt.Fprintf(s.stdout, "The previous key %s (%s) no longer works.\n\n", previous.MaskedKey, previous.ID)
	}
	s.printKey(rotated)
	return s.printNewSecret(res.RotateAPIKey.Secret)
}

// `apikeys keys revoke ID [--json]`.
func revokeKey(ctx context.Context, s *session, args []string) error {
	fs := flag.NewFlagSet("keys revoke", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the revoked key as JSON")
	pos, err := parse(fs, args, "ID")
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	res, err := RevokeAPIKey(ctx, c, pos[0])
	if err != nil {
		return err
	}
	k := keyOf(res.RevokeAPIKey.ApiKey.KeyFields)
	if *asJSON {
		return s.printJSON(k)
	}
	_, err = fmt.Fprintf(s.stdout, "Revoked the key %q (%s, %s): it no longer works.\n", printable(k.Name), k.MaskedKey, k.ID)
	return err
}

// `apikeys keys rename ID NAME [--json]`: renames the key's service account.
func renameKey(ctx context.Context, s *session, args []string) error {
	fs := flag.NewFlagSet("keys rename", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the renamed key as JSON")
	pos, err := parse(fs, args, "ID", "NAME")
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	res, err := RenameAPIKey(ctx, c, pos[0], pos[1])
	if err != nil {
		return err
	}
	k := keyOf(res.UpdateAPIKey.ApiKey.KeyFields)
	if *asJSON {
		return s.printJSON(k)
	}
	_, err = fmt.Fprintf(s.stdout, "Renamed the key %s (%s) to %q.\n", k.ID, k.MaskedKey, printable(k.Name))
	return err
}

// secretOutput is how create and rotate show the new key: with its details (the
// default), as JSON, or the secret alone (--quiet) for KEY=$(apikeys keys create …).
type secretOutput struct{ quiet, json bool }

func secretFlags(fs *flag.FlagSet) *secretOutput {
	o := &secretOutput{}
	fs.BoolVar(&o.quiet, "quiet", false, "print only the new key's secret, alone on its line")
	fs.BoolVar(&o.json, "json", false, "print the new key and its secret as JSON")
	return o
}

func (o *secretOutput) check() error {
	if o.quiet && o.json {
		return usagef("--quiet and --json exclude each other")
	}
	return nil
}

func (s *session) printKey(k jsonKey) {
	t := &table{}
	t.row("ID", k.ID)
	t.row("Name", k.Name)
	t.row("Key", k.MaskedKey)
	t.row("Role", k.Role)
	t.row("Status", k.Status)
	t.row("Created", when(&k.CreatedAt, ""))
	t.row("Expires", when(k.ExpiresAt, "never"))
	_ = t.write(s.stdout)
}

func (s *session) printSecret(secret string) error {
	_, err := fmt.Fprintln(s.stdout, secret)
	return err
}

func (s *session) printNewSecret(secret string) error {
	_, err := fmt.Fprintf(s.stdout, "\n%s\n\nCopy this key now: it is shown only once and cannot be read again.\n", secret)
	return err
}

// when is a time as the tables show it, in local time to the minute, or none for null.
func when(t *time.Time, none string) string {
	if t == nil || t.IsZero() {
		return none
	}
	return t.Local().Format("2006-01-02 15:04")
}

// parseExpiry reads --expires: days ("30d", 30 × 24 hours from now, as the admin app's
// choices), a duration ("12h"), a date ("2027-01-31", at the present time of day, as the
// app's custom date) or a time (RFC 3339).
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if d, err := parseLength(s); err == nil {
		if d <= 0 {
			return time.Time{}, usagef("--expires %q: the key would never work", s)
		}
		return now.Add(d), nil
	}
	if day, err := time.ParseInLocation(time.DateOnly, s, now.Location()); err == nil {
		h, m, sec := now.Clock()
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, sec, 0, now.Location()), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--expires %q: use a number of days (30d), a duration (12h), a date (2027-01-31) or a time (2027-01-31T12:00:00Z)", s)
}

// parseLength reads a number of days ("7d") or a Go duration ("24h", "90m").
func parseLength(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days > 100*365 || days < -100*365 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}
