package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"
)

// defaultAuditLimit is how many entries `audit list` shows without --limit.
const defaultAuditLimit = 50

// jsonEntry is an audit entry as --json prints it.
type jsonEntry struct {
	ID              string         `json:"id"`
	CreatedAt       time.Time      `json:"createdAt"`
	Action          string         `json:"action"`
	ActorKind       string         `json:"actorKind"`
	ActorName       string         `json:"actorName"`
	ActorDeleted    bool           `json:"actorDeleted"`
	TargetKind      string         `json:"targetKind"`
	TargetID        string         `json:"targetId"`
	TargetName      string         `json:"targetName"`
	TargetMaskedKey *string        `json:"targetMaskedKey"`
	Metadata        map[string]any `json:"metadata"`
}

// `apikeys audit list [--action A,B] [--limit N] [--json]`: the newest entries first.
func listAudit(ctx context.Context, s *session, args []string) error {
	fs := flag.NewFlagSet("audit list", flag.ContinueOnError)
	actionList := fs.String("action", "", "only these actions, comma-separated (API_KEY_CREATED,API_KEY_REVOKED)")
	limit := fs.Int("limit", defaultAuditLimit, "how many entries, newest first")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *limit < 1 {
		return usagef("--limit %d: give 1 or more", *limit)
	}
	actions, err := parseActions(*actionList)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	entries := []jsonEntry{}
	after := ""
	for len(entries) < *limit {
		page, err := ListAuditEntries(ctx, c, actions, after, min(*limit-len(entries), pageSize))
		if err != nil {
			return err
		}
		for _, e := range page.AuditEntries.Edges {
			n := e.Node
			entries = append(entries, jsonEntry{
				ID: n.Id, CreatedAt: n.CreatedAt, Action: string(n.Action), ActorKind: string(n.ActorKind),
				ActorName: n.ActorName, ActorDeleted: n.ActorDeleted, TargetKind: string(n.TargetKind),
				TargetID: n.TargetID, TargetName: n.TargetName, TargetMaskedKey: nonEmpty(n.TargetMaskedKey),
				Metadata: n.Metadata,
			})
		}
		info := page.AuditEntries.PageInfo
		if !info.HasNextPage {
			break
		}
		if after, err = nextCursor(after, info.EndCursor); err != nil {
			return err
		}
	}
	entries = entries[:min(len(entries), *limit)]
	if *asJSON {
		return s.printJSON(entries)
	}
	if len(entries) == 0 {
		_, err := fmt.Fprintln(s.stdout, "No audit entries.")
		return err
	}
	t := &table{}
	t.row("TIME", "ACTION", "ACTOR", "TARGET")
	for _, e := range entries {
		actor := e.ActorName
		if e.ActorDeleted {
			actor += " (deleted user)"
		}
		target := e.TargetName
		if e.TargetMaskedKey != nil {
			target += " " + *e.TargetMaskedKey
		}
		t.row(e.CreatedAt.Local().Format(time.DateTime), e.Action, actor, target)
	}
	return t.write(s.stdout)
}

// parseActions reads --action: action names, comma-separated, in any case.
func parseActions(list string) ([]AuditEntryAction, error) {
	var actions []AuditEntryAction
	for _, name := range strings.Split(list, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		a := AuditEntryAction(strings.ToUpper(name))
		if !slices.Contains(AllAuditEntryAction, a) {
			names := make([]string, len(AllAuditEntryAction))
			for i, a := range AllAuditEntryAction {
				names[i] = string(a)
			}
			return nil, usagef("--action %q is not an action; the actions are %s", name, strings.Join(names, ", "))
		}
		actions = append(actions, a)
	}
	return actions, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
