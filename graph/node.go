package graph

import (
	"context"

	"apikeys/ent/apikey"
	"apikeys/ent/auditentry"
	"apikeys/ent/organization"
	"apikeys/ent/schema/pulid"
	"apikeys/ent/serviceaccount"
	"apikeys/ent/user"
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

func nodeType(_ context.Context, id pulid.ID) (string, error) {
	if t, ok := tableOfPrefix[id.Prefix()]; ok {
		return t, nil
	}
	return "", notFound()
}
