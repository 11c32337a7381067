package graph

import (
	"context"

	"apikeys/ent/apikey"
	"apikeys/ent/auditentry"
	"apikeys/ent/organization"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/serviceaccount"
	"apikeys/ent/user"
	"apikeys/ent/viewer"
)

// tableOfPrefix maps the prefix of an id (see ent/schema) to its table, so that
// node(id) finds any type. Sessions have no GraphQL type and no entry.
var tableOfPrefix = map[string]string{
	"org": organization.Table,
	"usr": user.Table,
	"sa":  serviceaccount.Table,
	"key": apikey.Table,
	"aud": auditentry.Table,
}

func nodeType(ctx context.Context, id pulid.ID) (string, error) {
	t, ok := tableOfPrefix[id.Prefix()]
	if !ok {
		return "", notFound()
	}
	// People are listed to admins only (users); node must not be a way around that.
	// Refused by type, whether or not the id exists, so it tells nothing; anyone may
	// read themselves.
	if v := viewer.FromContext(ctx); t == user.Table && !v.IsAdminUser() && (v == nil || v.ID != id) {
		return "", forbidden("only admins may read people")
	}
	if t == auditentry.Table && !viewer.FromContext(ctx).ReadsAuditTrail() {
		return "", forbidden("only admins may read the audit trail")
	}
	return t, nil
}
